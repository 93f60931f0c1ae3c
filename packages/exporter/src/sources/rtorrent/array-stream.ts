// Reads an XML-RPC answer whose value is an array one element at a time, as its bytes arrive.

import { SourceProtocolError } from "../../net/errors.ts";
import { keepShape } from "./kept-shapes.ts";
import type { XmlRpcLimits } from "./xmlrpc/limits.ts";
import { parseMethodResponse, XmlRpcValueReader } from "./xmlrpc/reader.ts";
import type { XmlRpcValue } from "./xmlrpc/value.ts";

/** Bounds of a streamed answer. */
export interface ArrayStreamOptions extends XmlRpcLimits {
  /** Names the call in messages. */
  readonly where: string;
  /** Largest single element (default 16 MiB): past it, an element that will not parse is an error. */
  readonly maxItemBytes?: number;
  /**
   * Bytes gathered before elements are parsed (default 256 KiB): the element cut by the end of a
   * batch is tried once per batch rather than once per network chunk.
   */
  readonly batchBytes?: number;
  /**
   * Tries to take the element that starts at `at` straight from the bytes (the shape the caller
   * expects, read without building values); returns the offset just past it, or -1 to have it
   * parsed and handed to `onItem` as usual. It must have done nothing when it returns -1 (it is
   * also called on an element cut by the end of a batch, and again once more bytes are in).
   */
  readonly scan?: (bytes: Buffer, at: number) => number;
}

const HEAD = ["<methodResponse>", "<params>", "<param>", "<value>", "<array>", "<data>"];
const DATA_END = Buffer.from("</data>", "latin1");
const TAIL = /^<\/data>\s*<\/array>\s*<\/value>\s*<\/param>\s*<\/params>\s*<\/methodResponse>\s*$/;
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_TAIL_BYTES = 4096;
const DEFAULT_MAX_ITEM_BYTES = 16 * 2 ** 20;
const DEFAULT_MAX_BYTES = 256 * 2 ** 20;
const DEFAULT_BATCH_BYTES = 256 * 1024;

/**
 * Takes the bytes of a `methodResponse` as they arrive and hands each element of its top-level
 * array to `onItem` once it is complete (checked after every batch of bytes), so memory holds a
 * batch and one element, never the whole answer (rTorrent's `d.multicall2` for 100,000 torrents
 * is tens of megabytes). Each element is parsed by the same bounded parser as whole answers; an
 * element cut by the end of a batch fails to parse and is retried with the next batch (a proper
 * prefix of an element never parses). Anything but the plain shape rTorrent sends (a fault, attributes,
 * an empty `<data/>`) is gathered whole, within `maxBytes`, and parsed at the end.
 */
export class ArrayResponseStream {
  readonly #onItem: (value: XmlRpcValue, index: number) => void;
  readonly #options: ArrayStreamOptions;
  readonly #maxItem: number;
  readonly #maxBytes: number;
  readonly #batch: number;
  readonly #scan: ((bytes: Buffer, at: number) => number) | undefined;
  #queued: Buffer[] = [];
  #queuedBytes = 0;
  #mode: "head" | "items" | "tail" | "whole" = "head";
  #pending: Buffer = Buffer.alloc(0);
  /** Bytes of the answer before `#pending`. */
  #consumed = 0;
  #received = 0;
  #items = 0;
  #whole: Buffer[] = [];
  #ended = false;

  constructor(onItem: (value: XmlRpcValue, index: number) => void, options: ArrayStreamOptions) {
    this.#onItem = onItem;
    this.#options = options;
    this.#maxItem = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#batch = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.#scan = options.scan;
  }

  /** Elements handed out so far. */
  get items(): number {
    return this.#items;
  }

  /** Takes the next bytes of the answer; throws a SourceProtocolError once a batch cannot be right. */
  push(chunk: Buffer): void {
    if (this.#ended) throw new Error("ArrayResponseStream.push() after end()");
    this.#received += chunk.length;
    if (this.#received > this.#maxBytes) {
      throw new SourceProtocolError(
        `${this.#options.where}: response of more than ${this.#maxBytes} bytes exceeds the limit`,
      );
    }
    if (this.#mode === "whole") {
      this.#whole.push(chunk);
      return;
    }
    this.#queued.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes >= this.#batch) {
      this.#flush();
      this.#advance(false);
    }
  }

  /** The answer is complete: checks its end. Throws the fault of a fault answer as XmlRpcFaultError. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#mode !== "whole") {
      this.#flush();
      this.#advance(true);
    }
    if (this.#mode === "whole") {
      const value = parseMethodResponse(Buffer.concat(this.#whole), this.#options);
      this.#whole = [];
      if (!Array.isArray(value)) {
        throw new SourceProtocolError(`${this.#options.where}: the answer is not an array`);
      }
      for (const item of value as readonly XmlRpcValue[]) this.#onItem(item, this.#items++);
      return;
    }
    if (this.#mode !== "tail") {
      throw new SourceProtocolError(
        `${this.#options.where}: truncated XML-RPC response after ${this.#items} elements`,
      );
    }
    const tail = this.#pending.toString("latin1");
    if (!TAIL.test(tail)) {
      throw new SourceProtocolError(
        `${this.#options.where}: malformed XML-RPC response after the last element`,
      );
    }
  }

  #advance(final: boolean): void {
    if (this.#mode === "head") this.#head(final);
    if (this.#mode === "items") this.#elements(final);
    if (this.#mode === "tail" && this.#pending.length > MAX_TAIL_BYTES) {
      throw new SourceProtocolError(`${this.#options.where}: content after the array`);
    }
  }

  /** Matches the fixed opening up to `<data>`, or switches to gathering the whole answer. */
  #head(final: boolean): void {
    const b = this.#pending;
    let p = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    for (const tag of HEAD) {
      const next = skipMisc(b, p);
      if (next === undefined) {
        this.#needMore(final, MAX_HEAD_BYTES);
        return;
      }
      p = next;
      const have = b.length - p;
      if (have < tag.length) {
        if (b.toString("latin1", p) === tag.slice(0, have)) this.#needMore(final, MAX_HEAD_BYTES);
        else this.#gatherWhole();
        return;
      }
      if (b.toString("latin1", p, p + tag.length) !== tag) {
        this.#gatherWhole();
        return;
      }
      p += tag.length;
    }
    this.#consume(p);
    this.#mode = "items";
  }

  /** Hands out every complete element in `#pending`. */
  #elements(final: boolean): void {
    const where = this.#options.where;
    let p = 0;
    const b = this.#pending;
    // One reader for the batch; the message of an error names the element and its byte offset.
    const reader = new XmlRpcValueReader(
      b,
      () => `${where} (element ${this.#items}, byte ${this.#consumed + p})`,
      this.#options,
    );
    for (;;) {
      const next = skipMisc(b, p);
      if (next === undefined || next >= b.length) break;
      p = next;
      if (atDataEnd(b, p)) {
        if (b.length - p >= DATA_END.length) this.#mode = "tail";
        break; // Else a prefix of `</data>`: wait for the rest.
      }
      const scanned = this.#scan === undefined ? -1 : this.#scan(b, p);
      if (scanned >= 0) {
        this.#items++;
        p = scanned;
        continue;
      }
      let value: XmlRpcValue;
      try {
        value = reader.read(p);
      } catch (error) {
        // Cut by a chunk boundary, or malformed: more bytes tell which, within bounds.
        if (final || b.length - p > this.#maxItem) throw error;
        break;
      }
      this.#onItem(value, this.#items++);
      p = reader.end;
    }
    this.#consume(p);
  }

  #flush(): void {
    if (this.#queuedBytes === 0) return;
    this.#pending = Buffer.concat(
      this.#pending.length === 0 ? this.#queued : [this.#pending, ...this.#queued],
    );
    this.#queued = [];
    this.#queuedBytes = 0;
  }

  #needMore(final: boolean, bound: number): void {
    if (final || this.#pending.length > bound) this.#gatherWhole();
  }

  #gatherWhole(): void {
    this.#mode = "whole";
    this.#whole = [this.#pending, ...this.#queued];
    this.#pending = Buffer.alloc(0);
    this.#queued = [];
    this.#queuedBytes = 0;
  }

  #consume(bytes: number): void {
    if (bytes === 0) return;
    this.#consumed += bytes;
    this.#pending = this.#pending.subarray(bytes);
  }
}

/**
 * Skips whitespace, comments and processing instructions from `p`; undefined when one of those
 * runs past the end of what has arrived.
 */
function skipMisc(b: Buffer, from: number): number | undefined {
  let p = from;
  for (;;) {
    while (p < b.length && (b[p] === 32 || b[p] === 10 || b[p] === 13 || b[p] === 9)) p++;
    if (p + 1 >= b.length || b[p] !== 60) return p;
    if (b[p + 1] === 63) {
      const end = b.indexOf("?>", p + 2, "latin1");
      if (end === -1) return undefined;
      p = end + 2;
    } else if (b[p + 1] === 33 && b[p + 2] === 45 && b[p + 3] === 45) {
      const end = b.indexOf("-->", p + 4, "latin1");
      if (end === -1) return undefined;
      p = end + 3;
    } else {
      return p;
    }
  }
}

/** Whether `</data>`, or the part of it that has arrived, starts at `p` (checked per element). */
function atDataEnd(b: Buffer, p: number): boolean {
  if (b[p] !== 60 || (p + 1 < b.length && b[p + 1] !== 47)) return false;
  const have = Math.min(b.length - p, DATA_END.length);
  return b.compare(DATA_END, 0, have, p, p + have) === 0;
}
// A stream lives for one answer: one kept, so its shape (and code) stays.
keepShape(new ArrayResponseStream(() => {}, { where: "" }));
