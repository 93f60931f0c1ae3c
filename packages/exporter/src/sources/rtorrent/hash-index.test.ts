import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { mulberry32 } from "@seedwatch/testbed/prng";
import { HashIndex } from "./hash-index.ts";

describe("HashIndex", () => {
  it("agrees with a Map over random sets and deletes, through its growth", () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    const random = mulberry32(seed);
    const index = new HashIndex();
    const map = new Map<string, number>();
    // Few distinct hashes, many operations: deletes hit long probe runs and wrap around.
    const pool = Array.from({ length: 5000 }, () => randomBytes(20).toString("hex"));
    for (let op = 0; op < 60_000; op++) {
      const hash = pool[Math.floor(random() * pool.length)] as string;
      const r = random();
      if (r < 0.55) {
        index.set(hash, op);
        map.set(hash, op);
      } else if (r < 0.85) {
        assert.equal(index.delete(hash), map.delete(hash), `seed ${seed}, op ${op}`);
      } else {
        assert.equal(index.get(hash), map.get(hash) ?? -1, `seed ${seed}, op ${op}`);
      }
    }
    assert.equal(index.size, map.size, `seed ${seed}`);
    for (const hash of pool) assert.equal(index.get(hash), map.get(hash) ?? -1, `seed ${seed}`);
  });

  it("finds a hash of either case, from a string or from bytes at an offset", () => {
    const index = new HashIndex();
    const hash = "0123456789abcdef0123456789ABCDEF01234567";
    index.set(hash, 7);
    assert.equal(index.get(hash.toLowerCase()), 7);
    assert.equal(index.get(hash.toUpperCase()), 7);
    const bytes = Buffer.from(`<string>${hash.toUpperCase()}</string>`, "latin1");
    assert.equal(index.getAt(bytes, 8), 7);
    assert.equal(index.getAt(bytes, 7), -1, "'>' is not a hex digit");
    assert.equal(index.getAt(bytes, bytes.length - 39), -1, "past the end");
  });

  it("has no value for what is not 40 hex digits, and refuses to set it", () => {
    const index = new HashIndex();
    index.set("a".repeat(40), 1);
    assert.equal(index.get("a".repeat(39)), -1);
    assert.equal(index.get(`${"a".repeat(39)}g`), -1);
    assert.equal(index.delete("a".repeat(41)), false);
    assert.throws(() => index.set("xyz", 1), TypeError);
    assert.equal(index.size, 1);
  });
});
