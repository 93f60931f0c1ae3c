import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unboxed } from "./number-fields.ts";

describe("unboxed", () => {
  it("keeps every value: integers of any size, fractions, infinities, NaN", () => {
    const boxed = new Float64Array([0, 1, -7, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 3e15, 0.5, -1.25]);
    for (const n of boxed) assert.equal(unboxed(n), n);
    for (const n of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER])
      assert.equal(unboxed(n), n);
    assert.ok(Number.isNaN(unboxed(Number.NaN)));
    // -0 and 0 are the same figure: it comes out as 0.
    assert.ok(Object.is(unboxed(-0), 0));
  });
});
