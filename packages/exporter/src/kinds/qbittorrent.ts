// The qbittorrent target kind: a qBittorrent client's source, built only when a qbittorrent target is configured.

import { QbittorrentSource } from "../sources/qbittorrent/index.ts";
import { credentialsOf, type SourceFactory, torrentClient } from "./target-factory.ts";

/** A qBittorrent target's source, from its config. */
export const source: SourceFactory = (config, context) =>
  new QbittorrentSource(
    { url: config.url, credentials: credentialsOf(config), tls: config.tls },
    context,
  );

/** A qBittorrent target and its collector. */
export const kind = torrentClient(source);
