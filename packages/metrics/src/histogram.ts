// A histogram whose buckets live in shared memory, so worker threads record into one histogram.

import type { MetricDefinition } from "./definition.ts";
import { HistogramChunks } from "./histogram-chunks.ts";
import { renderLabels } from "./labels.ts";
import type { Collector } from "./registry.ts";
import { SharedLabelTable, SharedLayoutError } from "./shared-label-table.ts";
import type { MetricWriter } from "./writer.ts";

const MAGIC = 0x53574849; // "SWHI"
const HEADER_BYTES = 16;
/** Index of the low 32-bit word of a 64-bit integer in an Int32Array over it. */
const LOW = new Int32Array(new BigInt64Array([1n]).buffer)[0] === 1 ? 0 : 1;

/** Records observations into one series. */
export interface HistogramRecorder {
  observe(value: number): void;
}

/** Sizing of a shared histogram. */
export interface HistogramOptions {
  /** Maximum number of label sets (default 1024); observations for further ones are dropped. */
  readonly maxSeries?: number;
  /** Bytes of storage for rendered label sets (default 256 per series). */
  readonly labelBytes?: number;
}

/**
 * A histogram backed by one SharedArrayBuffer: bucket counts are 64-bit integers updated with
 * `Atomics.add`, sums are float64 values updated with a compare-and-exchange loop. Hand
 * `buffer` to a worker (postMessage or workerData) and `Histogram.attach` it there: every thread
 * records into the same series, and any of them can collect.
 */
export class Histogram implements Collector {
  /** Rebuilds a histogram over a buffer created by another thread's `new Histogram(def)`. */
  static attach(def: MetricDefinition, buffer: SharedArrayBuffer): Histogram {
    return new Histogram(def, {}, buffer);
  }

  readonly def: MetricDefinition;
  /** The shared memory behind this histogram. */
  readonly buffer: SharedArrayBuffer;
  readonly #table: SharedLabelTable;
  readonly #counts: BigInt64Array;
  readonly #sums: BigInt64Array;
  /** The sums as float64 values, read without making a BigInt. */
  readonly #sumValues: Float64Array;
  /** The bucket counts as 32-bit words, read without making a BigInt per count. */
  readonly #countWords: Int32Array;
  /** Per series: bumped after every observation, so a rendering knows what changed since the last. */
  readonly #versions: Int32Array;
  readonly #width: number;
  readonly #bounds: Float64Array;
  readonly #scratch = new Float64Array(1);
  readonly #scratchBits = new BigInt64Array(this.#scratch.buffer);
  #chunks: HistogramChunks | undefined;

  constructor(def: MetricDefinition, options: HistogramOptions = {}, buffer?: SharedArrayBuffer) {
    if (def.kind !== "histogram")
      throw new TypeError(`${def.name} is a ${def.kind}, not a histogram`);
    this.def = def;
    this.#width = def.buckets.length + 1;
    this.#bounds = Float64Array.from(def.buckets);
    let header: Int32Array;
    if (buffer === undefined) {
      const capacity = options.maxSeries ?? 1024;
      const arenaBytes = options.labelBytes ?? capacity * 256;
      const tableBytes = SharedLabelTable.byteLength(capacity, arenaBytes);
      buffer = new SharedArrayBuffer(
        HEADER_BYTES + tableBytes + capacity * ((this.#width + 1) * 8 + 4),
      );
      header = new Int32Array(buffer, 0, 4);
      header[1] = this.#width;
      header[2] = tableBytes;
      this.#table = new SharedLabelTable(buffer, HEADER_BYTES, { capacity, arenaBytes });
      Atomics.store(header, 0, MAGIC);
    } else {
      header = new Int32Array(buffer, 0, 4);
      if (Atomics.load(header, 0) !== MAGIC || header[1] !== this.#width) {
        throw new SharedLayoutError(
          `the buffer does not hold a histogram with ${def.buckets.length} buckets for ${def.name}`,
        );
      }
      this.#table = new SharedLabelTable(buffer, HEADER_BYTES);
    }
    this.buffer = buffer;
    const capacity = this.#table.capacity;
    const valuesAt = HEADER_BYTES + (header[2] as number);
    this.#counts = new BigInt64Array(buffer, valuesAt, capacity * this.#width);
    this.#sums = new BigInt64Array(buffer, valuesAt + capacity * this.#width * 8, capacity);
    this.#sumValues = new Float64Array(buffer, valuesAt + capacity * this.#width * 8, capacity);
    this.#countWords = new Int32Array(buffer, valuesAt, capacity * this.#width * 2);
    this.#versions = new Int32Array(buffer, valuesAt + capacity * (this.#width + 1) * 8, capacity);
  }

  get name(): string {
    return this.def.name;
  }

  /** Observations dropped because the label table was full. */
  get droppedSeries(): number {
    return this.#table.dropped;
  }

  /** Records one observation in the series without labels. */
  observe(value: number): void {
    this.labels().observe(value);
  }

  /** A recorder bound to one label set (values in the definition's label order). */
  labels(...labelValues: string[]): HistogramRecorder {
    const slot = this.#table.slotOf(renderLabels(this.def.labelNames, labelValues));
    return { observe: (value: number) => this.#record(slot, value) };
  }

  /**
   * Writes every series as byte chunks kept from one collection to the next (see
   * HistogramChunks): a series not observed since the last collection is not written again.
   */
  collect(writer: MetricWriter): void {
    if (this.#table.size === 0) return;
    this.#chunks ??= new HistogramChunks(this.def, {
      capacity: this.#table.capacity,
      labelBytes: (slot) => this.#table.keyBytes(slot),
      version: (slot) => Atomics.load(this.#versions, slot),
      read: (slot, cumulative) => this.#read(slot, cumulative),
    });
    writer.family(this.def).appendChunks(this.#chunks.chunks());
  }

  /** Fills `cumulative` with a series' cumulative bucket counts; returns its sum. */
  #read(slot: number, cumulative: Float64Array): number {
    const words = this.#countWords;
    let running = 0;
    const base = slot * this.#width;
    for (let i = 0; i < this.#width; i++) {
      // The low word first: a high word still 0 after it means the low word was the count
      // (an increment that carries into the high word sets both at once).
      const low = Atomics.load(words, 2 * (base + i) + LOW);
      const high = Atomics.load(words, 2 * (base + i) + 1 - LOW);
      running += high === 0 ? low >>> 0 : Number(Atomics.load(this.#counts, base + i));
      cumulative[i] = running;
    }
    this.#scratchBits[0] = Atomics.load(this.#sums, slot);
    return this.#scratch[0] as number;
  }

  #record(slot: number, value: number): void {
    if (slot < 0 || Number.isNaN(value)) return;
    const bounds = this.#bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++;
    Atomics.add(this.#counts, slot * this.#width + bucket, 1n);
    const scratch = this.#scratch;
    const scratchBits = this.#scratchBits;
    // A plain read (it may be stale, or torn): the compare-and-exchange below checks it.
    scratch[0] = this.#sumValues[slot] as number;
    let seen = scratchBits[0] as bigint;
    for (;;) {
      scratch[0] = (scratch[0] as number) + value;
      const previous = Atomics.compareExchange(this.#sums, slot, seen, scratchBits[0] as bigint);
      if (previous === seen) break;
      seen = previous;
      scratchBits[0] = previous;
    }
    Atomics.add(this.#versions, slot, 1);
  }
}
