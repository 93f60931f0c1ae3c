// Tests of startSwarm: real trackers and two real qBittorrents moving real bytes over loopback.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { QbittorrentTorrent } from "./qbittorrent.ts";
import { type Swarm, startSwarm } from "./swarm.ts";

describe("startSwarm", { timeout: 240_000 }, () => {
  let swarm: Swarm;

  before(async () => {
    swarm = await startSwarm({ torrents: 3, size: 192 * 1024 });
  });
  after(async () => {
    await swarm?.stop();
  });

  it("announces to two trackers on different loopback addresses, with passkeys", () => {
    assert.equal(swarm.trackers.length, 2);
    const [first, second] = swarm.announceUrls.map((url) => new URL(url));
    assert.equal(first?.hostname, "127.0.0.1");
    assert.equal(second?.hostname, "127.0.0.3");
    assert.notEqual(first?.searchParams.get("passkey"), second?.searchParams.get("passkey"));
    for (const url of [first, second])
      assert.match(url?.searchParams.get("passkey") ?? "", /^[0-9a-f]{32}$/);
    assert.equal(swarm.torrents.length, 3);
  });

  it("moves real bytes: the seeder uploaded and the leecher downloaded", async () => {
    const gave = await swarm.seeder.api<QbittorrentTorrent[]>("torrents/info");
    const got = await swarm.leecher.api<QbittorrentTorrent[]>("torrents/info");
    assert.ok(gave.reduce((sum, torrent) => sum + torrent.uploaded, 0) > 0);
    const done = got.filter((torrent) => torrent.progress === 1 && torrent.downloaded > 0);
    assert.ok(done.length >= 1);
    const transfer = await swarm.seeder.api<{ up_info_data: number }>("transfer/info");
    assert.ok(transfer.up_info_data > 0);
  });

  it("has each side's torrents under the right hash, category, tags and tracker", async () => {
    const expected = new Map(swarm.torrents.map((torrent, i) => [torrent.infoHash, i]));
    for (const [client, category, tags] of [
      [swarm.seeder, "seed", "seeder, swarm"],
      [swarm.leecher, "leech", "leecher, swarm"],
    ] as const) {
      const listed = await client.api<QbittorrentTorrent[]>("torrents/info");
      assert.deepEqual(listed.map((torrent) => torrent.hash).sort(), [...expected.keys()].sort());
      for (const torrent of listed) {
        assert.equal(torrent.category, category);
        assert.equal(torrent.tags, tags);
      }
    }
    const seeded = await swarm.seeder.api<QbittorrentTorrent[]>("torrents/info");
    for (const torrent of seeded) {
      const generated = swarm.torrents.find((t) => t.infoHash === torrent.hash);
      const trackerIndex = generated?.name.startsWith("swarm1-") ? 1 : 0;
      assert.equal(torrent.tracker, swarm.announceUrls[trackerIndex]);
    }
  });

  it("binds the leecher to 127.0.0.2, since libtorrent drops peers from its own address", async () => {
    assert.equal(new URL(swarm.leecher.url).hostname, "127.0.0.2");
    const prefs = await swarm.leecher.api<Record<string, unknown>>("app/preferences");
    assert.equal(prefs.current_interface_address, "127.0.0.2");
  });

  it("lets the trackers' own stats show the torrents", async () => {
    // Torrents alternate between the trackers: 3 torrents = 2 on the first, 1 on the second.
    const [first, second] = await Promise.all(swarm.trackers.map((tracker) => tracker.counts()));
    assert.equal(first?.torrents, 2);
    assert.equal(second?.torrents, 1);
    assert.ok((first?.seeds ?? 0) >= 2);
    assert.match(await (swarm.trackers[1]?.stats() ?? ""), /opentracker serving 1 torrents/);
  });

  it("rejects bad options with a clear error", async () => {
    await assert.rejects(startSwarm({ torrents: 0 }), /torrents must be an integer from 1 to 500/);
    await assert.rejects(startSwarm({ size: -1 }), /size must be/);
    await assert.rejects(startSwarm({ trackers: 3 as 2 }), /trackers must be 1 or 2/);
  });
});
