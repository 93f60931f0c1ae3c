// The daemon's HTTP routes: metrics, probe, health, readiness, reload, config, target status, landing page.

import type { IncomingMessage, ServerResponse } from "node:http";
import { type Collector, encodeForRequest, Registry } from "@seedwatch/metrics";
import { stringify } from "yaml";
import type { TargetSet } from "../collect/target-set.ts";
import type { Config } from "../config/config.ts";
import type { Logger } from "../log.ts";
import { landingPage } from "./landing-page.ts";
import { scrapeDeadline } from "./scrape-deadline.ts";

/** What the routes need from the daemon. */
export interface RouterContext {
  readonly targets: TargetSet;
  /** Daemon-wide collectors (build info, reload status, process). */
  readonly daemonCollectors: readonly Collector[];
  readonly config: () => Config;
  readonly reload: () => Promise<{ ok: boolean; error?: string }>;
  /**
   * Checks the request's credentials (web-config basic auth) and answers 401 itself when they
   * fail; resolves whether the request may go on.
   */
  readonly authorize: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  readonly log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Builds the request handler. */
export function createRouter(
  context: RouterContext,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const routes: Readonly<Record<string, { methods: readonly string[]; handle: Handler }>> = {
    "/": {
      methods: ["GET"],
      handle: async (_req, res) =>
        send(res, 200, "text/html; charset=utf-8", landingPage(context.targets.targets)),
    },
    "/metrics": { methods: ["GET"], handle: (req, res) => metrics(context, req, res, undefined) },
    "/probe": {
      methods: ["GET"],
      handle: async (req, res, url) => {
        const name = url.searchParams.get("target");
        if (name === null || name === "")
          return send(res, 400, "text/plain; charset=utf-8", "missing ?target=NAME\n");
        if (context.targets.get(name) === undefined) {
          return send(
            res,
            404,
            "text/plain; charset=utf-8",
            `unknown target ${JSON.stringify(name.slice(0, 64))}\n`,
          );
        }
        return metrics(context, req, res, name);
      },
    },
    "/-/healthy": {
      methods: ["GET"],
      handle: async (_req, res) => send(res, 200, "text/plain; charset=utf-8", "Healthy\n"),
    },
    "/-/ready": {
      methods: ["GET"],
      handle: async (_req, res) =>
        context.targets.ready
          ? send(res, 200, "text/plain; charset=utf-8", "Ready\n")
          : send(res, 503, "text/plain; charset=utf-8", "Not ready: first polls still running\n"),
    },
    "/-/reload": {
      methods: ["POST", "PUT"],
      handle: async (_req, res) => {
        const result = await context.reload();
        return result.ok
          ? send(res, 200, "text/plain; charset=utf-8", "Reloaded\n")
          : send(
              res,
              500,
              "text/plain; charset=utf-8",
              `failed to reload config: ${result.error}\n`,
            );
      },
    },
    "/config": {
      methods: ["GET"],
      handle: async (_req, res) =>
        send(res, 200, "text/plain; charset=utf-8", stringify(context.config().redacted)),
    },
    "/api/v1/targets": {
      methods: ["GET"],
      handle: async (_req, res) =>
        send(
          res,
          200,
          "application/json",
          JSON.stringify(
            context.targets.targets.map((t) => ({
              name: t.config.name,
              type: t.config.type,
              up: t.health.up,
              ...t.summary(),
              lastSuccess:
                t.health.lastSuccessAt === 0
                  ? null
                  : new Date(t.health.lastSuccessAt).toISOString(),
              lastError: t.health.lastError ?? null,
            })),
          ),
        ),
    },
  };

  return async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return send(res, 400, "text/plain; charset=utf-8", "bad request\n");
    }
    const route = routes[url.pathname];
    if (route === undefined) return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    const method =
      req.method === "HEAD" && route.methods.includes("GET") ? "GET" : (req.method ?? "");
    if (!route.methods.includes(method)) {
      res.setHeader(
        "allow",
        [...route.methods, ...(route.methods.includes("GET") ? ["HEAD"] : [])].join(", "),
      );
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    try {
      if (!(await context.authorize(req, res))) return;
      await route.handle(req, res, url);
    } catch (error) {
      context.log.error("request failed", { path: url.pathname, err: error });
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    }
  };
}

async function metrics(
  context: RouterContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: string | undefined,
): Promise<void> {
  const deadline = scrapeDeadline(req.headers["x-prometheus-scrape-timeout-seconds"], Date.now());
  await context.targets.refresh(deadline, target);
  const registry = new Registry({
    collectorMetricsPrefix: "seedwatch",
    onCollectorError: (name, error) =>
      context.log.error("collector failed", { collector: name, err: error }),
  });
  for (const collector of context.targets.collectors(target)) registry.register(collector);
  if (target === undefined)
    for (const collector of context.daemonCollectors) registry.register(collector);
  const { body, headers } = await encodeForRequest(
    registry,
    req.headers.accept,
    req.headers["accept-encoding"],
  );
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}
