// The torrent-client kinds the daemon can poll, dispatched from a plain map (no import side effects).

import type { TargetConfig } from "../config/config.ts";
import { QbittorrentSource } from "./qbittorrent/index.ts";
import type { SourceContext, TorrentSource } from "./source.ts";

type Factory = (config: TargetConfig, context: SourceContext) => TorrentSource;

const FACTORIES: Readonly<Record<string, Factory>> = {
  qbittorrent: (config, context) =>
    new QbittorrentSource(
      {
        url: config.url,
        credentials:
          config.apiKey !== undefined
            ? { apiKey: config.apiKey.reveal() }
            : { username: config.username ?? "", password: config.password?.reveal() ?? "" },
        tls: config.tls,
      },
      context,
    ),
};

/** Torrent-client types with a source. */
export const TORRENT_SOURCE_TYPES: readonly string[] = Object.keys(FACTORIES);

/** Creates the source for a torrent-client target. */
export function createTorrentSource(config: TargetConfig, context: SourceContext): TorrentSource {
  const factory = FACTORIES[config.type];
  if (factory === undefined)
    throw new Error(`target ${config.name}: type ${config.type} has no torrent source`);
  return factory(config, context);
}
