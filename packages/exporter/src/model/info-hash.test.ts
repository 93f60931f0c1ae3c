import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isInfoHash } from "./info-hash.ts";

describe("isInfoHash", () => {
  it("takes 40 or 64 lower-case hex digits and nothing else", () => {
    assert.equal(isInfoHash("0123456789abcdef0123456789abcdef01234567"), true);
    assert.equal(isInfoHash("a".repeat(64)), true);
    for (const bad of [
      "",
      "a".repeat(39),
      "a".repeat(41),
      "A".repeat(40),
      `${"a".repeat(39)}g`,
      `${"a".repeat(39)}\ufffd`,
      `${"a".repeat(39)} `,
    ])
      assert.equal(isInfoHash(bad), false, JSON.stringify(bad));
  });
});
