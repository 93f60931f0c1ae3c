// A table from 40-hex-digit info-hashes to small integers, kept as 20-byte keys in a typed array: looked up from a string of either case or straight from an answer's bytes.

import { randomInt } from "node:crypto";

const WORDS = 5;
/** Per position: the value + 1 (0: empty), then the key's five words. */
const STRIDE = 1 + WORDS;
const FIRST_CAPACITY = 1024;

/** Each byte's value as a hex digit (either case), -1 for any other. */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) HEX[48 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX[65 + d] = 10 + d;
  HEX[97 + d] = 10 + d;
}

/**
 * Maps info-hashes (40 hex digits, either case) to non-negative integers (a SentStore's slots).
 * Each position holds its value and its key's five 32-bit words side by side in one Int32Array
 * (one cache line per probe), with linear probing and deletion by backward shift (no
 * tombstones). A lookup allocates nothing: no lower-cased copy of the hash, and no string at all
 * when it reads the hash straight from the bytes of an answer (`getAt`). A Map keyed by freshly
 * lower-cased strings cost a string, its hash and a string comparison per lookup, thousands of
 * times a poll. Positions are mixed with a seed drawn per table, so hashes chosen to collide
 * cannot make it slow.
 */
export class HashIndex {
  #slots = new Int32Array(FIRST_CAPACITY * STRIDE);
  #capacity = FIRST_CAPACITY;
  #size = 0;
  readonly #seed = randomInt(2 ** 31);
  /** The key being looked up, parsed. */
  readonly #probe = new Int32Array(WORDS);

  /** Number of keys. */
  get size(): number {
    return this.#size;
  }

  /** The value of `hash`, or -1 when it has none (or is not 40 hex digits). */
  get(hash: string): number {
    return parseString(hash, this.#probe) ? this.#find(this.#probe) : -1;
  }

  /** The value of the hash written as 40 hex digits (either case) at `at` in `bytes`, or -1. */
  getAt(bytes: Uint8Array, at: number): number {
    return parseBytes(bytes, at, this.#probe) ? this.#find(this.#probe) : -1;
  }

  /** Sets the value of `hash` (40 hex digits, either case; a TypeError otherwise). */
  set(hash: string, value: number): void {
    if (!parseString(hash, this.#probe)) throw new TypeError("expected a 40-hex-digit info-hash");
    if ((this.#size + 1) * 2 > this.#capacity) this.#grow();
    const at = this.#position(this.#probe) * STRIDE;
    if (this.#slots[at] === 0) this.#size++;
    this.#slots[at] = value + 1;
    this.#slots.set(this.#probe, at + 1);
  }

  /** Removes `hash`; false when it had no value. */
  delete(hash: string): boolean {
    if (!parseString(hash, this.#probe)) return false;
    let hole = this.#position(this.#probe);
    const slots = this.#slots;
    if (slots[hole * STRIDE] === 0) return false;
    this.#size--;
    // Backward shift: move each later key of the run into the hole if its home allows it.
    const mask = this.#capacity - 1;
    let i = hole;
    for (;;) {
      i = (i + 1) & mask;
      if (slots[i * STRIDE] === 0) break;
      const home = this.#home(slots, i * STRIDE + 1);
      // The key at i may fill the hole unless its home is in (hole, i], cyclically.
      if (hole <= i ? home <= hole || home > i : home <= hole && home > i) {
        slots.copyWithin(hole * STRIDE, i * STRIDE, i * STRIDE + STRIDE);
        hole = i;
      }
    }
    slots[hole * STRIDE] = 0;
    return true;
  }

  #find(key: Int32Array): number {
    return (this.#slots[this.#position(key) * STRIDE] as number) - 1;
  }

  /** The position of `key`, or of the empty position where it would go. */
  #position(key: Int32Array): number {
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    const k0 = key[0] as number;
    const k1 = key[1] as number;
    const k2 = key[2] as number;
    const k3 = key[3] as number;
    const k4 = key[4] as number;
    let i = this.#mix(k0, k1, k2, k3, k4) & mask;
    for (;;) {
      const at = i * STRIDE;
      if (slots[at] === 0) return i;
      if (
        slots[at + 1] === k0 &&
        slots[at + 2] === k1 &&
        slots[at + 3] === k2 &&
        slots[at + 4] === k3 &&
        slots[at + 5] === k4
      )
        return i;
      i = (i + 1) & mask;
    }
  }

  /** The home position of the key whose words start at `w`. */
  #home(slots: Int32Array, w: number): number {
    return (
      this.#mix(
        slots[w] as number,
        slots[w + 1] as number,
        slots[w + 2] as number,
        slots[w + 3] as number,
        slots[w + 4] as number,
      ) &
      (this.#capacity - 1)
    );
  }

  #mix(a: number, b: number, c: number, d: number, e: number): number {
    let h = this.#seed;
    h = Math.imul(h ^ a, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15) ^ b, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 13) ^ c, 0xc2b2ae3d);
    h = Math.imul(h ^ (h >>> 16) ^ d, 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 15) ^ e, 0x165667b1);
    return h ^ (h >>> 16);
  }

  #grow(): void {
    const old = this.#slots;
    const oldCapacity = this.#capacity;
    this.#capacity = oldCapacity * 2;
    this.#slots = new Int32Array(this.#capacity * STRIDE);
    const key = new Int32Array(WORDS);
    for (let i = 0; i < oldCapacity; i++) {
      const from = i * STRIDE;
      if (old[from] === 0) continue;
      key.set(old.subarray(from + 1, from + STRIDE));
      const at = this.#position(key) * STRIDE;
      this.#slots.set(old.subarray(from, from + STRIDE), at);
    }
  }
}

function parseString(hash: string, out: Int32Array): boolean {
  if (hash.length !== 40) return false;
  let bad = 0;
  for (let w = 0; w < WORDS; w++) {
    let word = 0;
    for (let k = w * 8; k < w * 8 + 8; k++) {
      const c = hash.charCodeAt(k);
      const v = c < 256 ? (HEX[c] as number) : -1;
      bad |= v;
      word = (word << 4) | (v & 15);
    }
    out[w] = word;
  }
  return bad >= 0;
}

function parseBytes(bytes: Uint8Array, at: number, out: Int32Array): boolean {
  if (at < 0 || at + 40 > bytes.length) return false;
  let bad = 0;
  for (let w = 0; w < WORDS; w++) {
    let word = 0;
    for (let k = at + w * 8; k < at + w * 8 + 8; k++) {
      const v = HEX[bytes[k] as number] as number;
      bad |= v;
      word = (word << 4) | (v & 15);
    }
    out[w] = word;
  }
  return bad >= 0;
}
