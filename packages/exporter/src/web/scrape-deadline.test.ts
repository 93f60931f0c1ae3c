import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectDeadline, scrapeDeadline } from "./scrape-deadline.ts";

describe("scrape deadlines", () => {
  it("takes Prometheus's timeout minus 0.5 s, 10 s without a readable header", () => {
    assert.equal(scrapeDeadline("2", 1000), 2500);
    assert.equal(scrapeDeadline(["4", "9"], 0), 3500);
    assert.equal(scrapeDeadline(undefined, 0), 9500);
    assert.equal(scrapeDeadline("soon", 0), 9500);
    assert.equal(scrapeDeadline("0.2", 0), 100);
  });

  it("leaves the collectors at least 250 ms after a scrape spent waiting for targets", () => {
    assert.equal(collectDeadline(5000, 1000), 5000);
    assert.equal(collectDeadline(5000, 4900), 5150);
    assert.equal(collectDeadline(5000, 6000), 6250);
  });
});
