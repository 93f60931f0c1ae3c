// Dispatches requests to routes: path patterns, methods (HEAD for GET, 405 with Allow), authorization by scope, errors.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.ts";
import { type Route, type Scope, sendText } from "./route.ts";

/** Decides whether a request may reach a route of `scope`; answers 401/403 itself when not. */
export type Authorize = (
  req: IncomingMessage,
  res: ServerResponse,
  scope: Scope,
) => Promise<boolean>;

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

/** Builds the request handler over a list of routes. */
export function createRouter(
  routes: readonly Route[],
  authorize: Authorize,
  log: Logger,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const compiled: Compiled[] = routes.map((route) => ({
    route,
    segments: route.path.split("/").slice(1),
  }));
  return async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return sendText(res, 400, "bad request\n");
    }
    const segments = url.pathname.split("/").slice(1);
    const matches = compiled
      .map((c) => ({ route: c.route, params: match(c.segments, segments) }))
      .filter((m): m is { route: Route; params: Record<string, string> } => m.params !== undefined);
    if (matches.length === 0) return sendText(res, 404, "not found\n");
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "");
    const found = matches.find((m) => m.route.method === method);
    if (found === undefined) {
      const allowed = [
        ...new Set(
          matches.flatMap((m) => (m.route.method === "GET" ? ["GET", "HEAD"] : [m.route.method])),
        ),
      ];
      res.setHeader("allow", allowed.join(", "));
      return sendText(res, 405, "method not allowed\n");
    }
    try {
      if (!(await authorize(req, res, found.route.scope))) return;
      await found.route.handle(req, res, { url, params: found.params });
    } catch (error) {
      log.error("request failed", { path: url.pathname, err: error });
      if (!res.headersSent) sendText(res, 500, "internal error\n");
      else res.destroy();
    }
  };
}

function match(
  pattern: readonly string[],
  path: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = path[i] as string;
    if (want.startsWith(":")) {
      if (got === "") return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
