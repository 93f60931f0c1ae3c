// The rtorrent target kind: a rTorrent client's source, built only when a rtorrent target is configured.

import { RtorrentSource } from "../sources/rtorrent/index.ts";
import { credentialsOf, type SourceFactory, torrentClient } from "./target-factory.ts";

/** A rTorrent target's source, from its config. */
export const source: SourceFactory = (config, context) =>
  new RtorrentSource(
    { url: config.url, credentials: credentialsOf(config), tls: config.tls },
    context,
  );

/** A rTorrent target and its collector. */
export const kind = torrentClient(source);
