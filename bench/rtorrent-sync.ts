// Benchmark: rTorrent at 10k and 100k torrents, our reads of what may have changed (views, events) against every d.* field each poll.

import type { SyncChildResult } from "./sync-child.ts";
import { syncSuite } from "./sync-suite.ts";

/** Polls in a 10-minute cycle at the default 10 s interval: one of them reads the whole list. */
const POLLS_PER_CYCLE = 60;

/** Our mean bytes per poll over a cycle: 59 steady polls and one whole list (the first sync's). */
function cycleBytes(ours: SyncChildResult): number {
  return ((POLLS_PER_CYCLE - 1) * ours.pollBytes + ours.initialSyncBytes) / POLLS_PER_CYCLE;
}

/**
 * Our mean CPU per poll over a cycle, the whole list counted at the first sync's CPU (an upper
 * bound: that one also fills an empty table).
 */
function cycleCpuMs(ours: SyncChildResult): number {
  return ((POLLS_PER_CYCLE - 1) * ours.pollCpuMs + ours.initialSyncCpuMs) / POLLS_PER_CYCLE;
}

/**
 * Runs the rTorrent XML-RPC-over-SCGI simulator (N torrents, 1% churn per poll: a moving set of
 * about 2% of the torrents transfers, one change in ten is an event on a quiet torrent) in one
 * process and each approach in another, so CPU and memory are the exporter's alone. Ours is the
 * daemon's source: after the first whole list, each poll is one system.multicall reading the
 * erased hashes, the rows touched by events, the integers of the `hot` view (rates, peers, hash
 * checks) and the messages, plus the globals; the whole list again every 10 minutes (counted in
 * the cycle columns). The naive path asks for every `d.*` and `t.*` field of every torrent, reads
 * the whole answer into memory, and does so on every poll and every scrape.
 */
export const rtorrentSync = syncSuite({
  client: "rtorrent",
  description:
    "rTorrent 0.9.8 XML-RPC-over-SCGI SIMULATOR (views with filters and event handlers as rTorrent runs them, d.multicall2 with cat and nested t.multicall, xmlrpc-c's document shape), 1% churn per poll incl. events on quiet torrents; exporter and simulator in separate processes; 'cycle' = 59 steady polls + 1 whole list (10 min at 10 s)",
  approaches: { ours: "trimmed", baseline: "every-field", label: "naive" },
  extraColumns: (_torrents, ours, base) => ({
    ours: { "bytes/poll (cycle)": cycleBytes(ours), "CPU ms/poll (cycle)": cycleCpuMs(ours) },
    baseline: { "bytes/poll (cycle)": base.pollBytes, "CPU ms/poll (cycle)": base.pollCpuMs },
    ratios: {
      "bytes/poll (cycle): naive / ours": base.pollBytes / cycleBytes(ours),
      "CPU/poll (cycle): naive / ours": base.pollCpuMs / cycleCpuMs(ours),
    },
  }),
  // Counted over the cycle, periodic whole lists included.
  bytesGoal: {
    than: "every field, counting the periodic whole list",
    atLeast: 20,
    ours: (_torrents, ours) => cycleBytes(ours),
    note: (_torrents, ours, base) =>
      `; steady poll ${(base.pollBytes / ours.pollBytes).toFixed(0)}x, CPU ${ours.pollCpuMs.toFixed(1)} ms steady, ${cycleCpuMs(ours).toFixed(1)} ms over the cycle`,
  },
  // Ours streams the whole list and the naive path buffers it whole: the peak is where that shows.
  peakRssRatio: true,
  peakGoal: "the whole answer never in memory",
});
