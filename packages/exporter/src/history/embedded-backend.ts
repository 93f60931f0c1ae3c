// Answers history requests from the embedded archive: picks the level, merges its points into the requested buckets.

import type { ArchiveStore, StoredPoint } from "./archive-store.ts";
import type { HistoryBackend, HistoryPoint, HistoryResult, LevelDescription } from "./backend.ts";
import { planRead } from "./levels.ts";
import type { HistoryQuery } from "./query.ts";

/** The embedded archive as a history backend. */
export class EmbeddedBackend implements HistoryBackend {
  readonly source = "embedded" as const;
  readonly levels: readonly LevelDescription[];
  readonly #store: ArchiveStore;
  readonly #now: () => number;

  constructor(store: ArchiveStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
    this.levels = store.levels.map((l) => ({ step: l.stepMs, retention: l.retentionMs }));
  }

  unavailable(): string | undefined {
    return undefined;
  }

  knowsTarget(target: string): boolean {
    return this.#store.hasTarget(target);
  }

  knowsPath(path: string): boolean {
    return this.#store.keys("", "host_filesystem_used").includes(path);
  }

  async query(query: HistoryQuery): Promise<HistoryResult> {
    const plan = planRead(this.#store.levels, query.from, query.to, query.points, this.#now());
    const end = plan.start + plan.count * plan.bucketMs;
    const stored = this.#store.read(
      {
        target: query.target ?? "",
        series: query.series.name,
        key: query.tracker ?? query.path ?? "",
      },
      plan.level,
      plan.start,
      end - 1,
    );
    return {
      series: query.series.name,
      unit: query.series.unit,
      target: query.target,
      tracker: query.tracker,
      path: query.path,
      source: this.source,
      step: plan.bucketMs,
      from: plan.start,
      to: end,
      points: mergeIntoBuckets(stored, plan.start, plan.bucketMs, plan.count),
    };
  }

  close(): void {}
}

/**
 * Merges stored points into `count` buckets of `width` from `start`: min of the minima, max of the
 * maxima, and the average over every sample (each point weighted by its sample count).
 */
export function mergeIntoBuckets(
  stored: readonly StoredPoint[],
  start: number,
  width: number,
  count: number,
): HistoryPoint[] {
  const n = new Float64Array(count);
  const sum = new Float64Array(count);
  const min = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  for (const p of stored) {
    const i = Math.floor((p.t - start) / width);
    if (i < 0 || i >= count) continue;
    n[i] = (n[i] as number) + p.n;
    sum[i] = (sum[i] as number) + p.sum;
    min[i] = Math.min(min[i] as number, p.min);
    max[i] = Math.max(max[i] as number, p.max);
  }
  const points: HistoryPoint[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const t = start + i * width;
    const samples = n[i] as number;
    points[i] =
      samples === 0
        ? [t, null, null, null]
        : [t, min[i] as number, (sum[i] as number) / samples, max[i] as number];
  }
  return points;
}
