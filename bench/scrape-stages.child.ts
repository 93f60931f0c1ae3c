// One size of the scrape benchmark in process: the daemon's collectors over a table with 1% churn, each stage timed on its own.
//
//   node --optimize-for-size bench/scrape-stages.child.ts TORRENTS SCRAPES [RESULT.json]

import { writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { encode, encodeBuffers, Registry } from "@seedwatch/metrics";
import { TargetSet } from "../packages/exporter/src/collect/target-set.ts";
import { parseConfig } from "../packages/exporter/src/config/load.ts";
import { silentLogger } from "../packages/exporter/src/log.ts";
import { EMPTY_TORRENT } from "../packages/exporter/src/model/torrent.ts";
import type { ClientStatus, PollResult } from "../packages/exporter/src/sources/source.ts";
import { buildTarget } from "../packages/exporter/src/target-kinds.ts";
import { gzipSegments } from "../packages/metrics/src/gzip-segments.ts";
import { simulatedTorrent } from "./torrent-labels.ts";

const [torrentsArg = "10000", scrapesArg = "20", out = ""] = process.argv.slice(2);
const torrents = Number(torrentsArg);
const scrapes = Number(scrapesArg);
const CLIENT: ClientStatus = {
  version: "v4.5.2",
  downloadedTotal: 1e12,
  uploadedTotal: 2e12,
  downloadRate: 0,
  uploadRate: 0,
  freeSpace: 1e12,
};
const hashes = Array.from({ length: torrents }, (_, i) => simulatedTorrent(i).hash);
let poll = 0;

function nextPoll(): PollResult {
  poll++;
  if (poll === 1) {
    return {
      reset: true,
      removed: [],
      patches: hashes.map((hash, i) => {
        const t = simulatedTorrent(i);
        return {
          ...EMPTY_TORRENT,
          hash,
          name: t.name,
          status: 3,
          size: t.size,
          progress: 1,
          uploaded: i * 1e6,
          downloaded: t.size,
          category: ["movies", "tv", "music", "games", ""][i % 5] as string,
          trackerHosts: [t.tracker],
        };
      }),
      client: CLIENT,
    };
  }
  const changed = Math.max(1, Math.round(torrents / 100));
  return {
    reset: false,
    removed: [],
    patches: Array.from({ length: changed }, (_, k) => {
      const i = (poll * changed + k) % torrents;
      return { hash: hashes[i] as string, uploaded: i * 1e6 + poll * 65_536 };
    }),
    client: CLIENT,
  };
}

const config = parseConfig(
  `global: { poll_interval: 1h, min_refresh_interval: 0s }
targets:
  - name: box
    type: qbittorrent
    url: "http://127.0.0.1:1"
    per_torrent: { enabled: true, max_torrents: 1000000 }
`,
  "/tmp/scrape-stages.yml",
  {},
);
const targets = new TargetSet((target) =>
  buildTarget(target, {
    log: silentLogger,
    counters: undefined,
    createSource: () => ({
      bytesReceived: 0,
      poll: async () => nextPoll(),
      remove: async () => {},
      close: async () => {},
    }),
  }),
);
await targets.apply(config);
await targets.refresh(Date.now() + 600_000, undefined, 0);

interface Stage {
  wall: number[];
  cpu: number[];
}
const stages: Record<string, Stage> = {};
function stageOf(name: string): Stage {
  stages[name] ??= { wall: [], cpu: [] };
  return stages[name];
}
function time<T>(name: string, work: () => T): T {
  const stage = stageOf(name);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = work();
  stage.wall.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  stage.cpu.push((used.user + used.system) / 1000);
  return result;
}
async function timeAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
  const stage = stageOf(name);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  stage.wall.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  stage.cpu.push((used.user + used.system) / 1000);
  return result;
}

const gzipAsync = promisify(gzip);
let bytes = 0;
let gzBytes = 0;
// The longest the event loop went without running this 5 ms ticker, less the 5 ms, and the most
// CPU the main thread spent in one such gap (the wall gap also counts waiting for a core).
let blockedMs = 0;
let blockedCpuMs = 0;
let tickAt = performance.now();
let tickCpu = process.threadCpuUsage();
let measuring = false;
const ticker = setInterval(() => {
  const now = performance.now();
  const used = process.threadCpuUsage(tickCpu);
  if (measuring) {
    blockedMs = Math.max(blockedMs, now - tickAt - 5);
    blockedCpuMs = Math.max(blockedCpuMs, (used.user + used.system) / 1000);
  }
  tickAt = now;
  tickCpu = process.threadCpuUsage();
}, 5);
for (let i = 0; i < scrapes + 3; i++) {
  await targets.refresh(Date.now() + 600_000, undefined, 0);
  const registry = new Registry({ collectorMetricsPrefix: "seedwatch" });
  for (const collector of targets.collectors(undefined)) registry.register(collector);
  measuring = i >= 3;
  tickAt = performance.now();
  tickCpu = process.threadCpuUsage();
  const collection = await timeAsync("render", () => registry.collect());
  let chunks: Uint8Array[];
  if (process.env.JOIN === "1") {
    // Before issue 18: one string, then one buffer.
    const text = time("encode", () => encode(collection.families, "text"));
    chunks = [time("utf8", () => Buffer.from(text, "utf8"))];
  } else {
    chunks = time("encode", () => encodeBuffers(collection.families, "text"));
  }
  // As the daemon does (packages/metrics/src/http.ts): segments in zlib's thread pool, unchanged
  // chunks' compressed forms reused. The process's CPU counts that pool's threads too.
  const gz = await timeAsync("gzip", () =>
    process.env.JOIN === "1"
      ? gzipAsync(Buffer.concat(chunks), { level: 1 }).then((b) => [b])
      : gzipSegments(chunks),
  );
  measuring = false;
  bytes = chunks.reduce((n, c) => n + c.length, 0);
  gzBytes = gz.reduce((n, c) => n + c.length, 0);
  if (i < 3) {
    for (const s of Object.values(stages)) {
      s.wall.shift();
      s.cpu.shift();
    }
  }
}
clearInterval(ticker);
await targets.stop();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const result = {
  torrents,
  bytes,
  gzBytes,
  blockedMs,
  blockedCpuMs,
  stages: Object.fromEntries(
    Object.entries(stages).map(([k, s]) => [
      k,
      { wallMedianMs: median(s.wall), cpuMedianMs: median(s.cpu), wallMaxMs: Math.max(...s.wall) },
    ]),
  ),
};
if (out !== "") writeFileSync(out, JSON.stringify(result));
else console.log(JSON.stringify(result, null, 1));
