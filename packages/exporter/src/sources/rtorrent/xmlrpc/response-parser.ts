// The byte-level XML-RPC parser behind the reader: one pass over the bytes, no DOM, bounded.

import { SourceProtocolError } from "../../../net/errors.ts";
import { keepShape } from "../kept-shapes.ts";
import { asFault, XmlRpcFaultError } from "./fault.ts";
import {
  clip,
  I4_MAX,
  I4_MIN,
  I8_MAX,
  I8_MIN,
  type XmlRpcStruct,
  type XmlRpcValue,
} from "./value.ts";

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const AMP = 38; // &
const CR = 13; // \r

/** The few string operations the parser needs, over bytes (literals and names are ASCII). */
export class Bytes {
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

/**
 * Parses XML-RPC from `pos` on: a whole methodResponse (document) or one `<value>` element
 * (value), failing with a SourceProtocolError that names the problem and the byte offset.
 */
export class ResponseParser {
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
// A parser and its bytes live for one answer: one kept, so their shapes (and code) stay.
keepShape(new ResponseParser(keepShape(new Bytes(Buffer.alloc(0))), () => "", 1, 1));
