// Where the dashboard's history comes from: the embedded archive or a Prometheus-compatible API, behind one interface.

import type { HistoryQuery } from "./query.ts";
import type { SeriesDefinition, SeriesUnit } from "./series.ts";

/** `[t, min, avg, max]`: the bucket starting at `t` (ms); nulls when it holds no sample. */
export type HistoryPoint = [number, number | null, number | null, number | null];

/** What `GET /api/v1/history` answers. */
export interface HistoryResult {
  readonly series: string;
  readonly unit: SeriesUnit;
  readonly target: string | null;
  readonly tracker: string | null;
  readonly path: string | null;
  readonly source: HistorySource;
  /** Width of each point, ms: every point covers `[t, t + step)`. */
  readonly step: number;
  /** Start of the first point and end of the last one, ms. */
  readonly from: number;
  readonly to: number;
  /** One per step from `from`, oldest first, gaps as nulls. */
  readonly points: HistoryPoint[];
}

/** The two places history can come from. */
export type HistorySource = "embedded" | "prometheus";

/** One archive level as the series listing describes it. */
export interface LevelDescription {
  readonly step: number;
  readonly retention: number;
}

/** A history backend. */
export interface HistoryBackend {
  readonly source: HistorySource;
  /** Levels and retention (the embedded archive), or none (Prometheus keeps what it keeps). */
  readonly levels: readonly LevelDescription[];
  /** Why this backend cannot serve a series, or undefined when it can. */
  unavailable(series: SeriesDefinition): string | undefined;
  /** Whether the backend holds history of a target that is no longer configured. */
  knowsTarget(target: string): boolean;
  /** Whether the backend holds history of a file system path that is no longer configured. */
  knowsPath(path: string): boolean;
  /** The points of one series instance. Throws HistoryUpstreamError when a remote fails. */
  query(query: HistoryQuery, signal: AbortSignal): Promise<HistoryResult>;
  close(): void;
}

/** The remote store behind the history (Prometheus, Thanos, ...) failed or answered garbage. */
export class HistoryUpstreamError extends Error {
  override name = "HistoryUpstreamError";
}
