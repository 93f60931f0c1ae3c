// When one poll gives up: a fixed bound for a steady poll, a bound that extends while data arrives for a sync.

const MINUTE = 60_000;

/**
 * The overall limit of a sync (a poll while the target is down: the first one, or one after a
 * failure, when the source may list every torrent again): 30 times the poll timeout, at least
 * 5 minutes. A sync of 100,000 torrents on a loaded 2-core box takes tens of seconds, longer
 * than the 10 s default timeout, and it streams, so it is cut short only when nothing arrives
 * for a whole timeout or when this limit is reached.
 */
export function syncLimit(timeout: number): number {
  return Math.max(5 * MINUTE, 30 * timeout);
}

/** What a deadline reads and whom it tells. */
export interface PollDeadlineOptions {
  /** The clock (ms since the epoch); the deadline is checked against it, so tests can drive it. */
  readonly now: () => number;
  /** The poll timeout: a steady poll's bound, and a sync's longest silence. */
  readonly timeout: number;
  /** A sync's overall limit (see `syncLimit`); undefined for a steady poll (fixed at `timeout`). */
  readonly limit: number | undefined;
  /** Bytes received from the target so far: their growth is progress. */
  readonly bytes: () => number;
  /** Called once, when a sync goes on past `timeout` because data keeps arriving. */
  readonly onExtended?: () => void;
}

/**
 * The abort signal of one poll. A steady poll is aborted `timeout` after it starts. A sync is
 * aborted when nothing arrived for `timeout` (bytes on the wire, or rows reported through
 * `progress`) or at `limit`, whichever comes first. Checked on each `progress` call and by a
 * timer, against the injected clock; the abort reason is a `TimeoutError`, as
 * `AbortSignal.timeout` gives, so every source reports it as a timeout.
 */
export class PollDeadline {
  readonly #options: PollDeadlineOptions;
  readonly #controller = new AbortController();
  readonly #startedAt: number;
  readonly #endsAt: number;
  #quietUntil: number;
  #lastBytes: number;
  /** The time the timer has seen pass: at least its delay went by each time it fired. */
  #timerNow: number;
  #timer: NodeJS.Timeout | undefined;
  #progressed = false;
  #extended = false;
  #over = false;

  constructor(options: PollDeadlineOptions) {
    this.#options = options;
    this.#startedAt = options.now();
    this.#endsAt = this.#startedAt + (options.limit ?? options.timeout);
    this.#quietUntil = this.#startedAt + options.timeout;
    this.#lastBytes = options.bytes();
    this.#timerNow = this.#startedAt;
    this.#arm(this.#startedAt);
  }

  /** Aborts the poll when the deadline passes. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether anything arrived during the poll (bytes or reported rows). */
  get progressed(): boolean {
    return this.#progressed || this.#options.bytes() !== this.#lastBytes;
  }

  /** Why the poll was aborted, when the deadline passed. */
  get expired(): string | undefined {
    const reason = this.#controller.signal.reason as Error | undefined;
    return reason?.name === "TimeoutError" ? reason.message : undefined;
  }

  /** Whether the sync went on past the poll timeout. */
  get extended(): boolean {
    return this.#extended;
  }

  /** Rows arrived (a source reports progress while it reads a large answer). */
  progress(): void {
    if (this.#over || this.#controller.signal.aborted) return;
    this.#check(true);
  }

  /** Stops the timer; call when the poll is over. */
  dispose(): void {
    this.#over = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** `rows`: a source reported rows; otherwise the timer fired. */
  #check(rows: boolean): void {
    // The later of the injected clock and the timer's: a clock that a test moves by hand (or one
    // that stands still) must not keep a poll from timing out in real time.
    const now = Math.max(this.#options.now(), this.#timerNow);
    const bytes = this.#options.bytes();
    const arrived = rows || bytes !== this.#lastBytes;
    this.#lastBytes = bytes;
    if (arrived) this.#progressed = true;
    if (arrived && this.#options.limit !== undefined) {
      this.#quietUntil = Math.max(this.#quietUntil, now + this.#options.timeout);
    }
    const endsAt = Math.min(this.#quietUntil, this.#endsAt);
    if (now >= endsAt) {
      this.dispose();
      const seconds = (ms: number) => Math.round(ms / 1000);
      const why =
        this.#options.limit === undefined || !this.#progressed
          ? `no answer within ${seconds(this.#options.timeout)} s`
          : now >= this.#endsAt
            ? `sync still running after its limit of ${seconds(this.#options.limit)} s`
            : `sync stalled: nothing arrived for ${seconds(this.#options.timeout)} s`;
      this.#controller.abort(new DOMException(why, "TimeoutError"));
      return;
    }
    if (!this.#extended && now >= this.#startedAt + this.#options.timeout) {
      this.#extended = true;
      this.#options.onExtended?.();
    }
    // A report of rows leaves the timer as it is: when it fires, it looks again.
    if (!rows) this.#arm(now);
  }

  #arm(now: number): void {
    clearTimeout(this.#timer);
    const endsAt = Math.min(this.#quietUntil, this.#endsAt);
    const delay = Math.max(0, endsAt - now);
    this.#timer = setTimeout(() => {
      this.#timerNow = Math.max(this.#timerNow, now + delay);
      this.#check(false);
    }, delay);
    this.#timer.unref();
  }
}
