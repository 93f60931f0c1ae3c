// The last few minutes of live values, kept in the page for the live charts (the archive keeps the rest).

/** A rolling window of samples: a time and one value per line. */
export class LiveBuffer {
  readonly #capacity: number;
  readonly #times: number[] = [];
  readonly #lines: Array<Array<number | null>>;

  /** `lines` values per sample, `capacity` samples at most (180 at 2 s is six minutes). */
  constructor(lines: number, capacity = 180) {
    if (!Number.isInteger(lines) || lines < 1) throw new RangeError("lines: expected at least 1");
    if (!Number.isInteger(capacity) || capacity < 2)
      throw new RangeError("capacity: expected at least 2");
    this.#capacity = capacity;
    this.#lines = Array.from({ length: lines }, () => []);
  }

  /** Number of samples held. */
  get length(): number {
    return this.#times.length;
  }

  /**
   * Adds a sample at `timeMs` (milliseconds since the epoch). A sample not later than the last is
   * ignored (a reconnect may repeat one); missing values become null, drawn as gaps.
   */
  push(timeMs: number, values: ReadonlyArray<number | null | undefined>): void {
    const t = timeMs / 1000;
    const last = this.#times[this.#times.length - 1];
    if (!Number.isFinite(t) || (last !== undefined && t <= last)) return;
    this.#times.push(t);
    this.#lines.forEach((line, i) => {
      const value = values[i];
      line.push(typeof value === "number" && Number.isFinite(value) ? value : null);
    });
    if (this.#times.length > this.#capacity) {
      this.#times.shift();
      for (const line of this.#lines) line.shift();
    }
  }

  /** Copies for uPlot: `[times in seconds, ...lines]`. */
  data(): [number[], ...Array<Array<number | null>>] {
    return [[...this.#times], ...this.#lines.map((line) => [...line])];
  }
}
