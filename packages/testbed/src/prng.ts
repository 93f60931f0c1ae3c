// A small seeded pseudo-random generator (mulberry32), so a test that draws from it replays exactly.

/** Draws uniform numbers in [0, 1); the same seed gives the same sequence everywhere. */
export type Random = () => number;

/**
 * mulberry32: 32 bits of state, period 2^32, good enough to scatter faults, and entirely
 * determined by `seed` (any number; only its low 32 bits are used). Not for cryptography.
 */
export function mulberry32(seed: number): Random {
  if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
