// Validates the history API's query string: which series instance, which time range, how many points.

import { SERIES, SERIES_BY_NAME, type SeriesDefinition } from "./series.ts";

/** A validated history request. Times are ms since the epoch. */
export interface HistoryQuery {
  readonly series: SeriesDefinition;
  /** The target; null for host series. */
  readonly target: string | null;
  /** The tracker of a tracker series, else null. */
  readonly tracker: string | null;
  /** The configured path of a filesystem series, else null. */
  readonly path: string | null;
  readonly from: number;
  readonly to: number;
  /** At most this many points come back. */
  readonly points: number;
}

/** Points returned when `points` is not given: a day of 1-minute points. */
export const DEFAULT_POINTS = 1440;
/** The most points one request may ask for. */
export const MAX_POINTS = 10_000;
/** Range when `from` is not given: the hour before `to`. */
export const DEFAULT_RANGE_MS = 3_600_000;

const PARAMETERS = ["series", "target", "tracker", "path", "from", "to", "points"] as const;
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
const EPOCH_MS = /^\d{1,15}$/;
// Date's own limits (±100,000,000 days around 1970).
const MAX_TIME = 8.64e15;

/**
 * Parses `series`, `target`, `tracker`, `path`, `from`, `to` and `points`. Returns the query, or
 * the first problem as one sentence naming the parameter and what was expected.
 */
export function parseHistoryQuery(params: URLSearchParams, now: number): HistoryQuery | string {
  for (const name of new Set(params.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(name))
      return `unknown parameter ${JSON.stringify(name)}: expected ${PARAMETERS.join(", ")}`;
    if (params.getAll(name).length > 1) return `${name}: given more than once`;
  }
  const seriesName = params.get("series");
  if (seriesName === null || seriesName === "")
    return "series: required (GET /api/v1/history/series lists them)";
  const series = SERIES_BY_NAME.get(seriesName);
  if (series === undefined)
    return `series: unknown series ${JSON.stringify(seriesName)}; expected one of ${SERIES.map((s) => s.name).join(", ")}`;

  const target = params.get("target");
  const tracker = params.get("tracker");
  const path = params.get("path");
  const needsTarget = series.scope === "target" || series.scope === "tracker";
  if (needsTarget) {
    if (target === null || target === "") return `target: required for series ${series.name}`;
    if (!TARGET_NAME.test(target))
      return "target: expected a target name (1-64 letters, digits, '.', '_' or '-')";
  } else if (target !== null) {
    return `target: series ${series.name} is the host's and takes no target`;
  }
  if (series.scope === "tracker") {
    if (tracker === null || tracker === "") return `tracker: required for series ${series.name}`;
    if (tracker.length > 256) return "tracker: at most 256 characters";
  } else if (tracker !== null) {
    return `tracker: series ${series.name} is not a per-tracker series`;
  }
  if (series.scope === "filesystem") {
    if (path === null || path === "") return `path: required for series ${series.name}`;
    if (!path.startsWith("/") || path.length > 4096)
      return "path: expected an absolute path, as configured in host.paths";
  } else if (path !== null) {
    return `path: series ${series.name} is not a per-filesystem series`;
  }

  const to = parseTime(params.get("to"), now);
  if (typeof to === "string") return `to: ${to}`;
  const from = parseTime(params.get("from"), to - DEFAULT_RANGE_MS);
  if (typeof from === "string") return `from: ${from}`;
  if (from >= to) return "from: must be before to";

  const pointsText = params.get("points");
  const points = pointsText === null ? DEFAULT_POINTS : Number(pointsText);
  if (pointsText !== null && (!/^\d+$/.test(pointsText) || points < 1 || points > MAX_POINTS))
    return `points: expected a whole number from 1 to ${MAX_POINTS}`;

  return {
    series,
    target: needsTarget ? target : null,
    tracker: series.scope === "tracker" ? tracker : null,
    path: series.scope === "filesystem" ? path : null,
    from,
    to,
    points,
  };
}

function parseTime(text: string | null, fallback: number): number | string {
  if (text === null) return fallback;
  let value = Number.NaN;
  if (EPOCH_MS.test(text)) value = Number(text);
  else if (ISO_TIME.test(text)) value = Date.parse(text);
  if (!Number.isFinite(value) || value > MAX_TIME)
    return "expected an ISO 8601 time with a zone (2024-05-01T12:00:00Z, or a date 2024-05-01) or milliseconds since the epoch";
  return value;
}
