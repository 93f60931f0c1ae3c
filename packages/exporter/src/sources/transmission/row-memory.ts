// The bytes of the last recently-active answer's rows, by torrent id: a row sent again unchanged needs no parsing.

/** Most bytes of rows kept per answer; rows past it are parsed every time. */
const MAX_BYTES = 4 * 2 ** 20;
/** A row's place is kept as start * ROW_SPAN + length: a longer row is not kept. */
const ROW_SPAN = 2 ** 21;

/**
 * Transmission's `recently-active` answer lists every torrent active in the last 60 s, so at a
 * 10 s poll most of its rows are the same bytes as in the answer before. This keeps the rows of
 * the answer being read (`remember`, up to 4 MiB) and of the one before, and tells whether a row
 * is byte for byte the one the same id had then (`same`): an exact comparison, nothing is taken
 * for equal that is not.
 */
export class RowMemory {
  #before = new Map<number, number>();
  #beforeBytes = Buffer.alloc(0);
  #now = new Map<number, number>();
  #nowBytes = Buffer.alloc(0);
  #nowSize = 0;

  /** Whether `chunk[from, to)` is the row torrent `id` had in the answer before, byte for byte. */
  same(id: number, chunk: Buffer, from: number, to: number): boolean {
    const place = this.#before.get(id);
    if (place === undefined) return false;
    const length = place % ROW_SPAN;
    if (length !== to - from) return false;
    const start = (place - length) / ROW_SPAN;
    return this.#beforeBytes.compare(chunk, from, to, start, start + length) === 0;
  }

  /** Keeps `chunk[from, to)` as torrent `id`'s row in this answer (unless the room is used up). */
  remember(id: number, chunk: Buffer, from: number, to: number): void {
    const length = to - from;
    if (length >= ROW_SPAN || this.#nowSize + length > MAX_BYTES) return;
    if (this.#nowSize + length > this.#nowBytes.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(MAX_BYTES, Math.max(64 * 1024, (this.#nowSize + length) * 2)),
      );
      this.#nowBytes.copy(grown, 0, 0, this.#nowSize);
      this.#nowBytes = grown;
    }
    chunk.copy(this.#nowBytes, this.#nowSize, from, to);
    this.#now.set(id, this.#nowSize * ROW_SPAN + length);
    this.#nowSize += length;
  }

  /** The answer was read whole: its rows are the ones to compare the next answer's with. */
  endAnswer(): void {
    const bytes = this.#beforeBytes;
    this.#before = this.#now;
    this.#beforeBytes = this.#nowBytes;
    this.#now = new Map();
    this.#nowBytes = bytes;
    this.#nowSize = 0;
  }

  /** Forgets every row (a full list, a failed or inconsistent pass: the state is rebuilt). */
  clear(): void {
    this.#before = new Map();
    this.#now = new Map();
    this.#beforeBytes = Buffer.alloc(0);
    this.#nowBytes = Buffer.alloc(0);
    this.#nowSize = 0;
  }
}
