// Reads XML-RPC answers: a whole methodResponse, or its `<value>` elements one at a time as they arrive.

import { SourceProtocolError } from "../../../net/errors.ts";
import { keepShape } from "../kept-shapes.ts";
import {
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_VALUES,
  type XmlRpcLimits,
} from "./limits.ts";
import { Bytes, ResponseParser } from "./response-parser.ts";
import type { XmlRpcValue } from "./value.ts";

/**
 * Parses a `methodResponse` and returns its value. A `<fault>` becomes an XmlRpcFaultError;
 * anything else that is not a well-formed, bounded response becomes a SourceProtocolError whose
 * message starts with `where`. Never throws anything else, whatever the input.
 *
 * Written for rTorrent's multi-megabyte `d.multicall2` answers: one pass over the bytes (never
 * decoded as a whole), no DOM, no regular expressions on the hot path; each string value is
 * decoded on its own, so it does not keep the whole document alive (as a slice of one big
 * decoded string would). Offsets in messages are byte offsets. It is a parser for
 * XML-RPC, not for XML: DOCTYPEs (and so custom entities) are refused, attributes are skipped,
 * invalid UTF-8 is replaced with U+FFFD rather than refused (torrent names are arbitrary bytes).
 */
export function parseMethodResponse(
  body: Buffer | string,
  options: XmlRpcLimits & { readonly where?: string } = {},
): XmlRpcValue {
  const where = options.where ?? "XML-RPC response";
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  if (size > maxBytes) {
    throw new SourceProtocolError(
      `${where}: response of ${size} bytes exceeds the limit of ${maxBytes}`,
    );
  }
  try {
    const bytes = new Bytes(typeof body === "string" ? Buffer.from(body, "utf8") : body);
    const parser = new ResponseParser(
      bytes,
      () => where,
      Math.min(options.maxDepth ?? DEFAULT_MAX_DEPTH, 1000),
      options.maxValues ?? DEFAULT_MAX_VALUES,
    );
    return parser.document();
  } catch (error) {
    if (error instanceof SourceProtocolError) throw error;
    // Defensive: a bug here must still surface as a protocol error, not crash the poll.
    throw new SourceProtocolError(`${where}: malformed XML-RPC (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * Parses the one `<value>` element that starts at byte `start` of `body` (whitespace and comments
 * before it skipped) and returns it with the offset just past its `</value>`, for readers that take
 * a large answer one element at a time as it arrives. Any malformed or truncated element is a
 * SourceProtocolError (a proper prefix of an element never parses), so a reader that gets one
 * before the whole answer is in can wait for more bytes and try again.
 */
export function parseValueAt(
  body: Buffer,
  start: number,
  options: XmlRpcLimits & { readonly where?: string } = {},
): { readonly value: XmlRpcValue; readonly end: number } {
  const where = options.where ?? "XML-RPC response";
  const reader = new XmlRpcValueReader(body, () => where, options);
  const value = reader.read(start);
  return { value, end: reader.end };
}

/**
 * parseValueAt for many elements of one buffer: the parser is made once per buffer, and the
 * label that starts error messages is only computed when there is an error (a streamed answer
 * names the element and byte offset, which would cost a string per element otherwise).
 */
export class XmlRpcValueReader {
  readonly #parser: ResponseParser;
  readonly #where: () => string;

  constructor(body: Buffer, where: () => string, limits: XmlRpcLimits = {}) {
    this.#where = where;
    this.#parser = new ResponseParser(
      new Bytes(body),
      where,
      Math.min(limits.maxDepth ?? DEFAULT_MAX_DEPTH, 1000),
      limits.maxValues ?? DEFAULT_MAX_VALUES,
    );
  }

  /** Offset just past the `</value>` of the last element read. */
  get end(): number {
    return this.#parser.pos;
  }

  /**
   * Parses the `<value>` element at `start` (whitespace and comments before it skipped), with
   * parseValueAt's guarantees; `maxValues` applies to each element on its own.
   */
  read(start: number): XmlRpcValue {
    const parser = this.#parser;
    parser.pos = start;
    parser.values = 0;
    try {
      parser.skipMisc();
      return parser.value(0);
    } catch (error) {
      if (error instanceof SourceProtocolError) throw error;
      throw new SourceProtocolError(
        `${this.#where()}: malformed XML-RPC (${(error as Error).message})`,
        { cause: error },
      );
    }
  }
}
// A reader lives for one batch of an answer: one kept, so its shape (and code) stays.
keepShape(new XmlRpcValueReader(Buffer.alloc(0), () => ""));
