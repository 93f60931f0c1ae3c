// Benchmark: rTorrent at 10k and 100k torrents, the trimmed streamed d.multicall2 (ours) against every d.* field each poll.

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
  new URL("./simulators/rtorrent-simulator.main.ts", import.meta.url),
);
const CHILD = fileURLToPath(new URL("./rtorrent-sync.child.ts", import.meta.url));

/**
 * Runs the rTorrent XML-RPC-over-SCGI simulator (N torrents, 1% churn per poll) in one process and
 * each approach in another, so CPU and memory are the exporter's alone. rTorrent has no change
 * feed, so both fetch every torrent on every poll: ours asks only for the fields the model uses
 * (integers packed into one string with `cat`), parses the answer as it streams in and diffs it
 * into changes, and serves /metrics from state; the naive path asks for every `d.*` and `t.*`
 * field, reads the whole answer into memory, and does so on every poll and every scrape.
 */
export async function rtorrentSync(options: { quick: boolean }): Promise<SuiteResult> {
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
      const ours = await runDaemonChild<ApproachResult>(CHILD, ["trimmed", url, "10", "20"], {
        STEADY_SECONDS: steady,
      });
      const naive = await runDaemonChild<ApproachResult>(CHILD, ["every-field", url, "5", "5"], {
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
        "peak RSS: ours / naive": ours.peakRssMB / naive.peakRssMB,
      });
      if (n >= 100_000) {
        goals.push(
          {
            what: `${n} torrents: /metrics (aggregates) under 10 ms (${ours.metricsMedianMs.toFixed(2)} ms)`,
            met: ours.metricsMedianMs < 10,
          },
          {
            // No change feed: fewer bytes can only come from asking less, and asking it compactly.
            what: `${n} torrents: >= 2.5x fewer bytes per poll than every field (${(naive.pollBytes / ours.pollBytes).toFixed(1)}x)`,
            met: naive.pollBytes / ours.pollBytes >= 2.5,
          },
          {
            what: `${n} torrents: under 300 MB resident, steady (${ours.rssMB.toFixed(0)} MB)`,
            met: ours.rssMB < 300,
          },
          {
            what: `${n} torrents: under 400 MB resident at peak, the whole answer never in memory (${ours.peakRssMB.toFixed(0)} MB)`,
            met: ours.peakRssMB < 400,
          },
        );
      }
    } finally {
      simulator.kill("SIGTERM");
      await once(simulator, "exit");
    }
  }
  return {
    suite: "rtorrent-sync",
    description:
      "rTorrent 0.9.8 XML-RPC-over-SCGI SIMULATOR (d.multicall2 with cat and nested t.multicall, xmlrpc-c's document shape), 1% churn per poll; exporter and simulator in separate processes",
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
