import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertPromtoolClean, startPrometheus, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type RtorrentInstance, startRtorrent } from "@seedwatch/testbed/rtorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission, type Transmission } from "@seedwatch/testbed/transmission";
import { Samples } from "../support/exposition.ts";

// The four clients side by side behind one daemon and one real Prometheus, as a mixed seedbox
// farm would run: every target up, every torrent counted, under the same names and labels.
describe("all four clients behind one seedwatch and one Prometheus", { timeout: 300_000 }, () => {
  let dir: { path: string; remove(): Promise<void> };
  let qb: Qbittorrent;
  let tr: Transmission;
  let de: DelugeInstance;
  let rt: RtorrentInstance;
  let seedwatch: Seedwatch;
  const counts = { qb: 3, tr: 2, de: 2, rt: 2 };

  before(async () => {
    dir = await tempDir("all-clients");
    const torrents = await makeTorrents({
      dir: dir.path,
      count: 9,
      announce: ["http://127.0.0.1:6969/announce?passkey=0123456789abcdef"],
    });
    [qb, tr, de, rt] = await Promise.all([
      startQbittorrent(),
      startTransmission(),
      startDeluged(),
      startRtorrent({ transport: "tcp" }),
    ]);
    await qb.addTorrents(torrents.slice(0, 3), { paused: true, category: "mixed" });
    await tr.addTorrents(torrents.slice(3, 5), { paused: true });
    await de.addTorrents(torrents.slice(5, 7), { paused: true });
    await rt.addTorrents(torrents.slice(7, 9), { start: false });
    seedwatch = await startSeedwatch(
      "global: { poll_interval: 1s, min_refresh_interval: 0s }\ntargets:\n" +
        `  - { name: qb, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}" }\n` +
        `  - { name: tr, type: transmission, url: "${tr.url}", username: "${tr.username}", password: "${tr.password}" }\n` +
        `  - { name: de, type: deluge, url: "${de.daemonUrl}", username: "${de.username}", password: "${de.password}" }\n` +
        `  - { name: rt, type: rtorrent, url: "${rt.url}" }\n`,
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await Promise.all([qb?.stop(), tr?.stop(), de?.stop(), rt?.stop()]);
    await dir?.remove();
  });

  it("exports every client's torrents under the same families, promtool-clean", async () => {
    const m = await waitFor(
      "every target up with its torrents",
      async () => {
        const samples = new Samples((await seedwatch.get("/metrics")).body);
        const ready = Object.entries(counts).every(
          ([name, n]) =>
            samples.has("pt_up", { name }) &&
            samples.value("pt_up", { name }) === 1 &&
            samples.value("seedwatch_target_torrents", { name }) === n,
        );
        return ready ? samples : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const clients = { qb: "qbittorrent", tr: "transmission", de: "deluge", rt: "rtorrent" };
    for (const [name, n] of Object.entries(counts)) {
      const labels = { name, client: clients[name as keyof typeof clients] };
      assert.equal(
        m.find("pt_torrents_count", labels).reduce((s, x) => s + x.value, 0),
        n,
        `${name}: pt_torrents_count`,
      );
      assert.equal(m.find("pt_tracker_torrent", labels).length, n, `${name}: per-torrent series`);
      assert.equal(
        m.value("pt_tracker_torrents", { ...labels, tracker: "127.0.0.1" }),
        n,
        `${name}: tracker host, not URL`,
      );
      assert.ok(
        m.has("pt_free_space_on_disk_bytes", labels) || name === "rt",
        `${name}: free space`,
      );
    }
    assert.doesNotMatch((await seedwatch.get("/metrics")).body, /passkey/);
    await assertPromtoolClean((await seedwatch.get("/metrics")).body);
  });

  it("is scraped by one real Prometheus that sees the four clients up", async () => {
    const prometheus = await startPrometheus([
      { job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` },
    ]);
    try {
      await prometheus.waitUntilAllUp();
      const up = await waitFor("four pt_up samples", async () => {
        const result = await prometheus.query("pt_up == 1");
        return result.length === 4 ? result : undefined;
      });
      assert.deepEqual(up.map((r) => r.metric.client).sort(), [
        "deluge",
        "qbittorrent",
        "rtorrent",
        "transmission",
      ]);
      const total = await prometheus.query("sum(pt_tracker_torrents)");
      assert.equal(Number(total[0]?.value[1]), 9);
    } finally {
      await prometheus.stop();
    }
  });
});
