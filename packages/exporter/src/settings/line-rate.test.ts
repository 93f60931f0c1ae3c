import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseLineRate } from "./line-rate.ts";

describe("parseLineRate", () => {
  it("reads pt-exporter's forms, Gbps and Mbps in any case, as bits per second turned into bytes", () => {
    assert.equal(parseLineRate("1Gbps"), 125_000_000);
    assert.equal(parseLineRate("1gbps"), 125_000_000);
    assert.equal(parseLineRate("1GBPS"), 125_000_000);
    assert.equal(parseLineRate("10Gbps"), 1_250_000_000);
    assert.equal(parseLineRate("100Mbps"), 12_500_000);
    assert.equal(parseLineRate("100mbps"), 12_500_000);
    assert.equal(parseLineRate("1 Gbps"), 125_000_000);
    assert.equal(parseLineRate("0Gbps"), 0);
  });

  it("keeps what pt-exporter dropped after the first digits, without floating-point dust", () => {
    assert.equal(parseLineRate("1.5Gbps"), 187_500_000);
    assert.equal(parseLineRate("1.1Gbps"), 137_500_000);
    assert.equal(parseLineRate("2.5Mbps"), 312_500);
  });

  it("takes a plain number as bytes per second, as pt-exporter's global maxupspeed was", () => {
    assert.equal(parseLineRate(125_000_000), 125_000_000);
    assert.equal(parseLineRate("125000000"), 125_000_000);
    assert.equal(parseLineRate(0), 0);
  });

  it("refuses anything else", () => {
    for (const value of [
      "",
      "fast",
      "1Kbps",
      "1GB/s",
      "1Gb",
      "-1Gbps",
      "1e3Mbps",
      "x1Gbps",
      "1Gbps!",
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      null,
      undefined,
      { gbps: 1 },
    ])
      assert.equal(parseLineRate(value), undefined, String(value));
  });
});
