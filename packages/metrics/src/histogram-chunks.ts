// A histogram's exposition lines as byte chunks kept between scrapes: only the series observed since the last one are written again.

import { encodeText, writeValue } from "./byte-lines.ts";
import type { MetricDefinition } from "./definition.ts";

/** The series of a histogram by slot, as {@link HistogramChunks} reads them. */
export interface HistogramSeriesSource {
  /** Number of slots; slots not in use are skipped. */
  readonly capacity: number;
  /** The slot's rendered label set as UTF-8 bytes (`{a="x"}`, or empty), undefined while unused. */
  labelBytes(slot: number): Uint8Array | undefined;
  /** A number that changes whenever the slot is observed (read before its counts). */
  version(slot: number): number;
  /** Fills `cumulative` with the slot's cumulative bucket counts (the last is the count); returns the sum. */
  read(slot: number, cumulative: Float64Array): number;
}

/** Slots per chunk: a group none of whose series changed is handed out again as the same object. */
const GROUP_SLOTS = 16;
const SPACE = 0x20;
const LINE_FEED = 0x0a;
/** Room of a group's first chunk, before its size is known. */
const FIRST_CHUNK_BYTES = 64 * 1024;
/** Room for a sample value and the bytes around it. */
const VALUE_ROOM = 32;

/**
 * Renders a histogram's series (text and OpenMetrics lines are the same for a histogram) into
 * one chunk of bytes per group of 16 slots, and keeps them. On the next rendering a group none
 * of whose series was observed since is handed out again as the same object, so it costs
 * nothing and its gzip segment is reused (see `gzipSegments`); in a group that changed, the
 * series that did not are copied from the group's previous chunk, and only the observed ones
 * are written, each line from bytes encoded once (`name_bucket{labels,` per series, `le="…"} `
 * per bucket) and its number. The text is byte for byte what `FamilyWriter.histogram` writes.
 */
export class HistogramChunks {
  readonly #source: HistogramSeriesSource;
  readonly #bucketName: string;
  readonly #sumName: Buffer;
  readonly #countName: Buffer;
  /** `le="<bound>"} ` per bucket, +Inf last. */
  readonly #tails: readonly Buffer[];
  readonly #tailBytes: number;
  readonly #cumulative: Float64Array;
  /** Per slot: `<name>_bucket{<labels>,` (or `<name>_bucket{` without labels), made once. */
  readonly #heads: Array<Buffer | undefined>;
  /** Per slot: the version it was last written at. */
  readonly #versions: Int32Array;
  /** Per slot: 1 when its lines are in its group's chunk. */
  readonly #rendered: Uint8Array;
  /** Per slot: where its lines start in its group's chunk, and their length. */
  readonly #starts: Int32Array;
  readonly #lengths: Int32Array;
  readonly #groups: Array<Buffer | undefined>;

  constructor(def: MetricDefinition, source: HistogramSeriesSource) {
    const capacity = source.capacity;
    this.#source = source;
    this.#bucketName = `${def.name}_bucket`;
    this.#sumName = encodeText(`${def.name}_sum`);
    this.#countName = encodeText(`${def.name}_count`);
    this.#tails = def.bucketLabelTails.map((tail) => encodeText(`${tail} `));
    this.#tailBytes = this.#tails.reduce((n, tail) => n + tail.length, 0);
    this.#cumulative = new Float64Array(this.#tails.length);
    this.#heads = new Array<Buffer | undefined>(capacity).fill(undefined);
    this.#versions = new Int32Array(capacity);
    this.#rendered = new Uint8Array(capacity);
    this.#starts = new Int32Array(capacity);
    this.#lengths = new Int32Array(capacity);
    this.#groups = new Array<Buffer | undefined>(Math.ceil(capacity / GROUP_SLOTS)).fill(undefined);
  }

  /** Every series' lines, in slot order, as chunks that each end with a line feed. */
  chunks(): Buffer[] {
    const source = this.#source;
    const capacity = source.capacity;
    const out: Buffer[] = [];
    for (let group = 0; group < this.#groups.length; group++) {
      const from = group * GROUP_SLOTS;
      const to = Math.min(from + GROUP_SLOTS, capacity);
      let changed = false;
      for (let slot = from; slot < to && !changed; slot++) {
        changed =
          this.#rendered[slot] === 1
            ? source.version(slot) !== this.#versions[slot]
            : source.labelBytes(slot) !== undefined;
      }
      if (changed) this.#groups[group] = this.#render(from, to, this.#groups[group]);
      const chunk = this.#groups[group];
      if (chunk !== undefined) out.push(chunk);
    }
    return out;
  }

  /** Writes the group of slots `from` to `to` (copying the unchanged series from `previous`). */
  #render(from: number, to: number, previous: Buffer | undefined): Buffer | undefined {
    const source = this.#source;
    const tails = this.#tails;
    const cumulative = this.#cumulative;
    // Written in place into the new chunk, sized from the previous one (numbers grow slowly).
    let out: Buffer = Buffer.allocUnsafeSlow(
      previous === undefined ? FIRST_CHUNK_BYTES : previous.length + (previous.length >> 3) + 4096,
    );
    let at = 0;
    for (let slot = from; slot < to; slot++) {
      const labels = source.labelBytes(slot);
      if (labels === undefined) continue;
      const version = source.version(slot);
      if (
        previous !== undefined &&
        this.#rendered[slot] === 1 &&
        version === this.#versions[slot]
      ) {
        const length = this.#lengths[slot] as number;
        const start = this.#starts[slot] as number;
        out = room(out, at, length);
        previous.copy(out, at, start, start + length);
        this.#starts[slot] = at;
        at += length;
        continue;
      }
      let head = this.#heads[slot];
      if (head === undefined) {
        head = headOf(this.#bucketName, labels);
        this.#heads[slot] = head;
      }
      const sumName = this.#sumName;
      const countName = this.#countName;
      out = room(
        out,
        at,
        tails.length * (head.length + VALUE_ROOM) +
          this.#tailBytes +
          sumName.length +
          countName.length +
          2 * (labels.length + VALUE_ROOM),
      );
      const sum = source.read(slot, cumulative);
      const start = at;
      for (let i = 0; i < tails.length; i++) {
        out.set(head, at);
        at += head.length;
        const tail = tails[i] as Buffer;
        out.set(tail, at);
        at += tail.length;
        at = writeValue(out, at, cumulative[i] as number);
        out[at++] = LINE_FEED;
      }
      out.set(sumName, at);
      at += sumName.length;
      out.set(labels, at);
      at += labels.length;
      out[at++] = SPACE;
      at = writeValue(out, at, sum);
      out[at++] = LINE_FEED;
      out.set(countName, at);
      at += countName.length;
      out.set(labels, at);
      at += labels.length;
      out[at++] = SPACE;
      at = writeValue(out, at, cumulative[tails.length - 1] as number);
      out[at++] = LINE_FEED;
      this.#starts[slot] = start;
      this.#lengths[slot] = at - start;
      this.#versions[slot] = version;
      this.#rendered[slot] = 1;
    }
    if (at === 0) return undefined;
    // A chunk is never written again once handed out (a response may still be sending it); one
    // mostly empty is copied, so a sparse group does not keep its estimate's room.
    if (at < out.length >> 1) return Buffer.from(out.subarray(0, at));
    return at === out.length ? out : out.subarray(0, at);
  }
}

/** `buffer`, or a larger copy of its first `used` bytes, with room for `bytes` more after them. */
function room(buffer: Buffer, used: number, bytes: number): Buffer {
  if (used + bytes <= buffer.length) return buffer;
  const grown = Buffer.allocUnsafeSlow(Math.max(2 * buffer.length, used + bytes));
  buffer.copy(grown, 0, 0, used);
  return grown;
}

/** `<bucketName>{<labels>,` from the rendered label set's bytes (`{...}`, or empty). */
function headOf(bucketName: string, labels: Uint8Array): Buffer {
  const name = encodeText(bucketName);
  if (labels.length === 0) return Buffer.concat([name, encodeText("{")]);
  // The label set without its closing brace, then a comma before `le`.
  return Buffer.concat([name, labels.subarray(0, labels.length - 1), encodeText(",")]);
}
