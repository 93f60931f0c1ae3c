import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BANNED_RETRY_MS, backoffDelay } from "./backoff.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe("backoffDelay", () => {
  it("asks a banned client again every 5 minutes, never an hour later", () => {
    assert.equal(BANNED_RETRY_MS, 5 * MINUTE);
    for (const failures of [1, 2, 10, 100]) {
      assert.equal(backoffDelay("banned", failures, 10 * SECOND), 5 * MINUTE);
    }
    assert.equal(backoffDelay("banned", 1, 15 * MINUTE), 15 * MINUTE, "or the poll interval");
  });

  it("backs off slowly after refused credentials, and from the interval for anything else", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((f) => backoffDelay("auth", f, 10 * SECOND) / MINUTE),
      [5, 10, 20, 40, 60, 60],
    );
    assert.deepEqual(
      [1, 2, 3, 6, 7, 20].map((f) => backoffDelay("http", f, 10 * SECOND) / SECOND),
      [10, 20, 40, 300, 300, 300],
    );
  });

  it("backs off alike for every other reason, never below the interval, and stays bounded however long it fails", () => {
    for (const reason of ["timeout", "connection", "http", "protocol", "other"] as const) {
      assert.deepEqual(
        [1, 2, 5, 6, 1000, 1e6].map((f) => backoffDelay(reason, f, 10 * SECOND) / SECOND),
        [10, 20, 160, 300, 300, 300],
        reason,
      );
      // An interval beyond five minutes is the delay itself: polls never come faster than asked.
      assert.deepEqual(
        [1, 2, 1e6].map((f) => backoffDelay(reason, f, 15 * MINUTE) / MINUTE),
        [15, 15, 15],
        reason,
      );
    }
    assert.equal(backoffDelay("auth", 1e6, 10 * SECOND), 60 * MINUTE);
    assert.equal(backoffDelay("banned", 1e6, 10 * SECOND), 5 * MINUTE);
  });
});
