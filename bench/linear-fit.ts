// A least-squares line through points: how the memory-curve suite turns samples into a slope.

/** A line y = intercept + slope * x. */
export interface Line {
  readonly slope: number;
  readonly intercept: number;
}

/**
 * The least-squares line through `points` (x, y). Throws a RangeError with fewer than two points
 * or when every x is the same (no slope can be had).
 */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): Line {
  if (points.length < 2) throw new RangeError(`a line needs two points, got ${points.length}`);
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / points.length;
  const my = sy / points.length;
  // Centred sums: no cancellation when x is large (seconds since the epoch) and the spread small.
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  if (sxx === 0) throw new RangeError("every point has the same x: no slope");
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * The slope of the second half of a series sampled over time, per hour: the line fitted to the
 * samples taken at or after half of the last sample's time (`tSeconds`, from the start). A leak
 * shows as a steady climb there, after the first sync's and the caches' growth has settled.
 */
export function secondHalfSlopePerHour(
  samples: ReadonlyArray<{ readonly tSeconds: number; readonly value: number }>,
): number {
  const last = samples.at(-1);
  if (last === undefined) throw new RangeError("no samples");
  const half = last.tSeconds / 2;
  const points = samples
    .filter((s) => s.tSeconds >= half)
    .map((s) => [s.tSeconds / 3600, s.value] as const);
  return linearFit(points).slope;
}
