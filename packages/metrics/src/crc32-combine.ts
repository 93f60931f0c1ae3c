// CRC-32 of two byte strings joined, from the CRC-32 of each and the second's length (zlib's crc32_combine).

const POLY = 0xedb88320;

/** a(x) * b(x) modulo p(x), in the reflected bit order of CRC-32. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  let bb = b >>> 0;
  for (;;) {
    if ((a & m) !== 0) {
      p = (p ^ bb) >>> 0;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    bb = bb & 1 ? ((bb >>> 1) ^ POLY) >>> 0 : bb >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo p(x). */
const X2N: number[] = (() => {
  const table = new Array<number>(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let n = 1; n < 32; n++) {
    p = multModP(p, p);
    table[n] = p;
  }
  return table;
})();

/** x^(n * 2^k) modulo p(x). */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  let rest = n;
  let i = k;
  while (rest > 0) {
    if (rest % 2 === 1) p = multModP(X2N[i & 31] as number, p);
    rest = Math.floor(rest / 2);
    i++;
  }
  return p;
}

/**
 * The CRC-32 of `A + B` from `crcA` (of A), `crcB` (of B) and B's length in bytes, as zlib's
 * `crc32_combine` computes it: a gzip body can then be assembled from parts whose CRCs were
 * computed once, without reading their bytes again.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}
