// What the daemon needs from any target, torrent client or device: its health and its poll loop.

import type { PollErrorReason } from "../net/errors.ts";
import type { TargetConfig } from "./target-config.ts";

/** A target's health, as renderers, the landing page and the dashboard read it. */
export interface TargetHealth {
  readonly up: boolean;
  /** ms since the epoch; 0 when never. */
  readonly lastAttemptAt: number;
  readonly lastSuccessAt: number;
  /** When the target last came up (ms since the epoch); 0 while down. */
  readonly upSince: number;
  /** Seconds the last poll took. */
  readonly lastDuration: number;
  readonly lastError: string | undefined;
  readonly consecutiveFailures: number;
  /** The next poll is not attempted before this (ms since the epoch). */
  readonly notBefore: number;
}

/** Why polls failed, for the error counter (every reason is always exported). */
export type PollFailureReason = PollErrorReason | "other";

/** One line about a target for the landing page and `/api/v1/targets`. */
export interface TargetSummary {
  readonly torrents?: number;
  readonly version?: string;
  readonly model?: string;
}

/** Whether a target is a torrent client (a table of torrents) or a device (a snapshot of figures). */
export type TargetKind = "torrent" | "device";

/** A configured target, whatever its kind. */
export interface Target {
  readonly kind: TargetKind;
  readonly config: TargetConfig;
  readonly health: TargetHealth;
  readonly polls: number;
  readonly errors: ReadonlyMap<PollFailureReason, number>;
  /** Bytes received from the target so far. */
  readonly bytesReceived: number;
  summary(): TargetSummary;
  /** Whether the first poll is over, or could have timed out: a hung target does not hold readiness back. */
  readonly ready: boolean;
  /** Starts the background loop with an immediate first poll. */
  start(): void;
  /** Stops polling and closes sessions. */
  stop(): Promise<void>;
  /** Polls unless the data is younger than `maxAgeMs`; waits at most until `deadline`. */
  refreshIfOlderThan(maxAgeMs: number, deadline: number): Promise<void>;
  /**
   * Ends any backoff now: a target that is down (banned, refused credentials, any reason) polls
   * at once instead of when its backoff ends. A configuration reload calls it on every target it
   * keeps, so an operator who fixed the cause outside seedwatch (lifted a ban, restarted a proxy,
   * reset a password on the client) sees the result at once. No effect on a target that is up;
   * a poll in flight is not doubled, but if it fails the target tries again at once.
   */
  retryNow(): void;
}
