// Truncation and corruption of one answer's bytes as they stream through, deterministic from a seed.

import { DEFAULT_CORRUPT_RATE, type Fault } from "./fault.ts";
import { mulberry32 } from "./prng.ts";

/** What a truncate or corrupt fault does to the bytes of one answer, chunk after chunk. */
export interface ByteFault {
  /** The bytes to relay for the next chunk of the answer (a copy when anything changed). */
  apply(chunk: Buffer): Buffer;
  /** True once a truncation has let through all it may: close the connection now. */
  readonly done: boolean;
  /** Bytes flipped so far. */
  readonly corrupted: number;
}

/** The byte fault of `fault` for one answer, or undefined when it does not touch bytes. */
export function byteFault(fault: Fault): ByteFault | undefined {
  if (fault.kind === "truncate") return truncation(fault.afterBytes);
  if (fault.kind === "corrupt") return corruption(fault.seed, fault.rate ?? DEFAULT_CORRUPT_RATE);
  return undefined;
}

function truncation(afterBytes: number): ByteFault {
  let left = afterBytes;
  return {
    apply(chunk) {
      const out = chunk.length <= left ? chunk : chunk.subarray(0, left);
      left -= out.length;
      return out;
    },
    get done() {
      return left === 0;
    },
    corrupted: 0,
  };
}

/**
 * Flips the byte at each chosen offset. Offsets are spaced by geometric gaps (as if each byte were
 * drawn with probability `rate`), so a large answer costs a draw per flipped byte, not per byte.
 */
function corruption(seed: number, rate: number): ByteFault {
  const random = mulberry32(seed);
  const gap = () => (rate >= 1 ? 0 : Math.floor(Math.log(1 - random()) / Math.log(1 - rate)));
  let offset = 0;
  let next = gap();
  let corrupted = 0;
  return {
    apply(chunk) {
      const end = offset + chunk.length;
      let out = chunk;
      if (next < end) out = Buffer.from(chunk);
      while (next < end) {
        const at = next - offset;
        out[at] = (out[at] as number) ^ (1 + Math.floor(random() * 255));
        corrupted++;
        next += 1 + gap();
      }
      offset = end;
      return out;
    },
    done: false,
    get corrupted() {
      return corrupted;
    },
  };
}
