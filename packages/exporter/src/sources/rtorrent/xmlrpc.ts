// XML-RPC for rTorrent: an encoder for method calls and a bounded, fast parser for method responses.

import { SourceProtocolError } from "../errors.ts";

/**
 * A decoded XML-RPC value. Integers (`i4`, `int`, `i8`, `ex:i8`) are numbers, or bigints when
 * outside the safe-integer range; `base64` is a Buffer; `nil` is null; `dateTime.iso8601` is
 * kept as its text.
 */
export type XmlRpcValue =
  | string
  | number
  | bigint
  | boolean
  | Buffer
  | null
  | readonly XmlRpcValue[]
  | XmlRpcStruct;

/** An XML-RPC struct: member names to values. */
export interface XmlRpcStruct {
  readonly [member: string]: XmlRpcValue;
}

/** Forces a number to be sent as `<double>` even when it is integral. */
export class XmlRpcDouble {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** What the encoder accepts: any XmlRpcValue, plus explicit doubles. */
export type XmlRpcParam =
  | XmlRpcValue
  | XmlRpcDouble
  | Uint8Array
  | readonly XmlRpcParam[]
  | { readonly [member: string]: XmlRpcParam };

/** Bounds applied while parsing a response. */
export interface XmlRpcLimits {
  /** Largest document accepted, in bytes (default 256 MiB). */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and structs (default 32, at most 1000). */
  readonly maxDepth?: number;
  /** Most `<value>` elements in one document (default 20 million). */
  readonly maxValues?: number;
}

/** Default bound on a response, shared by the transports (256 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 2 ** 20;
const DEFAULT_MAX_DEPTH = 32;
const DEFAULT_MAX_VALUES = 20_000_000;

/** rTorrent answered with an XML-RPC fault (unknown method, unknown hash, bad target...). */
export class XmlRpcFaultError extends SourceProtocolError {
  override name = "XmlRpcFaultError";
  readonly faultCode: number;
  readonly faultString: string;
  constructor(faultCode: number, faultString: string, where: string) {
    super(`${where}: XML-RPC fault ${faultCode}: ${clip(faultString, 200)}`);
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

const METHOD_NAME = /^[A-Za-z0-9_.:/]+$/;
// Characters that must be escaped in text; NUL and unpaired surrogates cannot be sent at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape.
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape.
const ESCAPE_ALL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const I4_MIN = -(2 ** 31);
const I4_MAX = 2 ** 31 - 1;
const I8_MIN = -(2n ** 63n);
const I8_MAX = 2n ** 63n - 1n;
const MAX_ENCODE_DEPTH = 100;

/**
 * Encodes a `methodCall` document. Numbers are sent as `<i4>` when they fit, `<i8>` when they are
 * larger integers, and `<double>` otherwise (or when wrapped in XmlRpcDouble). Throws a TypeError
 * naming the offending value for what XML-RPC cannot carry (NaN, NUL characters, cycles...).
 */
export function encodeMethodCall(method: string, params: readonly XmlRpcParam[]): string {
  if (!METHOD_NAME.test(method)) {
    throw new TypeError(
      `XML-RPC method name must match ${METHOD_NAME}, got ${JSON.stringify(clip(method, 60))}`,
    );
  }
  const out: string[] = [
    '<?xml version="1.0"?><methodCall><methodName>',
    method,
    "</methodName><params>",
  ];
  for (const param of params) {
    out.push("<param><value>");
    encodeValue(param, out, 0);
    out.push("</value></param>");
  }
  out.push("</params></methodCall>");
  return out.join("");
}

/** Encodes one value as the content of a `<value>` element (e.g. `<i4>1</i4>`). */
export function encodeXmlRpcValue(value: XmlRpcParam): string {
  const out: string[] = [];
  encodeValue(value, out, 0);
  return out.join("");
}

/** Escapes text for an XML element (also `\r`, which XML would otherwise turn into `\n`). */
export function escapeXmlText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPE_ALL, (char) => {
    switch (char) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case "\u0000":
        throw new TypeError("XML-RPC strings cannot contain a NUL character");
      default:
        return `&#x${(char.codePointAt(0) as number).toString(16).toUpperCase()};`;
    }
  });
}

function encodeValue(value: XmlRpcParam, out: string[], depth: number): void {
  if (depth > MAX_ENCODE_DEPTH) {
    throw new TypeError(`XML-RPC value nested deeper than ${MAX_ENCODE_DEPTH} levels (a cycle?)`);
  }
  switch (typeof value) {
    case "string":
      if (!value.isWellFormed()) throw new TypeError("XML-RPC strings must be well-formed UTF-16");
      out.push("<string>", escapeXmlText(value), "</string>");
      return;
    case "number":
      encodeNumber(value, out);
      return;
    case "bigint":
      if (value < I8_MIN || value > I8_MAX) {
        throw new TypeError(`XML-RPC integers are 64-bit; ${value} is out of range`);
      }
      out.push("<i8>", value.toString(), "</i8>");
      return;
    case "boolean":
      out.push(value ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
      return;
    case "object":
      break;
    default:
      throw new TypeError(`${typeof value} is not an XML-RPC value`);
  }
  if (value === null) {
    out.push("<nil/>");
  } else if (value instanceof XmlRpcDouble) {
    out.push("<double>", formatDouble(value.value), "</double>");
  } else if (value instanceof Uint8Array) {
    out.push(
      "<base64>",
      Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
      "</base64>",
    );
  } else if (Array.isArray(value)) {
    out.push("<array><data>");
    for (const item of value as readonly XmlRpcParam[]) {
      out.push("<value>");
      encodeValue(item, out, depth + 1);
      out.push("</value>");
    }
    out.push("</data></array>");
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `${(value as object).constructor?.name ?? "object"} is not an XML-RPC value (use a plain object for a struct)`,
      );
    }
    out.push("<struct>");
    for (const [name, member] of Object.entries(value as Record<string, XmlRpcParam>)) {
      if (!name.isWellFormed() || name.includes("\u0000")) {
        throw new TypeError("XML-RPC struct member names must be well-formed text without NUL");
      }
      out.push("<member><name>", escapeXmlText(name), "</name><value>");
      encodeValue(member, out, depth + 1);
      out.push("</value></member>");
    }
    out.push("</struct>");
  }
}

function encodeNumber(value: number, out: string[]): void {
  if (Number.isInteger(value) && !Object.is(value, -0)) {
    if (value >= I4_MIN && value <= I4_MAX) {
      out.push("<i4>", String(value), "</i4>");
      return;
    }
    if (Number.isSafeInteger(value)) {
      out.push("<i8>", String(value), "</i8>");
      return;
    }
  }
  out.push("<double>", formatDouble(value), "</double>");
}

function formatDouble(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`XML-RPC doubles must be finite, got ${value}`);
  return Object.is(value, -0) ? "-0" : String(value);
}

// ---------------------------------------------------------------------------------------------
// Parsing

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

/**
 * Splits a `system.multicall` result: each success is the one-element array `[value]`, each
 * failure a fault struct, which becomes an XmlRpcFaultError in its slot.
 */
export function multicallResults(
  value: XmlRpcValue,
  expected: number,
  where: string,
): (XmlRpcValue | XmlRpcFaultError)[] {
  if (!Array.isArray(value) || value.length !== expected) {
    throw new SourceProtocolError(
      `${where}: system.multicall returned ${describeValue(value)}, expected an array of ${expected}`,
    );
  }
  return (value as readonly XmlRpcValue[]).map((item, i) => {
    if (Array.isArray(item) && item.length === 1) return item[0] as XmlRpcValue;
    const fault = asFault(item);
    if (fault) return new XmlRpcFaultError(fault.code, fault.message, `${where} [${i}]`);
    throw new SourceProtocolError(
      `${where}: system.multicall item ${i} is ${describeValue(item)}, expected [value] or a fault`,
    );
  });
}

/** A short description of a value's type, for error messages (never the value itself). */
export function describeValue(value: XmlRpcValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "nil";
  if (Buffer.isBuffer(value)) return "base64";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "a struct";
  return `a ${typeof value}`;
}

function asFault(value: XmlRpcValue): { code: number; message: string } | undefined {
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    Buffer.isBuffer(value)
  ) {
    return undefined;
  }
  const struct = value as XmlRpcStruct;
  const code = struct.faultCode;
  const message = struct.faultString;
  if (typeof code !== "number" || typeof message !== "string") return undefined;
  return { code, message };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const AMP = 38; // &
const CR = 13; // \r

/** The few string operations the parser needs, over bytes (literals and names are ASCII). */
class Bytes {
  readonly b: Buffer;
  readonly length: number;
  constructor(b: Buffer) {
    this.b = b;
    this.length = b.length;
  }
  /** The byte at `i`, or -1 past the end. */
  charCodeAt(i: number): number {
    return this.b[i] ?? -1;
  }
  startsWith(ascii: string, pos: number): boolean {
    const b = this.b;
    const n = ascii.length;
    if (pos + n > b.length) return false;
    for (let k = 0; k < n; k++) if (b[pos + k] !== ascii.charCodeAt(k)) return false;
    return true;
  }
  indexOf(ascii: string, pos: number): number {
    return ascii.length === 1
      ? this.b.indexOf(ascii.charCodeAt(0), pos)
      : this.b.indexOf(ascii, pos, "latin1");
  }
  /** A fresh string of the bytes in [start, end), decoded as UTF-8. */
  slice(start: number, end: number): string {
    return this.b.toString("utf8", start, end);
  }
}

class ResponseParser {
  readonly s: Bytes;
  /** Starts error messages; a function so that it costs nothing until there is an error. */
  readonly where: () => string;
  readonly maxDepth: number;
  readonly maxValues: number;
  pos = 0;
  values = 0;

  constructor(s: Bytes, where: () => string, maxDepth: number, maxValues: number) {
    this.s = s;
    this.where = where;
    this.maxDepth = maxDepth;
    this.maxValues = maxValues;
  }

  fail(what: string): never {
    throw new SourceProtocolError(
      `${this.where()}: malformed XML-RPC response: ${what} at offset ${this.pos}`,
    );
  }

  document(): XmlRpcValue {
    if (this.s.startsWith("\xEF\xBB\xBF", 0)) this.pos = 3; // UTF-8 byte-order mark
    this.skipMisc();
    if (this.pos >= this.s.length) this.fail("empty document");
    this.open("methodResponse");
    this.skipMisc();
    const tag = this.readOpenTag();
    let result: XmlRpcValue;
    if (tag.name === "params") {
      result = tag.selfClosing ? null : this.params();
    } else if (tag.name === "fault") {
      if (tag.selfClosing) this.fail("empty <fault>");
      this.skipMisc();
      const value = this.value(0);
      this.skipMisc();
      this.close("fault");
      const fault = asFault(value);
      if (!fault) this.fail("<fault> without an integer faultCode and a string faultString");
      this.skipMisc();
      this.close("methodResponse");
      this.end();
      throw new XmlRpcFaultError(fault.code, fault.message, this.where());
    } else {
      this.fail(`expected <params> or <fault>, found <${clip(tag.name, 40)}>`);
    }
    this.skipMisc();
    this.close("methodResponse");
    this.end();
    return result;
  }

  end(): void {
    this.skipMisc();
    if (this.pos < this.s.length) this.fail("content after </methodResponse>");
  }

  params(): XmlRpcValue {
    this.skipMisc();
    if (this.tryClose("params")) return null;
    this.open("param");
    this.skipMisc();
    const value = this.value(0);
    this.skipMisc();
    this.close("param");
    this.skipMisc();
    if (!this.tryClose("params")) this.fail("expected exactly one <param>");
    return value;
  }

  /** Parses `<value>...</value>` at the current position. */
  value(depth: number): XmlRpcValue {
    if (++this.values > this.maxValues) {
      throw new SourceProtocolError(
        `${this.where()}: response has more than ${this.maxValues} values`,
      );
    }
    const s = this.s;
    if (s.startsWith("<value>", this.pos)) {
      this.pos += 7;
    } else {
      const tag = this.readOpenTag();
      if (tag.name !== "value") this.fail(`expected <value>, found <${clip(tag.name, 40)}>`);
      if (tag.selfClosing) return "";
    }
    // Fast paths for what rTorrent sends: <value><i8>N</i8></value>, <value><string>..</string></value>
    // and <value><array><data>..; anything else (whitespace, attributes, other types) below.
    switch (s.charCodeAt(this.pos + 1)) {
      case 115: // s
        if (s.startsWith("<string>", this.pos)) {
          this.pos += 8;
          const result = this.text();
          if (s.startsWith("</string>", this.pos)) this.pos += 9;
          else this.close("string");
          this.closeValue();
          return result;
        }
        break;
      case 105: // i
        if (s.startsWith("<i8>", this.pos)) {
          this.pos += 4;
          const result = this.integerElement("i8");
          this.closeValue();
          return result;
        }
        break;
      case 97: // a
        if (s.startsWith("<array>", this.pos)) {
          this.pos += 7;
          const result = this.array(depth + 1);
          this.closeValue();
          return result;
        }
        break;
    }
    // A value is either text (a string) or whitespace around one typed element.
    const leading = this.text();
    if (s.startsWith("</", this.pos)) {
      this.closeValue();
      return leading;
    }
    if (leading.trim() !== "") this.fail("text mixed with an element in <value>");
    const result = this.typed(depth);
    this.closeValue();
    return result;
  }

  closeValue(): void {
    if (this.s.startsWith("</value>", this.pos)) {
      this.pos += 8;
      return;
    }
    this.skipMisc();
    this.close("value");
  }

  typed(depth: number): XmlRpcValue {
    const tag = this.readOpenTag();
    const name = tag.name;
    switch (name) {
      case "string":
        return this.leaf(tag.selfClosing, name, (text) => text);
      case "i4":
      case "int":
      case "i8":
      case "ex:i8":
        if (tag.selfClosing) this.fail(`empty <${name}>`);
        return this.integerElement(name);
      case "boolean":
        return this.leaf(tag.selfClosing, name, (text) => {
          const t = text.trim();
          if (t === "1" || t === "true") return true;
          if (t === "0" || t === "false") return false;
          return this.fail("<boolean> must be 0 or 1");
        });
      case "double":
        return this.leaf(tag.selfClosing, name, (text) => {
          const t = text.trim();
          if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t))
            this.fail("<double> is not a number");
          return Number(t);
        });
      case "base64":
        return this.leaf(tag.selfClosing, name, (text) => {
          const t = text.replace(/\s+/g, "");
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1)
            this.fail("<base64> is not base64");
          return Buffer.from(t, "base64");
        });
      case "dateTime.iso8601":
        return this.leaf(tag.selfClosing, name, (text) => text.trim());
      case "nil":
      case "ex:nil":
        if (!tag.selfClosing) {
          this.skipMisc();
          this.close(name);
        }
        return null;
      case "array":
        return tag.selfClosing ? [] : this.array(depth + 1);
      case "struct":
        return tag.selfClosing ? {} : this.struct(depth + 1);
      default:
        return this.fail(`unknown value type <${clip(name, 40)}>`);
    }
  }

  leaf(selfClosing: boolean, name: string, convert: (text: string) => XmlRpcValue): XmlRpcValue {
    if (selfClosing) return convert("");
    const text = this.text();
    const value = convert(text);
    this.close(name);
    return value;
  }

  /** Parses the text of an integer element and its closing tag. */
  integerElement(name: string): number | bigint {
    const s = this.s;
    const start = this.pos;
    let i = start;
    let negative = false;
    const first = s.charCodeAt(i);
    if (first === 45 || first === 43) {
      negative = first === 45;
      i++;
    }
    // Fast path: up to 15 digits directly followed by the closing tag (exact in a double).
    let n = 0;
    const digitsStart = i;
    for (;;) {
      const d = s.charCodeAt(i) - 48;
      if (!(d >= 0 && d <= 9)) break; // also NaN at the end of the text
      n = n * 10 + d;
      i++;
    }
    const digits = i - digitsStart;
    if (digits > 0 && digits <= 15 && s.charCodeAt(i) === LT && s.charCodeAt(i + 1) === SLASH) {
      const value = negative ? -n : n;
      if (name !== "i8" && name !== "ex:i8" && (value < I4_MIN || value > I4_MAX)) {
        this.fail(`<${name}> out of 32-bit range`);
      }
      this.pos = i;
      this.close(name);
      return value === 0 ? 0 : value;
    }
    // Slow path: long numbers, whitespace, comments or CDATA inside the element.
    this.pos = start;
    const value = parseIntegerText(this.text().trim(), name);
    if (value === undefined) this.fail(`<${name}> is not an integer in range`);
    this.close(name);
    return value;
  }

  array(depth: number): XmlRpcValue[] {
    if (depth > this.maxDepth) {
      throw new SourceProtocolError(
        `${this.where()}: response nested deeper than ${this.maxDepth} levels`,
      );
    }
    this.skipMisc();
    let selfClosing = false;
    if (this.s.startsWith("<data>", this.pos)) {
      this.pos += 6;
    } else {
      const data = this.readOpenTag();
      if (data.name !== "data") this.fail(`expected <data>, found <${clip(data.name, 40)}>`);
      selfClosing = data.selfClosing;
    }
    const items: XmlRpcValue[] = [];
    if (!selfClosing) {
      const s = this.s;
      for (;;) {
        this.skipMisc();
        if (s.startsWith("</data>", this.pos)) {
          this.pos += 7;
          break;
        }
        if (s.startsWith("</", this.pos)) this.close("data");
        items.push(this.value(depth));
      }
    }
    this.skipMisc();
    if (this.s.startsWith("</array>", this.pos)) this.pos += 8;
    else this.close("array");
    return items;
  }

  struct(depth: number): XmlRpcStruct {
    if (depth > this.maxDepth) {
      throw new SourceProtocolError(
        `${this.where()}: response nested deeper than ${this.maxDepth} levels`,
      );
    }
    const out: Record<string, XmlRpcValue> = {};
    for (;;) {
      this.skipMisc();
      if (this.tryClose("struct")) return out;
      this.open("member");
      this.skipMisc();
      const nameTag = this.readOpenTag();
      if (nameTag.name !== "name") this.fail(`expected <name>, found <${clip(nameTag.name, 40)}>`);
      let name = "";
      if (!nameTag.selfClosing) {
        name = this.text();
        this.close("name");
      }
      this.skipMisc();
      const value = this.value(depth);
      this.skipMisc();
      this.close("member");
      if (name === "__proto__") {
        Object.defineProperty(out, name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[name] = value;
      }
    }
  }

  /** Reads character data (entities decoded, CDATA kept, comments dropped) up to the next tag. */
  text(): string {
    const s = this.s;
    // Fast path: plain text up to a tag, found by one scan (no entity, no CR, no CDATA/comment).
    const b = s.b;
    const length = b.length;
    let i = this.pos;
    while (i < length) {
      const c = b[i] as number;
      if (c === LT || c === AMP || c === CR) break;
      i++;
    }
    if (b[i] === LT && b[i + 1] !== BANG) {
      const start = this.pos;
      this.pos = i;
      return start === i ? "" : s.slice(start, i);
    }
    let out = "";
    for (;;) {
      const lt = s.indexOf("<", this.pos);
      if (lt === -1) this.fail("unterminated text");
      if (lt > this.pos) out += decodeText(s.slice(this.pos, lt), this);
      this.pos = lt;
      if (s.charCodeAt(lt + 1) !== BANG) return out;
      if (s.startsWith("<![CDATA[", lt)) {
        const end = s.indexOf("]]>", lt + 9);
        if (end === -1) this.fail("unterminated CDATA section");
        out += s.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (s.startsWith("<!--", lt)) {
        this.skipComment();
      } else {
        this.fail("unexpected markup declaration");
      }
    }
  }

  /** Skips whitespace, comments and processing instructions; fails on any other text. */
  skipMisc(): void {
    const s = this.s;
    const length = s.length;
    for (;;) {
      let c = s.charCodeAt(this.pos);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.pos);
      if (this.pos >= length) return;
      if (c !== LT) this.fail("unexpected text");
      const next = s.charCodeAt(this.pos + 1);
      if (next === BANG) {
        if (s.startsWith("<!--", this.pos)) {
          this.skipComment();
          continue;
        }
        if (s.startsWith("<!DOCTYPE", this.pos)) this.fail("DOCTYPE is not allowed");
        this.fail("unexpected markup declaration");
      }
      if (next === QUESTION) {
        const end = s.indexOf("?>", this.pos + 2);
        if (end === -1) this.fail("unterminated processing instruction");
        this.pos = end + 2;
        continue;
      }
      return;
    }
  }

  skipComment(): void {
    const end = this.s.indexOf("-->", this.pos + 4);
    if (end === -1) this.fail("unterminated comment");
    this.pos = end + 3;
  }

  /** Reads `<name attr="...">` or `<name/>`; attributes are checked for shape and ignored. */
  readOpenTag(): { name: string; selfClosing: boolean } {
    const s = this.s;
    if (s.charCodeAt(this.pos) !== LT)
      this.fail(this.pos >= s.length ? "truncated document" : "expected a tag");
    const c = s.charCodeAt(this.pos + 1);
    if (c === SLASH) this.fail(`unexpected closing tag`);
    const start = this.pos + 1;
    let i = start;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (ch === GT || ch === SLASH || ch === 32 || ch === 10 || ch === 13 || ch === 9) break;
      i++;
    }
    if (i >= s.length) this.fail("truncated tag");
    if (i === start) this.fail("empty tag name");
    const name = s.slice(start, i);
    this.pos = i;
    for (;;) {
      let ch = s.charCodeAt(this.pos);
      while (ch === 32 || ch === 10 || ch === 13 || ch === 9) ch = s.charCodeAt(++this.pos);
      if (ch === GT) {
        this.pos++;
        return { name, selfClosing: false };
      }
      if (ch === SLASH) {
        if (s.charCodeAt(this.pos + 1) !== GT) this.fail("malformed tag");
        this.pos += 2;
        return { name, selfClosing: true };
      }
      if (this.pos >= s.length) this.fail("truncated tag");
      // An attribute: name = "value" or 'value'.
      const eq = s.indexOf("=", this.pos);
      if (eq === -1) this.fail("malformed attribute");
      const attrName = s.slice(this.pos, eq).trim();
      if (attrName === "" || /[\s<>"'/]/.test(attrName)) this.fail("malformed attribute");
      let q = eq + 1;
      while (
        s.charCodeAt(q) === 32 ||
        s.charCodeAt(q) === 9 ||
        s.charCodeAt(q) === 10 ||
        s.charCodeAt(q) === 13
      )
        q++;
      const quoteCode = s.charCodeAt(q);
      if (quoteCode !== 34 && quoteCode !== 39) this.fail("unquoted attribute");
      const quote = quoteCode === 34 ? '"' : "'";
      const close = s.indexOf(quote, q + 1);
      if (close === -1) this.fail("unterminated attribute");
      if (s.slice(q + 1, close).includes("<")) this.fail("'<' in an attribute");
      this.pos = close + 1;
    }
  }

  open(name: string): void {
    const tag = this.readOpenTag();
    if (tag.name !== name) this.fail(`expected <${name}>, found <${clip(tag.name, 40)}>`);
    if (tag.selfClosing) this.fail(`empty <${name}/>`);
  }

  tryClose(name: string): boolean {
    const s = this.s;
    if (!s.startsWith("</", this.pos) || !s.startsWith(name, this.pos + 2)) return false;
    let i = this.pos + 2 + name.length;
    while (
      s.charCodeAt(i) === 32 ||
      s.charCodeAt(i) === 9 ||
      s.charCodeAt(i) === 10 ||
      s.charCodeAt(i) === 13
    )
      i++;
    if (s.charCodeAt(i) !== GT) return false;
    this.pos = i + 1;
    return true;
  }

  close(name: string): void {
    if (this.tryClose(name)) return;
    if (this.pos >= this.s.length) this.fail(`truncated document, expected </${name}>`);
    this.fail(`expected </${name}>`);
  }
}

function parseIntegerText(text: string, name: string): number | bigint | undefined {
  if (!/^[+-]?\d{1,40}$/.test(text)) return undefined;
  const big = BigInt(text);
  const wide = name === "i8" || name === "ex:i8";
  if (wide ? big < I8_MIN || big > I8_MAX : big < BigInt(I4_MIN) || big > BigInt(I4_MAX)) {
    return undefined;
  }
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,15});/y;

function decodeText(raw: string, parser: ResponseParser): string {
  let text = raw;
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  let amp = text.indexOf("&");
  if (amp === -1) return text;
  let out = "";
  let last = 0;
  while (amp !== -1) {
    out += text.slice(last, amp);
    ENTITY.lastIndex = amp;
    const match = ENTITY.exec(text);
    if (!match) parser.fail("malformed entity reference");
    out += decodeEntity(match[1] as string, parser);
    last = ENTITY.lastIndex;
    amp = text.indexOf("&", last);
  }
  return out + text.slice(last);
}

function decodeEntity(ref: string, parser: ResponseParser): string {
  switch (ref) {
    case "lt":
      return "<";
    case "gt":
      return ">";
    case "amp":
      return "&";
    case "quot":
      return '"';
    case "apos":
      return "'";
  }
  if (ref.charCodeAt(0) !== 35) return parser.fail(`unknown entity &${ref};`);
  const code =
    ref.charCodeAt(1) === 120
      ? Number.parseInt(ref.slice(2), 16)
      : Number.parseInt(ref.slice(1), 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    return parser.fail("character reference to an invalid code point");
  }
  return String.fromCodePoint(code);
}
