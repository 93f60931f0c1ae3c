// FuzzyGet over JSON text in one pass: validates the JSON and finds the keys without building any object.

import { keyMatches, normalizeKey } from "./fuzzy-get.ts";
import { isHex, isSpace, noneFound } from "./json-chars.ts";

/** Nesting deeper than this is treated as unreadable (channel-exporter hits Python's recursion limit). */
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

// The functions that take a position start with `i |= 0`: V8 then knows it is a small integer
// and compiles their loops without checks for other numbers (a quarter fewer instructions per
// character of a string skipped, under callgrind).

// The open containers, innermost last. The scan is synchronous and calls nothing that could
// scan again, so one stack serves every call; typed arrays keep it out of the garbage.
/** 1 for an object, 0 for an array. */
const isObject = new Uint8Array(MAX_DEPTH + 1);
/** Targets still looked for in the container's members. */
const masks = new Int32Array(MAX_DEPTH + 1);
/** Targets the key of the object's current member matched (its value is their result). */
const matches = new Int32Array(MAX_DEPTH + 1);
/** Where the object's current member's value starts. */
const valueStarts = new Int32Array(MAX_DEPTH + 1);

/**
 * Scans JSON text for keys the way FuzzyGet looks them up in the parsed document (see
 * {@link fuzzyGet}): `targets` are normalized keys (`code`, `errorcode`, `methodcode`), each
 * looked up independently. Returns, per target, the value found (undefined when none), or
 * undefined for the whole when `text` is not valid JSON (RFC 8259, as JSON.parse accepts it).
 *
 * It walks the text once, in one loop with an explicit stack, so it costs a fraction of
 * JSON.parse and allocates only the values it returns. One divergence from FuzzyGet over a
 * parsed object: with duplicate keys in one object, the parsed object keeps the last value at
 * the first key's place, while this scan sees the members as written.
 *
 * With `firstDecides` (for a caller that reads the other targets only when the first is null
 * or missing), a non-null first target in the top-level object, which no later match can
 * replace, ends the search for the others: the rest is only validated, and their results are
 * then meaningless.
 */
export function scanJson(
  text: string,
  targets: readonly string[],
  firstDecides = false,
): unknown[] | undefined {
  const count = targets.length;
  if (count > MAX_TARGETS) throw new RangeError(`at most ${MAX_TARGETS} targets`);
  // Made at the first match or at the end: a body that is not JSON allocates nothing.
  let found: unknown[] | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let c = text.charCodeAt(i);
  while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
  // The original wraps a top-level array as {"data": array}: a "data" target finds the array.
  const wrapped = c === OPEN_BRACKET ? targets.indexOf("data") : -1;
  const start = i;
  let mask = (1 << count) - 1;
  if (wrapped >= 0) mask &= ~(1 << wrapped);
  let depth = 0;
  // Each turn reads one value at `i` (whitespace skipped), with `mask` the targets searched in it.
  value: for (;;) {
    c = text.charCodeAt(i);
    if (mask === 0 && (c === OPEN_BRACE || c === OPEN_BRACKET)) {
      // Nothing left to find in here: only check that it is valid.
      i = skipValue(text, i, depth);
      if (i < 0) return undefined;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_DEPTH) return undefined;
      masks[depth] = mask;
      const open = c;
      c = text.charCodeAt(++i);
      while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
      if (open === OPEN_BRACKET) {
        isObject[depth] = 0;
        if (c !== CLOSE_BRACKET) continue;
      } else {
        isObject[depth] = 1;
        if (c !== CLOSE_BRACE) {
          i = member(text, i, depth, targets);
          if (i < 0) return undefined;
          mask = (masks[depth] as number) & ~(matches[depth] as number);
          continue;
        }
      }
      i++;
      depth--;
    } else if (c === QUOTE) {
      i = skipString(text, i);
      if (i < 0) return undefined;
    } else {
      i = skipScalar(text, i, c);
      if (i < 0) return undefined;
    }
    // A value ended at `i`: close the containers it ends, until a `,` starts another value.
    for (;;) {
      const end = i;
      c = text.charCodeAt(i);
      while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
      if (depth === 0) break value;
      i++;
      if (isObject[depth] === 1) {
        const matched = matches[depth] as number;
        if (matched !== 0) {
          const result = decodeValue(text, valueStarts[depth] as number, end);
          found ??= noneFound(count);
          for (let t = 0; t < count; t++) if ((matched & (1 << t)) !== 0) found[t] = result;
          // The first match ends FuzzyGet's scan of this object: later members are not searched.
          masks[depth] = (masks[depth] as number) & ~matched;
          // A caller that reads the other targets only without the first is done with them.
          if (firstDecides && depth === 1 && (matched & 1) !== 0 && result !== null) masks[1] = 0;
          if (nothingLeft(depth)) {
            // No open container looks for anything more: the rest only has to be valid.
            i = skipFrom(text, end, depth, 0, true);
            if (i < 0) return undefined;
            c = text.charCodeAt(i);
            while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
            break value;
          }
        }
        if (c === COMMA) {
          c = text.charCodeAt(i);
          while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
          i = member(text, i, depth, targets);
          if (i < 0) return undefined;
          mask = (masks[depth] as number) & ~(matches[depth] as number);
          continue value;
        }
        if (c !== CLOSE_BRACE) return undefined;
      } else {
        if (c === COMMA) {
          c = text.charCodeAt(i);
          while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
          mask = masks[depth] as number;
          continue value;
        }
        if (c !== CLOSE_BRACKET) return undefined;
      }
      depth--;
    }
  }
  if (i !== text.length) return undefined;
  found ??= noneFound(count);
  if (wrapped >= 0) found[wrapped] = JSON.parse(text.slice(start, i));
  return found;
}

/**
 * Reads an object member's key and colon at `i` (the key's opening quote), notes which targets
 * it matches and where its value starts; returns the position of the value (whitespace
 * skipped), or -1 if this is not a valid key.
 */
function member(text: string, i: number, depth: number, targets: readonly string[]): number {
  i |= 0;
  if (text.charCodeAt(i) !== QUOTE) return -1;
  const keyStart = i + 1;
  lastEscaped = false;
  const end = skipString(text, i);
  if (end < 0) return -1;
  const mask = masks[depth] as number;
  let matched = 0;
  if (mask !== 0) {
    // A key with escapes is compared unescaped; others in place.
    const key = lastEscaped ? normalizeKey(JSON.parse(text.slice(i, end)) as string) : undefined;
    for (let t = 0; t < targets.length; t++) {
      const bit = 1 << t;
      if ((mask & bit) === 0) continue;
      const target = targets[t] as string;
      if (key === undefined ? keyMatches(text, keyStart, end - 1, target) : key === target) {
        matched |= bit;
      }
    }
  }
  matches[depth] = matched;
  i = end;
  let c = text.charCodeAt(i);
  while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
  if (c !== COLON) return -1;
  c = text.charCodeAt(++i);
  while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
  valueStarts[depth] = i;
  return i;
}

/**
 * Skips the valid JSON value at `i` (its first character), inside `depth` containers; returns
 * where it ends, or -1 when it is not valid. The scan's loop without targets: no key is
 * compared and nothing is noted per member.
 */
function skipValue(text: string, i: number, depth: number): number {
  return skipFrom(text, i, depth, depth, false);
}

/**
 * Checks from `i`, inside `depth` open containers, until only `base` are open: reading a value
 * first, or, with `after`, what follows a value that ended at `i`. Returns where it stopped, or
 * -1 when the JSON is not valid.
 */
function skipFrom(text: string, i: number, depth: number, base: number, after: boolean): number {
  i |= 0;
  for (;;) {
    let c: number;
    if (after) {
      after = false;
    } else {
      c = text.charCodeAt(i);
      if (c === OPEN_BRACE) {
        if (++depth > MAX_DEPTH) return -1;
        c = text.charCodeAt(++i);
        while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
        if (c !== CLOSE_BRACE) {
          isObject[depth] = 1;
          i = skipKey(text, i);
          if (i < 0) return -1;
          continue;
        }
        i++;
        depth--;
      } else if (c === OPEN_BRACKET) {
        if (++depth > MAX_DEPTH) return -1;
        c = text.charCodeAt(++i);
        while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
        if (c !== CLOSE_BRACKET) {
          isObject[depth] = 0;
          continue;
        }
        i++;
        depth--;
      } else if (c === QUOTE) {
        i = skipString(text, i);
        if (i < 0) return -1;
      } else {
        i = skipScalar(text, i, c);
        if (i < 0) return -1;
      }
    }
    // A value ended at `i`: close the containers it ends, until a `,` starts another value.
    for (;;) {
      if (depth === base) return i;
      c = text.charCodeAt(i);
      while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
      i++;
      if (c === COMMA) {
        c = text.charCodeAt(i);
        while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
        if (isObject[depth] === 1) {
          i = skipKey(text, i);
          if (i < 0) return -1;
        }
        break;
      }
      if (c !== (isObject[depth] === 1 ? CLOSE_BRACE : CLOSE_BRACKET)) return -1;
      depth--;
    }
  }
}

/** Whether no container open up to `depth` still looks for a target. */
function nothingLeft(depth: number): boolean {
  for (let d = depth; d > 0; d--) if (masks[d] !== 0) return false;
  return true;
}

/** Skips a key and its colon at `i`; returns the position of the value (whitespace skipped), or -1. */
function skipKey(text: string, i: number): number {
  i |= 0;
  if (text.charCodeAt(i) !== QUOTE) return -1;
  i = skipString(text, i);
  if (i < 0) return -1;
  let c = text.charCodeAt(i);
  while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
  if (c !== COLON) return -1;
  c = text.charCodeAt(++i);
  while (c <= 0x20 && isSpace(c)) c = text.charCodeAt(++i);
  return i;
}

/** Whether the last string skipped had escapes (reset by whoever needs to know). */
let lastEscaped = false;

/** Skips a string from its opening quote at `i`; returns the position after its closing quote, or -1. */
function skipString(text: string, i: number): number {
  i |= 0;
  for (;;) {
    const c = text.charCodeAt(++i);
    // Most characters of most strings are above the backslash: one comparison for them.
    if (c > BACKSLASH) continue;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      lastEscaped = true;
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(text.charCodeAt(k))) return -1;
        i += 5;
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
      i++;
      continue;
    }
    // Also true for NaN, past the end of the text.
    if (!(c >= 0x20)) return -1;
  }
}

/** Skips `true`, `false`, `null` or a number at `i` (whose code is `c`); returns its end, or -1. */
function skipScalar(text: string, i: number, c: number): number {
  i |= 0;
  if (c === 0x74) return text.startsWith("true", i) ? i + 4 : -1;
  if (c === 0x66) return text.startsWith("false", i) ? i + 5 : -1;
  if (c === 0x6e) return text.startsWith("null", i) ? i + 4 : -1;
  return skipNumber(text, i, c);
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from `i` (whose code is `c`); the end, or -1. */
function skipNumber(text: string, i: number, c: number): number {
  i |= 0;
  if (c === MINUS) c = text.charCodeAt(++i);
  if (c === 0x30) c = text.charCodeAt(++i);
  else if (c >= 0x31 && c <= 0x39) {
    do c = text.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39);
  } else return -1;
  if (c === 0x2e) {
    c = text.charCodeAt(++i);
    if (!(c >= 0x30 && c <= 0x39)) return -1;
    do c = text.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    c = text.charCodeAt(++i);
    if (c === 0x2b || c === MINUS) c = text.charCodeAt(++i);
    if (!(c >= 0x30 && c <= 0x39)) return -1;
    do c = text.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39);
  }
  return i;
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
  const small = smallInteger(text, start, end);
  if (small !== undefined) return small;
  const literal = text.slice(start, end);
  // Integers keep every digit (Python's str() of an int does); others are doubles, as in JSON.parse.
  if (literal.length > 15 && /^-?\d+$/.test(literal)) return BigInt(literal);
  return Number(literal);
}

/** The value of a valid JSON number of at most 9 digits and no fraction or exponent; else undefined. */
function smallInteger(text: string, start: number, end: number): number | undefined {
  let k = start;
  const negative = text.charCodeAt(start) === MINUS;
  if (negative) k++;
  if (end - k > 9) return undefined;
  let value = 0;
  for (; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return undefined;
    value = value * 10 + (c - 0x30);
  }
  // -0 stays -0, as Number("-0") gives.
  return negative ? -value : value;
}
