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
import { ClientProcess, type ProcessFigures, processEndpoint, runsHere } from "./client-process.ts";
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
  /** False: never look for the client's process (a replay of recorded answers, whose URL names no real client). */
  readonly findProcess?: boolean;
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
  /** The client's process when it runs on this machine; undefined for a remote one. */
  #process: ClientProcess | undefined;
  #processFailing = false;
  readonly #findProcess: boolean;
  /** What the client's process used at the last successful poll; undefined when not found. */
  process: ProcessFigures | undefined;

  constructor(config: TargetConfig, deps: TorrentTargetDeps) {
    super(config, deps.log, deps.now);
    this.#counters = deps.counters;
    this.table = new TorrentTable(new TrackerNamer(config.tracker), {
      ...(deps.counters === undefined ? {} : { restored: deps.counters.load(config.name) }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    this.session = createSessionCounters();
    this.#findProcess = deps.findProcess !== false;
    const endpoint = this.#findProcess ? processEndpoint(config.type, config.url) : undefined;
    this.#process = endpoint === undefined ? undefined : new ClientProcess(endpoint);
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
    this.#followEngineUrl(result.client.engine?.engineUrl);
    this.process = await this.#sampleProcess(result.client.engine?.pid);
    this.peers = result.peers;
    this.#fillSessionFromTable();
    return { torrents: this.table.size, version: result.client.version };
  }

  /**
   * When the client started: its own account where it gives one, else its process's start time
   * when it runs on this machine; undefined otherwise.
   */
  get clientStartTimeSeconds(): number | undefined {
    return this.client?.engine?.startTimeSeconds ?? this.process?.startTimeSeconds;
  }

  protected close(): Promise<void> {
    return this.#source.close();
  }

  /**
   * Looks for the engine where the source says it listens (deluge-web's daemon), but only when
   * the front end itself runs here: a host name in the front end's list is relative to it.
   */
  #followEngineUrl(url: string | undefined): void {
    if (url === undefined || !this.#findProcess) return;
    if (!runsHere(this.config.url)) return;
    const endpoint = processEndpoint(this.config.type, url);
    const current = this.#process?.endpoint;
    if (endpoint === undefined) this.#process = undefined;
    else if (JSON.stringify(endpoint) !== JSON.stringify(current))
      this.#process = new ClientProcess(endpoint);
  }

  /** The process figures; a /proc it cannot read or understand costs them, never the poll. */
  async #sampleProcess(pid: number | undefined): Promise<ProcessFigures | undefined> {
    if (this.#process === undefined) return undefined;
    try {
      const figures = await this.#process.sample(pid);
      this.#processFailing = false;
      return figures;
    } catch (error) {
      if (!this.#processFailing)
        this.log.warn("could not read the client's process in /proc; its figures are left out", {
          err: error,
        });
      this.#processFailing = true;
      return undefined;
    }
  }

  /** One log line every few seconds while a long answer (a first sync of a big box) is read. */
  #progress(loaded: number, total: number | undefined): void {
    this.progressed();
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
