// One approach of the rTorrent sync benchmark, in its own process: polls, /metrics latency, memory.

import { writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { TargetSet } from "../packages/exporter/src/collect/target-set.ts";
import { parseConfig } from "../packages/exporter/src/config/load.ts";
import { silentLogger } from "../packages/exporter/src/log.ts";
import { StateMapper } from "../packages/exporter/src/model/status.ts";
import { createTorrentSource } from "../packages/exporter/src/sources/registry.ts";
import {
  RtorrentApi,
  TORRENT_FIELDS,
  type TorrentField,
  TRACKER_FIELDS,
  type TrackerField,
} from "../packages/exporter/src/sources/rtorrent/api.ts";
import { TorrentListSync } from "../packages/exporter/src/sources/rtorrent/list-sync.ts";
import { RTORRENT_STATES } from "../packages/exporter/src/sources/rtorrent/states.ts";
import { createTransport } from "../packages/exporter/src/sources/rtorrent/transport.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { coreRoutes } from "../packages/exporter/src/web/core-routes.ts";
import { createRouter } from "../packages/exporter/src/web/router.ts";

/**
 * The naive path most rTorrent exporters take: every `d.*` field of every torrent and every `t.*`
 * field of its trackers in one buffered `d.multicall2` each poll, plus the globals, mapped by the
 * same code as ours (a fresh diff each time, so everything is a change), so the two differ only
 * in what they fetch and how they read it.
 */
class EveryFieldSource implements TorrentSource {
  readonly #api: RtorrentApi;
  #bytes = 0;

  constructor(url: string) {
    const transport = createTransport(url);
    const send = transport.send.bind(transport);
    transport.send = async (body, signal) => {
      const answer = await send(body, signal);
      this.#bytes += answer.length;
      return answer;
    };
    this.#api = new RtorrentApi(transport);
  }

  get bytesReceived(): number {
    return this.#bytes;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const rows = await this.#api.torrents(
      {
        fields: Object.keys(TORRENT_FIELDS) as TorrentField[],
        trackers: Object.keys(TRACKER_FIELDS) as TrackerField[],
      },
      signal,
    );
    const globals = await this.#api.globals(signal);
    const sync = new TorrentListSync(new StateMapper(RTORRENT_STATES, () => {}));
    sync.begin();
    for (const row of rows) sync.row(row as Parameters<TorrentListSync["row"]>[0]);
    const changes = sync.end();
    return {
      reset: true,
      patches: changes.patches,
      removed: [],
      client: {
        version: "0.9.8",
        downloadedTotal: globals.downloadedBytes,
        uploadedTotal: globals.uploadedBytes,
        downloadRate: globals.downloadRate,
        uploadRate: globals.uploadRate,
        freeSpace: undefined,
      },
    };
  }

  remove(): Promise<void> {
    return Promise.reject(new Error("not used in the benchmark"));
  }

  async close(): Promise<void> {
    this.#api.close();
  }
}

const [approach = "trimmed", simulatorUrl = "", pollsArg = "10", scrapesArg = "20", out = ""] =
  process.argv.slice(2);
const polls = Number(pollsArg);
const scrapes = Number(scrapesArg);
const ours = approach === "trimmed";
const config = parseConfig(
  `global: { poll_interval: 1h, timeout: 10m, min_refresh_interval: ${ours ? "1h" : "0s"}, per_torrent: { enabled: false } }
targets:
  - { name: sim, type: rtorrent, url: "${simulatorUrl}" }
`,
  "/tmp/bench.yml",
);
const targets = new TargetSet({
  log: silentLogger,
  retired: undefined,
  createSource: ours ? createTorrentSource : (c) => new EveryFieldSource(c.url),
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
  if (!target.health.up) throw new Error(`poll failed: ${target.health.lastError}`);
  perPoll.push({
    bytes: target.bytesReceived - bytes,
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - wall,
  });
}

const router = createRouter(
  coreRoutes({
    targets,
    daemonCollectors: [],
    config: () => config,
    reload: async () => ({ ok: true }),
    log: silentLogger,
  }),
  async () => true,
  silentLogger,
);
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
// does, then read the resident size (V8 gives memory back on its own schedule, not at once).
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
