// The history API the dashboard charts from: one series instance over a time range, and the list of series.

import type { Target } from "../collect/target.ts";
import { type HistoryBackend, HistoryUpstreamError } from "../history/backend.ts";
import { parseHistoryQuery } from "../history/query.ts";
import { SERIES } from "../history/series.ts";
import type { Logger } from "../log.ts";
import { type Route, sendJson } from "./route.ts";

/** What the history routes need from the daemon. */
export interface HistoryRouteContext {
  /** Where history comes from; undefined when `history.enabled` is false. */
  readonly backend: HistoryBackend | undefined;
  /** Sample period of the embedded archive, ms. */
  readonly resolution: number;
  /** The configured targets (a TargetSet). */
  readonly targets: { get(name: string): Target | undefined };
  /** The configured host paths (file system series). */
  readonly hostPaths: readonly string[];
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * `GET /api/v1/history/series`: the series, their units and scopes, and the levels.
 * `GET /api/v1/history?series=&target=&tracker=&path=&from=&to=&points=`: `{ series, unit, target,
 * tracker, path, source, step, from, to, points: [[t, min, avg, max], ...] }`. A bad parameter is
 * a 400 naming it, an unknown target or path a 404, a failing Prometheus a 502.
 */
export function historyRoutes(context: HistoryRouteContext): Route[] {
  const now = context.now ?? Date.now;
  return [
    {
      method: "GET",
      path: "/api/v1/history/series",
      scope: "api",
      handle: async (_req, res) => {
        const backend = context.backend;
        sendJson(res, 200, {
          enabled: backend !== undefined,
          source: backend?.source ?? null,
          resolution: context.resolution,
          levels: backend?.levels ?? [],
          series: SERIES.map((s) => {
            const reason = backend?.unavailable(s);
            return {
              name: s.name,
              unit: s.unit,
              scope: s.scope,
              help: s.help,
              available: backend !== undefined && reason === undefined,
              ...(reason === undefined ? {} : { reason }),
            };
          }),
        });
      },
    },
    {
      method: "GET",
      path: "/api/v1/history",
      scope: "api",
      handle: async (_req, res, { url }) => {
        const backend = context.backend;
        if (backend === undefined)
          return sendJson(res, 404, { error: "history is off (history.enabled: false)" });
        const query = parseHistoryQuery(url.searchParams, now());
        if (typeof query === "string") return sendJson(res, 400, { error: query });
        const reason = backend.unavailable(query.series);
        if (reason !== undefined)
          return sendJson(res, 400, {
            error: `series: ${query.series.name} is not available from ${backend.source}: ${reason}`,
          });
        if (
          query.target !== null &&
          context.targets.get(query.target) === undefined &&
          !backend.knowsTarget(query.target)
        )
          return sendJson(res, 404, {
            error: `target: no target named ${JSON.stringify(query.target)} is configured or archived`,
          });
        if (
          query.path !== null &&
          !context.hostPaths.includes(query.path) &&
          !backend.knowsPath(query.path)
        )
          return sendJson(res, 404, {
            error: `path: ${JSON.stringify(query.path)} is not a configured host path (host.paths) nor archived`,
          });
        const aborted = new AbortController();
        res.once("close", () => aborted.abort());
        try {
          sendJson(res, 200, await backend.query(query, aborted.signal));
        } catch (error) {
          if (!(error instanceof HistoryUpstreamError)) throw error;
          context.log.warn("history query failed", { err: error });
          if (!res.headersSent) sendJson(res, 502, { error: error.message });
        }
      },
    },
  ];
}
