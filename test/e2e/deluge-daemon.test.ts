// seedwatch as a real process with real Deluges (daemon RPC and deluge-web) and a real Prometheus.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DelugeInstance } from "@seedwatch/testbed/deluge";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import type { GeneratedTorrent } from "@seedwatch/testbed/torrents";
import { DelugeSimulator } from "../../bench/simulators/deluge-simulator.ts";
import * as checks from "../support/client-checks.ts";
import {
  type DelugeSwarm,
  type DelugeTorrent,
  delugeStatusName,
  readDeluge,
  startDelugeSwarm,
} from "../support/deluge-swarm.ts";
import type { Samples } from "../support/exposition.ts";

/*
 * The seedwatch process with real Deluges: a seeder (daemon RPC, and the same daemon again
 * through its deluge-web) and a leecher on 127.0.0.2 that downloaded real bytes from it, two
 * real opentrackers, a target with a wrong password, and a daemon-RPC SIMULATOR standing in for a
 * broken deluged (garbage frames, a state no Deluge has), which no real daemon can be made to do.
 */

const PASSKEY = "c0ffeec0ffeec0ffeec0ffeec0ffee00";
const SIZE = 384 * 1024;
const SESSION = [
  "net.recv_payload_bytes",
  "net.sent_payload_bytes",
  "payload_upload_rate",
  "payload_download_rate",
  "net.sent_bytes",
  "net.recv_bytes",
  "dht.dht_nodes",
  "peer.num_peers_connected",
];

const GLOBAL = "global: { poll_interval: 1s, timeout: 2s, min_refresh_interval: 0s }\n";

function target(name: string, url: string, username: string, password: string, extra = "") {
  return `  - { name: ${name}, type: deluge, url: "${url}", username: "${username}", password: "${password}"${extra} }\n`;
}

/** A torrent of deluged's list in the terms of our labels; `tracker` is the announce host. */
function asClientTorrent(hash: string, t: DelugeTorrent, tracker: string): checks.ClientTorrent {
  return {
    hash,
    name: t.name,
    tracker,
    size: t.total_wanted,
    uploaded: t.total_uploaded,
    downloaded: t.all_time_download,
    status: delugeStatusName(t),
    category: t.label ?? "",
    trackerError: t.tracker_status.startsWith("Error"),
  };
}

describe("seedwatch with real Deluges (daemon RPC and deluge-web), real transfers and a real Prometheus", {
  timeout: 600_000,
}, () => {
  const stops: Array<() => Promise<void>> = [];
  let swarm: DelugeSwarm;
  let torrents: GeneratedTorrent[];
  let seeder: DelugeInstance;
  let leecher: DelugeInstance;
  let simulator: DelugeSimulator;
  let seedwatch: Seedwatch;

  before(async () => {
    swarm = await startDelugeSwarm({ counts: [2, 2], size: SIZE, passkey: PASSKEY, prefix: "e2e" });
    stops.push(swarm.stop);
    ({ torrents, seeder, leecher } = swarm);
    simulator = new DelugeSimulator({ torrents: 3, churn: 0 });
    const simUrl = await simulator.listen();
    stops.push(async () => simulator.close());
    simulator.misbehaviour = "garbage-frame";
    seedwatch = await startSeedwatch(
      GLOBAL +
        "targets:\n" +
        target("seeder", seeder.daemonUrl, seeder.username, seeder.password) +
        target("seeder-web", seeder.webUrl as string, seeder.username, seeder.webPassword) +
        target("leecher", leecher.daemonUrl, leecher.username, leecher.password) +
        target("wrongpass", leecher.daemonUrl, leecher.username, "not-the-password") +
        target("simulator", simUrl, "seedwatch", "sim-password"),
    );
    stops.push(() => seedwatch.remove());
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });

  it("exports exactly what each deluged reports, over both transports, and promtool accepts it", async () => {
    for (const [name, deluge, host] of [
      ["seeder", () => seeder, () => seeder.daemonUrl],
      ["seeder-web", () => seeder, () => seeder.webUrl as string],
      ["leecher", () => leecher, () => leecher.daemonUrl],
    ] as const) {
      await checks.compareWithClient(seedwatch, name, {
        read: () => readDeluge(deluge(), SESSION),
        same: (before, after) =>
          JSON.stringify([before.torrents, before.session]) ===
          JSON.stringify([after.torrents, after.session]),
        check: (m, _before, afterwards) => {
          const head = { name, client: "deluge", host: host() };
          const s = afterwards.session;
          checks.assertClientFigures(m, head, {
            downloaded: s["net.recv_payload_bytes"] as number,
            uploaded: s["net.sent_payload_bytes"] as number,
            uploadSpeed: s.payload_upload_rate as number,
            downloadSpeed: s.payload_download_rate as number,
          });
          assert.ok(
            Math.abs(m.value("pt_free_space_on_disk_bytes", head) - afterwards.free) <
              256 * 2 ** 20,
          );
          assert.equal(m.value("pt_session_net_bytes_sent_total", head), s["net.sent_bytes"]);
          assert.equal(m.value("pt_session_net_bytes_recv_total", head), s["net.recv_bytes"]);
          assert.equal(m.value("pt_session_dht_nodes", head), s["dht.dht_nodes"]);
          assert.equal(
            m.value("pt_session_peer_peers_connected", head),
            s["peer.num_peers_connected"],
          );
          assert.equal(m.has("pt_session_net_tcp_bytes_sent_total", head), false, "unfilled");
          const list = Object.entries(afterwards.torrents).map(([hash, t]) => {
            const tracker = swarm.announceHost(hash);
            if (t.tracker !== "") assert.equal(new URL(t.tracker).hostname, tracker);
            return asClientTorrent(hash, t, tracker);
          });
          checks.assertTorrentSeries(m, head, list);
          checks.assertTrackerAggregates(m, head, list);
          return true;
        },
        // An announce URL's path: the session catalog's dht.announce_count is a figure, not a URL.
        secrets: /passkey|\/announce|c0ffee/,
      });
    }
    const m = await checks.prober(seedwatch, "seeder")();
    assert.equal(m.value("pt_tracker_error_torrents", { tracker: "127.0.0.4" }), 1);
    assert.ok(m.value("pt_tracker_upload_bytes_total", { tracker: "127.0.0.3" }) >= 2 * SIZE);
    const leeched = await checks.prober(seedwatch, "leecher")();
    assert.equal(
      leeched.value("pt_tracker_download_bytes_total", { tracker: "127.0.0.1" }),
      2 * SIZE,
    );
  });

  it("is scraped by a real Prometheus that sees the three Deluge targets up and the broken ones down", async () => {
    await checks.assertPrometheusSees(
      seedwatch,
      "deluge",
      ["leecher", "seeder", "seeder-web"],
      ["simulator", "wrongpass"],
      [{ query: 'pt_tracker_torrents{name="seeder",tracker="127.0.0.1"}', value: 2 }],
    );
  });

  it("shows a wrong password as down, with a clear log line and no login storm", async () => {
    await checks.assertBackingOff(
      seedwatch,
      "wrongpass",
      /msg="target is down" target=wrongpass reason=auth err="deluge:\/\/127\.0\.0\.1:\d+: daemon\.login: BadLoginError: Password does not match"/,
      /not-the-password/,
    );
  });

  it("shows garbage frames as protocol errors, and a state no Deluge has as 10, logged once", async () => {
    const read = checks.prober(seedwatch, "simulator");
    const garbage = checks.assertDown(await read(), "protocol");
    assert.match(
      seedwatch.logs(),
      /target=simulator reason=protocol err="deluge:\/\/127\.0\.0\.1:\d+: corrupt zlib data/,
    );
    simulator.misbehaviour = "wrong-version";
    await checks.waitForSamples(
      "a frame of another protocol version counted",
      read,
      (r) => r.value("seedwatch_target_poll_errors_total", { reason: "protocol" }) > garbage,
      checks.THROUGH_BACKOFF,
    );
    simulator.misbehaviour = "none";
    simulator.setState(0, "Stopping");
    const m = await checks.waitForUp("the simulator to be up", read, checks.THROUGH_BACKOFF);
    const statuses = m
      .find("pt_tracker_torrent_status")
      .map((s) => s.value)
      .sort((a, b) => a - b);
    assert.deepEqual(statuses, [6, 6, 10], "two stalled seeds, one unknown state");
    for (let i = 0; i < 3; i++) await read();
    const logged = seedwatch
      .logs()
      .match(
        /unknown torrent state, exported as status 10 \(Undefined\)" target=simulator state=Stopping/g,
      );
    assert.equal(logged?.length, 1);
  });

  it("keeps the others up while the leecher hangs (SIGSTOP), and recovers when it runs again", async () => {
    await checks.assertHangAndRecovery(seedwatch, leecher.daemon, "leecher", [
      "seeder",
      "seeder-web",
    ]);
  });

  it("recovers from a leecher restart with sane counters: all-time totals kept, tracker counters never down", async () => {
    const read = checks.prober(seedwatch, "leecher");
    const downloaded = (m: Samples) =>
      m.find("pt_tracker_download_bytes_total").reduce((sum, x) => sum + x.value, 0);
    const before = await read();
    const total = downloaded(before);
    assert.equal(total, SIZE * torrents.length);
    await leecher.restart();
    // Scrape through the restart: deluged answers with a partial list at first.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const m = await read();
      if (m.value("pt_up") === 1) {
        assert.equal(
          m.value("seedwatch_target_torrents"),
          torrents.length,
          "none counted as removed",
        );
        assert.ok(downloaded(m) >= total, "a tracker counter never goes down");
        const complete = torrents.every(
          (t) =>
            m.value("pt_tracker_torrent_download_bytes_total", { torrent_hash: t.infoHash }) ===
            SIZE,
        );
        if (complete && downloaded(m) === total) break;
      }
      assert.ok(Date.now() < deadline, "the leecher never came back with its totals");
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const m = await read();
    assert.ok(
      m.value("pt_download_bytes_total") >= 0,
      "the session counter restarted with deluged",
    );
  });

  it("sees a torrent removed in Deluge and keeps its bytes with its tracker", async () => {
    const read = checks.prober(seedwatch, "leecher");
    const before = (await read()).value("pt_tracker_download_bytes_total", {
      tracker: "127.0.0.3",
    });
    const victim = torrents[3] as GeneratedTorrent;
    await leecher.rpc([{ method: "core.remove_torrent", args: [victim.infoHash, false] }]);
    const m = await checks.waitForSamples(
      "the removal to show",
      read,
      (r) => r.value("seedwatch_target_torrents") === torrents.length - 1,
    );
    assert.equal(m.has("pt_tracker_torrent", { torrent_hash: victim.infoHash }), false);
    assert.equal(m.value("pt_tracker_torrents", { tracker: "127.0.0.3" }), 1);
    assert.equal(
      m.value("pt_tracker_download_bytes_total", { tracker: "127.0.0.3" }),
      before,
      "bytes of a removed torrent stay with its tracker",
    );
  });
});
