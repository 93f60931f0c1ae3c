import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateLimiter, TokenBucket } from "./rate-limit.ts";

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

describe("RateLimiter", () => {
  it("keeps one bucket per key: spending one leaves the others full", () => {
    let now = 0;
    const limiter = new RateLimiter({ intervalMs: 1000, burst: 2 }, { now: () => now });
    assert.deepEqual([limiter.take("a"), limiter.take("a"), limiter.take("a")], [0, 0, 1000]);
    assert.deepEqual([limiter.take("b"), limiter.take("b")], [0, 0]);
    now = 500;
    assert.equal(limiter.take("a"), 500);
  });

  it("holds at most maxKeys buckets, forgetting full ones first, then the least recently used", () => {
    let now = 0;
    const limiter = new RateLimiter(
      { intervalMs: 1000, burst: 1 },
      { maxKeys: 10, now: () => now },
    );
    for (let i = 0; i < 10; i += 1) limiter.take(`k${i}`);
    assert.equal(limiter.size, 10);
    now = 1000;
    // Every bucket has refilled: all go, as if they had never been used.
    limiter.take("new");
    assert.equal(limiter.size, 1);
    for (let i = 0; i < 9; i += 1) limiter.take(`m${i}`);
    limiter.take("new");
    // Ten empty buckets, "new" the last used: the least recently used tenth (m0) goes.
    limiter.take("another");
    assert.equal(limiter.size, 10);
    assert.equal(limiter.take("new"), 1000);
    assert.equal(limiter.take("m0"), 0);
  });
});
