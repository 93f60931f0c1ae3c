// Builds the right target and collector for each configured type, from a plain map (no import side effects).

import type { Logger } from "../log.ts";
import { LinxdotCollector } from "../render/miner-collector.ts";
import { TorrentTargetCollector } from "../render/torrent-target-collector.ts";
import { LinxdotSource } from "../sources/linxdot/index.ts";
import { TORRENT_SOURCE_TYPES } from "../sources/registry.ts";
import type { SourceContext, TorrentSource } from "../sources/source.ts";
import type { CounterStore } from "../store/counter-store.ts";
import { DeviceTarget } from "./device-target.ts";
import type { TargetEntry } from "./target.ts";
import type { TargetConfig } from "./target-config.ts";
import { TorrentTarget } from "./torrent-target.ts";

/** What building a target may use. */
export interface TargetDeps {
  readonly log: Logger;
  readonly counters: CounterStore | undefined;
  /** Creates a torrent client's source (tests and benchmarks substitute their own). */
  readonly createSource: (config: TargetConfig, context: SourceContext) => TorrentSource;
  /** The clock (tests give a fake one). */
  readonly now?: () => number;
}

type Builder = (config: TargetConfig, deps: TargetDeps) => TargetEntry;

const torrent: Builder = (config, deps) => {
  const target = new TorrentTarget(config, deps);
  return { target, collector: new TorrentTargetCollector(target, deps.log) };
};

const linxdot: Builder = (config, deps) => {
  const { username, password } = config;
  if (username === undefined || password === undefined)
    throw new Error(`target ${config.name}: a linxdot target needs username and password`);
  const target = new DeviceTarget(config, {
    log: deps.log,
    ...(deps.now === undefined ? {} : { now: deps.now }),
    createSource: (c, context) =>
      new LinxdotSource(
        { url: c.url, username, password, plainCredentials: c.plainCredentials, tls: c.tls },
        context,
      ),
  });
  return { target, collector: new LinxdotCollector(target) };
};

/** Every target type and how to build it: each torrent client with a source, and each device kind. */
export const TARGET_BUILDERS: Readonly<Record<string, Builder>> = {
  ...Object.fromEntries(TORRENT_SOURCE_TYPES.map((type) => [type, torrent])),
  linxdot,
};

/** Builds the target for a configured type. */
export function buildTarget(config: TargetConfig, deps: TargetDeps): TargetEntry {
  const build = TARGET_BUILDERS[config.type];
  if (build === undefined)
    throw new Error(`target ${config.name}: type ${config.type} is not supported`);
  return build(config, deps);
}
