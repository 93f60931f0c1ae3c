// The transmission target kind: a Transmission client's source, built only when a transmission target is configured.

import { TransmissionSource } from "../sources/transmission/index.ts";
import { credentialsOf, type SourceFactory, torrentClient } from "./target-factory.ts";

/** A Transmission target's source, from its config. */
export const source: SourceFactory = (config, context) =>
  new TransmissionSource(
    { url: config.url, credentials: credentialsOf(config), tls: config.tls },
    context,
  );

/** A Transmission target and its collector. */
export const kind = torrentClient(source);
