import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseGoDuration } from "./go-duration.ts";

describe("parseGoDuration", () => {
  it("reads what time.ParseDuration reads, in milliseconds", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["0", 0],
      ["0s", 0],
      ["500ms", 500],
      ["1s", 1000],
      ["1.5s", 1500],
      [".5s", 500],
      ["1m30s", 90_000],
      ["2h45m", 9_900_000],
      ["1500us", 1.5],
      ["1500µs", 1.5],
      ["2000000ns", 2],
    ];
    for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
  });

  it("refuses what is not a non-negative Go duration", () => {
    for (const text of [
      "",
      "1",
      "-1s",
      "1d",
      "1 s",
      "s",
      "1s ",
      "1.2.3s",
      "PT1S",
      "1e3s",
      `${"9".repeat(400)}h`,
    ]) {
      assert.equal(parseGoDuration(text), undefined, text);
    }
  });
});
