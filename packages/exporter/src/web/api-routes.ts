// The dashboard's JSON API: overview, live events, per-tracker tables and paged torrent lists.

import type { NeedsCredentials } from "../collect/needs-credentials.ts";
import type { TargetSet } from "../collect/target-set.ts";
import type { TorrentTarget } from "../collect/torrent-target.ts";
import type { HostSnapshot } from "../host/snapshot.ts";
import type { Logger } from "../log.ts";
import { LiveFeed } from "./live-feed.ts";
import {
  overview,
  TORRENT_SORT_KEYS,
  TorrentLister,
  type TorrentQuery,
  type TorrentSortKey,
  trackerRows,
} from "./live-view.ts";
import { type Route, sendJson, sendText } from "./route.ts";

/** What the API needs from the daemon. */
export interface ApiRouteContext {
  readonly targets: TargetSet;
  /** Clients found on this machine that need a password (none by default). */
  readonly needsCredentials?: () => readonly NeedsCredentials[];
  /** The latest host snapshot, or null when host indicators are off. */
  readonly host: () => Promise<HostSnapshot | null>;
  readonly log: Logger;
}

const LIVE_REFRESH_BUDGET_MS = 1500;

/** The API routes, and the live feed to close on shutdown. */
export function apiRoutes(context: ApiRouteContext): { routes: Route[]; feed: LiveFeed } {
  const build = async () => {
    await context.targets.refresh(Date.now() + LIVE_REFRESH_BUDGET_MS);
    return overview(
      context.targets.targets,
      await context.host(),
      context.needsCredentials?.() ?? [],
    );
  };
  const feed = new LiveFeed({ build, log: context.log });
  const listers = new WeakMap<TorrentTarget, TorrentLister>();
  const torrentTarget = (name: string | undefined): TorrentTarget | undefined =>
    name === undefined ? undefined : context.targets.torrentTarget(name);
  const routes: Route[] = [
    {
      method: "GET",
      path: "/api/v1/overview",
      scope: "api",
      handle: async (_req, res) => sendJson(res, 200, await build()),
    },
    {
      method: "GET",
      path: "/api/v1/live",
      scope: "api",
      handle: async (_req, res) => {
        if (!feed.subscribe(res)) sendText(res, 503, "too many live views open\n");
      },
    },
    {
      method: "GET",
      path: "/api/v1/targets/:name/trackers",
      scope: "api",
      handle: async (_req, res, { params }) => {
        const target = torrentTarget(params.name);
        if (target === undefined)
          return sendJson(res, 404, { error: "no torrent target with that name" });
        return sendJson(res, 200, target.health.up ? trackerRows(target) : []);
      },
    },
    {
      method: "GET",
      path: "/api/v1/targets/:name/torrents",
      scope: "api",
      handle: async (_req, res, { params, url }) => {
        const target = torrentTarget(params.name);
        if (target === undefined)
          return sendJson(res, 404, { error: "no torrent target with that name" });
        const query = parseTorrentQuery(url.searchParams);
        if (typeof query === "string") return sendJson(res, 400, { error: query });
        let lister = listers.get(target);
        if (lister === undefined) {
          lister = new TorrentLister();
          listers.set(target, lister);
        }
        return sendJson(res, 200, lister.page(target, query));
      },
    },
  ];
  return { routes, feed };
}

/** Validates the torrent list's query string; a string is the problem to report. */
export function parseTorrentQuery(params: URLSearchParams): TorrentQuery | string {
  const search = params.get("q") ?? "";
  if (search.length > 200) return "q: at most 200 characters";
  const sort = params.get("sort") ?? "name";
  if (!(TORRENT_SORT_KEYS as readonly string[]).includes(sort))
    return `sort: expected one of ${TORRENT_SORT_KEYS.join(", ")}`;
  const order = params.get("order") ?? (sort === "name" || sort === "tracker" ? "asc" : "desc");
  if (order !== "asc" && order !== "desc") return "order: expected asc or desc";
  const offset = Number(params.get("offset") ?? 0);
  if (!Number.isSafeInteger(offset) || offset < 0) return "offset: expected a whole number >= 0";
  const limit = Number(params.get("limit") ?? 50);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500)
    return "limit: expected a whole number from 1 to 500";
  return { search, sort: sort as TorrentSortKey, descending: order === "desc", offset, limit };
}
