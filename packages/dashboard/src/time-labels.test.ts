// Unit tests of the chart time-axis labels in English and Chinese.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { legendTime, timeTickLabels } from "./time-labels.ts";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("time-axis labels", () => {
  it("write times of day, with the date under the first tick of each day", () => {
    const splits = [
      at("2026-12-07T22:00:00Z"),
      at("2026-12-07T23:00:00Z"),
      at("2026-12-08T00:00:00Z"),
    ];
    assert.deepEqual(timeTickLabels("en-US", splits, 3600, "UTC"), [
      "10:00 PM\nDec 7",
      "11:00 PM",
      "12:00 AM\nDec 8",
    ]);
    assert.deepEqual(timeTickLabels("zh-CN", splits, 3600, "UTC"), [
      "22:00\n12月7日",
      "23:00",
      "0:00\n12月8日",
    ]);
  });

  it("write seconds as :ss after a full time at each new minute", () => {
    const splits = [55, 60, 65, 70].map((s) => at("2026-12-07T08:00:00Z") + s);
    assert.deepEqual(timeTickLabels("zh-CN", splits, 5, "UTC"), [
      "8:00:55\n12月7日",
      "8:01:00",
      ":05",
      ":10",
    ]);
    assert.deepEqual(timeTickLabels("en-US", splits, 5, "UTC"), [
      "8:00:55 AM\nDec 7",
      "8:01:00 AM",
      ":05",
      ":10",
    ]);
  });

  it("write days, months and years for longer ranges, the year where it changes", () => {
    const days = [
      at("2026-12-31T00:00:00Z"),
      at("2027-01-01T00:00:00Z"),
      at("2027-01-02T00:00:00Z"),
    ];
    assert.deepEqual(timeTickLabels("en-US", days, 86_400, "UTC"), [
      "Dec 31\n2026",
      "Jan 1\n2027",
      "Jan 2",
    ]);
    assert.deepEqual(timeTickLabels("zh-CN", days, 86_400, "UTC"), [
      "12月31日\n2026年",
      "1月1日\n2027年",
      "1月2日",
    ]);
    const months = [at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z")];
    assert.deepEqual(timeTickLabels("zh-CN", months, 30 * 86_400, "UTC"), ["11月\n2026年", "12月"]);
    assert.deepEqual(timeTickLabels("en-US", [at("2026-06-01T00:00:00Z")], 366 * 86_400, "UTC"), [
      "2026",
    ]);
  });

  it("write a legend's point in time with date and time", () => {
    assert.equal(legendTime("en-US", at("2026-12-07T14:05:09Z"), "UTC"), "Dec 7, 2026, 2:05:09 PM");
    assert.equal(legendTime("zh-CN", at("2026-12-07T14:05:09Z"), "UTC"), "2026年12月7日 14:05:09");
  });
});
