// What an HTTP route is: a method, a path pattern, the scope that guards it, and a handler.

import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Who may reach a route, so each kind can be protected separately: metrics often stay open to
 * Prometheus, while the dashboard, its API and the actions must not.
 */
export type Scope = "health" | "metrics" | "dashboard" | "api" | "actions" | "admin";

/** Path parameters (`:name` segments) and the parsed URL. */
export interface RouteRequest {
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
}

/** One route. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** `/api/v1/targets/:name/torrents`: literal segments, or `:param` for any one segment. */
  readonly path: string;
  readonly scope: Scope;
  handle(req: IncomingMessage, res: ServerResponse, request: RouteRequest): Promise<void>;
}

/** Answers with a body (none for HEAD), never cached. */
export function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}

/** Answers with plain text. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, "text/plain; charset=utf-8", text);
}

/** Answers with JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}
