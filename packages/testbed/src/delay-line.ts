// A queue of actions each run no sooner than a fixed delay after it was queued, in order.

/** Runs queued actions in order, each at least `ms` after `push`; `clear` drops what is left. */
export class DelayLine {
  readonly #ms: number;
  readonly #queue: Array<{ readonly at: number; readonly run: () => void }> = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  push(run: () => void): void {
    this.#queue.push({ at: performance.now() + this.#ms, run });
    if (this.#timer === undefined) this.#schedule();
  }

  /** Drops every action not yet run and its timer. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
  }

  #schedule(): void {
    const first = this.#queue[0];
    if (first === undefined) return;
    // A timer may fire a fraction of a millisecond early (libuv's cached clock): check, and wait again.
    const wait = Math.max(0, Math.ceil(first.at - performance.now()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = performance.now();
      while (this.#queue.length > 0 && (this.#queue[0] as { at: number }).at <= now) {
        (this.#queue.shift() as { run: () => void }).run();
      }
      // An action may have queued more, and scheduled it, or cleared the line.
      if (this.#timer === undefined) this.#schedule();
    }, wait);
  }
}
