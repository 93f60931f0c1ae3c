// Benchmark: the real daemon's /metrics with every per-torrent series and gzip, beside pt-exporter, and each stage on its own.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { freePort, startDaemon, tempDir, waitFor } from "../packages/testbed/src/index.ts";
import { startSeedwatch } from "../packages/testbed/src/seedwatch.ts";
import { runDaemonChild } from "./child.ts";
import { firstLine } from "./first-line.ts";
import type { SuiteResult } from "./suite.ts";

const SIMULATOR = fileURLToPath(
  new URL("./simulators/qbittorrent-simulator.main.ts", import.meta.url),
);
const STAGES = fileURLToPath(new URL("./scrape-stages.child.ts", import.meta.url));
const LOOP_PROBE = new URL("./event-loop-probe.ts", import.meta.url).href;
/** Where `PT_EXPORTER` (or this default) has a pt-exporter binary built from chenpt0809/pt-exporter. */
const PT_EXPORTER = process.env.PT_EXPORTER ?? "/tmp/ptgo/pt-exporter";
const TICKS_PER_SECOND = 100;

interface StageFigures {
  readonly bytes: number;
  readonly gzBytes: number;
  /** The longest the event loop went without turning while a scrape was rendered and compressed. */
  readonly blockedMs: number;
  /** The main thread's CPU time in that longest gap: the work that held the loop itself. */
  readonly blockedCpuMs: number;
  readonly stages: Record<string, { cpuMedianMs: number; wallMedianMs: number; wallMaxMs: number }>;
}

interface Scrapes {
  readonly exporter: string;
  /** CPU of the exporter's process per scrape, ms: every scrape's, sorted. */
  readonly cpuMs: number[];
  readonly wallMs: number[];
  readonly gzBytes: number;
  readonly textBytes: number;
  readonly series: number;
  /** The longest a request to a trivial endpoint waited while scrapes ran, ms. */
  readonly blockedMs: number;
  /**
   * Seedwatch only (bench/event-loop-probe.ts in the daemon): the most CPU its main thread spent
   * between two turns of its event loop while the scrapes ran, ms.
   */
  readonly blockedCpuMs?: number;
  /** CPU of the warm-up scrapes right after the first sync, ms, in order. */
  readonly warmUpCpuMs: number[];
  readonly rssMB: number;
}

/**
 * For each size (2,000 torrents when quick, else 10,000 and 100,000; 5 series per torrent), a
 * qBittorrent simulator (1% churn per request) in its own process, then: the real daemon
 * (`main.ts` with the executable's Node flags) scraped over HTTP with `Accept-Encoding: gzip`
 * and `min_refresh_interval: 0s`, so every scrape first polls (as pt-exporter, which lists every
 * torrent on every scrape); pt-exporter the same way when its binary is there; and, in process,
 * the render, encoding and compression of the same exposition measured each on its own. CPU is
 * the exporter process's (user + system, all threads, from /proc), so it counts gzip in zlib's
 * thread pool too. "Blocked" is the longest wait of a `/-/healthy` request sent every 5 ms
 * during the scrapes: how long the event loop was not free.
 */
export async function scrape(options: { quick: boolean }): Promise<SuiteResult> {
  const sizes = options.quick ? [2_000] : [10_000, 100_000];
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, string | number>[] = [];
  const goals: { what: string; met: boolean }[] = [];
  const havePt = existsSync(PT_EXPORTER);
  for (const torrents of sizes) {
    const scrapes = torrents >= 100_000 ? 5 : 10;
    const stages = await runDaemonChild<StageFigures>(STAGES, [
      String(torrents),
      String(torrents >= 100_000 ? 5 : 15),
    ]);
    const ours = await withSimulator(torrents, (url) => scrapeSeedwatch(url, scrapes));
    const pt = havePt
      ? await withSimulator(torrents, (url) => scrapePtExporter(url, scrapes))
      : undefined;
    const s = stages.stages;
    rows.push({
      torrents,
      exporter: "seedwatch (stages, in process)",
      series: torrents * 5,
      "CPU/scrape ms (median)": sum(s, "cpuMedianMs"),
      "render ms": s.render?.cpuMedianMs ?? 0,
      "encode ms": s.encode?.cpuMedianMs ?? 0,
      "gzip ms": s.gzip?.cpuMedianMs ?? 0,
      "text MB": stages.bytes / 1e6,
      "gzip MB": stages.gzBytes / 1e6,
      "blocked ms (max)": stages.blockedMs,
      "blocked CPU ms (max)": stages.blockedCpuMs,
    });
    for (const run of [ours, ...(pt ? [pt] : [])]) rows.push(scrapeRow(torrents, run));
    const ourCpu = median(ours.cpuMs);
    if (pt !== undefined) {
      ratios.push({
        torrents,
        "CPU/scrape: pt-exporter / seedwatch (median)": median(pt.cpuMs) / ourCpu,
        "CPU/scrape: pt-exporter / seedwatch (best of each)": min(pt.cpuMs) / min(ours.cpuMs),
        "RSS: seedwatch / pt-exporter": ours.rssMB / pt.rssMB,
      });
    }
    if (torrents === 10_000) {
      goals.push({
        what: `10,000 torrents (50,000 series), gzip: CPU per scrape <= 150 ms (${ourCpu.toFixed(0)} ms)`,
        met: ourCpu <= 150,
      });
      if (pt !== undefined) {
        goals.push({
          what: `10,000 torrents: <= a quarter of pt-exporter's CPU per scrape (${(median(pt.cpuMs) / ourCpu).toFixed(1)}x less)`,
          met: ourCpu * 4 <= median(pt.cpuMs),
        });
      }
    }
    if (torrents === 100_000) {
      goals.push({
        what: `100,000 torrents (500,000 series), gzip: CPU per scrape <= 2 s (${(ourCpu / 1000).toFixed(2)} s)`,
        met: ourCpu <= 2000,
      });
    }
    if (torrents >= 10_000) {
      goals.push({
        what: `${torrents.toLocaleString("en")} torrents: event loop never blocked > 50 ms by a scrape (${ours.blockedMs.toFixed(0)} ms)`,
        met: ours.blockedMs <= 50,
      });
      goals.push({
        what: `${torrents.toLocaleString("en")} torrents: the daemon's main thread never busy > 50 ms of CPU between two turns of its event loop during the scrapes (${(ours.blockedCpuMs ?? 0).toFixed(0)} ms; the wall figure above also counts waiting for a core on a loaded machine)`,
        met: (ours.blockedCpuMs ?? 0) <= 50,
      });
    }
  }
  return {
    suite: "scrape",
    description: `GET /metrics with per-torrent series for every torrent and gzip, every scrape after a poll of 1% churn; seedwatch (real daemon, the executable's Node flags)${havePt ? " beside pt-exporter (chenpt0809/pt-exporter, built with Debian's Go libraries)" : " (pt-exporter binary not found: set PT_EXPORTER)"}; stages = render, encode to bytes, gzip level 1, in process on the same table`,
    rows,
    ratios,
    goals,
  };
}

function scrapeRow(torrents: number, run: Scrapes): Record<string, string | number> {
  return {
    torrents,
    exporter: run.exporter,
    series: run.series,
    "CPU/scrape ms (median)": median(run.cpuMs),
    "CPU/scrape ms (min-max)": `${min(run.cpuMs).toFixed(0)}-${Math.max(...run.cpuMs).toFixed(0)}`,
    "wall ms (median)": median(run.wallMs),
    "text MB": run.textBytes / 1e6,
    "gzip MB": run.gzBytes / 1e6,
    "blocked ms (max)": run.blockedMs,
    "blocked CPU ms (max)": run.blockedCpuMs ?? "",
    "RSS MB": run.rssMB,
    "warm-up CPU ms": run.warmUpCpuMs.map((ms) => ms.toFixed(0)).join(" "),
  };
}

async function withSimulator<T>(torrents: number, work: (url: string) => Promise<T>): Promise<T> {
  const server = spawn(process.execPath, [SIMULATOR, String(torrents), "0.01"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    return await work(await firstLine(server));
  } finally {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
}

async function scrapeSeedwatch(url: string, scrapes: number): Promise<Scrapes> {
  const probeDir = await tempDir("event-loop-probe");
  const probeOut = join(probeDir.path, "probe.json");
  // The daemon inherits this process's environment (packages/testbed/src/daemon.ts).
  const saved = { options: process.env.NODE_OPTIONS, out: process.env.EVENT_LOOP_PROBE_OUT };
  process.env.NODE_OPTIONS = `${saved.options ?? ""} --import=${LOOP_PROBE}`.trim();
  process.env.EVENT_LOOP_PROBE_OUT = probeOut;
  const seedwatch = await startSeedwatch(`global:
  poll_interval: 1h
  timeout: 5m
  min_refresh_interval: 0s
  per_torrent: { enabled: true, max_torrents: 1000000 }
history: { enabled: false }
targets:
  - { name: sim, type: qbittorrent, url: "${url}", username: admin, password: adminadmin }
`).finally(() => {
    restoreEnv("NODE_OPTIONS", saved.options);
    restoreEnv("EVENT_LOOP_PROBE_OUT", saved.out);
  });
  const readProbe = async (): Promise<{ wallMs: number; cpuMs: number }> => {
    await rm(probeOut, { force: true });
    process.kill(seedwatch.daemon.pid, "SIGUSR2");
    return (await until(async () => (await readFile(probeOut, "utf8").catch(() => "")) !== "")
      .then(() => readFile(probeOut, "utf8"))
      .then(JSON.parse)) as { wallMs: number; cpuMs: number };
  };
  try {
    const port = seedwatch.port;
    await until(async () =>
      /^pt_up\{name="sim"[^}]*\} 1$/m.test((await get(port, "/metrics")).text),
    );
    // Right after the first sync of a big table every chunk is compressed for the first time and
    // the sync's garbage is collected: warm-up scrapes, shown apart.
    const warmUps = scrapes >= 10 ? 3 : 5;
    return await measure("seedwatch", seedwatch.daemon.pid, port, scrapes, warmUps, "/-/healthy", {
      reset: async () => {
        await readProbe();
      },
      read: async () => (await readProbe()).cpuMs,
    });
  } finally {
    await seedwatch.remove();
    await probeDir.remove();
  }
}

async function scrapePtExporter(url: string, scrapes: number): Promise<Scrapes> {
  const dir = await tempDir("pt-exporter");
  const port = await freePort();
  await writeFile(
    join(dir.path, "config.yaml"),
    `config:
  logLevel: info
  listen: 127.0.0.1:${port}
  lang: en
  timeout: 300
Sim:
  type: qbittorrent
  host: ${url}
  username: admin
  password: adminadmin
`,
  );
  const daemon = await startDaemon({
    name: "pt-exporter",
    command: PT_EXPORTER,
    args: [],
    cwd: dir.path,
    ready: async () => (await get(port, "/metrics").catch(() => undefined)) !== undefined,
  });
  try {
    // Its first scrape logs in.
    await get(port, "/metrics");
    return await measure("pt-exporter", daemon.pid, port, scrapes, 2, "/nothing");
  } finally {
    await daemon.stop();
    await dir.remove();
  }
}

/** Scrapes `/metrics` `scrapes` times after `warmUps` scrapes, probing `probe` every 5 ms meanwhile. */
async function measure(
  exporter: string,
  pid: number,
  port: number,
  scrapes: number,
  warmUps: number,
  probe: string,
  loopProbe?: { reset(): Promise<void>; read(): Promise<number> },
): Promise<Scrapes> {
  const path = "/metrics";
  const warmUpCpuMs: number[] = [];
  for (let i = 0; i < warmUps; i++) {
    const cpu = await cpuTicks(pid);
    await get(port, path, true);
    warmUpCpuMs.push(((await cpuTicks(pid)) - cpu) * (1000 / TICKS_PER_SECOND));
  }
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  let lastBody: RawBody = { chunks: [], gzip: false };
  let blockedMs = 0;
  await loopProbe?.reset();
  for (let i = 0; i < scrapes; i++) {
    let scraping = true;
    const prober = (async () => {
      while (scraping) {
        const started = performance.now();
        await get(port, probe).catch(() => undefined);
        blockedMs = Math.max(blockedMs, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const cpu = await cpuTicks(pid);
    const started = performance.now();
    // Not decoded here: gunzipping 25 MB on this process's event loop would hold the prober's
    // requests back and count as the exporter's stall.
    lastBody = await getRaw(port, path);
    wallMs.push(performance.now() - started);
    scraping = false;
    await prober;
    cpuMs.push(((await cpuTicks(pid)) - cpu) * (1000 / TICKS_PER_SECOND));
  }
  const blockedCpuMs = await loopProbe?.read();
  const last = decode(lastBody);
  const series = last.text.split("\n").filter((l) => l.startsWith("pt_tracker_torrent")).length;
  return {
    ...(blockedCpuMs === undefined ? {} : { blockedCpuMs }),
    exporter,
    cpuMs: cpuMs.sort((a, b) => a - b),
    wallMs,
    gzBytes: last.gzBytes,
    textBytes: Buffer.byteLength(last.text),
    series,
    blockedMs,
    warmUpCpuMs,
    rssMB: (await rssKB(pid)) / 1024,
  };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function rssKB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function get(port: number, path: string, gzip = false): Promise<{ text: string; gzBytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        headers: gzip ? { "accept-encoding": "gzip" } : {},
        timeout: 600_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const zipped = res.headers["content-encoding"] === "gzip";
          resolve({
            text: (zipped ? gunzipSync(body) : body).toString("utf8"),
            gzBytes: zipped ? body.length : 0,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer in 10 minutes`)));
    req.on("error", reject);
    req.end();
  });
}

/** An answer's body as it came, and whether it is gzip. */
interface RawBody {
  readonly chunks: readonly Buffer[];
  readonly gzip: boolean;
}

/** GET with `Accept-Encoding: gzip`, the body kept as received. */
function getRaw(port: number, path: string): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, headers: { "accept-encoding": "gzip" }, timeout: 600_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ chunks, gzip: res.headers["content-encoding"] === "gzip" }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer in 10 minutes`)));
    req.on("error", reject);
    req.end();
  });
}

function decode(raw: RawBody): { text: string; gzBytes: number } {
  const body = Buffer.concat(raw.chunks);
  return {
    text: (raw.gzip ? gunzipSync(body) : body).toString("utf8"),
    gzBytes: raw.gzip ? body.length : 0,
  };
}

/** Waits until `check` holds (a check that throws counts as not yet). */
function until(check: () => Promise<boolean>, timeoutMs = 600_000): Promise<unknown> {
  return waitFor("the process under test", async () => ((await check()) ? true : undefined), {
    timeoutMs,
    intervalMs: 250,
  });
}

function sum(stages: StageFigures["stages"], key: "cpuMedianMs"): number {
  return Object.values(stages).reduce((total, stage) => total + stage[key], 0);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function min(values: readonly number[]): number {
  return Math.min(...values);
}
