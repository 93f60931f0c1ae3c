// A gzip bomb: a small, valid gzip stream that inflates to a chosen number of zero bytes.

import { constants, deflateRawSync } from "node:zlib";

/** A gzip stream of zeros, served as chunks (the same few buffers repeated). */
export interface GzipBomb {
  /** Bytes it inflates to. */
  readonly decodedBytes: number;
  /** Bytes of the gzip stream itself. */
  readonly compressedBytes: number;
  /** The stream, chunk by chunk, from the gzip header to the trailer; iterate as often as needed. */
  chunks(): Iterable<Buffer>;
}

const SEGMENT = 2 ** 20;
/** Largest bomb: 1 TiB inflated, about 1 GB on the wire (ISIZE is kept modulo 2^32 as RFC 1952 says). */
export const MAX_GZIP_BOMB_BYTES = 2 ** 40;

// ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (max compression) OS=3 (Unix).
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
// An empty fixed-Huffman block with BFINAL set: the end of the deflate stream.
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

let segment: Buffer | undefined;

/**
 * Builds a bomb of `decodedBytes` zeros in a few milliseconds whatever its size: one
 * megabyte of zeros is deflated once, ending on a full flush (byte-aligned, no reference to
 * what came before), and that piece is repeated; the CRC-32 of the zeros is computed
 * arithmetically, so every gunzip accepts the trailer. About 1 KB per MiB inflated.
 */
export function gzipBomb(decodedBytes: number): GzipBomb {
  if (!Number.isSafeInteger(decodedBytes) || decodedBytes < 0) {
    throw new TypeError(`decodedBytes must be a non-negative integer, got ${decodedBytes}`);
  }
  if (decodedBytes > MAX_GZIP_BOMB_BYTES) {
    throw new RangeError(
      `decodedBytes must be at most ${MAX_GZIP_BOMB_BYTES}, got ${decodedBytes}`,
    );
  }
  segment ??= fullFlush(SEGMENT);
  const whole = segment;
  const repeats = Math.floor(decodedBytes / SEGMENT);
  const rest = decodedBytes % SEGMENT;
  const tail = rest === 0 ? Buffer.alloc(0) : fullFlush(rest);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32OfZeros(decodedBytes), 0);
  trailer.writeUInt32LE(decodedBytes % 2 ** 32, 4);
  return {
    decodedBytes,
    compressedBytes:
      HEADER.length + repeats * whole.length + tail.length + FINAL_BLOCK.length + trailer.length,
    *chunks() {
      yield HEADER;
      for (let i = 0; i < repeats; i++) yield whole;
      if (tail.length > 0) yield tail;
      yield FINAL_BLOCK;
      yield trailer;
    },
  };
}

/** Raw deflate of `size` zeros ending on a full flush instead of a final block. */
function fullFlush(size: number): Buffer {
  return deflateRawSync(Buffer.alloc(size), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
}

const POLY = 0xedb88320;

/** a * b modulo the CRC-32 polynomial, in zlib's reflected bit order (zlib's multmodp). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p = (p ^ b) >>> 0;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? ((b >>> 1) ^ POLY) >>> 0 : b >>> 1;
  }
  return p;
}

/** CRC-32 of `length` zero bytes: the register 0xFFFFFFFF times x^(8 length), complemented. */
export function crc32OfZeros(length: number): number {
  let power = 0x40000000; // x^1
  let product = 0x80000000; // x^0
  // x^(8 length) by squaring: the bits of 8 length, lowest first.
  for (let n = length * 8; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) product = multModP(power, product);
    power = multModP(power, power);
  }
  return (multModP(product, 0xffffffff) ^ 0xffffffff) >>> 0;
}
