// Every kind of target the daemon polls, in one map: how a target's config becomes a target and its collector.

import { DeviceTarget } from "./collect/device-target.ts";
import type { TargetConfig, TargetType } from "./collect/target-config.ts";
import type { TargetEntry } from "./collect/target-set.ts";
import { TorrentTarget } from "./collect/torrent-target.ts";
import type { Logger } from "./log.ts";
import { LinxdotCollector } from "./render/miner-collector.ts";
import { TorrentTargetCollector } from "./render/torrent-target-collector.ts";
import { Credentials } from "./sources/credentials.ts";
import { DelugeSource } from "./sources/deluge/index.ts";
import { LinxdotSource } from "./sources/linxdot/index.ts";
import { QbittorrentSource } from "./sources/qbittorrent/index.ts";
import { RtorrentSource } from "./sources/rtorrent/index.ts";
import type { SourceContext, TorrentSource } from "./sources/source.ts";
import { TransmissionSource } from "./sources/transmission/index.ts";
import type { CounterStore } from "./store/counter-store.ts";

/** What building a target may use. */
export interface TargetDeps {
  readonly log: Logger;
  /** Where torrent clients' tracker counters persist; without it they start from zero on every start. */
  readonly counters: CounterStore | undefined;
  /** Replaces a torrent client's own source (tests and benchmarks). */
  readonly createSource?: (config: TargetConfig, context: SourceContext) => TorrentSource;
  /** The clock (tests give a fake one). */
  readonly now?: () => number;
}

/** How one type of target is built: its target (which carries its kind) and its collector. */
export type TargetFactory = (config: TargetConfig, deps: TargetDeps) => TargetEntry;

/** A torrent client: its source's changes kept in a table, rendered by the torrent collector. */
function torrentClient(
  createSource: (config: TargetConfig, context: SourceContext) => TorrentSource,
): TargetFactory {
  return (config, deps) => {
    const target = new TorrentTarget(config, {
      log: deps.log,
      counters: deps.counters,
      createSource: deps.createSource ?? createSource,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    return { target, collector: new TorrentTargetCollector(target, deps.log) };
  };
}

const linxdot: TargetFactory = (config, deps) => {
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

/** How each torrent client's source is made from its target's config. */
type SourceFactory = (config: TargetConfig, context: SourceContext) => TorrentSource;

/**
 * A target's credentials as its source takes them: the Secrets themselves, revealed only where a
 * request is built.
 */
function credentialsOf(config: TargetConfig): Credentials {
  return new Credentials({
    username: config.username,
    password: config.password,
    apiKey: config.apiKey,
  });
}

/** The source of every torrent client type. */
const TORRENT_SOURCES = {
  qbittorrent: (config, context) =>
    new QbittorrentSource(
      { url: config.url, credentials: credentialsOf(config), tls: config.tls },
      context,
    ),
  transmission: (config, context) =>
    new TransmissionSource(
      { url: config.url, credentials: credentialsOf(config), tls: config.tls },
      context,
    ),
  deluge: (config, context) =>
    new DelugeSource(
      { url: config.url, credentials: credentialsOf(config), tls: config.tls },
      context,
    ),
  rtorrent: (config, context) =>
    new RtorrentSource(
      { url: config.url, credentials: credentialsOf(config), tls: config.tls },
      context,
    ),
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
 * here does not compile.
 */
export const TARGET_KINDS: Readonly<Record<TargetType, TargetFactory>> = {
  qbittorrent: torrentClient(TORRENT_SOURCES.qbittorrent),
  transmission: torrentClient(TORRENT_SOURCES.transmission),
  deluge: torrentClient(TORRENT_SOURCES.deluge),
  rtorrent: torrentClient(TORRENT_SOURCES.rtorrent),
  linxdot,
};

/** Builds the target and the collector of a configured target. */
export function buildTarget(config: TargetConfig, deps: TargetDeps): TargetEntry {
  const build = TARGET_KINDS[config.type] as TargetFactory | undefined;
  if (build === undefined)
    throw new Error(`target ${config.name}: type ${config.type} is not supported`);
  return build(config, deps);
}
