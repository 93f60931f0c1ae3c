import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { knownFreeSpace } from "./free-space.ts";

describe("knownFreeSpace", () => {
  it("keeps a byte count, a full disk included", () => {
    assert.equal(knownFreeSpace(123_456_789), 123_456_789);
    assert.equal(knownFreeSpace(0), 0);
    assert.equal(knownFreeSpace(5n), 5);
  });

  it("turns every way of saying 'unknown' into absent", () => {
    for (const value of [
      -1,
      -2,
      -1n,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "12",
      null,
      undefined,
    ]) {
      assert.equal(knownFreeSpace(value), undefined, String(value));
    }
  });

  it("takes 0 for unknown where the client uses it so (rTorrent)", () => {
    assert.equal(knownFreeSpace(0, { zeroIsUnknown: true }), undefined);
    assert.equal(knownFreeSpace(42, { zeroIsUnknown: true }), 42);
  });
});
