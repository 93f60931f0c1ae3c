import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatByteSize, parseByteSize } from "./byte-size.ts";

describe("parseByteSize", () => {
  it("reads binary, decimal and bare-letter units, and plain byte counts", () => {
    assert.equal(parseByteSize(1234), 1234);
    assert.equal(parseByteSize("512"), 512);
    assert.equal(parseByteSize("1KiB"), 1024);
    assert.equal(parseByteSize("1kB"), 1000);
    assert.equal(parseByteSize("1.5 GiB"), 1.5 * 1024 ** 3);
    assert.equal(parseByteSize("20G"), 20 * 1024 ** 3);
    assert.equal(parseByteSize("2TB"), 2e12);
    assert.equal(parseByteSize(" 3 mib "), 3 * 1024 ** 2);
  });

  it("refuses what is not a size", () => {
    for (const bad of [
      -1,
      1.5,
      Number.NaN,
      "",
      "GiB",
      "1 XB",
      "-3MB",
      "1e3",
      "1,5GB",
      null,
      {},
      "9".repeat(41),
    ])
      assert.equal(parseByteSize(bad), undefined, String(bad));
    assert.equal(parseByteSize("99999999 PiB"), undefined, "beyond safe integers");
  });

  it("never throws and answers a safe integer or undefined for any input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 50 }), fc.double(), fc.anything()), (value) => {
        const bytes = parseByteSize(value);
        assert.ok(bytes === undefined || (Number.isSafeInteger(bytes) && bytes >= 0));
      }),
      { numRuns: 500, interruptAfterTimeLimit: 2000 },
    );
  });

  it("formats sizes for people", () => {
    assert.equal(formatByteSize(512), "512 B");
    assert.equal(formatByteSize(1.5 * 1024 ** 3), "1.50 GiB");
  });
});
