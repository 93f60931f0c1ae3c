// Character classes and the found-values array that both JSON scanners (text and bytes) share.

/** JSON whitespace; callers test `c <= 0x20` first, so compact JSON costs one comparison. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** A hexadecimal digit of a `\u` escape. */
export function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** One `undefined` per target: what a scan answers before any match. */
export function noneFound(count: number): unknown[] {
  // Literals for the usual one and two targets: Array.prototype.fill is a call into C++.
  if (count === 1) return [undefined];
  if (count === 2) return [undefined, undefined];
  return new Array<unknown>(count).fill(undefined);
}
