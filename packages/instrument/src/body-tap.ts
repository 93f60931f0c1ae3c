// A bounded copy of a body as it goes by, taken without reading, pausing or changing the stream.

/**
 * Collects the chunks of one body up to `limit` bytes, by reference (no copy); past the limit
 * everything is dropped and `overflowed` set, so a large download costs nothing more than a
 * length check per chunk. The usual body, one chunk given to `end()`, needs no array either.
 */
export class BodyTap {
  readonly limit: number;
  #first: string | Buffer | undefined = undefined;
  #rest: Array<string | Buffer> | undefined = undefined;
  /** Exact UTF-8 size of the chunks kept, but for the strings counted in #chars. */
  #bytes = 0;
  /**
   * Length of the string chunks kept whose UTF-8 size was not measured: the first #measured
   * parts are in #bytes. A string's UTF-8 size is at least its length and at most 3 times it
   * (a surrogate pair is 2 units for 4 bytes), so most bodies are never measured.
   */
  #chars = 0;
  #measured = 0;
  #parts = 0;
  #allStrings = true;
  /** The body was larger than `limit`. */
  overflowed = false;
  /** A chunk was of a kind we cannot read (an object-mode stream). */
  unreadable = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes collected so far (UTF-8 size of the strings). */
  get size(): number {
    this.#measure();
    return this.#bytes;
  }

  /** Whether nothing was collected. */
  get empty(): boolean {
    return this.#first === undefined;
  }

  /** Every chunk was a string: the body was written as text, so no content coding applies. */
  get textual(): boolean {
    return this.#allStrings;
  }

  /** Adds a chunk as given to `write(chunk, encoding)` or `push(chunk)`. */
  add(chunk: unknown, encoding?: unknown): void {
    if (this.overflowed || chunk === undefined || chunk === null || typeof chunk === "function") {
      return;
    }
    if (typeof chunk === "string") {
      if (chunk.length === 0) return;
      if (typeof encoding !== "string" || isUtf8(encoding)) {
        if (this.#bytes + 3 * (this.#chars + chunk.length) <= this.limit) {
          this.#chars += chunk.length;
          this.#keep(chunk);
          return;
        }
        this.#measure();
        if (this.#fits(Buffer.byteLength(chunk))) {
          this.#keep(chunk);
          this.#measured = this.#parts;
        }
        return;
      }
      const bytes = Buffer.from(chunk, encoding as BufferEncoding);
      if (this.#fits(bytes.length)) this.#keep(bytes);
    } else if (chunk instanceof Uint8Array) {
      // Kept by reference, as Node keeps it until written: writers must not change a chunk
      // they have written (and one that does only makes its business code wrong).
      if (chunk.length > 0 && this.#fits(chunk.length)) {
        this.#keep(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
        );
      }
    } else {
      this.unreadable = true;
    }
  }

  /** Adds a chunk Node pushes into an IncomingMessage (null marks the end): a push observer. */
  onPush(chunk: unknown): void {
    if (chunk !== null) this.add(chunk);
  }

  /** The body as UTF-8 text when it was written as text, else as bytes. */
  contents(): string | Buffer {
    const first = this.#first;
    const rest = this.#rest;
    if (first === undefined) return "";
    if (rest === undefined) return first;
    const parts = [first, ...rest];
    if (this.#allStrings) return parts.join("");
    return Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
  }

  /** Whether a chunk of `bytes` (exact) still fits, then counted; drops everything when not. */
  #fits(bytes: number): boolean {
    const limit = this.limit;
    if (this.#bytes + 3 * this.#chars + bytes > limit) {
      if (this.#bytes + this.#chars + bytes <= limit) this.#measure();
      if (this.#bytes + this.#chars + bytes > limit) {
        this.overflowed = true;
        this.#first = undefined;
        this.#rest = undefined;
        return false;
      }
    }
    this.#bytes += bytes;
    return true;
  }

  /** Counts the exact UTF-8 size of the strings kept and not measured yet. */
  #measure(): void {
    const rest = this.#rest;
    for (let i = this.#measured; i < this.#parts; i++) {
      const part = i === 0 ? this.#first : rest?.[i - 1];
      if (typeof part === "string") this.#bytes += Buffer.byteLength(part);
    }
    this.#chars = 0;
    this.#measured = this.#parts;
  }

  #keep(part: string | Buffer): void {
    this.#parts++;
    if (typeof part !== "string") this.#allStrings = false;
    if (this.#first === undefined) this.#first = part;
    else if (this.#rest === undefined) this.#rest = [part];
    else this.#rest.push(part);
  }
}

function isUtf8(encoding: string): boolean {
  return encoding === "utf8" || encoding === "utf-8" || /^utf-?8$/i.test(encoding);
}
