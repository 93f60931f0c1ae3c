// Unit tests of the dashboard's number formatting.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRate,
  formatRatio,
  knownSize,
  UNKNOWN,
} from "./format.ts";

describe("format", () => {
  it("writes bytes in binary units with three significant digits", () => {
    assert.equal(formatBytes(0), "0 B");
    assert.equal(formatBytes(1023), "1023 B");
    assert.equal(formatBytes(1024), "1 KiB");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(10.25 * 1024), "10.3 KiB");
    assert.equal(formatBytes(1023.9 * 1024), "1 MiB", "never 1024 KiB");
    assert.equal(formatBytes(3 * 2 ** 30), "3 GiB");
    assert.equal(formatBytes(-2048), "-2 KiB");
    assert.equal(formatBytes(2 ** 70), "1024 EiB");
    for (const bad of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY])
      assert.equal(formatBytes(bad), UNKNOWN);
  });

  it("shows a free space a client cannot tell (-1) as unknown, never as -1 B", () => {
    assert.equal(formatBytes(knownSize(-1)), UNKNOWN);
    assert.equal(knownSize(-1), null);
    assert.equal(knownSize(null), null);
    assert.equal(knownSize(Number.NaN), null);
    assert.equal(formatBytes(knownSize(0)), "0 B");
    assert.equal(formatBytes(knownSize(1536)), "1.5 KiB");
  });

  it("writes rates, durations, shares, counts, ratios and axis numbers", () => {
    assert.equal(formatRate(52_736), "51.5 KiB/s");
    assert.equal(formatRate(null), UNKNOWN);
    assert.equal(formatDuration(0), "0s");
    assert.equal(formatDuration(59.9), "59s");
    assert.equal(formatDuration(3600), "1h");
    assert.equal(formatDuration(3 * 86_400 + 4 * 3600 + 5), "3d 4h");
    assert.equal(formatDuration(86_400 + 59), "1d", "the second unit is dropped when 0");
    assert.equal(formatDuration(-1), UNKNOWN);
    assert.equal(formatPercent(0), "0 %");
    assert.equal(formatPercent(0.0425), "4.3 %");
    assert.equal(formatPercent(0.425), "43 %");
    assert.equal(formatPercent(1), "100 %");
    assert.equal(formatCount(1_234_567), "1,234,567");
    assert.equal(formatRatio(null), UNKNOWN);
    assert.equal(formatRatio(1), "1.00");
    assert.equal(formatRatio(123.4), "123");
    assert.equal(formatNumber(999), "999");
    assert.equal(formatNumber(1500), "1.5k");
    assert.equal(formatNumber(2_000_000), "2M");
    assert.equal(formatNumber(0.25), "0.25");
  });
});
