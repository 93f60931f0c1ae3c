// web-config.yml's rate_limit: a token bucket per client address and per logged-in user, and the 429 answer.

import type { ServerResponse } from "node:http";

/** `rate_limit` after validation: one token every `intervalMs`, at most `burst` saved up. */
export interface RateLimitConfig {
  readonly intervalMs: number;
  readonly burst: number;
}

/**
 * A token bucket like Go's `rate.NewLimiter(rate.Every(interval), burst)`: it starts full, gains
 * one token per interval up to `burst`, and each request takes one.
 */
export class TokenBucket {
  readonly config: RateLimitConfig;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /** `now` is a monotonic clock in milliseconds (injectable for tests). */
  constructor(config: RateLimitConfig, now: () => number = () => performance.now()) {
    this.config = config;
    this.#now = now;
    this.#tokens = config.burst;
    this.#last = now();
  }

  /** Takes a token. Returns 0 when one was available, else the milliseconds until one will be. */
  take(): number {
    const now = this.#now();
    const { intervalMs, burst } = this.config;
    this.#tokens = Math.min(burst, this.#tokens + Math.max(0, now - this.#last) / intervalMs);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return (1 - this.#tokens) * intervalMs;
  }

  /** Whether the bucket has refilled to `burst` by now (it is then as good as a new one). */
  full(): boolean {
    const { intervalMs, burst } = this.config;
    return this.#tokens + Math.max(0, this.#now() - this.#last) / intervalMs >= burst;
  }
}

/** Options of a RateLimiter. */
export interface RateLimiterOptions {
  /** Buckets kept at most (default 10,000); full ones go first, then the least recently used. */
  readonly maxKeys?: number;
  /** A monotonic clock in milliseconds (injectable for tests). */
  readonly now?: () => number;
}

/**
 * One TokenBucket per key, all with the same `rate_limit`. The web server keys a request by the
 * user it logs in as when its credentials were already checked, else by its client address: a
 * flood from one address, anonymous or with wrong passwords, spends only that address's tokens
 * and never those of a scraper elsewhere or of a logged-in user.
 */
export class RateLimiter {
  readonly config: RateLimitConfig;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(config: RateLimitConfig, options: RateLimiterOptions = {}) {
    this.config = config;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Buckets held now. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes a token from `key`'s bucket: 0 when one was available, else the ms until one will be. */
  take(key: string): number {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#evict();
      bucket = new TokenBucket(this.config, this.#now);
    } else {
      this.#buckets.delete(key);
    }
    // Map order is use order: the first entries are the least recently used.
    this.#buckets.set(key, bucket);
    return bucket.take();
  }

  #evict(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.full()) this.#buckets.delete(key);
    // Many clients mid-burst: forget the least recently used tenth (each starts over with a full
    // bucket), so the scan above runs once per many new clients, not for each.
    const keep = Math.floor(this.#maxKeys * 0.9);
    while (this.#buckets.size > keep) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
  }
}

/** Answers 429 with `Retry-After` in whole seconds (at least 1). */
export function sendTooManyRequests(res: ServerResponse, retryAfterMs: number): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  res.writeHead(429, {
    "content-type": "text/plain; charset=utf-8",
    "retry-after": String(seconds),
  });
  res.end("Too Many Requests\n");
}
