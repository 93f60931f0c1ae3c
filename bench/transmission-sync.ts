// Benchmark: Transmission at 10k and 100k torrents, recently-active polls (ours) against a full torrent-get every poll.

import type { SyncChildResult } from "./sync-child.ts";
import { syncSuite } from "./sync-suite.ts";

/** seedwatch's default poll interval, and the source's full-list period (9 ms per torrent, 1-15 min). */
const POLL_SECONDS = 10;
const fullListSeconds = (torrents: number) => Math.min(900, Math.max(60, (torrents * 9) / 1000));

/** Our bytes per poll with the periodic full list spread over the polls between two of them. */
function amortizedBytes(torrents: number, ours: SyncChildResult): number {
  // A full list costs about what the first poll did; it comes every fullListSeconds.
  return ours.pollBytes + ours.initialSyncBytes * (POLL_SECONDS / fullListSeconds(torrents));
}

/**
 * Runs the Transmission RPC simulator (N torrents, 1% of them active per 10 s poll) in one process
 * and each approach in another, so CPU and memory are the exporter's alone: ours polls
 * `torrent-get` for recently-active torrents in the table format, streamed, with a full list
 * every few minutes; the baseline asks for every torrent (objects format) on every poll and every
 * scrape and parses the answer whole, as most Transmission exporters do. Our bytes per poll are
 * also given amortized over the periodic full list.
 */
export const transmissionSync = syncSuite({
  client: "transmission",
  description:
    "Transmission 3.00 RPC SIMULATOR (409 handshake, table/objects formats, recently-active with a 60 s window and removed ids, gzip), 1% of torrents active per 10 s poll, 0.05% changing quietly (stops, starts, removals, additions, tracker errors); exporter and simulator in separate processes",
  approaches: { ours: "incremental", baseline: "full-torrent-get", label: "full" },
  steadyIntervalMs: { quick: 2000, full: 10_000 },
  extraColumns: (n, ours, full) => ({
    ours: { "bytes/poll amortized": amortizedBytes(n, ours) },
    baseline: { "bytes/poll amortized": full.pollBytes },
    ratios: { "bytes/poll amortized: full / ours": full.pollBytes / amortizedBytes(n, ours) },
  }),
  bytesGoal: {
    than: "a full torrent-get, amortized over the periodic full lists",
    atLeast: 20,
    digits: 1,
    ours: (n, ours) => amortizedBytes(n, ours),
    note: (_n, ours, full) => `; ${(full.pollBytes / ours.pollBytes).toFixed(0)}x a steady poll`,
  },
  peakGoal: "the full list never in memory whole",
});
