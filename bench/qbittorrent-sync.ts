// Benchmark: qBittorrent at 10k and 100k torrents, incremental maindata (ours) against the full list every poll.

import { syncSuite } from "./sync-suite.ts";

/**
 * Runs the qBittorrent Web API simulator (N torrents, 1% churn per poll) in one process and each
 * approach in another, so CPU and memory are the exporter's alone: ours polls sync/maindata with
 * its rid and serves /metrics from state; the baseline fetches torrents/info on every poll and on
 * every scrape, as most exporters do.
 */
export const qbittorrentSync = syncSuite({
  client: "qbittorrent",
  description:
    "qBittorrent Web API SIMULATOR (4.5.2 wire format, gzip when asked (seedwatch asks a client on loopback for none, the full-list approach for gzip as other exporters do), rid semantics), 1% churn per poll; exporter and simulator in separate processes",
  approaches: { ours: "incremental", baseline: "full-list", label: "full" },
  bytesGoal: { than: "the full list", atLeast: 20 },
});
