// Answers history requests from a Prometheus-compatible API with the same buckets and shape as the embedded archive.

import type { HistoryBackend, HistoryPoint, HistoryResult } from "./backend.ts";
import type { PrometheusHistoryConfig } from "./history-config.ts";
import { type ArchiveLevel, archiveLevels, planRead } from "./levels.ts";
import { PrometheusClient, type RangeSample } from "./prometheus-client.ts";
import { promqlUnavailable, seriesExpression } from "./promql.ts";
import type { HistoryQuery } from "./query.ts";
import type { SeriesDefinition } from "./series.ts";

/** Sub-evaluations per bucket for min/avg/max (a subquery's resolution is bucket / this). */
const EVALUATIONS_PER_BUCKET = 30;

/**
 * Reads history from Prometheus (or Thanos, Mimir, VictoriaMetrics): each series becomes a PromQL
 * expression over seedwatch's own metrics, and each bucket's min, avg and max come from
 * `min_over_time`, `avg_over_time` and `max_over_time` of that expression over the bucket
 * (three `query_range` calls, in parallel). Buckets are chosen as for the embedded archive
 * (steps of the resolution, 5x and 60x it, merged to fit `points`), with no retention limit.
 */
export class PrometheusBackend implements HistoryBackend {
  readonly source = "prometheus" as const;
  readonly levels = [];
  readonly #config: PrometheusHistoryConfig;
  readonly #client: PrometheusClient;
  readonly #levels: readonly ArchiveLevel[];

  constructor(config: PrometheusHistoryConfig, resolutionMs: number) {
    this.#config = config;
    this.#client = new PrometheusClient(config);
    this.#levels = archiveLevels(resolutionMs);
  }

  unavailable(series: SeriesDefinition): string | undefined {
    return promqlUnavailable(series);
  }

  knowsTarget(): boolean {
    return false;
  }

  knowsPath(): boolean {
    return false;
  }

  async query(query: HistoryQuery, signal: AbortSignal): Promise<HistoryResult> {
    const expr = seriesExpression(query, {
      selector: this.#config.selector,
      rateWindowSeconds: this.#config.rateWindow / 1000,
    });
    if (expr === undefined) throw new Error(`series ${query.series.name} has no PromQL`);
    const plan = planRead(this.#levels, query.from, query.to, query.points, undefined);
    const bucket = plan.bucketMs / 1000;
    const resolution = Math.max(1, Math.floor(bucket / EVALUATIONS_PER_BUCKET));
    const window = `[${bucket}s:${resolution}s]`;
    // The value at τ summarises (τ - bucket, τ]: ask for bucket ends, label points by their start.
    const first = plan.start / 1000 + bucket;
    const last = first + (plan.count - 1) * bucket;
    const [mins, avgs, maxs] = await Promise.all(
      ["min_over_time", "avg_over_time", "max_over_time"].map((fn) =>
        this.#client.queryRange(`${fn}((${expr})${window})`, first, last, bucket, signal),
      ),
    );
    const points: HistoryPoint[] = [];
    const byTime = (samples: RangeSample[] | undefined) =>
      new Map((samples ?? []).map(([t, v]) => [Math.round(t * 1000), v]));
    const [lo, mid, hi] = [byTime(mins), byTime(avgs), byTime(maxs)];
    for (let i = 0; i < plan.count; i++) {
      const t = plan.start + i * plan.bucketMs;
      const end = t + plan.bucketMs;
      const avg = mid.get(end) ?? null;
      points.push(
        avg === null ? [t, null, null, null] : [t, lo.get(end) ?? avg, avg, hi.get(end) ?? avg],
      );
    }
    return {
      series: query.series.name,
      unit: query.series.unit,
      target: query.target,
      tracker: query.tracker,
      path: query.path,
      source: this.source,
      step: plan.bucketMs,
      from: plan.start,
      to: plan.start + plan.count * plan.bucketMs,
      points,
    };
  }

  close(): void {
    this.#client.close();
  }
}
