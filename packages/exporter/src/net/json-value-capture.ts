// Captures one JSON value from a byte stream, chunk by chunk, and parses it once it is whole.

import { SourceProtocolError } from "./errors.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** JSON's insignificant whitespace. */
export function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * The bytes of one JSON value (a string, an object, an array, or a scalar) as they stream by, kept
 * as slices of the chunks (no copy until the value is whole), bounded by `maxBytes`, then parsed
 * with JSON.parse. A push parser hands it the bytes of a value it wants whole: `begin` at its
 * first byte, `feed` chunk by chunk until `complete`, then `take`. A parser that parses several
 * values of one chunk at once only needs to know where each ends: it `scan`s instead of feeding,
 * then `skip`s a value that ended in the chunk, or `carry`s one that goes on into the next (and
 * feeds it from there). Structural characters are ASCII, so slicing on them never splits a UTF-8
 * sequence.
 */
export class JsonValueCapture {
  readonly #maxBytes: number;
  readonly #what: string;
  #parts: Buffer[] = [];
  #size = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #scalar = false;
  #active = false;
  #complete = false;

  /** `what` names a value in the error for one larger than `maxBytes` ("a torrent row"). */
  constructor(maxBytes: number, what: string) {
    this.#maxBytes = maxBytes;
    this.#what = what;
  }

  /** A value was begun and not taken yet. */
  get active(): boolean {
    return this.#active;
  }

  /** The value has ended: `take()` it. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Starts a value whose first byte is `first` (still to be fed). */
  begin(first: number): void {
    this.#active = true;
    this.#complete = false;
    this.#scalar = first !== QUOTE && first !== OPEN && first !== OPEN_ARRAY;
    this.#parts = [];
    this.#size = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
  }

  /**
   * Scans `chunk` from `start` until the value ends (then `complete` is true) or the chunk does,
   * and keeps those bytes; returns where scanning stopped: the byte after the value, or the
   * chunk's end.
   */
  feed(chunk: Buffer, start: number): number {
    const stop = this.scan(chunk, start);
    this.#parts.push(chunk.subarray(start, stop));
    return stop;
  }

  /**
   * Like `feed`, without keeping the bytes: for a value the caller reads from the chunk itself
   * (then `skip`), or keeps with `carry` if the chunk ends first.
   */
  scan(chunk: Buffer, start: number): number {
    let i = start;
    let end = -1;
    if (this.#scalar) {
      for (; i < chunk.length; i++) {
        const b = chunk[i] as number;
        if (b === COMMA || b === CLOSE || b === CLOSE_ARRAY || isJsonSpace(b)) {
          end = i;
          break;
        }
      }
    } else {
      // The state lives in locals while the loop runs: a field read and written per byte costs.
      const length = chunk.length;
      let depth = this.#depth;
      let inString = this.#inString;
      let escaped = this.#escaped;
      while (i < length) {
        if (inString) {
          if (escaped) {
            escaped = false;
            i++;
          }
          // The body of a string: everything up to its closing quote, escapes skipped over.
          while (i < length) {
            const b = chunk[i] as number;
            if (b === QUOTE) break;
            if (b === BACKSLASH) {
              if (i + 1 === length) {
                escaped = true;
                i++;
                break;
              }
              i += 2;
            } else i++;
          }
          if (i >= length) break;
          inString = false;
          i++;
          if (depth === 0) {
            end = i;
            break;
          }
          continue;
        }
        const b = chunk[i] as number;
        i++;
        if (b === QUOTE) inString = true;
        else if (b === OPEN || b === OPEN_ARRAY) depth++;
        else if (b === CLOSE || b === CLOSE_ARRAY) {
          depth--;
          if (depth === 0) {
            end = i;
            break;
          }
          if (depth < 0) throw new SourceProtocolError("JSON: unbalanced brackets");
        }
      }
      this.#depth = depth;
      this.#inString = inString;
      this.#escaped = escaped;
    }
    const stop = end === -1 ? chunk.length : end;
    this.#size += stop - start;
    if (this.#size > this.#maxBytes) {
      throw new SourceProtocolError(`JSON: ${this.#what} is larger than ${this.#maxBytes} bytes`);
    }
    if (end !== -1) this.#complete = true;
    return stop;
  }

  /** Keeps `chunk` from `from` to its end: the scanned start of a value the next chunk goes on with. */
  carry(chunk: Buffer, from: number): void {
    this.#parts.push(chunk.subarray(from));
  }

  /** Forgets a complete value that was scanned, not kept (the caller parsed it from its chunk). */
  skip(): void {
    this.#parts = [];
    this.#active = false;
    this.#complete = false;
  }

  /** The input ended: a scalar being captured is complete (nothing needs to follow a number). */
  endInput(): void {
    if (this.#active && this.#scalar) this.#complete = true;
  }

  /** Parses the captured value and forgets it. Throws SourceProtocolError if it is not JSON. */
  take(): unknown {
    const text = Buffer.concat(this.#parts, this.#size).toString("utf8");
    this.#parts = [];
    this.#active = false;
    this.#complete = false;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SourceProtocolError(`JSON: ${(error as Error).message.slice(0, 80)}`, {
        cause: error,
      });
    }
  }
}
