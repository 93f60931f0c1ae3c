// FuzzyGet over JSON text in one pass: validates the JSON and finds the keys without building any object.

import { normalizeKey } from "./fuzzy-get.ts";

/** Nesting deeper than this is treated as unreadable (the original hits Python's recursion limit). */
const MAX_DEPTH = 512;
const MAX_TARGETS = 30;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const UNDERSCORE = 0x5f;

interface Scan {
  readonly text: string;
  pos: number;
  readonly targets: readonly string[];
  readonly found: unknown[];
}

/**
 * Scans JSON text for keys the way FuzzyGet looks them up in the parsed document (see
 * {@link fuzzyGet}): `targets` are normalized keys (`code`, `errorcode`, `methodcode`), each
 * looked up independently. Returns, per target, the value found (undefined when none), or
 * undefined for the whole when `text` is not valid JSON (RFC 8259, as JSON.parse accepts it).
 *
 * It walks the text once, so it costs a fraction of JSON.parse and allocates only the values
 * it returns. One divergence from FuzzyGet over a parsed object: with duplicate keys in one
 * object, the parsed object keeps the last value at the first key's place, while this scan
 * sees the members as written.
 */
export function scanJson(text: string, targets: readonly string[]): unknown[] | undefined {
  if (targets.length > MAX_TARGETS) throw new RangeError(`at most ${MAX_TARGETS} targets`);
  const scan: Scan = { text, pos: 0, targets, found: new Array(targets.length).fill(undefined) };
  if (text.charCodeAt(0) === 0xfeff) scan.pos = 1;
  skipSpace(scan);
  // The original wraps a top-level array as {"data": array}: a "data" target finds the array.
  const wrapped = text.charCodeAt(scan.pos) === OPEN_BRACKET ? targets.indexOf("data") : -1;
  const start = scan.pos;
  const all = (1 << targets.length) - 1;
  if (!value(scan, wrapped < 0 ? all : all & ~(1 << wrapped), 0)) return undefined;
  if (wrapped >= 0) scan.found[wrapped] = JSON.parse(text.slice(start, scan.pos));
  skipSpace(scan);
  return scan.pos === text.length ? scan.found : undefined;
}

function value(scan: Scan, mask: number, depth: number): boolean {
  const c = scan.text.charCodeAt(scan.pos);
  if (c === OPEN_BRACE) return object(scan, mask, depth + 1);
  if (c === OPEN_BRACKET) return array(scan, mask, depth + 1);
  if (c === QUOTE) return string(scan) >= 0;
  if (c === 0x74) return literal(scan, "true");
  if (c === 0x66) return literal(scan, "false");
  if (c === 0x6e) return literal(scan, "null");
  return number(scan);
}

function object(scan: Scan, mask: number, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const text = scan.text;
  scan.pos++;
  skipSpace(scan);
  if (text.charCodeAt(scan.pos) === CLOSE_BRACE) {
    scan.pos++;
    return true;
  }
  for (;;) {
    if (text.charCodeAt(scan.pos) !== QUOTE) return false;
    const keyStart = scan.pos + 1;
    const escaped = string(scan);
    if (escaped < 0) return false;
    const keyEnd = scan.pos - 1;
    let matched = 0;
    if (mask !== 0) {
      const targets = scan.targets;
      for (let t = 0; t < targets.length; t++) {
        const bit = 1 << t;
        if (
          (mask & bit) !== 0 &&
          keyIs(text, keyStart, keyEnd, escaped === 1, targets[t] as string)
        ) {
          matched |= bit;
        }
      }
    }
    skipSpace(scan);
    if (text.charCodeAt(scan.pos) !== COLON) return false;
    scan.pos++;
    skipSpace(scan);
    const valueStart = scan.pos;
    // A matching key's value is not searched for that key, as in FuzzyGet.
    if (!value(scan, mask & ~matched, depth)) return false;
    if (matched !== 0) {
      const found = decodeValue(text, valueStart, scan.pos);
      for (let t = 0; t < scan.targets.length; t++)
        if ((matched & (1 << t)) !== 0) scan.found[t] = found;
      // The first match ends FuzzyGet's scan of this object: later members are not searched.
      mask &= ~matched;
    }
    skipSpace(scan);
    const next = text.charCodeAt(scan.pos);
    scan.pos++;
    if (next === CLOSE_BRACE) return true;
    if (next !== COMMA) return false;
    skipSpace(scan);
  }
}

function array(scan: Scan, mask: number, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const text = scan.text;
  scan.pos++;
  skipSpace(scan);
  if (text.charCodeAt(scan.pos) === CLOSE_BRACKET) {
    scan.pos++;
    return true;
  }
  for (;;) {
    if (!value(scan, mask, depth)) return false;
    skipSpace(scan);
    const next = text.charCodeAt(scan.pos);
    scan.pos++;
    if (next === CLOSE_BRACKET) return true;
    if (next !== COMMA) return false;
    skipSpace(scan);
  }
}

/** Scans a string from its opening quote; returns -1 if invalid, 1 if it had escapes, else 0. */
function string(scan: Scan): number {
  const text = scan.text;
  let i = scan.pos + 1;
  let escaped = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) break;
    if (Number.isNaN(c) || c < 0x20) return -1;
    if (c === BACKSLASH) {
      escaped = 1;
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(text.charCodeAt(k))) return -1;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 0x2f &&
        e !== 0x62 &&
        e !== 0x66 &&
        e !== 0x6e &&
        e !== 0x72 &&
        e !== 0x74
      ) {
        return -1;
      }
      i += 2;
      continue;
    }
    i++;
  }
  scan.pos = i + 1;
  return escaped;
}

function literal(scan: Scan, word: string): boolean {
  if (!scan.text.startsWith(word, scan.pos)) return false;
  scan.pos += word.length;
  return true;
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function number(scan: Scan): boolean {
  const text = scan.text;
  let i = scan.pos;
  if (text.charCodeAt(i) === MINUS) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  } else return false;
  if (text.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === MINUS) i++;
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  scan.pos = i;
  return true;
}

/** Whether the key text[start, end) normalizes to `target` (ASCII compared in place). */
function keyIs(
  text: string,
  start: number,
  end: number,
  escaped: boolean,
  target: string,
): boolean {
  if (escaped) return normalizeKey(JSON.parse(text.slice(start - 1, end + 1)) as string) === target;
  let j = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c === MINUS || c === UNDERSCORE) continue;
    // Outside ASCII, lower-casing may change lengths or land in ASCII (the Kelvin sign): do it properly.
    if (c >= 0x80) return normalizeKey(text.slice(start, end)) === target;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== target.charCodeAt(j)) return false;
    j++;
  }
  return j === target.length;
}

function decodeValue(text: string, start: number, end: number): unknown {
  const c = text.charCodeAt(start);
  if (c === QUOTE) {
    const inner = text.slice(start + 1, end - 1);
    return inner.includes("\\") ? JSON.parse(text.slice(start, end)) : inner;
  }
  if (c === 0x74) return true;
  if (c === 0x66) return false;
  if (c === 0x6e) return null;
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return JSON.parse(text.slice(start, end));
  const literal = text.slice(start, end);
  // Integers keep every digit (Python's str() of an int does); others are doubles, as in JSON.parse.
  if (literal.length > 15 && /^-?\d+$/.test(literal)) return BigInt(literal);
  return Number(literal);
}

function skipSpace(scan: Scan): void {
  const text = scan.text;
  let i = scan.pos;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  scan.pos = i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
