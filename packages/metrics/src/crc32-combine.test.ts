import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import { crc32Combine } from "./crc32-combine.ts";

describe("crc32Combine", () => {
  it("gives the CRC-32 of two parts joined, for any lengths", () => {
    for (const [a, b] of [
      [0, 0],
      [0, 5],
      [7, 0],
      [1, 1],
      [100, 65_536],
      [65_536, 1_000_003],
      [3, 5_000_000],
    ] as const) {
      const left = randomBytes(a);
      const right = randomBytes(b);
      assert.equal(
        crc32Combine(crc32(left), crc32(right), right.length),
        crc32(Buffer.concat([left, right])),
        `${a} + ${b}`,
      );
    }
  });
});
