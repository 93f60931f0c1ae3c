// Unit tests of the dashboard's number formatting, in English and in Chinese.

import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatLoad,
  formatNumber,
  formatPercent,
  formatRate,
  formatRatio,
  knownSize,
  UNKNOWN,
} from "./format.ts";
import { useLanguage } from "./i18n/translate.ts";

describe("format", () => {
  afterEach(() => useLanguage("en"));

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
    assert.equal(formatDuration(4 * 3600 + 12 * 60), "4h 12m");
    assert.equal(formatDuration(12 * 60 + 5), "12m 5s");
    assert.equal(formatDuration(-1), UNKNOWN);
    assert.equal(formatPercent(0), "0%");
    assert.equal(formatPercent(0.0425), "4.3%");
    assert.equal(formatPercent(0.425), "43%");
    assert.equal(formatPercent(1), "100%");
    assert.equal(formatCount(1_234_567), "1,234,567");
    assert.equal(formatRatio(null), UNKNOWN);
    assert.equal(formatRatio(1), "1.00");
    assert.equal(formatRatio(123.4), "123");
    assert.equal(formatRatio(1234.5), "1,235");
    assert.equal(formatLoad(0.5), "0.50");
    assert.equal(formatNumber(999), "999");
    assert.equal(formatNumber(1500), "1.5K");
    assert.equal(formatNumber(2_000_000), "2M");
    assert.equal(formatNumber(0.25), "0.25");
  });

  it("writes durations, shares and large numbers the Chinese way in Chinese", () => {
    useLanguage("zh-CN");
    assert.equal(formatDuration(3 * 86_400 + 4 * 3600 + 5), "3天4小时");
    assert.equal(formatDuration(4 * 3600 + 12 * 60), "4小时12分");
    assert.equal(formatDuration(12 * 60 + 5), "12分5秒");
    assert.equal(formatDuration(86_400), "1天");
    assert.equal(formatDuration(0), "0秒");
    assert.equal(formatPercent(0.425), "43%");
    assert.equal(formatCount(1_234_567), "1,234,567");
    // Chinese counts large numbers in 万 (10^4) and 亿 (10^8), not thousands and millions.
    assert.equal(formatNumber(20_000), "2万");
    assert.equal(formatNumber(300_000_000), "3亿");
    assert.equal(formatBytes(1536), "1.5 KiB", "IEC units are the same in both");
    assert.equal(formatRate(52_736), "51.5 KiB/s");
  });
});
