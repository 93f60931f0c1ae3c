// What building a target takes and gives, and the torrent-client recipe every torrent kind shares.

import type { TargetConfig } from "../collect/target-config.ts";
import type { TargetEntry } from "../collect/target-set.ts";
import { TorrentTarget } from "../collect/torrent-target.ts";
import type { Logger } from "../log.ts";
import { TorrentTargetCollector } from "../render/torrent-target-collector.ts";
import { Credentials } from "../sources/credentials.ts";
import type { SourceContext, TorrentSource } from "../sources/source.ts";
import type { CounterStore } from "../store/counter-store.ts";

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

/** How a torrent client's source is made from its target's config. */
export type SourceFactory = (config: TargetConfig, context: SourceContext) => TorrentSource;

/** A torrent client: its source's changes kept in a table, rendered by the torrent collector. */
export function torrentClient(createSource: SourceFactory): TargetFactory {
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

/**
 * A target's credentials as its source takes them: the Secrets themselves, revealed only where a
 * request is built.
 */
export function credentialsOf(config: TargetConfig): Credentials {
  return new Credentials({
    username: config.username,
    password: config.password,
    apiKey: config.apiKey,
  });
}
