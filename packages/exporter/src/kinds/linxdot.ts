// The linxdot target kind: a Linxdot miner polled as a device, built only when one is configured.

import { DeviceTarget } from "../collect/device-target.ts";
import { LinxdotCollector } from "../render/miner-collector.ts";
import { LinxdotSource } from "../sources/linxdot/index.ts";
import { credentialsOf, type TargetFactory } from "./target-factory.ts";

/** A Linxdot miner target and its collector; it needs a username and a password. */
export const kind: TargetFactory = (config, deps) => {
  if (config.username === undefined || config.password === undefined)
    throw new Error(`target ${config.name}: a linxdot target needs username and password`);
  const credentials = credentialsOf(config);
  const target = new DeviceTarget(config, {
    log: deps.log,
    ...(deps.now === undefined ? {} : { now: deps.now }),
    createSource: (c, context) =>
      new LinxdotSource(
        { url: c.url, credentials, plainCredentials: c.plainCredentials, tls: c.tls },
        context,
      ),
  });
  return { target, collector: new LinxdotCollector(target) };
};
