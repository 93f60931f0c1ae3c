// Sample lines written straight into byte chunks: for families with very many series (one per torrent), no string per line.

import { formatValue } from "./escape.ts";

const CHUNK_BYTES = 64 * 1024;
const SPACE = 0x20;
const LINE_FEED = 0x0a;
const ZERO = 0x30;
const MINUS = 0x2d;
const EMPTY = Buffer.alloc(0);

/**
 * Sample lines of one family as UTF-8 byte chunks, written without building a string per line:
 * a line is its sample name's bytes, its label set's bytes (both encoded once, by the caller, and
 * reused on every rendering), a space, the value and a line feed. The bytes live outside the V8
 * heap, so rendering 500,000 series neither copies them through the young generation nor makes
 * the collector compact the old one; `chunks()` hands them to `FamilyWriter.appendChunks`.
 * The text is byte for byte what `FamilyWriter.sample` writes.
 */
export class ByteLines {
  readonly #previous: readonly Uint8Array[];
  readonly #sealed: Uint8Array[] = [];
  #chunk: Buffer = EMPTY;
  #used = 0;

  /**
   * `previous`: the chunks of the same family's last rendering. A chunk that comes out byte for
   * byte the same as the one at its place there is replaced by that one, so that what was
   * derived from it (its compressed form, see `gzipSegments`) is reused: between two polls most
   * per-torrent lines do not change.
   */
  constructor(previous: readonly Uint8Array[] = []) {
    this.#previous = previous;
  }

  /** Adds `name` + `labels` + " " + value + "\n"; `name` and `labels` are encoded text (see `encodeText`). */
  line(name: Uint8Array, labels: Uint8Array, value: number): void {
    const room = name.length + labels.length + 32;
    if (this.#used + room > this.#chunk.length) {
      // The chunk's memory is written again when what it held was dropped or copied.
      if (!this.#seal() || this.#chunk.length < room)
        this.#chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
    }
    const chunk = this.#chunk;
    let at = this.#used;
    chunk.set(name, at);
    at += name.length;
    chunk.set(labels, at);
    at += labels.length;
    chunk[at++] = SPACE;
    at = writeValue(chunk, at, value);
    chunk[at++] = LINE_FEED;
    this.#used = at;
  }

  /** The lines so far as chunks, each ending with a line feed. */
  chunks(): readonly Uint8Array[] {
    this.#seal();
    this.#chunk = EMPTY;
    return this.#sealed;
  }

  /** Bytes written so far. */
  get size(): number {
    let size = this.#used;
    for (const chunk of this.#sealed) size += chunk.length;
    return size;
  }

  /** Seals the chunk's lines; returns whether its memory may be written again. */
  #seal(): boolean {
    if (this.#used === 0) return true;
    const used = this.#chunk.subarray(0, this.#used);
    this.#used = 0;
    const before = this.#previous[this.#sealed.length];
    if (before !== undefined && used.equals(before)) {
      this.#sealed.push(before);
      return true;
    }
    // A mostly empty last chunk is copied, so a small family does not keep 64 KB.
    if (used.length < this.#chunk.length / 2) {
      this.#sealed.push(Buffer.from(used));
      return true;
    }
    this.#sealed.push(used);
    return false;
  }
}

/** Text encoded once for `ByteLines.line` (a sample name, a rendered label set). */
export function encodeText(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

/**
 * Writes a sample value into `chunk` at `at` as `formatValue` writes it (integers without a
 * string in between); returns the offset after it. The caller leaves room for 24 bytes.
 */
export function writeValue(chunk: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value)) return at + chunk.write(formatValue(value), at, "latin1");
  let n = value;
  if (n < 0) {
    chunk[at++] = MINUS;
    n = -n;
  }
  if (n < 10) {
    chunk[at] = ZERO + n;
    return at + 1;
  }
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let end = at + digits;
  const after = end;
  while (end > at) {
    chunk[--end] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
  return after;
}
