// Benchmark: Transmission at 10k and 100k torrents, recently-active polls (ours) against a full torrent-get every poll.

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
  new URL("./simulators/transmission-simulator.main.ts", import.meta.url),
);
const CHILD = fileURLToPath(new URL("./transmission-sync.child.ts", import.meta.url));
/** seedwatch's default poll interval, and the source's full-list period (3 ms per torrent, 1-15 min). */
const POLL_SECONDS = 10;
const fullListSeconds = (torrents: number) => Math.min(900, Math.max(60, (torrents * 3) / 1000));

/**
 * Runs the Transmission RPC simulator (N torrents, 1% of them active per 10 s poll) in one process
 * and each approach in another, so CPU and memory are the exporter's alone: ours polls
 * `torrent-get` for recently-active torrents in the table format, streamed, with a full list
 * every few minutes; the baseline asks for every torrent (objects format) on every poll and every
 * scrape and parses the answer whole, as most Transmission exporters do. Our bytes per poll are
 * also given amortized over the periodic full list.
 */
export async function transmissionSync(options: { quick: boolean }): Promise<SuiteResult> {
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
      const env = {
        STEADY_SECONDS: options.quick ? "4" : "40",
        STEADY_INTERVAL_MS: options.quick ? "2000" : "10000",
      };
      const ours = await runDaemonChild<ApproachResult>(
        CHILD,
        ["incremental", url, "10", "20"],
        env,
      );
      const full = await runDaemonChild<ApproachResult>(
        CHILD,
        ["full-torrent-get", url, "5", "5"],
        env,
      );
      // A full list costs about what the first poll did; it comes every fullListSeconds.
      const amortized =
        ours.pollBytes + ours.initialSyncBytes * (POLL_SECONDS / fullListSeconds(n));
      for (const r of [ours, full]) {
        rows.push({
          torrents: n,
          approach: r.approach,
          "initial sync s": r.initialSyncMs / 1000,
          "bytes/poll (wire)": r.pollBytes,
          "bytes/poll amortized": r === ours ? amortized : r.pollBytes,
          "CPU ms/poll": r.pollCpuMs,
          "/metrics ms (aggregates)": r.metricsMedianMs,
          "RSS MB (steady)": r.rssMB,
          "RSS MB (peak)": r.peakRssMB,
        });
      }
      ratios.push({
        torrents: n,
        "bytes/poll: full / ours": full.pollBytes / ours.pollBytes,
        "bytes/poll amortized: full / ours": full.pollBytes / amortized,
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
            what: `${n} torrents: >= 20x fewer bytes per poll than a full torrent-get (${(full.pollBytes / ours.pollBytes).toFixed(0)}x; ${(full.pollBytes / amortized).toFixed(0)}x amortized over the full lists)`,
            met: full.pollBytes / ours.pollBytes >= 20,
          },
          {
            what: `${n} torrents: under 300 MB resident, steady (${ours.rssMB.toFixed(0)} MB)`,
            met: ours.rssMB < 300,
          },
          {
            what: `${n} torrents: under 400 MB resident at peak, the full list never in memory whole (${ours.peakRssMB.toFixed(0)} MB)`,
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
    suite: "transmission-sync",
    description:
      "Transmission 3.00 RPC SIMULATOR (409 handshake, table/objects formats, recently-active with a 60 s window, gzip), 1% of torrents active per 10 s poll; exporter and simulator in separate processes",
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
