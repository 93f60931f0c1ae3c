// The torrent-client kinds the daemon can poll, dispatched from a plain map (no import side effects).

import type { TargetConfig } from "../collect/target-config.ts";
import { DelugeSource } from "./deluge/index.ts";
import { QbittorrentSource } from "./qbittorrent/index.ts";
import { RtorrentSource } from "./rtorrent/index.ts";
import type { SourceContext, TorrentSource } from "./source.ts";
import { TransmissionSource } from "./transmission/index.ts";

type Factory = (config: TargetConfig, context: SourceContext) => TorrentSource;

const FACTORIES: Readonly<Record<string, Factory>> = {
  deluge: (config, context) =>
    new DelugeSource(
      {
        url: config.url,
        username: config.username ?? "",
        password: config.password?.reveal() ?? "",
        tls: config.tls,
      },
      context,
    ),
  transmission: (config, context) =>
    new TransmissionSource(
      {
        url: config.url,
        credentials:
          config.username === undefined && config.password === undefined
            ? undefined
            : { username: config.username ?? "", password: config.password?.reveal() ?? "" },
        tls: config.tls,
      },
      context,
    ),
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
  rtorrent: (config, context) =>
    new RtorrentSource(
      {
        url: config.url,
        ...(config.username === undefined ? {} : { username: config.username }),
        ...(config.password === undefined ? {} : { password: config.password.reveal() }),
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
