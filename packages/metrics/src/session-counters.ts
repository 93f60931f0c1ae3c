// Session counters: one atomic 64-bit slot per catalog metric in a SharedArrayBuffer.

import type { Catalog } from "./catalog.ts";
import { SharedLayoutError } from "./shared-label-table.ts";

const MAGIC = 0x53575343; // "SWSC"
// Int32 header: magic, slot count, diagnostics flag, start time known.
const H_MAGIC = 0;
const H_SLOTS = 1;
const H_DIAGNOSTICS = 2;
const H_STARTED = 3;
const HEADER_BYTES = 16;
// BigInt64 bookkeeping after the header: start time (ms), previous snapshot time (ms), then
// one previous total per derived rate.
const B_STARTED_AT = 0;
const B_PREVIOUS_AT = 1;
const B_PREVIOUS_TOTALS = 2;

/** Slots whose values `snapshot()` derives, as irontide-session's `snapshot()` does. */
export interface SessionDerivations {
  /** Gauge filled with the seconds since the start time. */
  readonly uptime?: number;
  /** Gauges filled with the per-second rate of a counter since the previous snapshot. */
  readonly rates?: ReadonlyArray<{ readonly rate: number; readonly total: number }>;
}

/** Options for a new counter set. */
export interface SessionCountersOptions {
  /** Whether diagnostic slots move (default false). */
  readonly diagnostics?: boolean;
  /** When the session started (ms since the epoch); without it, uptime is not reported. */
  readonly startedAt?: number;
}

/** A point-in-time copy of every slot. */
export interface SessionSnapshot {
  /** When the snapshot was taken (ms since the epoch). */
  readonly at: number;
  /** One value per catalog slot (0 where nothing was recorded). */
  readonly values: Float64Array;
  /** Whether each slot holds a recorded or derived value; only those are worth exporting. */
  readonly filled: readonly boolean[];
}

/**
 * The values of one session, shared between threads without messages: hand `buffer` to a
 * worker and rebuild the set there with `SessionCounters.fromBuffer`. Writes use `Atomics`;
 * a slot counts as filled once anything wrote to it, so exports never show made-up zeros.
 */
export class SessionCounters {
  /** Rebuilds a counter set over a buffer created by another thread. */
  static fromBuffer(
    catalog: Catalog,
    buffer: SharedArrayBuffer,
    derivations: SessionDerivations = {},
  ): SessionCounters {
    return new SessionCounters(catalog, derivations, {}, buffer);
  }

  readonly catalog: Catalog;
  /** The shared memory behind this set. */
  readonly buffer: SharedArrayBuffer;
  readonly #header: Int32Array;
  readonly #book: BigInt64Array;
  readonly #values: BigInt64Array;
  readonly #filled: Int32Array;
  readonly #derivations: SessionDerivations;
  readonly #slots: number;

  constructor(
    catalog: Catalog,
    derivations: SessionDerivations = {},
    options: SessionCountersOptions = {},
    buffer?: SharedArrayBuffer,
  ) {
    this.catalog = catalog;
    this.#derivations = derivations;
    const slots = catalog.entries.length;
    this.#slots = slots;
    const bookSlots = B_PREVIOUS_TOTALS + (derivations.rates?.length ?? 0);
    const filledWords = Math.ceil(slots / 32);
    const bytes = HEADER_BYTES + (bookSlots + slots) * 8 + filledWords * 4;
    const fresh = buffer === undefined;
    buffer ??= new SharedArrayBuffer(bytes);
    if (buffer.byteLength !== bytes) {
      throw new SharedLayoutError(`a session counter buffer for this catalog has ${bytes} bytes`);
    }
    this.buffer = buffer;
    this.#header = new Int32Array(buffer, 0, 4);
    this.#book = new BigInt64Array(buffer, HEADER_BYTES, bookSlots);
    this.#values = new BigInt64Array(buffer, HEADER_BYTES + bookSlots * 8, slots);
    this.#filled = new Int32Array(buffer, HEADER_BYTES + (bookSlots + slots) * 8, filledWords);
    if (fresh) {
      this.#header[H_SLOTS] = slots;
      this.#header[H_DIAGNOSTICS] = options.diagnostics ? 1 : 0;
      if (options.startedAt !== undefined) this.setStartedAt(options.startedAt);
      Atomics.store(this.#header, H_MAGIC, MAGIC);
    } else if (Atomics.load(this.#header, H_MAGIC) !== MAGIC || this.#header[H_SLOTS] !== slots) {
      throw new SharedLayoutError("the buffer does not hold session counters for this catalog");
    }
  }

  /** Whether diagnostic slots (index >= catalog.diagnosticStart) move. Shared by all threads. */
  get diagnosticsEnabled(): boolean {
    return Atomics.load(this.#header, H_DIAGNOSTICS) === 1;
  }

  set diagnosticsEnabled(enabled: boolean) {
    Atomics.store(this.#header, H_DIAGNOSTICS, enabled ? 1 : 0);
  }

  /** Records when the session started (ms since the epoch), which makes uptime reportable. */
  setStartedAt(epochMs: number): void {
    Atomics.store(this.#book, B_STARTED_AT, BigInt(Math.trunc(epochMs)));
    Atomics.store(this.#header, H_STARTED, 1);
  }

  /** Adds `delta` (an integer; never negative on a counter). */
  inc(metric: number, delta = 1): void {
    this.#check(metric, delta);
    if (delta < 0 && this.catalog.entries[metric]?.kind === "counter") {
      throw new RangeError(`${this.#name(metric)} is a counter: it cannot go down by ${delta}`);
    }
    Atomics.add(this.#values, metric, BigInt(delta));
    this.#markFilled(metric);
  }

  /** Stores `value` (an integer). */
  set(metric: number, value: number): void {
    this.#check(metric, value);
    Atomics.store(this.#values, metric, BigInt(value));
    this.#markFilled(metric);
  }

  /** Stores `value` only if it is above the current value (a high-water mark). */
  setMax(metric: number, value: number): void {
    this.#check(metric, value);
    const next = BigInt(value);
    let current = Atomics.load(this.#values, metric);
    while (next > current) {
      const seen = Atomics.compareExchange(this.#values, metric, current, next);
      if (seen === current) break;
      current = seen;
    }
    this.#markFilled(metric);
  }

  /** `inc` that does nothing unless diagnostics are enabled. */
  incDiag(metric: number, delta = 1): void {
    if (this.diagnosticsEnabled) this.inc(metric, delta);
  }

  /** `set` that does nothing unless diagnostics are enabled. */
  setDiag(metric: number, value: number): void {
    if (this.diagnosticsEnabled) this.set(metric, value);
  }

  /** `setMax` that does nothing unless diagnostics are enabled. */
  setMaxDiag(metric: number, value: number): void {
    if (this.diagnosticsEnabled) this.setMax(metric, value);
  }

  /** The current value of a slot. */
  get(metric: number): number {
    this.#check(metric, 0);
    return Number(Atomics.load(this.#values, metric));
  }

  /** Whether anything has written to a slot. */
  isFilled(metric: number): boolean {
    this.#check(metric, 0);
    return (Atomics.load(this.#filled, metric >> 5) & (1 << (metric & 31))) !== 0;
  }

  /**
   * Copies every slot, filling in uptime and the rates since the previous snapshot (unless a
   * source set those slots itself). Two callers taking snapshots share one "previous": give
   * rates to one reader.
   */
  snapshot(now: number = Date.now()): SessionSnapshot {
    const values = new Float64Array(this.#slots);
    const filled: boolean[] = new Array(this.#slots);
    for (let i = 0; i < this.#slots; i++) {
      values[i] = Number(Atomics.load(this.#values, i));
      filled[i] = this.isFilled(i);
    }
    const { uptime, rates = [] } = this.#derivations;
    if (uptime !== undefined && !filled[uptime] && Atomics.load(this.#header, H_STARTED) === 1) {
      values[uptime] = Math.max(0, Math.floor((now - Number(this.#book[B_STARTED_AT])) / 1000));
      filled[uptime] = true;
    }
    const previousAt = Number(Atomics.exchange(this.#book, B_PREVIOUS_AT, BigInt(Math.trunc(now))));
    rates.forEach(({ rate, total }, i) => {
      const current = values[total] as number;
      const previous = Number(Atomics.exchange(this.#book, B_PREVIOUS_TOTALS + i, BigInt(current)));
      const seconds = (now - previousAt) / 1000;
      if (!filled[rate] && filled[total] && previousAt > 0 && seconds > 0) {
        values[rate] = Math.max(0, (current - previous) / seconds);
        filled[rate] = true;
      }
    });
    return { at: now, values, filled };
  }

  #markFilled(metric: number): void {
    const bit = 1 << (metric & 31);
    if ((Atomics.load(this.#filled, metric >> 5) & bit) === 0)
      Atomics.or(this.#filled, metric >> 5, bit);
  }

  #check(metric: number, value: number): void {
    if (!Number.isInteger(metric) || metric < 0 || metric >= this.#slots) {
      throw new RangeError(`no session metric at index ${metric}`);
    }
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${this.#name(metric)}: values are 64-bit integers, got ${value}`);
    }
  }

  #name(metric: number): string {
    return this.catalog.entries[metric]?.name ?? `#${metric}`;
  }
}
