// web-config.yml's rate_limit: one global token bucket, and the 429 answer when it is empty.

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
