// The qBittorrent simulator's removals and additions, read by the daemon's own qBittorrent source: what memory-curve's churn relies on.

import assert from "node:assert/strict";
import { test } from "node:test";
import { createSessionCounters } from "@seedwatch/metrics";
import { QbittorrentSimulator } from "../../bench/simulators/qbittorrent-simulator.ts";
import { TorrentTable } from "../../packages/exporter/src/model/torrent-table.ts";
import { TrackerNamer, trackerHost } from "../../packages/exporter/src/model/tracker.ts";
import { Credentials } from "../../packages/exporter/src/sources/credentials.ts";
import { QbittorrentSource } from "../../packages/exporter/src/sources/qbittorrent/index.ts";

test("torrents the simulator replaces leave the daemon's table, and the new ones enter it with their tracker", async () => {
  const simulator = new QbittorrentSimulator({ torrents: 200, churn: 0.05, replace: 0.02 });
  const url = await simulator.listen();
  const source = new QbittorrentSource(
    { url, credentials: Credentials.login("admin", "adminadmin") },
    { target: "t", session: createSessionCounters(), onUnknownState: () => {} },
  );
  const table = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
  try {
    const first = new Set(simulator.torrents().keys());
    let removedSeen = 0;
    for (let poll = 0; poll < 20; poll++) {
      const result = await source.poll(AbortSignal.timeout(10_000));
      removedSeen += result.removed.length;
      table.apply(result);
      // The answer is made before the next poll's churn: the table is the simulator's list now.
      const now = simulator.torrents();
      assert.equal(table.size, now.size, `poll ${poll}: torrents`);
      for (const [hash, announce] of now) {
        const row = table.get(hash);
        assert.ok(row, `poll ${poll}: torrent ${hash} missing`);
        assert.equal(row.tracker, trackerHost(announce), `poll ${poll}: tracker of ${hash}`);
      }
    }
    // 4 replaced a poll (2% of 200) after the first: 76 removals the daemon was told of.
    assert.equal(removedSeen, 76);
    // Spread over the list, not one slot over and over (a new torrent may be replaced again).
    const kept = [...simulator.torrents().keys()].filter((hash) => first.has(hash)).length;
    assert.ok(200 - kept >= 40, `only ${200 - kept} of the first torrents were replaced`);
  } finally {
    await source.close();
    simulator.close();
  }
});
