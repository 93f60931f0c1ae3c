// Benchmark: rTorrent at 10k and 100k torrents, the trimmed streamed d.multicall2 (ours) against every d.* field each poll.

import { syncSuite } from "./sync-suite.ts";

/**
 * Runs the rTorrent XML-RPC-over-SCGI simulator (N torrents, 1% churn per poll) in one process and
 * each approach in another, so CPU and memory are the exporter's alone. rTorrent has no change
 * feed, so both fetch every torrent on every poll: ours asks only for the fields the model uses
 * (integers packed into one string with `cat`), parses the answer as it streams in and diffs it
 * into changes, and serves /metrics from state; the naive path asks for every `d.*` and `t.*`
 * field, reads the whole answer into memory, and does so on every poll and every scrape.
 */
export const rtorrentSync = syncSuite({
  client: "rtorrent",
  description:
    "rTorrent 0.9.8 XML-RPC-over-SCGI SIMULATOR (d.multicall2 with cat and nested t.multicall, xmlrpc-c's document shape), 1% churn per poll; exporter and simulator in separate processes",
  approaches: { ours: "trimmed", baseline: "every-field", label: "naive" },
  // No change feed: fewer bytes can only come from asking less, and asking it compactly.
  bytesGoal: { than: "every field", atLeast: 2.5, digits: 1 },
  // Ours streams the answer and the naive path buffers it whole: the peak is where that shows.
  peakRssRatio: true,
  peakGoal: "the whole answer never in memory",
});
