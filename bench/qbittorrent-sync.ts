// Benchmark: qBittorrent at 10k and 100k torrents, incremental maindata (ours) against the full list every poll.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { runDaemonChild } from "./child.ts";
import type { SuiteResult } from "./suite.ts";

interface ApproachResult {
  readonly approach: string;
  readonly torrents: number;
  readonly initialSyncMs: number;
  readonly initialSyncBytes: number;
  readonly pollBytes: number;
  readonly pollCpuMs: number;
  readonly pollWallMs: number;
  readonly metricsMedianMs: number;
  readonly rssMB: number;
  readonly peakRssMB: number;
}

const SIMULATOR = fileURLToPath(
  new URL("./simulators/qbittorrent-simulator.main.ts", import.meta.url),
);
const CHILD = fileURLToPath(new URL("./qbittorrent-sync.child.ts", import.meta.url));

/**
 * Runs the qBittorrent Web API simulator (N torrents, 1% churn per poll) in one process and each
 * approach in another, so CPU and memory are the exporter's alone: ours polls sync/maindata with
 * its rid and serves /metrics from state; the baseline fetches torrents/info on every poll and on
 * every scrape, as most exporters do.
 */
export async function qbittorrentSync(options: { quick: boolean }): Promise<SuiteResult> {
  const sizes = options.quick ? [2000] : [10_000, 100_000];
  const rows: Array<Record<string, string | number>> = [];
  const ratios: Array<Record<string, string | number>> = [];
  const goals: Array<{ what: string; met: boolean }> = [];
  for (const n of sizes) {
    const simulator = spawn(process.execPath, [SIMULATOR, String(n), "0.01"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const url = await firstLine(simulator);
      const steady = options.quick ? "4" : "40";
      // Both run with the Node flags the seedwatch executable starts with.
      const env = { STEADY_SECONDS: steady };
      const ours = await runDaemonChild<ApproachResult>(
        CHILD,
        ["incremental", url, "10", "20"],
        env,
      );
      const full = await runDaemonChild<ApproachResult>(CHILD, ["full-list", url, "5", "5"], env);
      for (const r of [ours, full]) {
        rows.push({
          torrents: n,
          approach: r.approach,
          "initial sync s": r.initialSyncMs / 1000,
          "bytes/poll (wire)": r.pollBytes,
          "CPU ms/poll": r.pollCpuMs,
          "/metrics ms (aggregates)": r.metricsMedianMs,
          "RSS MB (steady)": r.rssMB,
          "RSS MB (peak)": r.peakRssMB,
        });
      }
      ratios.push({
        torrents: n,
        "bytes/poll: full / ours": full.pollBytes / ours.pollBytes,
        "CPU/poll: full / ours": full.pollCpuMs / ours.pollCpuMs,
        "/metrics latency: full / ours": full.metricsMedianMs / ours.metricsMedianMs,
        "steady RSS: ours / full": ours.rssMB / full.rssMB,
      });
      if (n >= 100_000) {
        goals.push(
          {
            what: `${n} torrents: /metrics (aggregates) under 10 ms (${ours.metricsMedianMs.toFixed(2)} ms)`,
            met: ours.metricsMedianMs < 10,
          },
          {
            what: `${n} torrents: >= 20x fewer bytes per poll than the full list (${(full.pollBytes / ours.pollBytes).toFixed(0)}x)`,
            met: full.pollBytes / ours.pollBytes >= 20,
          },
          {
            what: `${n} torrents: under 300 MB resident, steady (${ours.rssMB.toFixed(0)} MB)`,
            met: ours.rssMB < 300,
          },
        );
      }
    } finally {
      simulator.kill("SIGTERM");
      await once(simulator, "exit");
    }
  }
  return {
    suite: "qbittorrent-sync",
    description:
      "qBittorrent Web API SIMULATOR (4.5.2 wire format, gzip, rid semantics), 1% churn per poll; exporter and simulator in separate processes",
    rows,
    ratios,
    goals,
  };
}

async function firstLine(child: ChildProcess): Promise<string> {
  let text = "";
  for await (const chunk of child.stdout ?? []) {
    text += String(chunk);
    if (text.includes("\n")) return text.split("\n")[0] as string;
  }
  throw new Error("the simulator exited before printing its URL");
}
