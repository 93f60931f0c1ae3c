// Benchmark: Deluge at 10k and 100k torrents, changed-only polls (ours) against every key of every torrent each poll.

import type { SyncChildResult } from "./sync-child.ts";
import { syncSuite } from "./sync-suite.ts";

/** seedwatch's default poll interval, and the Deluge source's default full-list period. */
const POLL_SECONDS = 10;
const FULL_LIST_SECONDS = 300;

/**
 * Our bytes per poll over a 10-minute run at the default interval: 60 polls, two of them full
 * lists (at 0 and 5 min), each costing what the first poll did (which also fetched the announce
 * lists a later full one does not: this overstates).
 */
function amortizedBytes(ours: SyncChildResult): number {
  const polls = 600 / POLL_SECONDS;
  const fulls = 600 / FULL_LIST_SECONDS;
  return ((polls - fulls) * ours.pollBytes + fulls * ours.initialSyncBytes) / polls;
}

/**
 * Runs the deluged daemon-RPC simulator (N torrents, 1% of them moving payload, 0.05% of them
 * changing quietly each poll: paused, resumed, errored, finished, removed, added, tracker errors,
 * peers and labels) in one process and each approach in another, so CPU and memory are the
 * exporter's alone: ours polls the torrents that can have changed (Deluge's Active filter, by id
 * those its events named or that stopped moving) on its own connection, with a full list every
 * 5 minutes, and serves /metrics from state; the naive one asks for every key of every torrent
 * (`[]`) on every poll and every scrape.
 */
export const delugeSync = syncSuite({
  client: "deluge",
  description:
    "deluged 2.0.3 daemon-RPC SIMULATOR (TLS, Deluge framing, zlib, rencode, Active/id filters, per-torrent diff state per connection, torrent events), 1% of torrents moving, 0.05% changing quietly per poll; exporter and simulator in separate processes",
  approaches: { ours: "changed-only", baseline: "all-keys", label: "naive" },
  // Steady-state polls every 2 s, quick run or not, where the other suites poll every 10 s.
  steadyIntervalMs: 2000,
  extraColumns: (_n, ours, naive) => ({
    ours: { "bytes/poll amortized": amortizedBytes(ours) },
    baseline: { "bytes/poll amortized": naive.pollBytes },
    ratios: { "bytes/poll amortized: naive / ours": naive.pollBytes / amortizedBytes(ours) },
  }),
  bytesGoal: {
    than: "all keys, amortized over the full lists of a 10-minute run",
    atLeast: 20,
    ours: (_n, ours) => amortizedBytes(ours),
    note: (_n, ours, naive) => `; ${(naive.pollBytes / ours.pollBytes).toFixed(0)}x a steady poll`,
  },
});
