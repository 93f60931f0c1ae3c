// One torrent-client target: its source, its table of torrents and its session counters.

import {
  createSessionCounters,
  SESSION_METRIC as M,
  type SessionCounters,
} from "@seedwatch/metrics";
import type { Logger } from "../log.ts";
import type { PeerCounts } from "../model/peer-counts.ts";
import { TorrentStatus } from "../model/status.ts";
import { TorrentTable } from "../model/torrent-table.ts";
import { TrackerNamer } from "../model/tracker.ts";
import type { ClientStatus, SourceContext, TorrentSource } from "../sources/source.ts";
import type { CounterStore } from "../store/counter-store.ts";
import { PollingTarget } from "./polling-target.ts";
import type { TargetSummary } from "./target.ts";
import type { TargetConfig } from "./target-config.ts";

const PROGRESS_EVERY_MS = 5000;

/** What a torrent target needs from the daemon. */
export interface TorrentTargetDeps {
  readonly log: Logger;
  /** Where tracker counters persist; without it they start from zero on every start. */
  readonly counters: CounterStore | undefined;
  readonly createSource: (config: TargetConfig, context: SourceContext) => TorrentSource;
  readonly now?: () => number;
}

/**
 * Polls one torrent client through its source and applies the changes to its table. When the
 * client is down nothing of it is exported but its health; the table keeps its rows so
 * per-tracker counters carry on when the client is back.
 */
export class TorrentTarget extends PollingTarget {
  readonly kind = "torrent";
  readonly table: TorrentTable;
  readonly session: SessionCounters;
  /** Client figures of the last successful poll. */
  client: ClientStatus | undefined;
  /** Connected peers by kind as of the last poll, where the client tells them. */
  peers: PeerCounts | undefined;
  readonly #source: TorrentSource;
  /** Polls whose tracker counters could not be saved. */
  counterSaveErrors = 0;
  readonly #counters: CounterStore | undefined;
  #counterSaveFailing = false;
  #progressLoggedAt = 0;

  constructor(config: TargetConfig, deps: TorrentTargetDeps) {
    super(config, deps.log, deps.now);
    this.#counters = deps.counters;
    this.table = new TorrentTable(new TrackerNamer(config.tracker), {
      ...(deps.counters === undefined ? {} : { restored: deps.counters.load(config.name) }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    this.session = createSessionCounters();
    this.#source = deps.createSource(config, {
      target: config.name,
      session: this.session,
      onUnknownState: (state) =>
        this.log.warn("unknown torrent state, exported as status 10 (Undefined)", { state }),
      onProgress: (loaded, total) => this.#progress(loaded, total),
    });
  }

  get bytesReceived(): number {
    return this.#source.bytesReceived;
  }

  summary(): TargetSummary {
    return { torrents: this.table.size, ...(this.client ? { version: this.client.version } : {}) };
  }

  /** Removes torrents through the client (the removal API checks permission first). */
  remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    return this.#source.remove(hashes, deleteData, signal);
  }

  protected async pollOnce(signal: AbortSignal): Promise<Readonly<Record<string, unknown>>> {
    this.#progressLoggedAt = 0;
    const result = await this.#source.poll(signal);
    this.table.apply(result);
    // Saved before anything can export the new figures: after a kill -9, storage is never behind
    // what Prometheus or the archive has seen.
    this.#saveCounters();
    this.client = result.client;
    this.peers = result.peers;
    this.#fillSessionFromTable();
    return { torrents: this.table.size, version: result.client.version };
  }

  protected close(): Promise<void> {
    return this.#source.close();
  }

  /** One log line every few seconds while a long answer (a first sync of a big box) is read. */
  #progress(loaded: number, total: number | undefined): void {
    const now = this.now();
    if (now - this.#progressLoggedAt < PROGRESS_EVERY_MS) return;
    if (this.#progressLoggedAt === 0) {
      this.#progressLoggedAt = now;
      return;
    }
    this.#progressLoggedAt = now;
    this.log.info("sync in progress", {
      torrents_loaded: loaded,
      torrents_total: total ?? "unknown",
    });
  }

  /** Session figures every client implies through its torrent list. */
  #fillSessionFromTable(): void {
    const classes = this.table.classes;
    this.session.set(M.SES_NUM_TORRENTS, this.table.size);
    this.session.set(M.SES_ACTIVE_TORRENTS, classes.started);
    this.session.set(M.PEER_NUM_SEEDING_TORRENTS, classes.seeding);
    this.session.set(M.PEER_NUM_DOWNLOADING_TORRENTS, classes.downloading);
    this.session.set(M.PEER_NUM_PAUSED_TORRENTS, classes.stopped);
    this.session.set(
      M.PEER_NUM_CHECKING_TORRENTS,
      this.table.statuses[TorrentStatus.Checking] ?? 0,
    );
  }

  #saveCounters(): void {
    if (this.#counters === undefined) {
      this.table.markCountersSaved();
      return;
    }
    try {
      this.#counters.save(this.config.name, this.table.counterChanges());
      this.table.markCountersSaved();
      if (this.#counterSaveFailing) this.log.info("tracker counters are saved again");
      this.#counterSaveFailing = false;
    } catch (error) {
      // Kept in memory and written with the next poll's changes.
      this.counterSaveErrors++;
      if (!this.#counterSaveFailing)
        this.log.error("could not save tracker counters; retrying with every poll", { err: error });
      this.#counterSaveFailing = true;
    }
  }
}
