// Benchmark: Deluge at 10k and 100k torrents, diff=True with a key list (ours) against every key of every torrent each poll.

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

const SIMULATOR = fileURLToPath(new URL("./simulators/deluge-simulator.main.ts", import.meta.url));
const CHILD = fileURLToPath(new URL("./deluge-sync.child.ts", import.meta.url));

/**
 * Runs the deluged daemon-RPC simulator (N torrents, 1% churn per poll) in one process and each
 * approach in another, so CPU and memory are the exporter's alone: ours asks
 * `core.get_torrents_status` with the mapping's key list and `diff=True` on its own connection
 * and serves /metrics from state; the naive one asks for every key of every torrent (`[]`) on
 * every poll and every scrape.
 */
export async function delugeSync(options: { quick: boolean }): Promise<SuiteResult> {
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
      const ours = await runDaemonChild<ApproachResult>(CHILD, ["diff", url, "10", "20"], {
        STEADY_SECONDS: steady,
      });
      const naive = await runDaemonChild<ApproachResult>(CHILD, ["all-keys", url, "5", "5"], {
        STEADY_SECONDS: steady,
      });
      for (const r of [ours, naive]) {
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
        "bytes/poll: naive / ours": naive.pollBytes / ours.pollBytes,
        "CPU/poll: naive / ours": naive.pollCpuMs / ours.pollCpuMs,
        "/metrics latency: naive / ours": naive.metricsMedianMs / ours.metricsMedianMs,
        "steady RSS: ours / naive": ours.rssMB / naive.rssMB,
      });
      if (n >= 100_000) {
        goals.push(
          {
            what: `${n} torrents: /metrics (aggregates) under 10 ms (${ours.metricsMedianMs.toFixed(2)} ms)`,
            met: ours.metricsMedianMs < 10,
          },
          {
            what: `${n} torrents: >= 20x fewer bytes per poll than all keys (${(naive.pollBytes / ours.pollBytes).toFixed(0)}x)`,
            met: naive.pollBytes / ours.pollBytes >= 20,
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
    suite: "deluge-sync",
    description:
      "deluged 2.0.3 daemon-RPC SIMULATOR (TLS, Deluge framing, zlib, rencode, per-connection diff state), 1% churn per poll; exporter and simulator in separate processes",
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
