// The poll loop every target shares: timeouts, single-flight refreshes, backoff, health, transition logs.

import type { Logger } from "../log.ts";
import { SourceError } from "../net/errors.ts";
import { backoffDelay } from "./backoff.ts";
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
 * data, never two polls at once, each within `timeout`. A failed poll marks the target down and
 * backs off (slowly after refused credentials, see `backoffDelay`) until the backoff ends or
 * `retryNow` is called; the state going down or up, or the reason changing, is logged once,
 * never per scrape. Subclasses say how to poll and what to keep.
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
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.config.timeout),
      this.#closing.signal,
    ]);
    try {
      const details = await this.pollOnce(signal);
      this.polls++;
      if (!this.#health.up) {
        this.log.info(
          this.#health.lastAttemptAt === 0 ? "target is up" : "target is up again",
          details,
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
      const message = error instanceof Error ? error.message : String(error);
      this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
      this.polls++;
      const failures = this.#health.consecutiveFailures + 1;
      const delay = backoffDelay(reason, failures, this.config.pollInterval);
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
        notBefore: started + delay,
      };
    }
  }
}
