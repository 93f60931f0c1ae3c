// The archive's round-robin levels (1 minute, 5 minutes, 1 hour) and which one answers a time range.

/** One round-robin level: points of `stepMs` each, `slots` of them kept. */
export interface ArchiveLevel {
  /** 0 for the finest. */
  readonly index: number;
  readonly stepMs: number;
  readonly slots: number;
  /** How far back the level reaches: `stepMs * slots`. */
  readonly retentionMs: number;
}

/** A level's shape relative to the resolution: a step of `factor` resolutions, `slots` kept. */
export interface LevelShape {
  readonly factor: number;
  readonly slots: number;
}

/**
 * The default levels at the default 1-minute resolution: 1-minute points for 2 days, 5-minute
 * points for 2 weeks, 1-hour points for 396 days (13 months). Another resolution scales the steps
 * and keeps the slot counts.
 */
export const DEFAULT_LEVEL_SHAPE: readonly LevelShape[] = [
  { factor: 1, slots: 2 * 24 * 60 },
  { factor: 5, slots: 14 * 24 * 12 },
  { factor: 60, slots: 396 * 24 },
];

/** Default sample period. */
export const DEFAULT_RESOLUTION_MS = 60_000;

/**
 * The levels for a resolution (a whole number of seconds). Each level's step must be a multiple of
 * the previous one's so a coarse point summarises whole finer points.
 */
export function archiveLevels(
  resolutionMs: number,
  shape: readonly LevelShape[] = DEFAULT_LEVEL_SHAPE,
): ArchiveLevel[] {
  if (!Number.isInteger(resolutionMs / 1000) || resolutionMs < 1000)
    throw new RangeError(`resolution: expected a whole number of seconds, got ${resolutionMs} ms`);
  if (shape.length === 0) throw new RangeError("levels: expected at least one level");
  return shape.map((s, index) => {
    const previous = shape[index - 1];
    if (!Number.isInteger(s.factor) || s.factor < 1 || !Number.isInteger(s.slots) || s.slots < 1)
      throw new RangeError(`levels[${index}]: factor and slots must be whole numbers >= 1`);
    if (previous !== undefined && s.factor % previous.factor !== 0)
      throw new RangeError(`levels[${index}]: factor must be a multiple of the previous level's`);
    const stepMs = resolutionMs * s.factor;
    return { index, stepMs, slots: s.slots, retentionMs: stepMs * s.slots };
  });
}

/** How to answer a range: which level, and buckets of how many of its steps. */
export interface ReadPlan {
  readonly level: ArchiveLevel;
  /** Width of one returned point, ms: the level's step times a whole number. */
  readonly bucketMs: number;
  /** Start of the first bucket (aligned to bucketMs since the epoch), ms. */
  readonly start: number;
  /** Number of buckets, from `start` up to the one holding `to`. */
  readonly count: number;
}

/**
 * Among the levels that still hold `from` (their retention reaches back that far, counted from
 * `now`), picks the one giving the narrowest buckets with at most `points` of them: a level's
 * own points, or `k` of them merged per bucket when it has too many. On a tie the coarser level
 * wins (the same buckets from fewer rows). With `now` undefined every level counts as holding everything (a backend without
 * retention limits, e.g. Prometheus).
 */
export function planRead(
  levels: readonly ArchiveLevel[],
  from: number,
  to: number,
  points: number,
  now: number | undefined,
): ReadPlan {
  const holding = levels.filter((l) => now === undefined || from >= now - l.retentionMs);
  let best: ReadPlan | undefined;
  for (const level of holding.length > 0 ? holding : levels.slice(-1)) {
    let k = Math.max(1, Math.ceil((to - from) / (level.stepMs * points)));
    while (buckets(from, to, level.stepMs * k) > points) k++;
    const bucketMs = level.stepMs * k;
    if (best === undefined || bucketMs <= best.bucketMs)
      best = plan(level, bucketMs, from, buckets(from, to, bucketMs));
  }
  return best as ReadPlan;
}

function plan(level: ArchiveLevel, bucketMs: number, from: number, count: number): ReadPlan {
  return { level, bucketMs, start: Math.floor(from / bucketMs) * bucketMs, count };
}

function buckets(from: number, to: number, width: number): number {
  return Math.floor(to / width) - Math.floor(from / width) + 1;
}
