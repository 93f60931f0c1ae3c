// Finds the parts of a narrow list's row (hash, then one string) straight in the answer's bytes, when the row has exactly the shape rTorrent sends.

const OPEN_ROW = ascii("<value><array><data>");
const OPEN_STRING = ascii("<value><string>");
const CLOSE_STRING = ascii("</string></value>");
const CLOSE_ROW = ascii("</data></array></value>");
const HASH_DIGITS = 40;

/** 1 for the bytes of hex digits (either case), 0 for any other. */
const HEX_DIGIT = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * Reads where the parts of one row of `numbersParams` (`[hash, packed integers]`, two strings)
 * or `messageParams` (`[hash + message]`, one string) are, without building values or strings.
 * A row matches only as xmlrpc-c writes it: these tags with nothing but whitespace between them,
 * a hash of 40 hex digits, then text without markup, entity, carriage return or byte past ASCII
 * (so its bytes are its characters, as the XML-RPC reader would decode them). Anything else,
 * including a row cut by the end of what has arrived, does not match: the caller then parses it
 * with the XML-RPC reader, which gives the values or names what is wrong, as before.
 */
export class RowScanner {
  /** Offset of the hash's first digit in the last matched row. */
  hashAt = 0;
  /** Offsets of the text after the hash: the second string, or the rest of the only one. */
  textStart = 0;
  textEnd = 0;

  /** Matches a `[hash, text]` row at `at`: the offset just past it, or -1. */
  pair(b: Uint8Array, at: number): number {
    let p = this.#hashCell(b, at);
    if (p < 0) return -1;
    p = skipSpace(b, p);
    if (!startsWith(b, p, OPEN_STRING)) return -1;
    this.textStart = p + OPEN_STRING.length;
    return this.#rest(b, this.textStart);
  }

  /** Matches a `[hash + text]` row at `at`: the offset just past it, or -1. */
  joined(b: Uint8Array, at: number): number {
    const p = this.#openRow(b, at);
    if (p < 0 || !isHashAt(b, p)) return -1;
    this.hashAt = p;
    this.textStart = p + HASH_DIGITS;
    return this.#rest(b, this.textStart);
  }

  /** The row's opening and its first cell, a string of just the hash: the offset past it, or -1. */
  #hashCell(b: Uint8Array, at: number): number {
    const p = this.#openRow(b, at);
    if (p < 0 || !isHashAt(b, p)) return -1;
    this.hashAt = p;
    const q = p + HASH_DIGITS;
    return startsWith(b, q, CLOSE_STRING) ? q + CLOSE_STRING.length : -1;
  }

  /** Past the opening tags up to the first string's text, or -1. */
  #openRow(b: Uint8Array, at: number): number {
    if (!startsWith(b, at, OPEN_ROW)) return -1;
    const p = skipSpace(b, at + OPEN_ROW.length);
    return startsWith(b, p, OPEN_STRING) ? p + OPEN_STRING.length : -1;
  }

  /** Plain text from `from` to `</string></value>`, then the row's end: the offset past it, or -1. */
  #rest(b: Uint8Array, from: number): number {
    let p = from;
    for (;;) {
      if (p >= b.length) return -1;
      const c = b[p] as number;
      if (c === 60) break; // <
      if (c === 38 || c === 13 || c >= 0x80) return -1; // &, CR, UTF-8
      p++;
    }
    this.textEnd = p;
    if (!startsWith(b, p, CLOSE_STRING)) return -1;
    p = skipSpace(b, p + CLOSE_STRING.length);
    return startsWith(b, p, CLOSE_ROW) ? p + CLOSE_ROW.length : -1;
  }
}

/** Whether the bytes [start, end) spell `text`, character for character (ASCII). */
export function bytesAre(b: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function startsWith(b: Uint8Array, at: number, tag: Uint8Array): boolean {
  if (at + tag.length > b.length) return false;
  for (let i = 0; i < tag.length; i++) if (b[at + i] !== tag[i]) return false;
  return true;
}

function skipSpace(b: Uint8Array, from: number): number {
  let p = from;
  for (;;) {
    const c = b[p];
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return p;
    p++;
  }
}

function isHashAt(b: Uint8Array, at: number): boolean {
  if (at + HASH_DIGITS > b.length) return false;
  let digits = 0;
  for (let i = at; i < at + HASH_DIGITS; i++) digits += HEX_DIGIT[b[i] as number] as number;
  return digits === HASH_DIGITS;
}
