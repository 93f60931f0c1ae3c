// The runner side of the torrent-client sync benchmarks: a simulator per size, each approach in a daemon-like child, rows, ratios, goals.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { runDaemonChild } from "./child.ts";
import { firstLine } from "./first-line.ts";
import type { SuiteResult } from "./suite.ts";
import type { SyncChildResult } from "./sync-child.ts";

/** One goal and whether this run met it. */
export interface Goal {
  readonly what: string;
  readonly met: boolean;
}

/** Columns a client adds right after the wire bytes: to our row, to the baseline's, and to the ratios. */
export interface ExtraColumns {
  readonly ours: Readonly<Record<string, number>>;
  readonly baseline: Readonly<Record<string, number>>;
  readonly ratios: Readonly<Record<string, number>>;
}

/** A sync suite's goal on wire bytes: at least `atLeast` times fewer per poll than the baseline. */
export interface BytesGoal {
  /** What the baseline fetches, as the goal names it ("the full list"). */
  readonly than: string;
  readonly atLeast: number;
  /** Decimals of the measured factor in the text (default 0). */
  readonly digits?: number;
  /** Added after the measured factor, inside its parentheses. */
  readonly note?: (torrents: number, ours: SyncChildResult, baseline: SyncChildResult) => string;
  /**
   * Our bytes per poll as the goal counts them, when not the median poll (e.g. averaged over a
   * cycle with its periodic full lists).
   */
  readonly ours?: (torrents: number, ours: SyncChildResult) => number;
}

/** What one client's sync benchmark is made of; everything else is the same for every client. */
export interface SyncSuiteSpec {
  /**
   * The client as the files are named: suite `<client>-sync`, child `<client>-sync.child.ts`
   * (built on `runSyncChild`), simulator `simulators/<client>-simulator.main.ts` (takes the
   * torrent count and the churn, prints its URL first).
   */
  readonly client: string;
  readonly description: string;
  /**
   * The approaches' names, ours (10 polls, 20 scrapes) and the baseline's (5 and 5), and what
   * the ratio columns call the baseline ("full", "naive").
   */
  readonly approaches: { readonly ours: string; readonly baseline: string; readonly label: string };
  /**
   * `STEADY_INTERVAL_MS` for the children, the pause between steady-state polls: one for every
   * run, or one for quick runs and one for full ones; unset, the child's default (10 s).
   */
  readonly steadyIntervalMs?: number | { readonly quick: number; readonly full: number };
  /** Whether the ratios compare the peak resident sizes too. */
  readonly peakRssRatio?: boolean;
  /** The client's own columns, if any. */
  readonly extraColumns?: (
    torrents: number,
    ours: SyncChildResult,
    baseline: SyncChildResult,
  ) => ExtraColumns;
  /**
   * At 100,000 torrents and more every suite has goals: /metrics under 10 ms, this one on bytes,
   * under 300 MB resident when steady, issue 18's (a steady poll at most 50 ms of CPU, a first
   * sync under 10 s, at most 150 MB resident), and, with `peakGoal` (what the text says of it),
   * under 400 MB at peak.
   */
  readonly bytesGoal: BytesGoal;
  /** Why our peak stays low, as the peak goal's text says it ("the whole answer never in memory"). */
  readonly peakGoal?: string;
}

/**
 * Makes a sync suite: for each size (2,000 torrents when quick, else 10,000 and 100,000) it runs
 * the simulator (1% churn) in one process and each approach in another, with the daemon's Node
 * flags, so CPU and memory are the exporter's alone.
 */
export function syncSuite(
  spec: SyncSuiteSpec,
): (options: { readonly quick: boolean }) => Promise<SuiteResult> {
  return (options) => runSyncSuite(spec, options.quick);
}

async function runSyncSuite(spec: SyncSuiteSpec, quick: boolean): Promise<SuiteResult> {
  const sizes = quick ? [2000] : [10_000, 100_000];
  const rows: Array<Record<string, string | number>> = [];
  const ratios: Array<Record<string, string | number>> = [];
  const goals: Goal[] = [];
  const env: Record<string, string> = { STEADY_SECONDS: quick ? "4" : "40" };
  const interval = spec.steadyIntervalMs;
  if (typeof interval === "number") env.STEADY_INTERVAL_MS = String(interval);
  else if (interval !== undefined)
    env.STEADY_INTERVAL_MS = String(quick ? interval.quick : interval.full);
  const child = fileURLToPath(new URL(`./${spec.client}-sync.child.ts`, import.meta.url));
  const simulator = fileURLToPath(
    new URL(`./simulators/${spec.client}-simulator.main.ts`, import.meta.url),
  );
  for (const n of sizes) {
    const server = spawn(process.execPath, [simulator, String(n), "0.01"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const url = await firstLine(server);
      const { ours: oursName, baseline: baselineName } = spec.approaches;
      const ours = await runDaemonChild<SyncChildResult>(child, [oursName, url, "10", "20"], env);
      const base = await runDaemonChild<SyncChildResult>(child, [baselineName, url, "5", "5"], env);
      const extra = spec.extraColumns?.(n, ours, base);
      rows.push(row(n, ours, extra?.ours), row(n, base, extra?.baseline));
      ratios.push(ratioRow(n, ours, base, spec, extra?.ratios));
      if (n >= 100_000) goals.push(...suiteGoals(n, ours, base, spec));
    } finally {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  }
  return { suite: `${spec.client}-sync`, description: spec.description, rows, ratios, goals };
}

function suiteGoals(
  torrents: number,
  ours: SyncChildResult,
  base: SyncChildResult,
  spec: SyncSuiteSpec,
): Goal[] {
  const { than, atLeast, digits = 0, note } = spec.bytesGoal;
  const factor = base.pollBytes / (spec.bytesGoal.ours?.(torrents, ours) ?? ours.pollBytes);
  const goals: Goal[] = [
    {
      what: `${torrents} torrents: /metrics (aggregates) under 10 ms (${ours.metricsMedianMs.toFixed(2)} ms)`,
      met: ours.metricsMedianMs < 10,
    },
    {
      what: `${torrents} torrents: >= ${atLeast}x fewer bytes per poll than ${than} (${factor.toFixed(digits)}x${note?.(torrents, ours, base) ?? ""})`,
      met: factor >= atLeast,
    },
    {
      what: `${torrents} torrents: under 300 MB resident, steady (${ours.rssMB.toFixed(0)} MB)`,
      met: ours.rssMB < 300,
    },
    // Issue 18's goals, the same for every client.
    {
      what: `${torrents} torrents: a steady poll at most 50 ms of CPU (${ours.pollCpuMs.toFixed(1)} ms)`,
      met: ours.pollCpuMs <= 50,
    },
    {
      what: `${torrents} torrents: first full sync under 10 s (${(ours.initialSyncMs / 1000).toFixed(1)} s)`,
      met: ours.initialSyncMs < 10_000,
    },
    {
      what: `${torrents} torrents: at most 150 MB resident, steady (${ours.rssMB.toFixed(0)} MB)`,
      met: ours.rssMB <= 150,
    },
  ];
  if (spec.peakGoal !== undefined)
    goals.push({
      what: `${torrents} torrents: under 400 MB resident at peak, ${spec.peakGoal} (${ours.peakRssMB.toFixed(0)} MB)`,
      met: ours.peakRssMB < 400,
    });
  return goals;
}

function row(
  torrents: number,
  r: SyncChildResult,
  extra: Readonly<Record<string, number>> = {},
): Record<string, string | number> {
  return {
    torrents,
    approach: r.approach,
    "initial sync s": r.initialSyncMs / 1000,
    "bytes/poll (wire)": r.pollBytes,
    ...extra,
    "CPU ms/poll": r.pollCpuMs,
    "/metrics ms (aggregates)": r.metricsMedianMs,
    "RSS MB (steady)": r.rssMB,
    "RSS MB (peak)": r.peakRssMB,
  };
}

function ratioRow(
  torrents: number,
  ours: SyncChildResult,
  base: SyncChildResult,
  spec: SyncSuiteSpec,
  extra: Readonly<Record<string, number>> = {},
): Record<string, string | number> {
  const b = spec.approaches.label;
  return {
    torrents,
    [`bytes/poll: ${b} / ours`]: base.pollBytes / ours.pollBytes,
    ...extra,
    [`CPU/poll: ${b} / ours`]: base.pollCpuMs / ours.pollCpuMs,
    [`/metrics latency: ${b} / ours`]: base.metricsMedianMs / ours.metricsMedianMs,
    [`steady RSS: ours / ${b}`]: ours.rssMB / base.rssMB,
    ...(spec.peakRssRatio === true
      ? { [`peak RSS: ours / ${b}`]: ours.peakRssMB / base.peakRssMB }
      : {}),
  };
}
