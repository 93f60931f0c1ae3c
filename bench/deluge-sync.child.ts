// One approach of the Deluge sync benchmark, in its own process: polls, /metrics latency, memory.

import { writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { TargetSet } from "../packages/exporter/src/collect/target-set.ts";
import { parseConfig } from "../packages/exporter/src/config/load.ts";
import { silentLogger } from "../packages/exporter/src/log.ts";
import { StateMapper } from "../packages/exporter/src/model/status.ts";
import type { DelugeTorrentStatus } from "../packages/exporter/src/sources/deluge/api.ts";
import { RpcDelugeApi } from "../packages/exporter/src/sources/deluge/api.ts";
import { DaemonRpcClient } from "../packages/exporter/src/sources/deluge/daemon-rpc.ts";
import { POLL_SESSION_KEYS } from "../packages/exporter/src/sources/deluge/index.ts";
import { DELUGE_STATES } from "../packages/exporter/src/sources/deluge/states.ts";
import { TorrentSync } from "../packages/exporter/src/sources/deluge/torrent-sync.ts";
import { createTorrentSource } from "../packages/exporter/src/sources/registry.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { coreRoutes } from "../packages/exporter/src/web/core-routes.ts";
import { createRouter } from "../packages/exporter/src/web/router.ts";

const USERNAME = "seedwatch";
const PASSWORD = "sim-password";

/**
 * The baseline: what a naive Deluge exporter does, `core.get_torrents_status({}, [])` (every key
 * of every torrent, `files`, `peers` and `trackers` included) on every poll, mapped with the same
 * code as ours so the two differ only in what they fetch.
 */
class NaiveDelugeSource implements TorrentSource {
  readonly #client: DaemonRpcClient;
  readonly #api: RpcDelugeApi;

  constructor(url: string) {
    this.#client = new DaemonRpcClient({ url, username: USERNAME, password: PASSWORD });
    this.#api = new RpcDelugeApi(this.#client);
  }

  get bytesReceived(): number {
    return this.#client.bytesReceived;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const { result } = await this.#client.request(
      "core.get_torrents_status",
      [{}, [], false],
      {},
      signal,
    );
    const counters = await this.#api.sessionStatus(POLL_SESSION_KEYS, signal);
    const freeSpace = await this.#api.freeSpace(undefined, signal);
    type Full = Partial<DelugeTorrentStatus> & { trackers?: Array<{ url: string }> };
    const torrents = new Map(Object.entries(result as Record<string, Full>));
    const announces = new Map(
      [...torrents].map(([id, t]) => [id, (t.trackers ?? []).map((e) => e.url)]),
    );
    const sync = new TorrentSync(new StateMapper(DELUGE_STATES, () => {}));
    const changes = sync.apply({ full: true, torrents }, announces, {
      reconnected: false,
      now: performance.now(),
    });
    return {
      ...changes,
      client: {
        version: "2.0.3",
        downloadedTotal: counters["net.recv_payload_bytes"],
        uploadedTotal: counters["net.sent_payload_bytes"],
        downloadRate: counters.payload_download_rate ?? 0,
        uploadRate: counters.payload_upload_rate ?? 0,
        freeSpace,
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

const [approach = "diff", simulatorUrl = "", pollsArg = "10", scrapesArg = "20", out = ""] =
  process.argv.slice(2);
const polls = Number(pollsArg);
const scrapes = Number(scrapesArg);
const ours = approach === "diff";
const config = parseConfig(
  `global: { poll_interval: 1h, timeout: 10m, min_refresh_interval: ${ours ? "1h" : "0s"}, per_torrent: { enabled: false } }
targets:
  - { name: sim, type: deluge, url: "${simulatorUrl}", username: ${USERNAME}, password: ${PASSWORD} }
`,
  "/tmp/bench.yml",
);
const targets = new TargetSet({
  log: silentLogger,
  retired: undefined,
  createSource: ours ? createTorrentSource : (c) => new NaiveDelugeSource(c.url),
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
  torrents: target.summary().torrents,
};

const perPoll: Array<{ bytes: number; cpuMs: number; wallMs: number }> = [];
for (let i = 0; i < polls; i++) {
  const bytes = target.bytesReceived;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await targets.refresh(far(), undefined, 0);
  if (!target.health.up) throw new Error(`poll failed: ${target.health.lastError}`);
  const used = process.cpuUsage(cpu);
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
// Steady state: keep polling every 2 s for a while, as a running daemon does, then read the
// resident size (V8 gives memory back to the system on its own schedule, not at once).
const steadyUntil = Date.now() + Number(process.env.STEADY_SECONDS ?? "40") * 1000;
while (Date.now() < steadyUntil) {
  await targets.refresh(far(), undefined, 0);
  await new Promise((resolve) => setTimeout(resolve, 2000));
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
