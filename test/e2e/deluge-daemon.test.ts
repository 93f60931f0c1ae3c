import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertPromtoolClean, startPrometheus, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { DelugeSimulator } from "../../bench/simulators/deluge-simulator.ts";
import { Samples } from "../support/exposition.ts";

/*
 * The seedwatch process with real Deluges: a seeder (daemon RPC, and the same daemon again
 * through its deluge-web) and a leecher on 127.0.0.2 that downloaded real bytes from it, two
 * real opentrackers, a target with a wrong password, and a daemon-RPC SIMULATOR standing in for a
 * broken deluged (garbage frames, a state no Deluge has), which no real daemon can be made to do.
 */

const PASSKEY = "c0ffeec0ffeec0ffeec0ffeec0ffee00";
const SIZE = 384 * 1024;
const KEYS = [
  "name",
  "state",
  "total_wanted",
  "all_time_download",
  "total_uploaded",
  "label",
  "tracker",
  "tracker_status",
  "download_payload_rate",
  "upload_payload_rate",
];
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

interface Torrent {
  name: string;
  state: string;
  total_wanted: number;
  all_time_download: number;
  total_uploaded: number;
  label?: string;
  tracker: string;
  tracker_status: string;
  download_payload_rate: number;
  upload_payload_rate: number;
}

interface Truth {
  torrents: Record<string, Torrent>;
  session: Record<string, number>;
  free: number;
}

async function truth(deluge: DelugeInstance): Promise<Truth> {
  const [torrents, session, free] = (await deluge.rpc([
    { method: "core.get_torrents_status", args: [{}, KEYS] },
    { method: "core.get_session_status", args: [SESSION] },
    { method: "core.get_free_space" },
  ])) as [Record<string, Torrent>, Record<string, number>, number];
  return { torrents, session, free };
}

function statusName(t: Torrent): string {
  if (t.state === "Seeding") return t.upload_payload_rate > 0 ? "Uploading" : "Stalled";
  if (t.state === "Downloading") return t.download_payload_rate > 0 ? "Downloading" : "Stalled";
  return t.state === "Error" ? "Errored" : t.state;
}

const STATUS_CODES: Record<string, number> = {
  Uploading: 3,
  Downloading: 2,
  Stalled: 6,
  Paused: 8,
  Checking: 4,
  Errored: 5,
  Queued: 7,
};

const GLOBAL = "global: { poll_interval: 1s, timeout: 2s, min_refresh_interval: 0s }\n";

function target(name: string, url: string, username: string, password: string, extra = "") {
  return `  - { name: ${name}, type: deluge, url: "${url}", username: "${username}", password: "${password}"${extra} }\n`;
}

describe("seedwatch with real Deluges (daemon RPC and deluge-web), real transfers and a real Prometheus", {
  timeout: 600_000,
}, () => {
  const stops: Array<() => Promise<void>> = [];
  let trackers: Opentracker[];
  let torrents: GeneratedTorrent[];
  let dead: GeneratedTorrent;
  let seeder: DelugeInstance;
  let leecher: DelugeInstance;
  let simulator: DelugeSimulator;
  let seedwatch: Seedwatch;
  let trackerOf: (hash: string) => string;

  before(async () => {
    const dir = await tempDir("deluge-e2e");
    stops.push(dir.remove);
    trackers = [
      await startOpentracker({ host: "127.0.0.1" }),
      await startOpentracker({ host: "127.0.0.3" }),
    ];
    for (const t of trackers) stops.push(t.stop);
    torrents = [];
    for (const [i, tracker] of trackers.entries()) {
      const made = await makeTorrents({
        dir: join(dir.path, `t${i}`),
        count: 2,
        size: SIZE,
        announce: [tracker.announceUrl(PASSKEY)],
        prefix: `e2e${i}`,
      });
      await tracker.allow(made.map((t) => t.infoHash));
      torrents.push(...made);
    }
    [dead] = (await makeTorrents({
      dir: join(dir.path, "dead"),
      count: 1,
      announce: [`http://127.0.0.4:1/announce?passkey=${PASSKEY}`],
      prefix: "dead",
    })) as [GeneratedTorrent];
    trackerOf = (hash) =>
      hash === dead.infoHash
        ? "127.0.0.4"
        : torrents.slice(2).some((t) => t.infoHash === hash)
          ? "127.0.0.3"
          : "127.0.0.1";
    seeder = await startDeluged({ withWeb: true });
    stops.push(seeder.stop);
    leecher = await startDeluged({ peerAddress: "127.0.0.2" });
    stops.push(leecher.stop);
    await seeder.addTorrents(torrents, { label: "seed" });
    await seeder.addTorrents([dead]);
    await waitFor("the seeder to seed and announce", async () => {
      const t = await truth(seeder);
      const ready = torrents.filter(
        (x) =>
          t.torrents[x.infoHash]?.state === "Seeding" &&
          t.torrents[x.infoHash]?.tracker_status === "Announce OK",
      );
      return ready.length === torrents.length ? true : undefined;
    });
    await leecher.addTorrents(torrents, { downloadLocation: leecher.downloadDir, label: "leech" });
    await leecher.rpc(
      torrents.map((t) => ({
        method: "core.connect_peer",
        args: [t.infoHash, "127.0.0.1", seeder.peerPort],
      })),
    );
    await waitFor(
      "the leecher to download everything",
      async () => {
        const t = await truth(leecher);
        return torrents.every((x) => t.torrents[x.infoHash]?.all_time_download === SIZE)
          ? true
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
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
      await waitFor(
        `${name} figures to match`,
        async () => {
          const before = await truth(deluge());
          const scraped = await seedwatch.get(`/probe?target=${name}`);
          const afterwards = await truth(deluge());
          if (
            JSON.stringify([before.torrents, before.session]) !==
            JSON.stringify([afterwards.torrents, afterwards.session])
          )
            return undefined;
          const m = new Samples(scraped.body);
          const head = { name, client: "deluge", host: host() };
          const s = afterwards.session;
          assert.equal(m.value("pt_up", head), 1);
          assert.equal(m.value("pt_download_bytes_total", head), s["net.recv_payload_bytes"]);
          assert.equal(m.value("pt_upload_bytes_total", head), s["net.sent_payload_bytes"]);
          assert.equal(m.value("pt_upload_speed_bytes", head), s.payload_upload_rate);
          assert.equal(m.value("pt_upload_speed", head), (s.payload_upload_rate as number) * 8);
          assert.equal(m.value("pt_download_speed_bytes", head), s.payload_download_rate);
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
          const list = Object.entries(afterwards.torrents);
          for (const [hash, t] of list) {
            const tracker = trackerOf(hash);
            if (t.tracker !== "") assert.equal(new URL(t.tracker).hostname, tracker);
            const labels = { ...head, torrent_hash: hash, torrent_name: t.name, tracker };
            assert.equal(m.value("pt_tracker_torrent", labels), 1);
            assert.equal(m.value("pt_tracker_torrent_size_bytes", labels), t.total_wanted);
            assert.equal(
              m.value("pt_tracker_torrent_upload_bytes_total", labels),
              t.total_uploaded,
            );
            assert.equal(
              m.value("pt_tracker_torrent_download_bytes_total", labels),
              t.all_time_download,
            );
            assert.equal(m.value("pt_tracker_torrent_status", labels), STATUS_CODES[statusName(t)]);
          }
          for (const tracker of new Set(list.map(([hash]) => trackerOf(hash)))) {
            const mine = list.filter(([hash]) => trackerOf(hash) === tracker).map(([, t]) => t);
            const labels = { ...head, tracker };
            assert.equal(m.value("pt_tracker_torrents", labels), mine.length);
            assert.equal(
              m.value("pt_tracker_upload_bytes_total", labels),
              mine.reduce((sum, t) => sum + t.total_uploaded, 0),
            );
            assert.equal(
              m.value("pt_tracker_download_bytes_total", labels),
              mine.reduce((sum, t) => sum + t.all_time_download, 0),
            );
            assert.equal(
              m.value("pt_tracker_error_torrents", labels),
              mine.filter((t) => t.tracker_status.startsWith("Error")).length,
            );
            for (const status of new Set(mine.map(statusName))) {
              for (const category of new Set(mine.map((t) => t.label ?? ""))) {
                const count = mine.filter(
                  (t) => statusName(t) === status && (t.label ?? "") === category,
                ).length;
                if (count === 0) continue;
                assert.equal(m.value("pt_torrents_count", { ...labels, status, category }), count);
              }
            }
          }
          assert.doesNotMatch(scraped.body, /passkey|announce|c0ffee/);
          await assertPromtoolClean(scraped.body);
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    }
    const m = new Samples((await seedwatch.get("/probe?target=seeder")).body);
    assert.equal(m.value("pt_tracker_error_torrents", { tracker: "127.0.0.4" }), 1);
    assert.ok(m.value("pt_tracker_upload_bytes_total", { tracker: "127.0.0.3" }) >= 2 * SIZE);
    const leeched = new Samples((await seedwatch.get("/probe?target=leecher")).body);
    assert.equal(
      leeched.value("pt_tracker_download_bytes_total", { tracker: "127.0.0.1" }),
      2 * SIZE,
    );
  });

  it("is scraped by a real Prometheus that sees the three Deluge targets up and the broken ones down", async () => {
    const prometheus = await startPrometheus([
      { job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` },
    ]);
    try {
      await prometheus.waitUntilAllUp();
      const up = await waitFor("pt_up samples", async () => {
        const result = await prometheus.query('pt_up{client="deluge"} == 1');
        return result.length >= 3 ? result : undefined;
      });
      assert.deepEqual(up.map((r) => r.metric.name).sort(), ["leecher", "seeder", "seeder-web"]);
      const down = await prometheus.query('pt_up{client="deluge"} == 0');
      assert.deepEqual(down.map((r) => r.metric.name).sort(), ["simulator", "wrongpass"]);
      const torrents = await prometheus.query(
        'pt_tracker_torrents{name="seeder",tracker="127.0.0.1"}',
      );
      assert.equal(torrents[0]?.value[1], "2");
    } finally {
      await prometheus.stop();
    }
  });

  it("shows a wrong password as down, with a clear log line and no login storm", async () => {
    const first = new Samples((await seedwatch.get("/metrics")).body);
    for (let i = 0; i < 5; i++) await seedwatch.get("/metrics");
    const later = new Samples((await seedwatch.get("/metrics")).body);
    const labels = { name: "wrongpass", reason: "auth" };
    assert.equal(first.value("pt_up", { name: "wrongpass" }), 0);
    assert.equal(first.value("seedwatch_target_poll_errors_total", labels), 1);
    assert.equal(later.value("seedwatch_target_poll_errors_total", labels), 1, "backing off");
    assert.equal(later.has("pt_tracker_torrents", { name: "wrongpass" }), false);
    assert.match(
      seedwatch.logs(),
      /msg="target is down" target=wrongpass reason=auth err="deluge:\/\/127\.0\.0\.1:\d+: daemon\.login: BadLoginError: Password does not match"/,
    );
    assert.doesNotMatch(seedwatch.logs(), /not-the-password/);
  });

  it("shows garbage frames as protocol errors, and a state no Deluge has as 10, logged once", async () => {
    const read = async () => new Samples((await seedwatch.get("/probe?target=simulator")).body);
    let m = await read();
    assert.equal(m.value("pt_up"), 0);
    assert.ok(m.value("seedwatch_target_poll_errors_total", { reason: "protocol" }) >= 1);
    assert.match(
      seedwatch.logs(),
      /target=simulator reason=protocol err="deluge:\/\/127\.0\.0\.1:\d+: corrupt zlib data/,
    );
    const garbage = m.value("seedwatch_target_poll_errors_total", { reason: "protocol" });
    simulator.misbehaviour = "wrong-version";
    await waitFor(
      "a frame of another protocol version counted",
      async () =>
        (await read()).value("seedwatch_target_poll_errors_total", { reason: "protocol" }) > garbage
          ? true
          : undefined,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    simulator.misbehaviour = "none";
    simulator.setState(0, "Stopping");
    m = await waitFor(
      "the simulator to be up",
      async () => {
        const r = await read();
        return r.value("pt_up") === 1 ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
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
    leecher.daemon.signal("SIGSTOP");
    try {
      const m = await waitFor("the hung client to be marked down", async () => {
        const r = new Samples((await seedwatch.get("/metrics")).body);
        return r.value("pt_up", { name: "leecher" }) === 0 ? r : undefined;
      });
      assert.equal(m.value("pt_up", { name: "seeder" }), 1);
      assert.equal(m.value("pt_up", { name: "seeder-web" }), 1);
      assert.ok(
        m.value("seedwatch_target_poll_errors_total", { name: "leecher", reason: "timeout" }) >= 1,
      );
      assert.equal(m.has("pt_tracker_torrents", { name: "leecher" }), false, "nothing stale");
    } finally {
      leecher.daemon.signal("SIGCONT");
    }
    await waitFor(
      "the leecher back up",
      async () =>
        new Samples((await seedwatch.get("/metrics")).body).value("pt_up", { name: "leecher" }) ===
        1
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it("recovers from a leecher restart with sane counters: all-time totals kept, tracker counters never down", async () => {
    const read = async () => new Samples((await seedwatch.get("/probe?target=leecher")).body);
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
    const read = async () => new Samples((await seedwatch.get("/probe?target=leecher")).body);
    const before = (await read()).value("pt_tracker_download_bytes_total", {
      tracker: "127.0.0.3",
    });
    const victim = torrents[3] as GeneratedTorrent;
    await leecher.rpc([{ method: "core.remove_torrent", args: [victim.infoHash, false] }]);
    const m = await waitFor("the removal to show", async () => {
      const r = await read();
      return r.value("seedwatch_target_torrents") === torrents.length - 1 ? r : undefined;
    });
    assert.equal(m.has("pt_tracker_torrent", { torrent_hash: victim.infoHash }), false);
    assert.equal(m.value("pt_tracker_torrents", { tracker: "127.0.0.3" }), 1);
    assert.equal(
      m.value("pt_tracker_download_bytes_total", { tracker: "127.0.0.3" }),
      before,
      "bytes of a removed torrent stay with its tracker",
    );
  });
});
