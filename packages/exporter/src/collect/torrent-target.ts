// One torrent-client target: its source, its table, its poll loop with timeouts, backoff and single-flight refreshes.

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
import { type PollErrorReason, SourceError } from "../sources/errors.ts";
import type { ClientStatus, SourceContext, TorrentSource } from "../sources/source.ts";
import type { RetiredStore } from "../store/retired-store.ts";
import { backoffDelay } from "./backoff.ts";

/** Why polls failed, for the error counter (every reason is always exported). */
export const POLL_ERROR_REASONS: readonly (PollErrorReason | "other")[] = [
  "auth",
  "banned",
  "timeout",
  "connection",
  "http",
  "protocol",
  "other",
];

/** What a target needs from the daemon. */
export interface TorrentTargetDeps {
  readonly log: Logger;
  readonly retired: RetiredStore | undefined;
  readonly createSource: (config: TargetConfig, context: SourceContext) => TorrentSource;
  readonly now?: () => number;
}

/** A target's health, as the renderers and the dashboard read it. */
export interface TargetHealth {
  readonly up: boolean;
  /** ms since the epoch; 0 when never. */
  readonly lastAttemptAt: number;
  readonly lastSuccessAt: number;
  /** Seconds the last poll took. */
  readonly lastDuration: number;
  readonly lastError: string | undefined;
  readonly consecutiveFailures: number;
  /** The next poll is not attempted before this (ms since the epoch). */
  readonly notBefore: number;
}

/**
 * Owns one torrent client: polls it in the background every `pollInterval`, or sooner when a
 * scrape asks for fresher data, never two polls at once. A failed poll marks the target down
 * (and nothing of it is exported but its health) and backs off; the table keeps its rows so
 * per-tracker counters carry on when the client is back.
 */
export class TorrentTarget {
  readonly config: TargetConfig;
  readonly table: TorrentTable;
  readonly session: SessionCounters;
  readonly errors = new Map<PollErrorReason | "other", number>(
    POLL_ERROR_REASONS.map((r) => [r, 0]),
  );
  polls = 0;
  /** Client figures of the last successful poll. */
  client: ClientStatus | undefined;
  #health: TargetHealth = {
    up: false,
    lastAttemptAt: 0,
    lastSuccessAt: 0,
    lastDuration: 0,
    lastError: undefined,
    consecutiveFailures: 0,
    notBefore: 0,
  };
  #generation = 0;
  readonly #source: TorrentSource;
  readonly #deps: TorrentTargetDeps;
  readonly #log: Logger;
  readonly #closing = new AbortController();
  #inflight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastReason: string | undefined;

  constructor(config: TargetConfig, deps: TorrentTargetDeps) {
    this.config = config;
    this.#deps = deps;
    this.#log = deps.log.child({ target: config.name });
    this.table = new TorrentTable(
      new TrackerNamer(config.tracker),
      deps.retired?.load(config.name) ?? [],
    );
    this.session = createSessionCounters();
    this.#source = deps.createSource(config, {
      target: config.name,
      session: this.session,
      onUnknownState: (state) =>
        this.#log.warn("unknown torrent state, exported as status 10 (Undefined)", { state }),
    });
  }

  get health(): TargetHealth {
    return this.#health;
  }

  /** Changes whenever health or data change: renderers cache on (table version, generation). */
  get generation(): number {
    return this.#generation;
  }

  /** Bytes received from the client so far. */
  get bytesReceived(): number {
    return this.#source.bytesReceived;
  }

  /** Starts the background loop with an immediate first poll. */
  start(): void {
    this.#schedule(0);
  }

  /** Stops polling and closes the client session. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#closing.abort(new Error("target stopped"));
    await this.#inflight?.catch(() => {});
    await this.#source.close().catch(() => {});
  }

  /**
   * Polls now unless the data is younger than `maxAgeMs` (or the target is backing off), and
   * waits for that poll at most until `deadline` (ms since the epoch). Shares a poll in flight.
   */
  async refreshIfOlderThan(maxAgeMs: number, deadline: number): Promise<void> {
    const now = this.#now();
    if (now - this.#health.lastAttemptAt < maxAgeMs || now < this.#health.notBefore) {
      if (this.#inflight === undefined) return;
    }
    const poll = this.#inflight ?? this.#poll();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - now));
    });
    await Promise.race([poll, timeout]);
    clearTimeout(timer);
  }

  /** Removes torrents through the client (the removal API checks permission first). */
  remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    return this.#source.remove(hashes, deleteData, signal);
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    if (this.#closing.signal.aborted) return;
    this.#timer = setTimeout(() => {
      const poll = this.#inflight ?? this.#poll();
      void poll.finally(() => this.#schedule(this.#nextDelay()));
    }, delay);
    this.#timer.unref();
  }

  #nextDelay(): number {
    const now = this.#now();
    return Math.max(
      this.#health.notBefore - now,
      this.#health.lastAttemptAt + this.config.pollInterval - now,
      0,
    );
  }

  #poll(): Promise<void> {
    const run = this.#pollOnce().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  async #pollOnce(): Promise<void> {
    const started = this.#now();
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.config.timeout),
      this.#closing.signal,
    ]);
    try {
      const result = await this.#source.poll(signal);
      this.table.apply(result);
      this.client = result.client;
      this.#fillSessionFromTable();
      this.#persistRetired();
      this.polls++;
      if (!this.#health.up) {
        this.#log.info(this.#health.lastAttemptAt === 0 ? "target is up" : "target is up again", {
          torrents: this.table.size,
          version: result.client.version,
        });
      }
      this.#lastReason = undefined;
      this.#health = {
        up: true,
        lastAttemptAt: started,
        lastSuccessAt: this.#now(),
        lastDuration: (this.#now() - started) / 1000,
        lastError: undefined,
        consecutiveFailures: 0,
        notBefore: 0,
      };
    } catch (error) {
      if (this.#closing.signal.aborted) return;
      const reason = error instanceof SourceError ? error.reason : "other";
      const message = error instanceof Error ? error.message : String(error);
      this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
      this.polls++;
      const failures = this.#health.consecutiveFailures + 1;
      const delay = backoffDelay(reason, failures, this.config.pollInterval);
      if (this.#health.up || this.#lastReason !== reason) {
        this.#log.warn("target is down", {
          reason,
          err: message,
          retry_in_s: Math.round(delay / 1000),
        });
      }
      this.#lastReason = reason;
      this.#health = {
        up: false,
        lastAttemptAt: started,
        lastSuccessAt: this.#health.lastSuccessAt,
        lastDuration: (this.#now() - started) / 1000,
        lastError: message,
        consecutiveFailures: failures,
        notBefore: started + delay,
      };
    } finally {
      this.#generation++;
    }
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
    if (dirty.length === 0 || this.#deps.retired === undefined) return;
    const retired = this.table.retired;
    try {
      this.#deps.retired.save(
        this.config.name,
        dirty.flatMap((tracker) => {
          const bytes = retired.get(tracker);
          return bytes === undefined ? [] : [[tracker, bytes] as const];
        }),
      );
    } catch (error) {
      this.#log.error("could not persist retired tracker totals", { err: error });
    }
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }
}
