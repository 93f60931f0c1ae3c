// Benchmark: Deluge at 10k and 100k torrents, diff=True with a key list (ours) against every key of every torrent each poll.

import { syncSuite } from "./sync-suite.ts";

/**
 * Runs the deluged daemon-RPC simulator (N torrents, 1% churn per poll) in one process and each
 * approach in another, so CPU and memory are the exporter's alone: ours asks
 * `core.get_torrents_status` with the mapping's key list and `diff=True` on its own connection
 * and serves /metrics from state; the naive one asks for every key of every torrent (`[]`) on
 * every poll and every scrape.
 */
export const delugeSync = syncSuite({
  client: "deluge",
  description:
    "deluged 2.0.3 daemon-RPC SIMULATOR (TLS, Deluge framing, zlib, rencode, per-connection diff state), 1% churn per poll; exporter and simulator in separate processes",
  approaches: { ours: "diff", baseline: "all-keys", label: "naive" },
  // Steady-state polls every 2 s, quick run or not, where the other suites poll every 10 s.
  steadyIntervalMs: 2000,
  bytesGoal: { than: "all keys", atLeast: 20 },
});
