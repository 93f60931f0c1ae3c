// Reads a JSON answer while it arrives, handing over one array's elements one by one (torrent-get rows).

import { SourceProtocolError } from "../../net/errors.ts";
import { isJsonSpace, JsonValueCapture } from "../../net/json-value-capture.ts";

/** What to stream out of the answer. */
export interface JsonArrayStreamOptions {
  /** Member names from the top-level object down to the array, e.g. `["arguments", "torrents"]`. */
  readonly path: readonly string[];
  /** Called with each element of that array, parsed. */
  readonly onElement: (value: unknown) => void;
  /**
   * Takes an element whole from the bytes, if it can: given a chunk and where an element begins
   * in it, returns where the element ends, having handled it, or -1 to have it parsed and given
   * to `onElement` (it is cut by the chunk's end, or not what it reads). Elements keep their order.
   */
  readonly decode?: (chunk: Buffer, start: number) => number;
  /** Largest single element accepted, in bytes (default 16 MiB). */
  readonly maxElementBytes?: number;
  /** Largest remainder of the answer (everything but the streamed elements), in bytes (default 64 MiB). */
  readonly maxRestBytes?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

interface Frame {
  readonly object: boolean;
  /** The member whose value is being read (objects only). */
  key: string | undefined;
  expectKey: boolean;
  /** This is the streamed array. */
  readonly streamed: boolean;
}

/** Where the scanner is inside the streamed array. */
type ElementState = "first" | "value" | "after";

/**
 * A push parser: feed it the answer's bytes as they come, then `end()`. Each element of the array
 * at `path` is taken by `decode` when it can, else cut out and parsed with JSON.parse (at most
 * `maxElementBytes` at a time), so a 100 MB torrent list never becomes one 100 MB string; the
 * rest of the answer (the envelope, `removed`, `result`) is kept, with that array left empty, and
 * parsed by `end()`. Structural characters are ASCII, so cutting on them never splits a UTF-8
 * sequence.
 */
export class JsonArrayStream {
  readonly #path: readonly string[];
  readonly #onElement: (value: unknown) => void;
  readonly #decode: ((chunk: Buffer, start: number) => number) | undefined;
  /** The element being captured. */
  readonly #row: JsonValueCapture;
  readonly #maxRest: number;
  readonly #stack: Frame[] = [];
  #rest: Buffer[] = [];
  #restSize = 0;
  #started = false;
  #done = false;
  // Inside a string of the remainder (and whether it is a member name being collected).
  #inString = false;
  #escaped = false;
  #keyParts: Buffer[] | undefined;
  #keyStart = 0;
  #keySize = 0;
  // Inside the streamed array.
  #element: ElementState | undefined;

  constructor(options: JsonArrayStreamOptions) {
    this.#path = options.path;
    this.#onElement = options.onElement;
    this.#decode = options.decode;
    this.#row = new JsonValueCapture(options.maxElementBytes ?? 16 * 2 ** 20, "a torrent row");
    this.#maxRest = options.maxRestBytes ?? 64 * 2 ** 20;
  }

  /** Consumes the next bytes. Throws SourceProtocolError on malformed JSON. */
  write(chunk: Buffer): void {
    let i = 0;
    let keep = 0;
    this.#keyStart = 0;
    while (i < chunk.length) {
      if (this.#element !== undefined) {
        this.#keep(chunk, keep, i);
        i = this.#streamElements(chunk, i);
        keep = i;
        continue;
      }
      const byte = chunk[i] as number;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#endString(chunk, i);
        i++;
        continue;
      }
      if (this.#done && !isJsonSpace(byte)) {
        throw new SourceProtocolError("JSON: text after the end of the answer");
      }
      switch (byte) {
        case QUOTE:
          this.#startString(i);
          break;
        case OPEN:
          this.#open(true);
          break;
        case OPEN_ARRAY:
          if (this.#atPath()) {
            this.#keep(chunk, keep, i + 1);
            keep = i + 1;
            this.#stack.push({ object: false, key: undefined, expectKey: false, streamed: true });
            this.#element = "first";
          } else {
            this.#open(false);
          }
          break;
        case CLOSE:
        case CLOSE_ARRAY:
          this.#close(byte === CLOSE);
          break;
        case COLON: {
          const top = this.#top();
          if (top === undefined || !top.object || top.key === undefined || !top.expectKey) {
            throw new SourceProtocolError("JSON: unexpected ':'");
          }
          top.expectKey = false;
          break;
        }
        case COMMA: {
          const top = this.#top();
          if (top === undefined) throw new SourceProtocolError("JSON: unexpected ','");
          if (top.object) {
            top.expectKey = true;
            top.key = undefined;
          }
          break;
        }
        default:
          if (!this.#started && !isJsonSpace(byte)) {
            throw new SourceProtocolError("JSON: expected an object");
          }
      }
      i++;
    }
    this.#keep(chunk, keep, chunk.length);
    if (this.#keyParts !== undefined) {
      // The member name goes on in the next chunk.
      this.#keyParts.push(chunk.subarray(this.#keyStart));
      this.#keySize += chunk.length - this.#keyStart;
      if (this.#keySize > 65_536) throw new SourceProtocolError("JSON: a member name is too long");
    }
  }

  /** Finishes: returns the answer with the streamed array empty. Throws if it is incomplete. */
  end(): unknown {
    if (!this.#done) throw new SourceProtocolError("JSON: the answer ended before it was complete");
    const text = Buffer.concat(this.#rest, this.#restSize).toString("utf8");
    this.#rest = [];
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SourceProtocolError(`JSON: ${(error as Error).message.slice(0, 80)}`, {
        cause: error,
      });
    }
  }

  #top(): Frame | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  /** Whether an array opening here is the one to stream. */
  #atPath(): boolean {
    if (this.#stack.length !== this.#path.length) return false;
    return this.#stack.every((frame, i) => frame.object && frame.key === this.#path[i]);
  }

  #open(object: boolean): void {
    if (this.#done) throw new SourceProtocolError("JSON: text after the end of the answer");
    if (!this.#started && !object) throw new SourceProtocolError("JSON: expected an object");
    this.#started = true;
    this.#stack.push({ object, key: undefined, expectKey: object, streamed: false });
  }

  #close(object: boolean): void {
    const frame = this.#stack.pop();
    if (frame === undefined || frame.object !== object) {
      throw new SourceProtocolError(`JSON: unexpected '${object ? "}" : "]"}'`);
    }
    if (this.#stack.length === 0) this.#done = true;
  }

  #startString(at: number): void {
    if (!this.#started) throw new SourceProtocolError("JSON: expected an object");
    this.#inString = true;
    this.#escaped = false;
    const top = this.#top();
    if (top?.object && top.expectKey) {
      if (top.key !== undefined) throw new SourceProtocolError("JSON: expected ':'");
      this.#keyParts = [];
      this.#keyStart = at;
      this.#keySize = 0;
    } else {
      this.#keyParts = undefined;
    }
  }

  #endString(chunk: Buffer, at: number): void {
    this.#inString = false;
    if (this.#keyParts === undefined) return;
    this.#keyParts.push(chunk.subarray(this.#keyStart, at + 1));
    const text = Buffer.concat(this.#keyParts).toString("utf8");
    this.#keyParts = undefined;
    const top = this.#top() as Frame;
    try {
      top.key = JSON.parse(text) as string;
    } catch (error) {
      throw new SourceProtocolError("JSON: a malformed member name", { cause: error });
    }
  }

  /** Adds `chunk[from, to)` to the remainder. */
  #keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.#restSize += to - from;
    if (this.#restSize > this.#maxRest) {
      throw new SourceProtocolError(
        `JSON: the answer outside its torrent list is larger than ${this.#maxRest} bytes`,
      );
    }
    this.#rest.push(chunk.subarray(from, to));
  }

  /**
   * Scans the streamed array from `start`; returns where it stopped (its end, or the chunk's).
   * The rows that begin and end in this chunk are parsed together, as one JSON array, when the
   * chunk or the streamed array ends: one JSON.parse of a chunk's worth of rows instead of a copy,
   * a string and a JSON.parse per row. A row cut by the chunk's end is kept and parsed alone when
   * the next chunk completes it, before that chunk's own rows.
   */
  #streamElements(chunk: Buffer, start: number): number {
    const row = this.#row;
    let i = start;
    // The rows of this chunk seen whole: from the first one's start to the last one's end.
    let runStart = -1;
    let runEnd = -1;
    let runCount = 0;
    // Where the row being scanned began in this chunk; -1 when it began in an earlier one.
    let rowStart = -1;
    while (i < chunk.length) {
      if (row.active) {
        if (rowStart === -1) {
          i = row.feed(chunk, i);
          if (row.complete) {
            this.#element = "after";
            this.#onElement(row.take());
          }
        } else {
          i = row.scan(chunk, i);
          if (row.complete) {
            row.skip();
            if (runStart === -1) runStart = rowStart;
            runEnd = i;
            runCount++;
            rowStart = -1;
            this.#element = "after";
          }
        }
        continue;
      }
      const byte = chunk[i] as number;
      if (isJsonSpace(byte)) {
        i++;
        continue;
      }
      if (byte === CLOSE_ARRAY && this.#element !== "value") {
        // The streamed array ends: keep its "]" in the remainder and go back to scanning.
        this.#parseRun(chunk, runStart, runEnd, runCount);
        this.#element = undefined;
        this.#close(false);
        this.#restSize++;
        this.#rest.push(Buffer.from("]"));
        return i + 1;
      }
      if (this.#element === "after") {
        if (byte !== COMMA) throw new SourceProtocolError("JSON: expected ',' or ']' between rows");
        this.#element = "value";
        i++;
        continue;
      }
      if (byte === COMMA) throw new SourceProtocolError("JSON: unexpected ',' in the torrent list");
      if (this.#decode !== undefined) {
        // The rows before it go first.
        this.#parseRun(chunk, runStart, runEnd, runCount);
        runStart = -1;
        runCount = 0;
        const end = this.#decode(chunk, i);
        if (end !== -1) {
          this.#element = "after";
          i = end;
          continue;
        }
      }
      row.begin(byte);
      rowStart = i;
    }
    if (rowStart !== -1) row.carry(chunk, rowStart);
    this.#parseRun(chunk, runStart, runEnd, runCount);
    return i;
  }

  /** Parses the `count` rows of `chunk[from, to)` (rows and the commas between them) in one go. */
  #parseRun(chunk: Buffer, from: number, to: number, count: number): void {
    if (count === 0) return;
    let rows: unknown;
    try {
      rows = JSON.parse(`[${chunk.toString("utf8", from, to)}]`);
    } catch (error) {
      throw new SourceProtocolError(`JSON: ${(error as Error).message.slice(0, 80)}`, {
        cause: error,
      });
    }
    // The scan found `count` whole rows with commas between them; JSON.parse agreeing is a check.
    if (!Array.isArray(rows) || rows.length !== count) {
      throw new SourceProtocolError("JSON: the torrent list's rows could not be told apart");
    }
    for (let k = 0; k < count; k++) this.#onElement(rows[k]);
  }
}
