import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenBucket } from "./rate-limit.ts";

describe("TokenBucket", () => {
  it("starts full, refills one token per interval, never beyond the burst", () => {
    let now = 0;
    const bucket = new TokenBucket({ intervalMs: 1000, burst: 3 }, () => now);
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
    assert.equal(bucket.take(), 1000);
    now = 250;
    assert.equal(bucket.take(), 750);
    now = 1000;
    assert.equal(bucket.take(), 0);
    assert.equal(bucket.take(), 1000);
    now = 100_000;
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [0, 0, 0, 1000]);
  });

  it("ignores a clock that goes backwards", () => {
    let now = 5000;
    const bucket = new TokenBucket({ intervalMs: 100, burst: 1 }, () => now);
    assert.equal(bucket.take(), 0);
    now = 0;
    assert.equal(bucket.take(), 100);
  });
});
