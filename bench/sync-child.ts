// The child side of the torrent-client sync benchmarks: one approach in its own process, polled, scraped and measured.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Target } from "../packages/exporter/src/collect/target.ts";
import { TargetSet } from "../packages/exporter/src/collect/target-set.ts";
import type { Config } from "../packages/exporter/src/config/config.ts";
import { parseConfig } from "../packages/exporter/src/config/load.ts";
import { silentLogger } from "../packages/exporter/src/log.ts";
import type { TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { CounterStore } from "../packages/exporter/src/store/counter-store.ts";
import { openDatabase } from "../packages/exporter/src/store/database.ts";
import { buildTarget } from "../packages/exporter/src/target-kinds.ts";
import { coreRoutes } from "../packages/exporter/src/web/core-routes.ts";
import { createRouter } from "../packages/exporter/src/web/router.ts";

/** What a sync benchmark's child does differently for one client. */
export interface SyncChildOptions {
  /** The name of our approach (the daemon's own source), and the approach run when none is given. */
  readonly ours: string;
  /** The target's entry, named `sim`, in the config's `targets:` list (YAML flow mapping), given the URL. */
  readonly target: (url: string) => string;
  /** The source that stands for what other exporters do; every approach but ours runs it. */
  readonly baseline: (url: string) => TorrentSource;
}

/** The figures one approach's child writes (times in ms, sizes in bytes or MB as named). */
export interface SyncChildResult {
  readonly approach: string;
  readonly torrents: number;
  readonly initialSyncMs: number;
  /** CPU of the first poll (a whole list into an empty table). */
  readonly initialSyncCpuMs: number;
  readonly initialSyncBytes: number;
  /** Medians over the timed polls. */
  readonly pollBytes: number;
  readonly pollCpuMs: number;
  readonly pollWallMs: number;
  /** Median latency of a `/metrics` scrape over real HTTP, and the size of the last one. */
  readonly metricsMedianMs: number;
  readonly metricsBytes: number;
  /** Resident size after the steady-state phase, and the process's peak. */
  readonly rssMB: number;
  readonly peakRssMB: number;
  readonly heapMB: number;
  readonly heapTotalMB: number;
  readonly externalMB: number;
}

interface ChildArgs {
  readonly approach: string;
  readonly url: string;
  readonly polls: number;
  readonly scrapes: number;
  readonly out: string;
}

/**
 * Runs one approach: `node <child> [approach] <simulator-url> [polls] [scrapes] [result.json]`.
 * An initial sync, `polls` timed polls (wire bytes, CPU, wall time), `scrapes` scrapes of
 * `/metrics` over real HTTP, a steady-state phase of `STEADY_SECONDS` (default 40), then the
 * memory read-out; writes the result as JSON to the file (or stdout) and exits.
 */
export async function runSyncChild(options: SyncChildOptions): Promise<never> {
  const args = parseChildArgs(process.argv.slice(2), options.ours);
  const ours = args.approach === options.ours;
  const config = parseConfig(
    `global: { poll_interval: 1h, timeout: 10m, min_refresh_interval: ${ours ? "1h" : "0s"}, per_torrent: { enabled: false } }
targets:
  - ${options.target(args.url)}
`,
    "/tmp/bench.yml",
  );
  // Tracker counters are saved after every poll to a real database file, as the daemon does.
  const stateDir = mkdtempSync(join(tmpdir(), "seedwatch-bench-"));
  const counters = new CounterStore(openDatabase(join(stateDir, "state.db")));
  const targets = new TargetSet((target) =>
    buildTarget(target, {
      log: silentLogger,
      counters,
      ...(ours ? {} : { createSource: (c) => options.baseline(c.url) }),
    }),
  );
  await targets.apply(config);
  const target = targets.get("sim");
  if (target === undefined) throw new Error("the benchmark config has no target named sim");

  const started = performance.now();
  const startCpu = process.cpuUsage();
  await poll(targets, target, "first poll");
  const firstCpu = process.cpuUsage(startCpu);
  const initial = {
    ms: performance.now() - started,
    cpuMs: (firstCpu.user + firstCpu.system) / 1000,
    bytes: target.bytesReceived,
    torrents: target.summary().torrents ?? 0,
  };
  const perPoll = await timePolls(targets, target, args.polls);
  const scrapes = await timeScrapes(targets, config, args.scrapes);
  await steadyState(targets);

  const memory = process.memoryUsage();
  const result: SyncChildResult = {
    approach: args.approach,
    torrents: initial.torrents,
    initialSyncMs: initial.ms,
    initialSyncCpuMs: initial.cpuMs,
    initialSyncBytes: initial.bytes,
    pollBytes: median(perPoll.map((p) => p.bytes)),
    pollCpuMs: median(perPoll.map((p) => p.cpuMs)),
    pollWallMs: median(perPoll.map((p) => p.wallMs)),
    metricsMedianMs: median(scrapes.latencies),
    metricsBytes: scrapes.lastBytes,
    rssMB: memory.rss / 2 ** 20,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    heapMB: memory.heapUsed / 2 ** 20,
    heapTotalMB: memory.heapTotal / 2 ** 20,
    externalMB: memory.external / 2 ** 20,
  };
  await targets.stop();
  rmSync(stateDir, { recursive: true, force: true });
  if (args.out !== "") writeFileSync(args.out, JSON.stringify(result));
  else console.log(JSON.stringify(result));
  process.exit(0);
}

function parseChildArgs(argv: readonly string[], ours: string): ChildArgs {
  const [approach = ours, url = "", polls = "10", scrapes = "20", out = ""] = argv;
  if (url === "") throw new Error("expected the simulator's URL as the second argument");
  return { approach, url, polls: count("polls", polls), scrapes: count("scrapes", scrapes), out };
}

function count(what: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`expected a whole number of ${what} of at least 1, got "${text}"`);
  return n;
}

/** Refreshes the target at once (whatever the age of its data) and fails if that poll failed. */
async function poll(targets: TargetSet, target: Target, what: string): Promise<void> {
  await targets.refresh(Date.now() + 600_000, undefined, 0);
  if (!target.health.up) throw new Error(`${what} failed: ${target.health.lastError}`);
}

async function timePolls(
  targets: TargetSet,
  target: Target,
  polls: number,
): Promise<Array<{ bytes: number; cpuMs: number; wallMs: number }>> {
  const perPoll: Array<{ bytes: number; cpuMs: number; wallMs: number }> = [];
  for (let i = 0; i < polls; i++) {
    const bytes = target.bytesReceived;
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await poll(targets, target, `poll ${i}`);
    const used = process.cpuUsage(cpu);
    perPoll.push({
      bytes: target.bytesReceived - bytes,
      cpuMs: (used.user + used.system) / 1000,
      wallMs: performance.now() - wall,
    });
  }
  return perPoll;
}

/** Scrapes the daemon's own `/metrics` route over loopback HTTP, as Prometheus would. */
async function timeScrapes(
  targets: TargetSet,
  config: Config,
  scrapes: number,
): Promise<{ latencies: number[]; lastBytes: number }> {
  const routes = coreRoutes({
    targets,
    daemonCollectors: [],
    config: () => config,
    reload: async () => ({ ok: true }),
    allowedOrigins: () => [],
    log: silentLogger,
  });
  const router = createRouter(routes, async () => true, silentLogger);
  const server = createServer((req, res) => void router(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const latencies: number[] = [];
  let lastBytes = 0;
  try {
    for (let i = 0; i < scrapes; i++) {
      const t = performance.now();
      lastBytes = await scrape(port);
      latencies.push(performance.now() - t);
    }
  } finally {
    server.close();
  }
  return { latencies, lastBytes };
}

function scrape(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/metrics" }, (res) => {
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
      });
      res.on("end", () => resolve(size));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

/**
 * Keeps polling for `STEADY_SECONDS`, as a running daemon does, before the resident size is read:
 * V8 gives memory back to the system on its own schedule, not at once.
 */
async function steadyState(targets: TargetSet): Promise<void> {
  const intervalMs = Number(process.env.STEADY_INTERVAL_MS ?? "10000");
  const steadyUntil = Date.now() + Number(process.env.STEADY_SECONDS ?? "40") * 1000;
  while (Date.now() < steadyUntil) {
    await targets.refresh(Date.now() + 600_000, undefined, 0);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
}
