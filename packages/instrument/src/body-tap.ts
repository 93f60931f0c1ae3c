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
  #bytes = 0;
  #allStrings = true;
  /** The body was larger than `limit`. */
  overflowed = false;
  /** A chunk was of a kind we cannot read (an object-mode stream). */
  unreadable = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes collected so far. */
  get size(): number {
    return this.#bytes;
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
      if (encoding === undefined || typeof encoding !== "string" || isUtf8(encoding)) {
        if (this.#fits(chunk.length < 128 ? utf8Length(chunk) : Buffer.byteLength(chunk))) {
          this.#keep(chunk);
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

  #fits(length: number): boolean {
    if (this.#bytes + length <= this.limit) {
      this.#bytes += length;
      return true;
    }
    this.overflowed = true;
    this.#first = undefined;
    this.#rest = undefined;
    return false;
  }

  #keep(part: string | Buffer): void {
    if (typeof part !== "string") this.#allStrings = false;
    if (this.#first === undefined) this.#first = part;
    else if (this.#rest === undefined) this.#rest = [part];
    else this.#rest.push(part);
  }
}

function isUtf8(encoding: string): boolean {
  return encoding === "utf8" || encoding === "utf-8" || /^utf-?8$/i.test(encoding);
}

/** UTF-8 length of a short string, without Buffer.byteLength's call into C++. */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) length += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return length;
}
