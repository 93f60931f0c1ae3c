// One server of the instrument-overhead benchmark: an app (node:http, Express, Fastify), bare or measured by us or a peer.

import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** What the parent asks for and what this process answers, over the fork IPC channel. */
export type ChildRequest = "mark";
export interface ChildMark {
  /** Requests the app's handler served so far. */
  readonly served: number;
  /** Requests the instrumentation recorded so far (its histogram's counts), or -1 without any. */
  readonly recorded: number;
  /** process.cpuUsage() in microseconds: user (our code, the app's, Node's) and system (mostly the network). */
  readonly userMicros: number;
  readonly systemMicros: number;
}

/** The apps: JSON with a business code (the case the library exists for), or plain text. */
export type App = "node-http" | "node-http-text" | "express" | "fastify";
/**
 * Who measures: nobody, us (`--import @seedwatch/instrument/register`, set by the parent),
 * OpenTelemetry's Node SDK (HTTP instrumentation, Prometheus exporter, no tracing exporter),
 * express-prom-bundle or fastify-metrics, each with the defaults its README shows.
 */
export type Instrumentation =
  | "none"
  | "seedwatch"
  | "opentelemetry"
  | "express-prom-bundle"
  | "fastify-metrics";

const [app = "node-http", instrumentation = "none"] = process.argv.slice(2) as [
  App?,
  Instrumentation?,
];
let served = 0;
/** Counts what the instrumentation recorded, to check it measured every request. */
let recorded: () => Promise<number> = async () => -1;

function body(id: string): string {
  return JSON.stringify({
    code: 0,
    msg: "ok",
    data: { id, name: `user ${id}`, roles: ["reader"] },
  });
}

if (instrumentation === "opentelemetry") {
  // Before the app loads, as OpenTelemetry's README says; metrics only.
  process.env.OTEL_TRACES_EXPORTER = "none";
  process.env.OTEL_LOGS_EXPORTER = "none";
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const { HttpInstrumentation } = await import("@opentelemetry/instrumentation-http");
  const { PrometheusExporter } = await import("@opentelemetry/exporter-prometheus");
  const exporter = new PrometheusExporter({ preventServerStart: true });
  new NodeSDK({ metricReaders: [exporter], instrumentations: [new HttpInstrumentation()] }).start();
  // The HTTP instrumentation patches node:http when it is required (this app is an ES module).
  createRequire(import.meta.url)("node:http");
  recorded = async () => {
    const { resourceMetrics } = await exporter.collect();
    let sum = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (!metric.descriptor.name.startsWith("http.server")) continue;
        for (const point of metric.dataPoints) sum += (point.value as { count: number }).count;
      }
    }
    return sum;
  };
}

const { createServer } = await import("node:http");
let listen: (port: number, host: string) => Promise<AddressInfo>;

if (app === "node-http" || app === "node-http-text") {
  const text = app === "node-http-text";
  const server = createServer((req, res) => {
    served++;
    if (text) {
      res.setHeader("content-type", "text/plain");
      res.end("hello world");
      return;
    }
    const id = (req.url ?? "").slice("/users/".length);
    res.setHeader("content-type", "application/json");
    res.end(body(id));
  });
  listen = (port, host) =>
    new Promise((resolve) => server.listen(port, host, () => resolve(addressOf(server))));
} else if (app === "express") {
  const { default: express } = await import("express");
  const expressApp = express();
  if (instrumentation === "express-prom-bundle") {
    const { default: promBundle } = await import("express-prom-bundle");
    const { default: client } = await import("prom-client");
    expressApp.use(
      promBundle({
        includeMethod: true,
        includePath: true,
        includeStatusCode: true,
        promClient: {},
      }),
    );
    recorded = async () =>
      sumOf(
        await client.register.metrics(),
        /^http_request_duration_seconds_count\{[^}]*\} (\d+)$/gm,
      );
  }
  expressApp.get("/users/:id", (req, res) => {
    served++;
    res.json(JSON.parse(body(req.params.id)));
  });
  const server = createServer(expressApp);
  listen = (port, host) =>
    new Promise((resolve) => server.listen(port, host, () => resolve(addressOf(server))));
} else if (app === "fastify") {
  const { default: fastify } = await import("fastify");
  const fastifyApp = fastify();
  if (instrumentation === "fastify-metrics") {
    // A CommonJS module whose plugin is `exports.default`.
    const { default: exported } = await import("fastify-metrics");
    const metricsPlugin = exported.default;
    await fastifyApp.register(metricsPlugin, { endpoint: "/metrics" });
    recorded = async () =>
      sumOf(
        await fastifyApp.metrics.client.register.metrics(),
        /^http_request_duration_seconds_count\{[^}]*\} (\d+)$/gm,
      );
  }
  fastifyApp.get<{ Params: { id: string } }>("/users/:id", async (req) => {
    served++;
    return JSON.parse(body(req.params.id)) as unknown;
  });
  listen = async (port, host) => {
    await fastifyApp.listen({ port, host });
    return addressOf(fastifyApp.server);
  };
} else {
  throw new Error(`unknown app ${app}`);
}

if (instrumentation === "seedwatch") {
  const { instrumentation: active } = await import("@seedwatch/instrument");
  recorded = async () =>
    sumOf((await active()?.metrics()) ?? "", /^A123456789_inner_metrics_count\{[^}]*\} (\d+)$/gm);
}

function addressOf(server: { address(): unknown }): AddressInfo {
  return server.address() as AddressInfo;
}

function sumOf(text: string, pattern: RegExp): number {
  let sum = 0;
  for (const match of text.matchAll(pattern)) sum += Number(match[1]);
  return sum;
}

process.on("message", (message: ChildRequest) => {
  if (message !== "mark") return;
  const cpu = process.cpuUsage();
  const servedNow = served;
  void recorded().then((count) => {
    const mark: ChildMark = {
      served: servedNow,
      recorded: count,
      userMicros: cpu.user,
      systemMicros: cpu.system,
    };
    process.send?.(mark);
  });
});
process.on("disconnect", () => process.exit(0));
const address = await listen(0, "127.0.0.1");
process.send?.({ port: address.port });
