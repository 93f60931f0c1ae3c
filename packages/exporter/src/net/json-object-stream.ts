// Reads a large JSON object from a byte stream without ever holding its whole text.

import { SourceProtocolError } from "./errors.ts";
import { isJsonSpace, JsonValueCapture } from "./json-value-capture.ts";

/** What to do with the object's members. */
export interface JsonObjectStreamOptions {
  /** Members whose value is an object to hand over entry by entry instead of keeping. */
  readonly streamed: ReadonlySet<string>;
  /** Called with each entry of a streamed member, parsed. */
  readonly onEntry: (member: string, key: string, value: unknown) => void;
  /** Largest single value (an entry, or a kept member) accepted, in bytes (default 64 MiB). */
  readonly maxValueBytes?: number;
}

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

type State =
  | "start"
  | "member-key"
  | "member-colon"
  | "member-value"
  | "after-member"
  | "entry-open"
  | "entry-key"
  | "entry-colon"
  | "entry-value"
  | "after-entry"
  | "done";

/**
 * A push parser for one JSON object: feed it the bytes as they arrive, then `end()`. Members
 * named in `streamed` must hold objects; each of their entries is parsed on its own (with
 * JSON.parse, on a slice of at most `maxValueBytes`) and handed to `onEntry`, so a 100 MB answer
 * never becomes a 100 MB string. Every other member is parsed and returned by `end()`.
 * Structural characters are ASCII, so slicing on them never splits a UTF-8 sequence.
 */
export class JsonObjectStream {
  readonly #options: JsonObjectStreamOptions;
  readonly #result: Record<string, unknown> = {};
  #state: State = "start";
  #member = "";
  #entryKey = "";
  /** The key or value being captured. */
  readonly #value: JsonValueCapture;

  constructor(options: JsonObjectStreamOptions) {
    this.#options = options;
    this.#value = new JsonValueCapture(options.maxValueBytes ?? 64 * 2 ** 20, "a value");
  }

  /** Consumes the next bytes. Throws SourceProtocolError on malformed JSON. */
  write(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#value.active) {
        i = this.#value.feed(chunk, i);
        if (this.#value.complete) this.#finishValue();
        continue;
      }
      const byte = chunk[i] as number;
      if (isJsonSpace(byte)) {
        i++;
        continue;
      }
      switch (this.#state) {
        case "start":
          this.#expect(byte, OPEN, "an object");
          this.#state = "member-key";
          i++;
          break;
        case "member-key":
        case "entry-key":
          if (byte === CLOSE) {
            this.#closeObject();
            i++;
            break;
          }
          this.#expect(byte, QUOTE, "a key");
          this.#value.begin(byte);
          break;
        case "member-colon":
        case "entry-colon":
          this.#expect(byte, COLON, "':'");
          this.#state = this.#state === "member-colon" ? "member-value" : "entry-value";
          i++;
          break;
        case "member-value":
          if (this.#options.streamed.has(this.#member)) {
            this.#expect(byte, OPEN, `an object for "${this.#member}"`);
            this.#state = "entry-key";
            i++;
          } else {
            this.#value.begin(byte);
          }
          break;
        case "entry-value":
          this.#value.begin(byte);
          break;
        case "after-member":
        case "after-entry":
          if (byte === COMMA) {
            this.#state = this.#state === "after-member" ? "member-key" : "entry-key";
          } else {
            this.#expect(byte, CLOSE, "',' or '}'");
            this.#closeObject();
          }
          i++;
          break;
        case "done":
          throw new SourceProtocolError("JSON: text after the end of the object");
        default:
          throw new SourceProtocolError("JSON: unexpected input");
      }
    }
  }

  /** Finishes: returns the members that were kept. Throws if the object is incomplete. */
  end(): Record<string, unknown> {
    if (this.#state === "member-value" || this.#state === "entry-value") {
      this.#value.endInput();
      if (this.#value.complete) this.#finishValue();
    }
    if (this.#state !== "done")
      throw new SourceProtocolError("JSON: the answer ended before the object did");
    return this.#result;
  }

  #closeObject(): void {
    if (this.#state === "member-key" || this.#state === "after-member") this.#state = "done";
    else this.#state = "after-member";
  }

  #finishValue(): void {
    const value = this.#value.take();
    switch (this.#state) {
      case "member-key":
        this.#member = keyOf(value);
        this.#state = "member-colon";
        break;
      case "entry-key":
        this.#entryKey = keyOf(value);
        this.#state = "entry-colon";
        break;
      case "member-value":
        // defineProperty: a member named "__proto__" must stay data, as JSON.parse keeps it.
        Object.defineProperty(this.#result, this.#member, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        this.#state = "after-member";
        break;
      case "entry-value":
        this.#options.onEntry(this.#member, this.#entryKey, value);
        this.#state = "after-entry";
        break;
    }
  }

  #expect(byte: number, wanted: number, what: string): void {
    if (byte !== wanted) {
      throw new SourceProtocolError(
        `JSON: expected ${what}, found ${JSON.stringify(String.fromCharCode(byte))}`,
      );
    }
  }
}

function keyOf(value: unknown): string {
  if (typeof value !== "string") throw new SourceProtocolError("JSON: object keys must be strings");
  return value;
}
