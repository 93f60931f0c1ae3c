import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { archiveLevels, planRead } from "./levels.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 0, 10, 12, 0, 0);

describe("archive levels", () => {
  it("are 1 min x 2 days, 5 min x 2 weeks, 1 h x 396 days by default", () => {
    assert.deepEqual(
      archiveLevels(MIN).map((l) => [l.stepMs / MIN, l.slots, l.retentionMs / DAY]),
      [
        [1, 2880, 2],
        [5, 4032, 14],
        [60, 9504, 396],
      ],
    );
  });

  it("scale their steps with the resolution and refuse a resolution that is not whole seconds", () => {
    assert.deepEqual(
      archiveLevels(1000).map((l) => l.stepMs),
      [1000, 5000, 60_000],
    );
    assert.throws(() => archiveLevels(1500), /whole number of seconds/);
    assert.throws(
      () =>
        archiveLevels(1000, [
          { factor: 2, slots: 1 },
          { factor: 3, slots: 1 },
        ]),
      /multiple of the previous/,
    );
  });
});

describe("planRead", () => {
  const levels = archiveLevels(MIN);

  it("answers the last hour from 1-minute points", () => {
    const plan = planRead(levels, NOW - HOUR, NOW, 1440, NOW);
    assert.equal(plan.level.index, 0);
    assert.equal(plan.bucketMs, MIN);
    assert.equal(plan.start, NOW - HOUR);
    assert.equal(plan.count, 61);
  });

  it("goes to a coarser level when the range reaches past a level's retention", () => {
    assert.equal(planRead(levels, NOW - 3 * DAY, NOW, 10_000, NOW).level.index, 1);
    assert.equal(planRead(levels, NOW - 30 * DAY, NOW, 10_000, NOW).level.index, 2);
  });

  it("goes to a coarser level, then merges points, to stay within `points`", () => {
    const day = planRead(levels, NOW - DAY, NOW, 300, NOW);
    assert.equal(day.level.index, 1);
    assert.equal(day.bucketMs, 5 * MIN);
    assert.ok(day.count <= 300);
    const week = planRead(levels, NOW - 7 * DAY, NOW, 1440, NOW);
    assert.deepEqual([week.level.index, week.bucketMs, week.count], [1, 10 * MIN, 1009]);
    const year = planRead(levels, NOW - 365 * DAY, NOW, 1000, NOW);
    assert.equal(year.level.index, 2);
    assert.equal(year.bucketMs, 9 * HOUR);
    assert.ok(year.count <= 1000);
    assert.equal(year.start % year.bucketMs, 0, "buckets are aligned");
  });

  it("uses the coarsest level for a range older than any retention, and every level without retention", () => {
    assert.equal(planRead(levels, NOW - 1000 * DAY, NOW - 999 * DAY, 10_000, NOW).level.index, 2);
    assert.equal(planRead(levels, NOW - 30 * DAY, NOW, 100_000, undefined).level.index, 0);
  });
});
