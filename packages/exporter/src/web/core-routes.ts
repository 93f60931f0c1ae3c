// The exporter's own routes: metrics, probe, landing page, health, readiness, reload, config.

import { type Collector, Registry, serveMetrics } from "@seedwatch/metrics";
import { stringify } from "yaml";
import type { NeedsCredentials } from "../collect/needs-credentials.ts";
import type { TargetSet } from "../collect/target-set.ts";
import type { Logger } from "../log.ts";
import { redactUrl } from "../settings/redact-url.ts";
import { crossSiteProblem } from "./csrf.ts";
import { landingPage } from "./landing-page.ts";
import { type Route, send, sendJson, sendText } from "./route.ts";
import { collectDeadline, scrapeDeadline } from "./scrape-deadline.ts";

/** What the core routes need from the daemon. */
export interface CoreRouteContext {
  readonly targets: TargetSet;
  /** Clients found on this machine that need a password before they can be watched (none by default). */
  readonly needsCredentials?: () => readonly NeedsCredentials[];
  /** Daemon-wide collectors (build info, reload status, process, host). */
  readonly daemonCollectors: readonly Collector[];
  /** The configuration in force; `/config` shows its `redacted` form (secrets replaced). */
  readonly config: () => { readonly redacted: unknown };
  readonly reload: () => Promise<{ ok: boolean; error?: string }>;
  /** Origins allowed to send state changes besides the daemon's own (`web.allowed_origins`). */
  readonly allowedOrigins: () => readonly string[];
  readonly log: Logger;
}

/** The core routes. */
export function coreRoutes(context: CoreRouteContext): Route[] {
  const metrics = async (
    req: Parameters<Route["handle"]>[0],
    res: Parameters<Route["handle"]>[1],
    target: string | undefined,
  ) => {
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
    await serveMetrics(registry, req, res, { deadline: collectDeadline(deadline, Date.now()) });
  };
  return [
    {
      method: "GET",
      path: "/metrics",
      scope: "metrics",
      handle: (req, res) => metrics(req, res, undefined),
    },
    {
      method: "GET",
      path: "/probe",
      scope: "metrics",
      handle: async (req, res, { url }) => {
        const name = url.searchParams.get("target");
        if (name === null || name === "") return sendText(res, 400, "missing ?target=NAME\n");
        if (context.targets.get(name) === undefined) {
          return sendText(res, 404, `unknown target ${JSON.stringify(name.slice(0, 64))}\n`);
        }
        return metrics(req, res, name);
      },
    },
    {
      method: "GET",
      path: "/targets",
      scope: "dashboard",
      handle: async (_req, res) =>
        send(res, 200, "text/html; charset=utf-8", landingPage(context.targets.targets)),
    },
    {
      method: "GET",
      path: "/-/healthy",
      scope: "health",
      handle: async (_req, res) => sendText(res, 200, "Healthy\n"),
    },
    {
      method: "GET",
      path: "/-/ready",
      scope: "health",
      handle: async (_req, res) =>
        context.targets.ready
          ? sendText(res, 200, "Ready\n")
          : sendText(res, 503, "Not ready: first polls still running\n"),
    },
    ...(["POST", "PUT"] as const).map(
      (method): Route => ({
        method,
        path: "/-/reload",
        scope: "admin",
        // The actions' cross-site checks: a page on another site must not make the daemon reload
        // (or hammer it with reloads) through a browser that may reach it. curl and scripts send
        // none of the headers checked, so they pass.
        handle: async (req, res) => {
          const problem = crossSiteProblem(req, context.allowedOrigins());
          if (problem !== undefined) {
            context.log.warn("cross-site reload request refused", {
              reason: problem,
              remote: req.socket.remoteAddress,
            });
            return sendText(res, 403, `Forbidden: ${problem}\n`);
          }
          const result = await context.reload();
          return result.ok
            ? sendText(res, 200, "Reloaded\n")
            : sendText(res, 500, `failed to reload config: ${result.error}\n`);
        },
      }),
    ),
    {
      method: "GET",
      path: "/config",
      scope: "admin",
      handle: async (_req, res) => sendText(res, 200, stringify(context.config().redacted)),
    },
    {
      method: "GET",
      path: "/api/v1/targets",
      scope: "api",
      handle: async (_req, res) =>
        sendJson(res, 200, [
          ...context.targets.targets.map((t) => ({
            name: t.config.name,
            type: t.config.type,
            state: t.health.up ? "up" : "down",
            up: t.health.up,
            ...t.summary(),
            lastSuccess:
              t.health.lastSuccessAt === 0 ? null : new Date(t.health.lastSuccessAt).toISOString(),
            lastError: t.health.lastError ?? null,
          })),
          // Found, not polled: what was found, where, and the lines that would make it run.
          ...(context.needsCredentials?.() ?? []).map((n) => ({
            name: n.name,
            type: n.type,
            state: "needs_credentials",
            up: false,
            url: redactUrl(n.url),
            foundIn: n.foundIn,
            username: n.username,
            reason: n.reason,
            passwordFile: n.passwordFile,
            configFile: n.configFile,
            configLines: n.configLines,
            lastSuccess: null,
            lastError: null,
          })),
        ]),
    },
  ];
}
