// Every kind of target the daemon polls, in one map: how a target's config becomes a target and its collector.

import type { TargetConfig, TargetType } from "./collect/target-config.ts";
import type { TargetEntry } from "./collect/target-set.ts";
import * as deluge from "./kinds/deluge.ts";
import * as linxdot from "./kinds/linxdot.ts";
import * as qbittorrent from "./kinds/qbittorrent.ts";
import * as rtorrent from "./kinds/rtorrent.ts";
import type { SourceFactory, TargetDeps, TargetFactory } from "./kinds/target-factory.ts";
import * as transmission from "./kinds/transmission.ts";
import type { SourceContext, TorrentSource } from "./sources/source.ts";

export type { TargetDeps, TargetFactory } from "./kinds/target-factory.ts";

/** The source of every torrent client type. */
const TORRENT_SOURCES = {
  qbittorrent: qbittorrent.source,
  transmission: transmission.source,
  deluge: deluge.source,
  rtorrent: rtorrent.source,
} satisfies Record<string, SourceFactory>;

/** A torrent client's own source for a target's config (the golden tests replay through it). */
export function createTorrentSource(config: TargetConfig, context: SourceContext): TorrentSource {
  const create = (TORRENT_SOURCES as Record<string, SourceFactory | undefined>)[config.type];
  if (create === undefined)
    throw new Error(`target ${config.name}: ${config.type} is not a torrent client`);
  return create(config, context);
}

/**
 * Every target type and how to build it, as blackbox_exporter keeps its probers: a plain map, no
 * import side effects. A type of the config's list (collect/target-config.ts) without an entry
 * here does not compile. It loads every kind's code; the daemon loads only the kinds it is
 * configured with (target-loader.ts).
 */
export const TARGET_KINDS: Readonly<Record<TargetType, TargetFactory>> = {
  qbittorrent: qbittorrent.kind,
  transmission: transmission.kind,
  deluge: deluge.kind,
  rtorrent: rtorrent.kind,
  linxdot: linxdot.kind,
};

/** Builds the target and the collector of a configured target. */
export function buildTarget(config: TargetConfig, deps: TargetDeps): TargetEntry {
  const build = TARGET_KINDS[config.type] as TargetFactory | undefined;
  if (build === undefined)
    throw new Error(`target ${config.name}: type ${config.type} is not supported`);
  return build(config, deps);
}
