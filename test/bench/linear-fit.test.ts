// Tests of the memory-curve suite's slope: a least-squares line, and the second half's slope per hour.

import assert from "node:assert/strict";
import { test } from "node:test";
import { linearFit, secondHalfSlopePerHour } from "../../bench/linear-fit.ts";

test("a line through points on a line is that line", () => {
  const { slope, intercept } = linearFit([
    [0, 3],
    [1, 5],
    [2, 7],
    [3, 9],
  ]);
  assert.equal(slope, 2);
  assert.equal(intercept, 3);
});

test("the fit is least squares: alternating noise tilts the line by sum((x - mean) e) / sum((x - mean)^2)", () => {
  // y = 10 + 0.5x with +1, -1 alternating: the line is the one underneath.
  const points = Array.from(
    { length: 10 },
    (_, i) => [i, 10 + 0.5 * i + (i % 2 === 0 ? 1 : -1)] as const,
  );
  const { slope } = linearFit(points);
  // Here -5 / 82.5 = -2/33.
  assert.ok(Math.abs(slope - (0.5 - 2 / 33)) < 1e-12, `slope ${slope}`);
});

test("large x (seconds since the epoch) with a small spread loses no precision", () => {
  const x0 = 1_800_000_000;
  const { slope } = linearFit([
    [x0, 100],
    [x0 + 30, 101],
    [x0 + 60, 102],
  ]);
  assert.ok(Math.abs(slope - 1 / 30) < 1e-12, `slope ${slope}`);
});

test("fewer than two points, or one x, is an error and not NaN", () => {
  assert.throws(() => linearFit([]), RangeError);
  assert.throws(() => linearFit([[1, 2]]), RangeError);
  assert.throws(
    () =>
      linearFit([
        [1, 2],
        [1, 3],
      ]),
    RangeError,
  );
});

test("the second half's slope ignores the first half's climb and is per hour", () => {
  // An hour sampled every 30 s: a first sync climbs to 150 MB in 10 min, then 6 MB per hour.
  const samples = Array.from({ length: 121 }, (_, k) => {
    const t = k * 30;
    return { tSeconds: t, value: t < 600 ? (t / 600) * 150 : 150 + ((t - 600) / 3600) * 6 };
  });
  const slope = secondHalfSlopePerHour(samples);
  assert.ok(Math.abs(slope - 6) < 1e-9, `slope ${slope}`);
  // A flat second half is 0, however steep the first.
  const flat = samples.map((s) => ({ tSeconds: s.tSeconds, value: Math.min(s.value, 150) }));
  assert.ok(Math.abs(secondHalfSlopePerHour(flat)) < 1e-9);
});

test("the second half starts at half the last sample's time", () => {
  // A step at 30 min: points at 30, 40, 50, 60 min lie on y = 0 if the step counts as the first half.
  const samples = [0, 10, 20, 29, 30, 40, 50, 60].map((m) => ({
    tSeconds: m * 60,
    value: m < 30 ? 100 : 0,
  }));
  assert.equal(secondHalfSlopePerHour(samples), 0);
  assert.throws(() => secondHalfSlopePerHour([]), RangeError);
});
