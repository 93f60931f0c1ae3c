// The daemon's JSON API as the dashboard reads it: shapes (shared with the server's types) and fetch helpers.

/// <reference lib="dom" />

import type { HistoryPoint, HistoryResult } from "../../exporter/src/history/backend.ts";
import type { SeriesDefinition } from "../../exporter/src/history/series.ts";
import type {
  NeedsCredentials,
  Overview,
  TargetOverview,
  TorrentPage,
  TrackerRow,
} from "../../exporter/src/web/live-view.ts";

export type { HostSnapshot } from "../../exporter/src/host/snapshot.ts";
export type { NeedsCredentials, Overview, TargetOverview, TorrentPage, TrackerRow };

/** One torrent of a page, as the server's torrent list sends it. */
export interface TorrentItem {
  readonly hash: string;
  readonly name: string;
  readonly status: string;
  readonly size: number;
  readonly progress: number;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly uploadRate: number;
  readonly downloadRate: number;
  readonly ratio: number;
  readonly tracker: string;
  readonly category: string;
  readonly tags: readonly string[];
  readonly trackerError: boolean;
  readonly message: string;
  /** Seconds since the epoch. */
  readonly addedOn: number;
}

/** How the torrent list asks for a page. */
export interface TorrentListQuery {
  readonly q: string;
  readonly sort: string;
  readonly order: "asc" | "desc";
  readonly offset: number;
  readonly limit: number;
}

/** `GET /api/v1/history`: `[t, min, avg, max]` points, one per `step` ms from `from`, gaps null. */
export type { HistoryPoint, HistoryResult };

/** Which instance of a series over which range (ms since the epoch). */
export interface HistoryQuery {
  readonly series: string;
  readonly target?: string;
  readonly tracker?: string;
  readonly path?: string;
  readonly from: number;
  readonly to: number;
}

/** A series the archive keeps (`GET /api/v1/history/series`): name, scope, unit, help. */
export interface HistorySeries extends SeriesDefinition {
  /** False when the history source cannot give it (e.g. Prometheus lacks the figure). */
  readonly available: boolean;
  readonly reason?: string;
}

/** `GET /api/v1/history/series`. */
export interface HistoryCatalog {
  readonly enabled: boolean;
  readonly source: string | null;
  /** Sample period, ms. */
  readonly resolution: number;
  readonly series: readonly HistorySeries[];
}

/** An answer other than 2xx, with the server's own explanation. */
export class ApiError extends Error {
  readonly status: number;

  constructor(path: string, status: number, detail: string) {
    super(`GET ${path}: ${status}${detail === "" ? "" : ` ${detail}`}`);
    this.name = "ApiError";
    this.status = status;
  }
}

/** GETs a JSON path relative to the page (so a reverse proxy's prefix is kept). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    signal: signal ?? null,
    headers: { accept: "application/json" },
  });
  const text = await res.text();
  if (!res.ok) throw new ApiError(path, res.status, errorDetail(text));
  return JSON.parse(text) as T;
}

/** The per-tracker table of a target. */
export function trackers(target: string, signal?: AbortSignal): Promise<TrackerRow[]> {
  return getJson(`api/v1/targets/${encodeURIComponent(target)}/trackers`, signal);
}

/** A page of a target's torrents. */
export function torrents(
  target: string,
  query: TorrentListQuery,
  signal?: AbortSignal,
): Promise<TorrentPage & { items: TorrentItem[] }> {
  const params = new URLSearchParams({
    q: query.q,
    sort: query.sort,
    order: query.order,
    offset: String(query.offset),
    limit: String(query.limit),
  });
  return getJson(`api/v1/targets/${encodeURIComponent(target)}/torrents?${params}`, signal);
}

/** One series instance of the archive over [from, to]. */
export function history(query: HistoryQuery, signal?: AbortSignal): Promise<HistoryResult> {
  const params = new URLSearchParams({ series: query.series });
  for (const key of ["target", "tracker", "path"] as const) {
    const value = query[key];
    if (value !== undefined) params.set(key, value);
  }
  params.set("from", String(Math.floor(query.from)));
  params.set("to", String(Math.ceil(query.to)));
  return getJson(`api/v1/history?${params}`, signal);
}

/** The archive's series and whether history is on. */
export function historyCatalog(signal?: AbortSignal): Promise<HistoryCatalog> {
  return getJson("api/v1/history/series", signal);
}

function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
  } catch {
    // Not JSON: the router's plain-text answers.
  }
  return text.trim().slice(0, 200);
}
