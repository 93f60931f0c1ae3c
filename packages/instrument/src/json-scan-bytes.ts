// scanJson over UTF-8 bytes: the same scan, byte by byte, so a Buffer body is never decoded whole into a string.

import { normalizeKey } from "./fuzzy-get.ts";
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
 * {@link scanJson} over UTF-8 bytes, with the same results as over `bytes.toString("utf8")`:
 * JSON's structure is ASCII, which UTF-8 never uses inside a multi-byte character, and any
 * byte from 0x80 up is allowed in a string (a malformed sequence decodes to U+FFFD, which
 * JSON allows there) and refused elsewhere. Only the values found are decoded.
 * `firstDecides` as in {@link scanJson}.
 */
export function scanJsonBytes(
  bytes: Buffer,
  targets: readonly string[],
  firstDecides = false,
): unknown[] | undefined {
  const count = targets.length;
  if (count > MAX_TARGETS) throw new RangeError(`at most ${MAX_TARGETS} targets`);
  // Made at the first match or at the end: a body that is not JSON allocates nothing.
  let found: unknown[] | undefined;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let c = bytes[i] as number;
  while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
  // The original wraps a top-level array as {"data": array}: a "data" target finds the array.
  const wrapped = c === OPEN_BRACKET ? targets.indexOf("data") : -1;
  const start = i;
  let mask = (1 << count) - 1;
  if (wrapped >= 0) mask &= ~(1 << wrapped);
  let depth = 0;
  // Each turn reads one value at `i` (whitespace skipped), with `mask` the targets searched in it.
  value: for (;;) {
    c = bytes[i] as number;
    if (mask === 0 && (c === OPEN_BRACE || c === OPEN_BRACKET)) {
      // Nothing left to find in here: only check that it is valid.
      i = skipValue(bytes, i, depth);
      if (i < 0) return undefined;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_DEPTH) return undefined;
      masks[depth] = mask;
      const open = c;
      c = bytes[++i] as number;
      while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
      if (open === OPEN_BRACKET) {
        isObject[depth] = 0;
        if (c !== CLOSE_BRACKET) continue;
      } else {
        isObject[depth] = 1;
        if (c !== CLOSE_BRACE) {
          i = member(bytes, i, depth, targets);
          if (i < 0) return undefined;
          mask = (masks[depth] as number) & ~(matches[depth] as number);
          continue;
        }
      }
      i++;
      depth--;
    } else if (c === QUOTE) {
      i = skipString(bytes, i);
      if (i < 0) return undefined;
    } else {
      i = skipScalar(bytes, i, c);
      if (i < 0) return undefined;
    }
    // A value ended at `i`: close the containers it ends, until a `,` starts another value.
    for (;;) {
      const end = i;
      c = bytes[i] as number;
      while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
      if (depth === 0) break value;
      i++;
      if (isObject[depth] === 1) {
        const matched = matches[depth] as number;
        if (matched !== 0) {
          const result = decodeValue(bytes, valueStarts[depth] as number, end);
          found ??= noneFound(count);
          for (let t = 0; t < count; t++) if ((matched & (1 << t)) !== 0) found[t] = result;
          // The first match ends FuzzyGet's scan of this object: later members are not searched.
          masks[depth] = (masks[depth] as number) & ~matched;
          // A caller that reads the other targets only without the first is done with them.
          if (firstDecides && depth === 1 && (matched & 1) !== 0 && result !== null) masks[1] = 0;
          if (nothingLeft(depth)) {
            // No open container looks for anything more: the rest only has to be valid.
            i = skipFrom(bytes, end, depth, 0, true);
            if (i < 0) return undefined;
            c = bytes[i] as number;
            while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
            break value;
          }
        }
        if (c === COMMA) {
          c = bytes[i] as number;
          while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
          i = member(bytes, i, depth, targets);
          if (i < 0) return undefined;
          mask = (masks[depth] as number) & ~(matches[depth] as number);
          continue value;
        }
        if (c !== CLOSE_BRACE) return undefined;
      } else {
        if (c === COMMA) {
          c = bytes[i] as number;
          while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
          mask = masks[depth] as number;
          continue value;
        }
        if (c !== CLOSE_BRACKET) return undefined;
      }
      depth--;
    }
  }
  if (i !== bytes.length) return undefined;
  found ??= noneFound(count);
  if (wrapped >= 0) found[wrapped] = JSON.parse(bytes.toString("utf8", start, i));
  return found;
}

/**
 * Reads an object member's key and colon at `i` (the key's opening quote), notes which targets
 * it matches and where its value starts; returns the position of the value (whitespace
 * skipped), or -1 if this is not a valid key.
 */
function member(bytes: Buffer, i: number, depth: number, targets: readonly string[]): number {
  i |= 0;
  if ((bytes[i] as number) !== QUOTE) return -1;
  const keyStart = i + 1;
  lastEscaped = false;
  const end = skipString(bytes, i);
  if (end < 0) return -1;
  const mask = masks[depth] as number;
  let matched = 0;
  if (mask !== 0) {
    // A key with escapes is compared unescaped; others in place.
    const key = lastEscaped
      ? normalizeKey(JSON.parse(bytes.toString("utf8", i, end)) as string)
      : undefined;
    for (let t = 0; t < targets.length; t++) {
      const bit = 1 << t;
      if ((mask & bit) === 0) continue;
      const target = targets[t] as string;
      if (key === undefined ? keyMatches(bytes, keyStart, end - 1, target) : key === target) {
        matched |= bit;
      }
    }
  }
  matches[depth] = matched;
  i = end;
  let c = bytes[i] as number;
  while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
  if (c !== COLON) return -1;
  c = bytes[++i] as number;
  while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
  valueStarts[depth] = i;
  return i;
}

/**
 * Skips the valid JSON value at `i` (its first character), inside `depth` containers; returns
 * where it ends, or -1 when it is not valid. The scan's loop without targets: no key is
 * compared and nothing is noted per member.
 */
function skipValue(bytes: Buffer, i: number, depth: number): number {
  return skipFrom(bytes, i, depth, depth, false);
}

/**
 * Checks from `i`, inside `depth` open containers, until only `base` are open: reading a value
 * first, or, with `after`, what follows a value that ended at `i`. Returns where it stopped, or
 * -1 when the JSON is not valid.
 */
function skipFrom(bytes: Buffer, i: number, depth: number, base: number, after: boolean): number {
  i |= 0;
  for (;;) {
    let c: number;
    if (after) {
      after = false;
    } else {
      c = bytes[i] as number;
      if (c === OPEN_BRACE) {
        if (++depth > MAX_DEPTH) return -1;
        c = bytes[++i] as number;
        while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
        if (c !== CLOSE_BRACE) {
          isObject[depth] = 1;
          i = skipKey(bytes, i);
          if (i < 0) return -1;
          continue;
        }
        i++;
        depth--;
      } else if (c === OPEN_BRACKET) {
        if (++depth > MAX_DEPTH) return -1;
        c = bytes[++i] as number;
        while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
        if (c !== CLOSE_BRACKET) {
          isObject[depth] = 0;
          continue;
        }
        i++;
        depth--;
      } else if (c === QUOTE) {
        i = skipString(bytes, i);
        if (i < 0) return -1;
      } else {
        i = skipScalar(bytes, i, c);
        if (i < 0) return -1;
      }
    }
    // A value ended at `i`: close the containers it ends, until a `,` starts another value.
    for (;;) {
      if (depth === base) return i;
      c = bytes[i] as number;
      while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
      i++;
      if (c === COMMA) {
        c = bytes[i] as number;
        while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
        if (isObject[depth] === 1) {
          i = skipKey(bytes, i);
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
function skipKey(bytes: Buffer, i: number): number {
  i |= 0;
  if ((bytes[i] as number) !== QUOTE) return -1;
  i = skipString(bytes, i);
  if (i < 0) return -1;
  let c = bytes[i] as number;
  while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
  if (c !== COLON) return -1;
  c = bytes[++i] as number;
  while (c <= 0x20 && isSpace(c)) c = bytes[++i] as number;
  return i;
}

/** Whether the last string skipped had escapes (reset by whoever needs to know). */
let lastEscaped = false;

/** Skips a string from its opening quote at `i`; returns the position after its closing quote, or -1. */
function skipString(bytes: Buffer, i: number): number {
  i |= 0;
  for (;;) {
    const c = bytes[++i] as number;
    // Most characters of most strings are above the backslash: one comparison for them.
    if (c > BACKSLASH) continue;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      lastEscaped = true;
      const e = bytes[i + 1] as number;
      if (e === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(bytes[k] as number)) return -1;
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
    // Also true past the end of the bytes (undefined).
    if (!(c >= 0x20)) return -1;
  }
}

/** Skips `true`, `false`, `null` or a number at `i` (whose code is `c`); returns its end, or -1. */
function skipScalar(bytes: Buffer, i: number, c: number): number {
  i |= 0;
  if (c === 0x74) return isWord(bytes, i, TRUE) ? i + 4 : -1;
  if (c === 0x66) return isWord(bytes, i, FALSE) ? i + 5 : -1;
  if (c === 0x6e) return isWord(bytes, i, NULL) ? i + 4 : -1;
  return skipNumber(bytes, i, c);
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from `i` (whose code is `c`); the end, or -1. */
function skipNumber(bytes: Buffer, i: number, c: number): number {
  i |= 0;
  if (c === MINUS) c = bytes[++i] as number;
  if (c === 0x30) c = bytes[++i] as number;
  else if (c >= 0x31 && c <= 0x39) {
    do c = bytes[++i] as number;
    while (c >= 0x30 && c <= 0x39);
  } else return -1;
  if (c === 0x2e) {
    c = bytes[++i] as number;
    if (!(c >= 0x30 && c <= 0x39)) return -1;
    do c = bytes[++i] as number;
    while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    c = bytes[++i] as number;
    if (c === 0x2b || c === MINUS) c = bytes[++i] as number;
    if (!(c >= 0x30 && c <= 0x39)) return -1;
    do c = bytes[++i] as number;
    while (c >= 0x30 && c <= 0x39);
  }
  return i;
}

function decodeValue(bytes: Buffer, start: number, end: number): unknown {
  const c = bytes[start] as number;
  if (c === QUOTE) {
    const escaped = bytes.indexOf(BACKSLASH, start + 1);
    return escaped >= 0 && escaped < end
      ? JSON.parse(bytes.toString("utf8", start, end))
      : bytes.toString("utf8", start + 1, end - 1);
  }
  if (c === 0x74) return true;
  if (c === 0x66) return false;
  if (c === 0x6e) return null;
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return JSON.parse(bytes.toString("utf8", start, end));
  const small = smallInteger(bytes, start, end);
  if (small !== undefined) return small;
  const literal = bytes.toString("latin1", start, end);
  // Integers keep every digit (Python's str() of an int does); others are doubles, as in JSON.parse.
  if (literal.length > 15 && /^-?\d+$/.test(literal)) return BigInt(literal);
  return Number(literal);
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function isWord(bytes: Buffer, i: number, word: readonly number[]): boolean {
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return false;
  return true;
}

/** Whether the key bytes[start, end) normalizes to `target`, compared in place while ASCII. */
function keyMatches(bytes: Buffer, start: number, end: number, target: string): boolean {
  let j = 0;
  for (let i = start; i < end; i++) {
    let c = bytes[i] as number;
    if (c === MINUS || c === 0x5f) continue;
    if (c >= 0x80) return normalizeKey(bytes.toString("utf8", start, end)) === target;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== target.charCodeAt(j)) return false;
    j++;
  }
  return j === target.length;
}

/** The value of a valid JSON number of at most 9 digits and no fraction or exponent; else undefined. */
function smallInteger(bytes: Buffer, start: number, end: number): number | undefined {
  let k = start;
  const negative = (bytes[start] as number) === MINUS;
  if (negative) k++;
  if (end - k > 9) return undefined;
  let value = 0;
  for (; k < end; k++) {
    const c = bytes[k] as number;
    if (c < 0x30 || c > 0x39) return undefined;
    value = value * 10 + (c - 0x30);
  }
  // -0 stays -0, as Number("-0") gives.
  return negative ? -value : value;
}
