// The poll loop every target shares: timeouts, single-flight refreshes, backoff, health, transition logs.

import type { Logger } from "../log.ts";
import { SourceError } from "../net/errors.ts";
import { backoffDelay } from "./backoff.ts";
import { PollDeadline, syncLimit } from "./poll-deadline.ts";
import type {
  PollFailureReason,
  Target,
  TargetHealth,
  TargetKind,
  TargetSummary,
} from "./target.ts";
import type { TargetConfig } from "./target-config.ts";

/** Every poll failure reason, in export order. */
export const POLL_ERROR_REASONS: readonly PollFailureReason[] = [
  "auth",
  "banned",
  "timeout",
  "connection",
  "http",
  "protocol",
  "other",
];

/**
 * Polls a target in the background every `pollInterval`, or sooner when a scrape asks for fresher
 * data, never two polls at once. A steady poll ends within `timeout`; a sync (any poll while the
 * target is down, the first one included, when the source may list every torrent) goes on while
 * data arrives, up to `syncLimit` (see `PollDeadline`). A failed poll marks the target down and
 * backs off (slowly after refused credentials, see `backoffDelay`) until the backoff ends or
 * `retryNow` is called; a sync that timed out while data was still arriving is tried again after
 * the poll interval, never later (the client answers, only slowly). The state going down or up,
 * or the reason changing, is logged once, never per scrape. Subclasses say how to poll and what
 * to keep.
 */
export abstract class PollingTarget implements Target {
  readonly config: TargetConfig;
  readonly errors = new Map<PollFailureReason, number>(POLL_ERROR_REASONS.map((r) => [r, 0]));
  polls = 0;
  protected readonly log: Logger;
  #health: TargetHealth = {
    up: false,
    lastAttemptAt: 0,
    lastSuccessAt: 0,
    upSince: 0,
    lastDuration: 0,
    lastError: undefined,
    consecutiveFailures: 0,
    notBefore: 0,
  };
  readonly #now: () => number;
  readonly #closing = new AbortController();
  #inflight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastReason: string | undefined;
  #startedAt = 0;
  #deadline: PollDeadline | undefined;

  constructor(config: TargetConfig, log: Logger, now: () => number = Date.now) {
    this.config = config;
    this.log = log.child({ target: config.name });
    this.#now = now;
  }

  /** The clock (tests give a fake one). */
  protected now(): number {
    return this.#now();
  }

  get health(): TargetHealth {
    return this.#health;
  }

  abstract readonly kind: TargetKind;
  abstract get bytesReceived(): number;
  abstract summary(): TargetSummary;

  /** Fetches and keeps fresh data; throws a SourceError on failure. Returns fields for the "up" log line. */
  protected abstract pollOnce(signal: AbortSignal): Promise<Readonly<Record<string, unknown>>>;

  /**
   * Rows of a large answer arrived (a source reports them while it reads a sync): keeps a sync
   * from being cut short while it makes progress, like bytes arriving do.
   */
  protected progressed(): void {
    this.#deadline?.progress();
  }

  /** Frees the target's sessions and sockets. */
  protected abstract close(): Promise<void>;

  get ready(): boolean {
    return (
      this.#health.lastAttemptAt > 0 ||
      (this.#startedAt > 0 && this.#now() - this.#startedAt > this.config.timeout)
    );
  }

  start(): void {
    this.#startedAt = this.#now();
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#closing.abort(new Error("target stopped"));
    await this.#inflight?.catch(() => {});
    await this.close().catch(() => {});
  }

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

  retryNow(): void {
    if (this.#closing.signal.aborted || this.#startedAt === 0) return;
    const inflight = this.#inflight;
    if (inflight !== undefined) {
      // That poll may have started before the cause was fixed: if it fails, try once more at once.
      void inflight.finally(() => this.retryNow());
      return;
    }
    if (this.#health.up) return;
    this.#health = { ...this.#health, notBefore: 0 };
    this.#schedule(0);
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
    const run = this.#pollAndRecord().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  async #pollAndRecord(): Promise<void> {
    const started = this.#now();
    const { timeout } = this.config;
    const syncing = !this.#health.up;
    const deadline = new PollDeadline({
      now: this.#now,
      timeout,
      limit: syncing ? syncLimit(timeout) : undefined,
      bytes: () => this.bytesReceived,
      onExtended: () =>
        this.log.info("sync is taking longer than the poll timeout; waiting while data arrives", {
          timeout_s: timeout / 1000,
          limit_s: syncLimit(timeout) / 1000,
          received_bytes: this.bytesReceived,
        }),
    });
    this.#deadline = deadline;
    const signal = AbortSignal.any([deadline.signal, this.#closing.signal]);
    try {
      const details = await this.pollOnce(signal);
      this.polls++;
      if (!this.#health.up) {
        this.log.info(
          this.#health.lastAttemptAt === 0 ? "target is up" : "target is up again",
          deadline.extended ? { ...details, sync_s: (this.#now() - started) / 1000 } : details,
        );
      }
      this.#lastReason = undefined;
      this.#health = {
        up: true,
        lastAttemptAt: started,
        lastSuccessAt: this.#now(),
        upSince: this.#health.up ? this.#health.upSince : this.#now(),
        lastDuration: (this.#now() - started) / 1000,
        lastError: undefined,
        consecutiveFailures: 0,
        notBefore: 0,
      };
    } catch (error) {
      if (this.#closing.signal.aborted) return;
      const reason: PollFailureReason = error instanceof SourceError ? error.reason : "other";
      const expired = deadline.expired;
      const message =
        (error instanceof Error ? error.message : String(error)) +
        (expired !== undefined && reason === "timeout" ? ` (${expired})` : "");
      this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
      this.polls++;
      const failures = this.#health.consecutiveFailures + 1;
      // A sync cut short while data was arriving met a slow client, not a dead one: backing off
      // would leave a big box down for many minutes with a handful of attempts.
      const slowSync = syncing && reason === "timeout" && deadline.progressed;
      const delay = slowSync
        ? this.config.pollInterval
        : backoffDelay(reason, failures, this.config.pollInterval);
      if (this.#health.up || this.#lastReason !== reason) {
        this.log.warn("target is down", {
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
        upSince: 0,
        lastDuration: (this.#now() - started) / 1000,
        lastError: message,
        consecutiveFailures: failures,
        notBefore: slowSync ? this.#now() + delay : started + delay,
      };
    } finally {
      deadline.dispose();
      this.#deadline = undefined;
    }
  }
}
