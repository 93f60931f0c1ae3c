// One torrent-client target: its source, its table of torrents and its session counters.

import {
  createSessionCounters,
  SESSION_METRIC as M,
  type SessionCounters,
} from "@seedwatch/metrics";
import type { TargetConfig } from "../config/config.ts";
import type { Logger } from "../log.ts";
import { TorrentStatus } from "../model/status.ts";
import { TorrentTable } from "../model/torrent-table.ts";
import { TrackerNamer } from "../model/tracker.ts";
import type { ClientStatus, SourceContext, TorrentSource } from "../sources/source.ts";
import type { RetiredStore } from "../store/retired-store.ts";
import { PollingTarget } from "./polling-target.ts";
import type { TargetSummary } from "./target.ts";

const PROGRESS_EVERY_MS = 5000;

/** What a torrent target needs from the daemon. */
export interface TorrentTargetDeps {
  readonly log: Logger;
  readonly retired: RetiredStore | undefined;
  readonly createSource: (config: TargetConfig, context: SourceContext) => TorrentSource;
  readonly now?: () => number;
}

/**
 * Polls one torrent client through its source and applies the changes to its table. When the
 * client is down nothing of it is exported but its health; the table keeps its rows so
 * per-tracker counters carry on when the client is back.
 */
export class TorrentTarget extends PollingTarget {
  readonly table: TorrentTable;
  readonly session: SessionCounters;
  /** Client figures of the last successful poll. */
  client: ClientStatus | undefined;
  readonly #source: TorrentSource;
  readonly #retired: RetiredStore | undefined;
  #progressLoggedAt = 0;

  constructor(config: TargetConfig, deps: TorrentTargetDeps) {
    super(config, deps.log, deps.now);
    this.#retired = deps.retired;
    this.table = new TorrentTable(
      new TrackerNamer(config.tracker),
      deps.retired?.load(config.name) ?? [],
    );
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
    this.client = result.client;
    this.#fillSessionFromTable();
    this.#persistRetired();
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

  #persistRetired(): void {
    const dirty = this.table.takeDirtyRetired();
    if (dirty.length === 0 || this.#retired === undefined) return;
    const retired = this.table.retired;
    try {
      this.#retired.save(
        this.config.name,
        dirty.flatMap((tracker) => {
          const bytes = retired.get(tracker);
          return bytes === undefined ? [] : [[tracker, bytes] as const];
        }),
      );
    } catch (error) {
      this.log.error("could not persist retired tracker totals", { err: error });
    }
  }
}
