// Reads one torrent-get table row straight from the answer's bytes: numbers as numbers, strings compared in place.

import { unboxed } from "../../model/number-fields.ts";

/** What a row holds at a field. */
export const Kind = {
  /** The field was not asked for (no column). */
  Absent: 0,
  Null: 1,
  /** A finite number (JSON.parse gives Infinity for 1e999: that is `Other`). */
  Number: 2,
  String: 3,
  /** An array of strings. */
  StringList: 4,
  /** Anything else: booleans, objects, arrays of other values. */
  Other: 5,
} as const;

/** One of `Kind`'s values. */
export type Kind = (typeof Kind)[keyof typeof Kind];

/** A row's values by field (its place in TORRENT_FIELD_NAMES), read without building the row. */
export interface RowValues {
  /** What the value of `field` is. */
  kind(field: number): Kind;
  /** The value of a `Kind.Number` field; an integer as a small integer, where it is one. */
  number(field: number): number;
  /** Whether the value of `field` is the number `value` (false when it is not a number). */
  isNumber(field: number, value: number): boolean;
  /** Whether the value of `field` is the string `text` (false when it is not a string). */
  isString(field: number, text: string): boolean;
  /** Whether the value of `field` is a list of strings equal to `list`, item by item. */
  isStringList(field: number, list: readonly string[]): boolean;
  /** The value of `field` as JSON.parse gives it; undefined when absent. */
  get(field: number): unknown;
}

/** JSON.parse's `Kind` of a parsed value. */
export function kindOf(value: unknown): Kind {
  if (value === undefined) return Kind.Absent;
  if (value === null) return Kind.Null;
  if (typeof value === "number") return Number.isFinite(value) ? Kind.Number : Kind.Other;
  if (typeof value === "string") return Kind.String;
  if (!Array.isArray(value)) return Kind.Other;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return Kind.Other;
  return Kind.StringList;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const CLOSE = 0x7d;
const LOWER_E = 0x65;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
/** Nothing this decoder reads exactly: the caller parses the row with JSON.parse instead. */
const NO = -1;
/** What `#parse` gives for text that is not JSON. */
const NOT_JSON = Symbol("not JSON");
/** Decimal significands below this are exact doubles. */
const EXACT = 2 ** 53;
/** 10^0 .. 10^22: every one an exact double. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/**
 * Decodes rows of the table format (`[1,"abc…",0.5,["tv"],…]`) one at a time from a chunk of the
 * answer, and is then the view on the decoded row: numbers sit in a typed array, plain strings
 * (ASCII without escapes, nearly all of Transmission's) stay where they are in the chunk and are
 * compared byte by byte with what is kept, so a row that changed little leaves no garbage. Strings
 * with escapes or non-ASCII bytes and values of other shapes are parsed with JSON.parse at once.
 * A row it cannot read exactly as JSON.parse would (cut by the chunk's end, malformed, of another
 * width) is declined, and its caller parses it with JSON.parse, errors and all. Numbers are exact
 * (see readNumber).
 */
export class RowDecoder implements RowValues {
  #at: readonly number[] = [];
  #width = 0;
  #chunk: Buffer = Buffer.alloc(0);
  #kinds = new Uint8Array(0);
  #numbers = new Float64Array(0);
  /** A string's first byte and the byte after it (inside the quotes); a list's brackets. */
  #starts = new Int32Array(0);
  #ends = new Int32Array(0);
  /** Values parsed with JSON.parse (escaped strings, other shapes), by column. */
  #parsed: unknown[] = [];
  /** Where a list's strings start and end: pairs from `#starts[column]`'s index into #items. */
  #items = new Int32Array(64);
  #itemCount = 0;
  readonly #scratch = new Float64Array(1);
  #lastStart = -1;

  /** Sets the table's layout: by field, its column (-1 when absent), and the number of columns. */
  layout(at: readonly number[], width: number): void {
    this.#at = at;
    this.#width = width;
    this.#kinds = new Uint8Array(width);
    this.#numbers = new Float64Array(width);
    this.#starts = new Int32Array(width);
    this.#ends = new Int32Array(width);
    this.#parsed = new Array(width).fill(undefined);
  }

  /**
   * Decodes the row starting with the `[` at `start` of `chunk`; returns where it ends (the byte
   * after its `]`), or -1 when the row is not read here. The view is valid until the next call.
   */
  decode(chunk: Buffer, start: number): number {
    const width = this.#width;
    if (width === 0 || chunk[start] !== OPEN_ARRAY) return NO;
    this.#chunk = chunk;
    this.#itemCount = 0;
    const length = chunk.length;
    let i = start + 1;
    for (let column = 0; ; column++) {
      while (i < length && isSpace(chunk[i] as number)) i++;
      if (i >= length) return NO;
      if (column === 0 && chunk[i] === CLOSE_ARRAY) return NO;
      if (column === width) return NO;
      this.#lastStart = i;
      i = this.#value(chunk, i, column);
      if (i === NO) return NO;
      while (i < length && isSpace(chunk[i] as number)) i++;
      if (i >= length) return NO;
      const byte = chunk[i] as number;
      i++;
      if (byte === CLOSE_ARRAY) return column === width - 1 ? i : NO;
      if (byte !== COMMA) return NO;
    }
  }

  /** Where the last value of the row just decoded begins in its chunk. */
  get lastValueStart(): number {
    return this.#lastStart;
  }

  kind(field: number): Kind {
    const column = this.#at[field] as number;
    return column < 0 ? Kind.Absent : (this.#kinds[column] as Kind);
  }

  number(field: number): number {
    return unboxed(this.#numbers[this.#at[field] as number] as number);
  }

  isNumber(field: number, value: number): boolean {
    const column = this.#at[field] as number;
    return column >= 0 && this.#kinds[column] === Kind.Number && this.#numbers[column] === value;
  }

  isString(field: number, text: string): boolean {
    const column = this.#at[field] as number;
    if (column < 0) return false;
    const kind = this.#kinds[column];
    if (kind !== Kind.String) return false;
    const start = this.#starts[column] as number;
    if (start < 0) return this.#parsed[column] === text;
    return this.#same(start, this.#ends[column] as number, text);
  }

  isStringList(field: number, list: readonly string[]): boolean {
    const column = this.#at[field] as number;
    if (column < 0 || this.#kinds[column] !== Kind.StringList) return false;
    const first = this.#starts[column] as number;
    if (first < 0) {
      const parsed = this.#parsed[column] as string[];
      if (parsed.length !== list.length) return false;
      for (let k = 0; k < list.length; k++) if (parsed[k] !== list[k]) return false;
      return true;
    }
    const count = this.#ends[column] as number;
    if (count !== list.length) return false;
    const items = this.#items;
    for (let k = 0; k < count; k++) {
      const at = first + 2 * k;
      if (!this.#same(items[at] as number, items[at + 1] as number, list[k] as string))
        return false;
    }
    return true;
  }

  get(field: number): unknown {
    const column = this.#at[field] as number;
    if (column < 0) return undefined;
    switch (this.#kinds[column] as Kind) {
      case Kind.Null:
        return null;
      case Kind.Number:
        return unboxed(this.#numbers[column] as number);
      case Kind.String: {
        const start = this.#starts[column] as number;
        if (start < 0) return this.#parsed[column];
        return this.#chunk.toString("latin1", start, this.#ends[column] as number);
      }
      case Kind.StringList: {
        const first = this.#starts[column] as number;
        if (first < 0) return this.#parsed[column];
        const list: string[] = [];
        for (let k = 0; k < (this.#ends[column] as number); k++) {
          const at = first + 2 * k;
          list.push(this.#chunk.toString("latin1", this.#items[at], this.#items[at + 1]));
        }
        return list;
      }
      default:
        return this.#parsed[column];
    }
  }

  /** Whether `chunk[start, end)` (plain ASCII) spells `text`. */
  #same(start: number, end: number, text: string): boolean {
    if (end - start !== text.length) return false;
    const chunk = this.#chunk;
    for (let k = 0; k < text.length; k++) {
      if (chunk[start + k] !== text.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Reads the value at `i` into `column`; returns the byte after it, or -1. */
  #value(chunk: Buffer, i: number, column: number): number {
    const byte = chunk[i] as number;
    this.#parsed[column] = undefined;
    if (byte === QUOTE) {
      const end = this.#string(chunk, i + 1);
      if (end === NO) return NO;
      if (end < 0) {
        // -2 - end: the closing quote of a string to parse.
        const close = -2 - end;
        const text = this.#parse(chunk, i, close + 1);
        if (text === NOT_JSON) return NO;
        this.#kinds[column] = Kind.String;
        this.#starts[column] = -1;
        this.#parsed[column] = text;
        return close + 1;
      }
      this.#kinds[column] = Kind.String;
      this.#starts[column] = i + 1;
      this.#ends[column] = end;
      return end + 1;
    }
    if (byte === MINUS || isDigit(byte)) {
      this.#kinds[column] = Kind.Number;
      return this.#number(chunk, i, column);
    }
    if (byte === LOWER_N) {
      this.#kinds[column] = Kind.Null;
      return this.#literal(chunk, i, "null");
    }
    if (byte === OPEN_ARRAY) {
      const end = this.#list(chunk, i, column);
      if (end !== NO) return end;
    }
    if (byte === OPEN_ARRAY || byte === OPEN || byte === LOWER_T || byte === LOWER_F) {
      const end =
        byte === LOWER_T || byte === LOWER_F ? this.#scalarEnd(chunk, i) : nested(chunk, i);
      if (end === NO) return NO;
      const value = this.#parse(chunk, i, end);
      if (value === NOT_JSON) return NO;
      this.#kinds[column] = kindOf(value);
      this.#starts[column] = -1;
      this.#parsed[column] = value;
      return end;
    }
    return NO;
  }

  /**
   * Finds the end of the string whose body starts at `i`: the index of its closing quote when
   * the body is plain ASCII, `-2 - index` when it has escapes or other bytes, -1 when it is cut
   * or holds a control character (JSON.parse will say what is wrong).
   */
  #string(chunk: Buffer, i: number): number {
    const length = chunk.length;
    let plain = true;
    while (i < length) {
      const byte = chunk[i] as number;
      if (byte === QUOTE) return plain ? i : -2 - i;
      if (byte < 0x20) return NO;
      if (byte === BACKSLASH) {
        plain = false;
        i += 2;
        continue;
      }
      if (byte >= 0x80) plain = false;
      i++;
    }
    return NO;
  }

  /** A `[` of plain strings only, kept as offsets; -1 for any other array. */
  #list(chunk: Buffer, i: number, column: number): number {
    const length = chunk.length;
    const first = this.#itemCount;
    let count = 0;
    i++;
    while (i < length && isSpace(chunk[i] as number)) i++;
    if (i < length && chunk[i] === CLOSE_ARRAY) {
      this.#kinds[column] = Kind.StringList;
      this.#starts[column] = 2 * first;
      this.#ends[column] = 0;
      return i + 1;
    }
    while (i < length) {
      if (chunk[i] !== QUOTE) return NO;
      const end = this.#string(chunk, i + 1);
      if (end < 0) return NO;
      this.#item(i + 1, end);
      count++;
      i = end + 1;
      while (i < length && isSpace(chunk[i] as number)) i++;
      if (i >= length) return NO;
      const byte = chunk[i] as number;
      i++;
      if (byte === CLOSE_ARRAY) {
        this.#kinds[column] = Kind.StringList;
        this.#starts[column] = 2 * first;
        this.#ends[column] = count;
        return i;
      }
      if (byte !== COMMA) return NO;
      while (i < length && isSpace(chunk[i] as number)) i++;
    }
    return NO;
  }

  #item(start: number, end: number): void {
    if (2 * this.#itemCount + 2 > this.#items.length) {
      const more = new Int32Array(this.#items.length * 2);
      more.set(this.#items);
      this.#items = more;
    }
    this.#items[2 * this.#itemCount] = start;
    this.#items[2 * this.#itemCount + 1] = end;
    this.#itemCount++;
  }

  #number(chunk: Buffer, i: number, column: number): number {
    const end = readNumber(chunk, i, this.#scratch);
    this.#numbers[column] = this.#scratch[0] as number;
    return end;
  }

  /** `word` at `i`, followed by something; returns the byte after it, or -1. */
  #literal(chunk: Buffer, i: number, word: string): number {
    if (i + word.length >= chunk.length) return NO;
    for (let k = 0; k < word.length; k++) if (chunk[i + k] !== word.charCodeAt(k)) return NO;
    return i + word.length;
  }

  /** The end of `true` or `false` at `i` (checked by JSON.parse); -1 when cut. */
  #scalarEnd(chunk: Buffer, i: number): number {
    let end = i;
    while (end < chunk.length && chunk[end] !== COMMA && chunk[end] !== CLOSE_ARRAY) end++;
    return end < chunk.length ? end : NO;
  }

  /** JSON.parse of `chunk[from, to)`; NOT_JSON (the row is declined) when it is not JSON. */
  #parse(chunk: Buffer, from: number, to: number): unknown {
    try {
      return JSON.parse(chunk.toString("utf8", from, to));
    } catch {
      return NOT_JSON;
    }
  }
}

/**
 * Reads the JSON number at `i` (by JSON's grammar) into `out[0]`; returns the byte after it, or
 * -1 when there is none, it may go on past the chunk's end, or it is not finite (1e999: what
 * JSON.parse makes Infinity). Exact: a significand under 2^53 with a power of ten up to 10^22 is
 * one correctly rounded operation (Clinger's fast path, as in strtod); other numbers go through
 * Number(), which reads JSON's numbers as JSON.parse does.
 */
export function readNumber(chunk: Buffer, i: number, out: Float64Array): number {
  const length = chunk.length;
  const from = i;
  const negative = chunk[i] === MINUS;
  if (negative) i++;
  if (i >= length || !isDigit(chunk[i] as number)) return NO;
  let significand = 0;
  let scale = 0;
  if (chunk[i] === ZERO) i++;
  else {
    for (; i < length; i++) {
      const digit = (chunk[i] as number) - ZERO;
      if (digit < 0 || digit > 9) break;
      significand = significand * 10 + digit;
    }
  }
  if (i < length && chunk[i] === DOT) {
    const digits = ++i;
    for (; i < length; i++) {
      const digit = (chunk[i] as number) - ZERO;
      if (digit < 0 || digit > 9) break;
      significand = significand * 10 + digit;
    }
    if (i === digits) return NO;
    scale = i - digits;
  }
  let exponent = 0;
  if (i < length && ((chunk[i] as number) | 0x20) === LOWER_E) {
    i++;
    const sign = chunk[i] === MINUS ? -1 : 1;
    if (chunk[i] === MINUS || chunk[i] === PLUS) i++;
    const digits = i;
    for (; i < length; i++) {
      const digit = (chunk[i] as number) - ZERO;
      if (digit < 0 || digit > 9) break;
      // Past this the value is 0 or Infinity anyway; Number() below says which.
      if (exponent < 10_000) exponent = exponent * 10 + digit;
    }
    if (i === digits) return NO;
    exponent *= sign;
  }
  // A number at the chunk's end may go on in the next one.
  if (i >= length) return NO;
  const power = exponent - scale;
  let value: number;
  if (significand < EXACT && power >= -22 && power <= 22) {
    value =
      power >= 0
        ? significand * (POWERS_OF_TEN[power] as number)
        : significand / (POWERS_OF_TEN[-power] as number);
    if (negative) value = -value;
  } else {
    value = Number(chunk.toString("latin1", from, i));
    if (!Number.isFinite(value)) return NO;
  }
  out[0] = value;
  return i;
}

/** The end of the array or object at `i` (strings skipped); -1 when it is cut. */
function nested(chunk: Buffer, i: number): number {
  let depth = 0;
  const length = chunk.length;
  while (i < length) {
    const byte = chunk[i] as number;
    i++;
    if (byte === QUOTE) {
      while (i < length && chunk[i] !== QUOTE) i += chunk[i] === BACKSLASH ? 2 : 1;
      i++;
    } else if (byte === OPEN || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE || byte === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i <= length ? i : NO;
    }
  }
  return NO;
}
