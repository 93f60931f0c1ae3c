// Unit tests of the live charts' rolling window.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LiveBuffer } from "./live-buffer.ts";

describe("LiveBuffer", () => {
  it("keeps the last samples in seconds, with gaps as null", () => {
    const buffer = new LiveBuffer(2, 3);
    buffer.push(1_000, [1, 2]);
    buffer.push(3_000, [3, null]);
    buffer.push(2_000, [9, 9]);
    buffer.push(3_000, [9, 9]);
    assert.deepEqual(
      buffer.data(),
      [
        [1, 3],
        [1, 3],
        [2, null],
      ],
      "not later: ignored",
    );
    buffer.push(5_000, [5, Number.NaN]);
    buffer.push(7_000, [7]);
    assert.equal(buffer.length, 3);
    assert.deepEqual(buffer.data(), [
      [3, 5, 7],
      [3, 5, 7],
      [null, null, null],
    ]);
  });

  it("hands out copies, so a chart never sees the buffer move under it", () => {
    const buffer = new LiveBuffer(1);
    buffer.push(1_000, [1]);
    const data = buffer.data();
    buffer.push(2_000, [2]);
    assert.deepEqual(data, [[1], [1]]);
  });

  it("refuses a shape it cannot hold", () => {
    assert.throws(() => new LiveBuffer(0), /lines: expected at least 1/);
    assert.throws(() => new LiveBuffer(1, 1), /capacity: expected at least 2/);
  });
});
