// The deluge target kind: a Deluge client's source, built only when a deluge target is configured.

import { DelugeSource } from "../sources/deluge/index.ts";
import { credentialsOf, type SourceFactory, torrentClient } from "./target-factory.ts";

/** A Deluge target's source, from its config. */
export const source: SourceFactory = (config, context) =>
  new DelugeSource(
    { url: config.url, credentials: credentialsOf(config), tls: config.tls },
    context,
  );

/** A Deluge target and its collector. */
export const kind = torrentClient(source);
