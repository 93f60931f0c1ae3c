// One approach of the Transmission sync benchmark, in its own process: polls, /metrics latency, memory.

import { writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { TargetSet } from "../packages/exporter/src/collect/target-set.ts";
import { parseConfig } from "../packages/exporter/src/config/load.ts";
import { silentLogger } from "../packages/exporter/src/log.ts";
import { StateMapper } from "../packages/exporter/src/model/status.ts";
import { HttpClient } from "../packages/exporter/src/net/http-client.ts";
import { createTorrentSource } from "../packages/exporter/src/sources/registry.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { TransmissionApi } from "../packages/exporter/src/sources/transmission/api.ts";
import { TORRENT_FIELD_NAMES } from "../packages/exporter/src/sources/transmission/dialect.ts";
import { TorrentSync } from "../packages/exporter/src/sources/transmission/torrent-sync.ts";
import { coreRoutes } from "../packages/exporter/src/web/core-routes.ts";
import { createRouter } from "../packages/exporter/src/web/router.ts";

/**
 * The baseline: what most Transmission exporters do. Every poll asks `torrent-get` for every
 * torrent (objects format, the same fields) and `session-stats`, parses the whole answer at once,
 * and maps it with the same code as our source, so the two differ only in what they fetch and how
 * they read it.
 */
class FullTorrentGetSource implements TorrentSource {
  readonly #http = new HttpClient();
  readonly #api: TransmissionApi;

  constructor(url: string) {
    this.#api = new TransmissionApi(url, { username: "admin", password: "adminadmin" }, this.#http);
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const answer = await this.#api.call(
      "torrent-get",
      { fields: [...TORRENT_FIELD_NAMES] },
      signal,
    );
    const stats = await this.#api.call("session-stats", {}, signal);
    const pass = new TorrentSync(new StateMapper({}, () => {})).begin("full");
    for (const torrent of answer.torrents as unknown[]) pass.element(torrent);
    const changes = pass.finish(undefined);
    const cumulative = stats["cumulative-stats"] as Record<string, number>;
    return {
      reset: true,
      patches: changes.patches,
      removed: [],
      client: {
        version: "3.00",
        downloadedTotal: cumulative.downloadedBytes,
        uploadedTotal: cumulative.uploadedBytes,
        downloadRate: stats.downloadSpeed as number,
        uploadRate: stats.uploadSpeed as number,
        freeSpace: undefined,
      },
    };
  }

  remove(): Promise<void> {
    return Promise.reject(new Error("not used in the benchmark"));
  }

  async close(): Promise<void> {
    this.#http.close();
  }
}

const [approach = "incremental", simulatorUrl = "", pollsArg = "10", scrapesArg = "20", out = ""] =
  process.argv.slice(2);
const polls = Number(pollsArg);
const scrapes = Number(scrapesArg);
const incremental = approach === "incremental";
const config = parseConfig(
  `global: { poll_interval: 1h, timeout: 10m, min_refresh_interval: ${incremental ? "1h" : "0s"}, per_torrent: { enabled: false } }
targets:
  - { name: sim, type: transmission, url: "${simulatorUrl}", username: admin, password: adminadmin }
`,
  "/tmp/bench.yml",
);
const targets = new TargetSet({
  log: silentLogger,
  retired: undefined,
  createSource: incremental ? createTorrentSource : (c) => new FullTorrentGetSource(c.url),
});
await targets.apply(config);
const target = targets.get("sim");
if (target === undefined) throw new Error("no target");
const far = () => Date.now() + 600_000;

const started = performance.now();
await targets.refresh(far(), undefined, 0);
if (!target.health.up) throw new Error(`first poll failed: ${target.health.lastError}`);
const initial = {
  ms: performance.now() - started,
  bytes: target.bytesReceived,
  torrents: target.summary().torrents ?? 0,
};

const perPoll: Array<{ bytes: number; cpuMs: number; wallMs: number }> = [];
for (let i = 0; i < polls; i++) {
  const bytes = target.bytesReceived;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await targets.refresh(far(), undefined, 0);
  const used = process.cpuUsage(cpu);
  perPoll.push({
    bytes: target.bytesReceived - bytes,
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - wall,
  });
}
if (!target.health.up) throw new Error(`a poll failed: ${target.health.lastError}`);

const routes = coreRoutes({
  targets,
  daemonCollectors: [],
  config: () => config,
  reload: async () => ({ ok: true }),
  log: silentLogger,
});
const router = createRouter(routes, async () => true, silentLogger);
const server = createServer((req, res) => void router(req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;
const latencies: number[] = [];
let metricsBytes = 0;
for (let i = 0; i < scrapes; i++) {
  const t = performance.now();
  metricsBytes = await new Promise<number>((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/metrics" }, (res) => {
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
      });
      res.on("end", () => resolve(size));
    })
      .on("error", reject)
      .end();
  });
  latencies.push(performance.now() - t);
}
server.close();
// Steady state: keep polling at the default poll_interval (10 s) for a while, as a running daemon
// does, then read the resident size (V8 gives memory back to the system on its own schedule).
const steadyUntil = Date.now() + Number(process.env.STEADY_SECONDS ?? "40") * 1000;
while (Date.now() < steadyUntil) {
  await targets.refresh(far(), undefined, 0);
  await new Promise((resolve) =>
    setTimeout(resolve, Number(process.env.STEADY_INTERVAL_MS ?? "10000")),
  );
}
const memory = process.memoryUsage();
const peakRssMB = process.resourceUsage().maxRSS / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const result = {
  approach,
  torrents: initial.torrents,
  initialSyncMs: initial.ms,
  initialSyncBytes: initial.bytes,
  pollBytes: median(perPoll.map((p) => p.bytes)),
  pollCpuMs: median(perPoll.map((p) => p.cpuMs)),
  pollWallMs: median(perPoll.map((p) => p.wallMs)),
  metricsMedianMs: median(latencies),
  metricsBytes,
  rssMB: memory.rss / 2 ** 20,
  peakRssMB,
  heapMB: memory.heapUsed / 2 ** 20,
  heapTotalMB: memory.heapTotal / 2 ** 20,
  externalMB: memory.external / 2 ** 20,
};
await targets.stop();
if (out !== "") writeFileSync(out, JSON.stringify(result));
else console.log(JSON.stringify(result));
process.exit(0);
