// Keeps the bytes of each torrent's last recently-active row but its last value, to tell a row that changed only there.

/** Where a torrent's last row sits in a RowMemo (fields of the torrent's own record of the sync). */
export interface MemoSlot {
  /** The pass that kept it; -1 for none. */
  memoPass: number;
  memoAt: number;
  memoLength: number;
}

const COMMA = 0x2c;
/** What one pass keeps at most: a box whose every torrent is recently active keeps part of it. */
const MAX_BYTES = 32 * 2 ** 20;

/**
 * The rows of the last recently-active answer, each but its last value, by torrent. Transmission
 * 3.00 counts up a running seed's `secondsSeeding` every second, so each poll lists every seed
 * active in the last minute with that one value changed: put last in the request, it leaves the
 * rest of the row byte for byte as it was, which one comparison of bytes tells. Bytes equal to the
 * last row's say that every one of those values is the one the record already holds. A pass keeps
 * the rows it saw (copied: the answer's buffers are not ours to hold), and the next one compares
 * with them; a pass that does not follow a recently-active one compares with nothing.
 */
export class RowMemo {
  #kept = Buffer.allocUnsafe(64 * 1024);
  #last = Buffer.allocUnsafe(64 * 1024);
  #used = 0;
  #pass = 0;

  /**
   * Starts a pass. With `continued` (the last pass was a recently-active one, applied in full) its
   * rows can be matched; otherwise nothing is. The rows of this pass are kept from now on.
   */
  begin(continued: boolean): void {
    const spare = this.#last;
    this.#last = this.#kept;
    // After a burst of activity, give the room back once rows fit in a quarter of it again.
    this.#kept =
      spare.length > 1024 * 1024 && this.#used < spare.length / 4
        ? Buffer.allocUnsafe(spare.length >>> 1)
        : spare;
    this.#used = 0;
    this.#pass += continued ? 1 : 2;
  }

  /**
   * Where the last value of this row (`chunk` from `start`) begins, if everything before it is
   * byte for byte the slot's row of the last pass: the index of the comma before it; else -1.
   */
  match(slot: MemoSlot, chunk: Buffer, start: number): number {
    if (slot.memoPass !== this.#pass - 1) return -1;
    const end = start + slot.memoLength;
    if (end >= chunk.length || chunk[end] !== COMMA) return -1;
    const at = slot.memoAt;
    return chunk.compare(this.#last, at, at + slot.memoLength, start, end) === 0 ? end : -1;
  }

  /** Keeps `chunk[start, end)`, a row of this pass up to the comma before its last value. */
  keep(slot: MemoSlot, chunk: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.#used + length > this.#kept.length) {
      if (this.#used + length > MAX_BYTES) return;
      const more = Buffer.allocUnsafe(Math.min(MAX_BYTES, 2 * (this.#used + length)));
      this.#kept.copy(more, 0, 0, this.#used);
      this.#kept = more;
    }
    chunk.copy(this.#kept, this.#used, start, end);
    slot.memoPass = this.#pass;
    slot.memoAt = this.#used;
    slot.memoLength = length;
    this.#used += length;
  }
}
