// Benchmark: the real daemon's resident memory over an hour of churn at 100,000 torrents, one process per client, and its slope.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, tempDir, waitFor } from "../packages/testbed/src/index.ts";
import { firstLine } from "./first-line.ts";
import { secondHalfSlopePerHour } from "./linear-fit.ts";
import { localGet } from "./local-get.ts";
import { describeMachine } from "./machine.ts";
import { renderCurveSvg } from "./memory-curve-svg.ts";
import { DAEMON_MAIN, START_FLAGS, startEnv, warmCompileCache } from "./npm-start.ts";
import type { SuiteOptions, SuiteResult } from "./suite.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS = join(ROOT, "bench/results");
const TORRENTS = 100_000;
const CHURN = 0.01;
const SAMPLE_SECONDS = 30;
/** The issue's goals: at most this resident after an hour, and flat (a second-half slope under this). */
const GOAL_MB = 150;
const FLAT_MB_PER_HOUR = 5;
const MB = 2 ** 20;

/**
 * Loaded with `--import` into the daemon (a data: URL, so that it is not TypeScript): answers a
 * "memory" message on the IPC channel with process.memoryUsage().
 */
const PROBE = `data:text/javascript,${encodeURIComponent(`
process.on("message", (m) => { if (m === "memory") process.send(process.memoryUsage()); });
`)}`;

/** One client: its simulator's arguments after the torrent count, and its target's entry. */
interface Client {
  readonly name: string;
  readonly simulatorArgs: readonly string[];
  readonly target: (url: string) => string;
}

/**
 * Churn 1% per poll on each; torrents are removed and added on each too: rTorrent's simulator
 * erases and adds about 12 a poll at 100,000, Transmission's and Deluge's remove and add some of
 * their 50 quiet changes a poll, qBittorrent's replaces 5 (0.005%).
 */
const CLIENTS: readonly Client[] = [
  {
    name: "qbittorrent",
    simulatorArgs: [String(CHURN), "0.00005"],
    target: (url) =>
      `{ name: sim, type: qbittorrent, url: "${url}", username: admin, password: adminadmin }`,
  },
  {
    name: "transmission",
    simulatorArgs: [String(CHURN)],
    target: (url) =>
      `{ name: sim, type: transmission, url: "${url}", username: admin, password: adminadmin }`,
  },
  {
    name: "deluge",
    simulatorArgs: [String(CHURN)],
    target: (url) =>
      `{ name: sim, type: deluge, url: "${url}", username: seedwatch, password: sim-password }`,
  },
  {
    name: "rtorrent",
    simulatorArgs: [String(CHURN)],
    target: (url) => `{ name: sim, type: rtorrent, url: "${url}" }`,
  },
];

/** One sample of one daemon. */
export interface MemorySample {
  /** Seconds since the daemons were started. */
  readonly tSeconds: number;
  readonly rssMB: number;
  /** The process's peak resident size so far (VmHWM). */
  readonly peakRssMB: number;
  readonly heapUsedMB: number;
  readonly heapTotalMB: number;
  readonly externalMB: number;
  readonly arrayBuffersMB: number;
  /** CPU time (user + system) since the process started. */
  readonly cpuSeconds: number;
  /** From the daemon's own /metrics: whether the target is up, its torrents, polls, failed polls. */
  readonly up: number;
  readonly torrents: number;
  readonly polls: number;
  readonly pollErrors: number;
}

interface Running {
  readonly client: Client;
  readonly simulator: ChildProcess;
  readonly daemon: ChildProcess;
  readonly port: number;
  readonly log: string;
  /** When the daemon was started (performance.now()): its samples' time 0. */
  readonly startedAt: number;
  readonly samples: MemorySample[];
  /** Why the daemon or its simulator is gone before the end, if it is. */
  exited?: string;
  stopping?: boolean;
}

/**
 * Starts the real daemon as `npm start` does (its Node flags and environment, a warm compile
 * cache; default configuration: 10 s
 * poll interval, history, host sampler) against each client's simulator of 100,000 torrents with
 * 1% churn per poll, one daemon and one simulator per client, all four at once (each started
 * after the one before it has finished its first sync, and timed from its own start); every 30 s it
 * reads each daemon's resident size (/proc), V8 heap and external memory (through an IPC probe)
 * and scrapes its /metrics (as Prometheus would). For `minutes` (default 60, quick 3). Prints the
 * curve and writes the samples to bench/results/memory-curve.local.json (and an SVG chart).
 */
export async function memoryCurve(options: SuiteOptions): Promise<SuiteResult> {
  const minutes = options.minutes ?? (options.quick ? 3 : 60);
  const dir = await tempDir("memory-curve");
  const running: Running[] = [];
  const startedAt = new Date();
  // The samples so far are saved every minute: a run that fails late keeps what it measured.
  const saving = setInterval(() => void save(running, startedAt, minutes).catch(() => {}), 60_000);
  try {
    // One first sync at a time: four at once on a shared 2-core box starve each other.
    const watching: Array<Promise<void>> = [];
    const cache = join(dir.path, "compile-cache");
    await warmCompileCache(cache);
    for (const client of CLIENTS) {
      const r = await start(client, dir.path, cache);
      running.push(r);
      watching.push(watch(r, minutes * 60, () => running.some((x) => x.exited !== undefined)));
      await waitFor(
        `${client.name}'s first sync`,
        () => ((r.samples.at(-1)?.torrents ?? 0) > 0 || r.exited !== undefined ? true : undefined),
        { timeoutMs: 600_000, intervalMs: 1000 },
      );
    }
    await Promise.all(watching);
  } finally {
    clearInterval(saving);
    await Promise.all(running.map(stop));
    await dir.remove();
  }
  const failed = running.filter((r) => r.exited !== undefined);
  if (failed.length > 0)
    throw new Error(
      `daemon(s) exited early: ${failed.map((r) => `${r.client.name}: ${r.exited}`).join("; ")}`,
    );
  const file = await save(running, startedAt, minutes);
  const svg = join(RESULTS, "memory-curve.local.svg");
  await writeFile(
    svg,
    renderCurveSvg(
      `seedwatch resident memory, ${TORRENTS.toLocaleString("en")} torrents, 1% churn per 10 s poll (${startedAt.toISOString().slice(0, 10)})`,
      Object.fromEntries(
        running.map((r) => [r.client.name, r.samples.map((s) => [s.tSeconds / 60, s.rssMB])]),
      ),
      GOAL_MB,
    ),
  );
  console.log(`\nmemory-curve: samples in ${file}, chart in ${svg}`);
  console.log("resident MB by minute (sampled every 30 s; the JSON has every sample):");
  console.table(curveTable(running, minutes));
  return summarize(running, minutes);
}

/** Writes every sample so far to bench/results/memory-curve.local.json; returns its path. */
async function save(
  running: readonly Running[],
  startedAt: Date,
  minutes: number,
): Promise<string> {
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, "memory-curve.local.json");
  const data = {
    machine: describeMachine(),
    started: startedAt.toISOString(),
    minutes,
    sampleSeconds: SAMPLE_SECONDS,
    torrents: TORRENTS,
    churn: CHURN,
    clients: Object.fromEntries(running.map((r) => [r.client.name, r.samples])),
  };
  await writeFile(`${file}.tmp`, `${JSON.stringify(data, null, 1)}\n`);
  await rename(`${file}.tmp`, file);
  return file;
}

async function start(client: Client, base: string, compileCache: string): Promise<Running> {
  const dir = join(base, client.name);
  await mkdir(dir);
  const simulator = spawn(
    process.execPath,
    [
      join(ROOT, `bench/simulators/${client.name}-simulator.main.ts`),
      String(TORRENTS),
      ...client.simulatorArgs,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await firstLine(simulator);
  const config = join(dir, "seedwatch.yml");
  // The default configuration but the poll timeout: the simulators build a whole first answer
  // before the first byte, which on a loaded box can take longer than the default 10 s.
  await writeFile(config, `global: { timeout: 60s }\ntargets:\n  - ${client.target(url)}\n`);
  const port = await freePort();
  const startedAt = performance.now();
  const log = join(dir, "daemon.log");
  const out = await open(log, "w");
  const daemon = spawn(
    process.execPath,
    [
      ...START_FLAGS,
      "--import",
      PROBE,
      DAEMON_MAIN,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    {
      cwd: dir,
      // As `npm start` runs it from its second start on: no type stripper loaded.
      env: { ...process.env, ...startEnv(compileCache) },
      stdio: ["ignore", out.fd, out.fd, "ipc"],
    },
  );
  await out.close();
  const running: Running = { client, simulator, daemon, port, log, startedAt, samples: [] };
  daemon.on("exit", (code, signal) => {
    if (running.stopping !== true) running.exited ??= `code ${code}, signal ${signal}`;
  });
  simulator.on("exit", (code, signal) => {
    if (running.stopping !== true)
      running.exited ??= `its simulator exited (code ${code}, signal ${signal})`;
  });
  await waitFor(
    `${client.name}'s daemon`,
    async () => ((await localGet(port, "/-/healthy").catch(() => "")) !== "" ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  return running;
}

/** Samples `r` every 30 s of its own time for `seconds`, or until it or another client fails. */
async function watch(r: Running, seconds: number, failed: () => boolean): Promise<void> {
  for (let k = 0; k * SAMPLE_SECONDS <= seconds; k++) {
    const wait = r.startedAt + k * SAMPLE_SECONDS * 1000 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (r.stopping === true || failed()) return;
    await sampleInto(r, (performance.now() - r.startedAt) / 1000);
    if ((k * SAMPLE_SECONDS) % 60 === 0) progress(r);
  }
}

async function sampleInto(r: Running, tSeconds: number): Promise<void> {
  if (r.exited !== undefined || r.daemon.pid === undefined) return;
  const pid = r.daemon.pid;
  try {
    const [status, stat, usage] = await Promise.all([
      readFile(`/proc/${pid}/status`, "utf8"),
      readFile(`/proc/${pid}/stat`, "utf8"),
      memoryUsage(r.daemon),
    ]);
    // Memory first, then the scrape: its garbage is not in this sample but in the next.
    const metrics = await localGet(r.port, "/metrics");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    r.samples.push({
      tSeconds,
      rssMB: kB(status, "VmRSS") / 1024,
      peakRssMB: kB(status, "VmHWM") / 1024,
      heapUsedMB: usage.heapUsed / MB,
      heapTotalMB: usage.heapTotal / MB,
      externalMB: usage.external / MB,
      arrayBuffersMB: usage.arrayBuffers / MB,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100,
      up: metric(metrics, "pt_up"),
      torrents: metric(metrics, "seedwatch_target_torrents"),
      polls: metric(metrics, "seedwatch_target_polls_total"),
      pollErrors: metric(metrics, "seedwatch_target_poll_errors_total"),
    });
  } catch (error) {
    // A sample lost (a scrape slower than 60 s on a loaded box) is said, not fatal: the hour goes on.
    if (r.exited === undefined)
      console.error(
        `[memory-curve] ${r.client.name}: no sample at ${tSeconds.toFixed(0)} s: ${error}`,
      );
  }
}

function kB(status: string, field: string): number {
  const value = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
  if (value === undefined) throw new Error(`no ${field} in /proc/PID/status`);
  return Number(value);
}

/** The sum of a family's samples for the target `sim` (0 when it has none, as before the first poll). */
function metric(text: string, name: string): number {
  const pattern = new RegExp(`^${name}\\{[^}]*name="sim"[^}]*\\} (\\S+)$`, "gm");
  let sum = 0;
  for (const match of text.matchAll(pattern)) sum += Number(match[1]);
  return sum;
}

function memoryUsage(daemon: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      daemon.off("message", onMessage);
      reject(new Error("the daemon's memory probe did not answer within 30 s"));
    }, 30_000);
    const onMessage = (message: unknown) => {
      clearTimeout(timer);
      daemon.off("message", onMessage);
      resolve(message as NodeJS.MemoryUsage);
    };
    daemon.on("message", onMessage);
    daemon.send("memory");
  });
}

function progress(r: Running): void {
  const s = r.samples.at(-1);
  if (s === undefined) return;
  console.error(
    `[memory-curve] ${r.client.name} ${(s.tSeconds / 60).toFixed(1)} min: ${s.rssMB.toFixed(0)} MB resident, heap ${s.heapUsedMB.toFixed(0)} MB, ${s.torrents} torrents, ${s.polls} polls, ${s.pollErrors} failed`,
  );
}

async function stop(r: Running): Promise<void> {
  r.stopping = true;
  for (const child of [r.daemon, r.simulator]) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  if (r.exited !== undefined) {
    const text = await readFile(r.log, "utf8").catch(() => "");
    console.error(
      `${r.client.name}'s daemon log, last lines:\n${text.split("\n").slice(-20).join("\n")}`,
    );
  }
}

/** One row per minute (per 5 minutes past 15), RSS MB per client. */
function curveTable(
  running: readonly Running[],
  minutes: number,
): Array<Record<string, string | number>> {
  const step = minutes <= 15 ? 1 : 5;
  const rows: Array<Record<string, string | number>> = [];
  for (let m = 0; m <= minutes; m += step) {
    const row: Record<string, string | number> = { minute: m };
    for (const r of running) {
      // The sample nearest the whole minute, if one is within 20 s of it.
      const s = r.samples
        .filter((x) => Math.abs(x.tSeconds - m * 60) <= 20)
        .sort((a, b) => Math.abs(a.tSeconds - m * 60) - Math.abs(b.tSeconds - m * 60))[0];
      row[r.client.name] = s === undefined ? "-" : Number(s.rssMB.toFixed(1));
    }
    rows.push(row);
  }
  return rows;
}

function summarize(running: readonly Running[], minutes: number): SuiteResult {
  const rows = running.map((r) => {
    const first = r.samples[0] as MemorySample;
    const last = r.samples.at(-1) as MemorySample;
    const rss = r.samples.map((s) => ({ tSeconds: s.tSeconds, value: s.rssMB }));
    const heap = r.samples.map((s) => ({ tSeconds: s.tSeconds, value: s.heapUsedMB }));
    return {
      client: r.client.name,
      torrents: last.torrents,
      polls: last.polls,
      "failed polls": last.pollErrors,
      "RSS MB (end)": last.rssMB,
      "RSS MB (max sampled)": Math.max(...r.samples.map((s) => s.rssMB)),
      "RSS MB (peak, VmHWM)": last.peakRssMB,
      "RSS slope MB/h (2nd half)": secondHalfSlopePerHour(rss),
      "heap used MB (end)": last.heapUsedMB,
      "heap slope MB/h (2nd half)": secondHalfSlopePerHour(heap),
      "heap total MB (end)": last.heapTotalMB,
      "external MB (end)": last.externalMB,
      "CPU % of a core":
        ((last.cpuSeconds - first.cpuSeconds) / (last.tSeconds - first.tSeconds)) * 100,
    };
  });
  const goals =
    minutes < 60
      ? []
      : rows.flatMap((row) => [
          {
            what: `${row.client}: resident at most ${GOAL_MB} MB after ${minutes} min of churn (${row["RSS MB (end)"].toFixed(0)} MB, max ${row["RSS MB (max sampled)"].toFixed(0)} MB)`,
            met: row["RSS MB (max sampled)"] <= GOAL_MB,
          },
          {
            what: `${row.client}: flat, second-half slope under ${FLAT_MB_PER_HOUR} MB per hour (${row["RSS slope MB/h (2nd half)"].toFixed(1)} MB/h)`,
            met: row["RSS slope MB/h (2nd half)"] < FLAT_MB_PER_HOUR,
          },
        ]);
  return {
    suite: "memory-curve",
    description: `the real daemon (as npm start runs it, default config) per client against its simulator, ${TORRENTS.toLocaleString("en")} torrents, 1% churn and removals/additions per 10 s poll, /metrics scraped every ${SAMPLE_SECONDS} s, all four at once for ${minutes} min`,
    rows,
    ratios: rows.map((row) => ({
      client: row.client,
      "RSS end / goal": row["RSS MB (end)"] / GOAL_MB,
      "RSS growth over the 2nd half, MB": (row["RSS slope MB/h (2nd half)"] * minutes) / 120,
    })),
    goals,
  };
}
