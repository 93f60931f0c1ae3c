import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { assertPromtoolClean, startPrometheus, waitFor } from "@seedwatch/metrics/testing";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import { Samples } from "../support/exposition.ts";
import { type Impostor, startImpostor } from "../support/impostor.ts";

interface QbTorrent {
  hash: string;
  name: string;
  state: string;
  size: number;
  uploaded: number;
  downloaded: number;
  category: string;
  tracker: string;
}

interface ServerState {
  alltime_dl: number;
  alltime_ul: number;
  free_space_on_disk: number;
  up_info_speed: number;
}

const STATUS: Record<string, string> = {
  uploading: "Uploading",
  stalledUP: "Stalled",
  stalledDL: "Stalled",
  pausedUP: "Paused",
  pausedDL: "Paused",
  downloading: "Downloading",
  queuedUP: "Queued",
  checkingUP: "Checking",
  forcedUP: "Uploading",
};

function target(
  name: string,
  qb: { url: string; username: string; password: string },
  extra = "",
): string {
  return `  - { name: ${name}, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}"${extra} }\n`;
}

const GLOBAL = "global: { poll_interval: 1s, timeout: 2s, min_refresh_interval: 0s }\n";

describe("seedwatch with real qBittorrents, a real tracker, real transfers and a real Prometheus", {
  timeout: 600_000,
}, () => {
  let swarm: Swarm;
  let seedwatch: Seedwatch;
  let spare: Qbittorrent;
  let impostor: Impostor;

  before(async () => {
    swarm = await startSwarm({ torrents: 4, trackers: 2 });
    spare = await startQbittorrent();
    impostor = await startImpostor("{not json");
    seedwatch = await startSeedwatch(
      GLOBAL +
        "targets:\n" +
        target("seeder", swarm.seeder, ", compat: { downloader_exporter: true }") +
        target("leecher", swarm.leecher) +
        target("wrongpass", { ...spare, password: "not-the-password" }) +
        target("impostor", { url: impostor.url, username: "u", password: "p" }),
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await impostor?.close();
    await spare?.stop();
    await swarm?.stop();
  });

  it("exports exactly what each qBittorrent reports, and promtool accepts it", async () => {
    for (const [name, qb] of [
      ["seeder", swarm.seeder],
      ["leecher", swarm.leecher],
    ] as const) {
      // Transfers are over; compare once qBittorrent gives the same answer before and after our scrape.
      await waitFor(
        `${name} figures to match`,
        async () => {
          const serverState = async () =>
            (await qb.api<{ server_state: ServerState }>("sync/maindata")).server_state;
          const before = await qb.api<QbTorrent[]>("torrents/info");
          const server = await serverState();
          const scraped = await seedwatch.get(`/probe?target=${name}`);
          const afterwards = await qb.api<QbTorrent[]>("torrents/info");
          const serverAfter = await serverState();
          const keys = ["alltime_dl", "alltime_ul", "up_info_speed"] as const;
          if (JSON.stringify(before) !== JSON.stringify(afterwards)) return undefined;
          if (keys.some((k) => server[k] !== serverAfter[k])) return undefined;
          const m = new Samples(scraped.body);
          const head = { name, client: "qbittorrent", host: qb.url };
          assert.equal(m.value("pt_up", head), 1);
          assert.equal(m.value("pt_download_bytes_total", head), server.alltime_dl);
          assert.equal(m.value("pt_upload_bytes_total", head), server.alltime_ul);
          // qBittorrent computes free space per session, at most every 30 s: its answers to our session
          // and to the test's own differ by whatever the disk gained or lost in between.
          assert.ok(
            Math.abs(m.value("pt_free_space_on_disk_bytes", head) - server.free_space_on_disk) <
              256 * 2 ** 20,
          );
          assert.equal(m.value("pt_upload_speed_bytes", head), server.up_info_speed);
          assert.equal(m.value("pt_upload_speed", head), server.up_info_speed * 8);
          for (const t of afterwards) {
            const tracker = new URL(t.tracker).hostname;
            const labels = { ...head, torrent_hash: t.hash, torrent_name: t.name, tracker };
            assert.equal(m.value("pt_tracker_torrent", labels), 1);
            assert.equal(m.value("pt_tracker_torrent_size_bytes", labels), t.size);
            assert.equal(m.value("pt_tracker_torrent_upload_bytes_total", labels), t.uploaded);
            assert.equal(m.value("pt_tracker_torrent_download_bytes_total", labels), t.downloaded);
          }
          const trackers = new Set(afterwards.map((t) => new URL(t.tracker).hostname));
          assert.deepEqual(trackers, new Set(["127.0.0.1", "127.0.0.3"]));
          for (const tracker of trackers) {
            const mine = afterwards.filter((t) => new URL(t.tracker).hostname === tracker);
            const labels = { ...head, tracker };
            assert.equal(m.value("pt_tracker_torrents", labels), mine.length);
            assert.equal(
              m.value("pt_tracker_size_bytes", labels),
              mine.reduce((s, t) => s + t.size, 0),
            );
            assert.equal(
              m.value("pt_tracker_upload_bytes_total", labels),
              mine.reduce((s, t) => s + t.uploaded, 0),
            );
            assert.equal(
              m.value("pt_tracker_download_bytes_total", labels),
              mine.reduce((s, t) => s + t.downloaded, 0),
            );
            for (const state of new Set(mine.map((t) => t.state))) {
              const count = mine.filter((t) => t.state === state).length;
              const status = STATUS[state] ?? state;
              assert.equal(
                m.value("pt_torrents_count", {
                  ...labels,
                  status,
                  category: mine[0]?.category ?? "",
                }),
                count,
              );
            }
          }
          assert.ok(
            m.value("pt_upload_bytes_total", head) + m.value("pt_download_bytes_total", head) > 0,
            "real bytes moved",
          );
          assert.doesNotMatch(scraped.body, /passkey|announce/);
          await assertPromtoolClean(scraped.body);
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    }
  });

  it("serves downloader-exporter's family for the target that asks for it", async () => {
    const m = new Samples((await seedwatch.get("/metrics")).body);
    const head = {
      name: "seeder",
      client: "qbittorrent",
      version: "v4.5.2",
      host: swarm.seeder.url,
    };
    assert.equal(m.value("downloader_up", head), 1);
    assert.ok(m.value("downloader_upload_bytes_total", head) > 0);
    const counts = m.find("downloader_torrents_count", head);
    assert.equal(
      counts.reduce((s, c) => s + c.value, 0),
      swarm.torrents.length,
    );
    assert.ok(counts.every((c) => ["status", "category", "tracker"].every((k) => k in c.labels)));
    assert.equal(
      m.find("downloader_tracker_torrent_upload_bytes_total", head).length,
      swarm.torrents.length,
    );
    assert.equal(m.has("downloader_up", { name: "leecher" }), false);
  });

  it("is scraped by a real Prometheus that sees both qBittorrents up", async () => {
    const prometheus = await startPrometheus([
      { job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` },
    ]);
    try {
      await prometheus.waitUntilAllUp();
      const up = await waitFor("pt_up samples", async () => {
        const result = await prometheus.query("pt_up == 1");
        return result.length >= 2 ? result : undefined;
      });
      assert.deepEqual(up.map((r) => r.metric.name).sort(), ["leecher", "seeder"]);
      const down = await prometheus.query("pt_up == 0");
      assert.deepEqual(down.map((r) => r.metric.name).sort(), ["impostor", "wrongpass"]);
    } finally {
      await prometheus.stop();
    }
  });

  it("shows a wrong password as down, with no login storm", async () => {
    const first = new Samples((await seedwatch.get("/metrics")).body);
    for (let i = 0; i < 5; i++) await seedwatch.get("/metrics");
    const later = new Samples((await seedwatch.get("/metrics")).body);
    const labels = { name: "wrongpass", reason: "auth" };
    assert.equal(first.value("pt_up", { name: "wrongpass" }), 0);
    assert.equal(first.value("seedwatch_target_poll_errors_total", labels), 1);
    assert.equal(
      later.value("seedwatch_target_poll_errors_total", labels),
      1,
      "backing off: no new login per scrape",
    );
    assert.equal(
      later.has("pt_tracker_torrents", { name: "wrongpass" }),
      false,
      "nothing stale or made up",
    );
    assert.match(
      seedwatch.logs(),
      /msg="target is down" target=wrongpass reason=auth err="POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/auth\/login: qBittorrent rejected the username or password"/,
    );
    assert.doesNotMatch(seedwatch.logs(), /not-the-password/);
  });

  it("shows garbage, truncated JSON and unknown states for what they are", async () => {
    const errors = () => seedwatch.get("/probe?target=impostor").then((r) => new Samples(r.body));
    let m = await errors();
    assert.equal(m.value("pt_up"), 0);
    assert.ok(m.value("seedwatch_target_poll_errors_total", { reason: "protocol" }) >= 1);
    impostor.maindata = '{"rid":1,"full_update":true,"torrents":{"ab":{"name":"x","state":"uploadi';
    await waitFor("truncated JSON counted", async () =>
      (await errors()).value("seedwatch_target_poll_errors_total", { reason: "protocol" }) >= 2
        ? true
        : undefined,
    );
    impostor.maindata = JSON.stringify({
      rid: 1,
      full_update: true,
      server_state: { alltime_dl: 1, alltime_ul: 2 },
      torrents: { ["ab".repeat(20)]: { name: "odd", state: "brandNewState", size: 1 } },
    });
    m = await waitFor(
      "the impostor to be up",
      async () => {
        const r = await errors();
        return r.value("pt_up") === 1 ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    assert.equal(m.value("pt_tracker_torrent_status", { torrent_name: "odd" }), 10);
    assert.match(
      seedwatch.logs(),
      /unknown torrent state, exported as status 10 \(Undefined\)" target=impostor state=brandNewState/,
    );
  });

  it("keeps the others up while one client hangs, and recovers when it answers again", async () => {
    swarm.leecher.daemon.signal("SIGSTOP");
    try {
      const m = await waitFor("the hung client to be marked down", async () => {
        const r = new Samples((await seedwatch.get("/metrics")).body);
        return r.value("pt_up", { name: "leecher" }) === 0 ? r : undefined;
      });
      assert.equal(m.value("pt_up", { name: "seeder" }), 1);
      assert.ok(
        m.value("seedwatch_target_poll_errors_total", { name: "leecher", reason: "timeout" }) >= 1,
      );
      assert.equal(m.has("pt_tracker_torrents", { name: "leecher" }), false);
    } finally {
      swarm.leecher.daemon.signal("SIGCONT");
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

  it("keeps per-tracker counters across a client restart, a torrent removal and its own restart", async () => {
    const read = async () => new Samples((await seedwatch.get("/probe?target=leecher")).body);
    const counter = (m: Samples) =>
      m
        .find("pt_tracker_download_bytes_total", { name: "leecher" })
        .reduce((s, x) => s + x.value, 0);
    const before = counter(await read());
    assert.ok(before > 0);
    await swarm.leecher.restart();
    await waitFor(
      "leecher up after its restart",
      async () => ((await read()).value("pt_up") === 1 ? true : undefined),
      { timeoutMs: 60_000 },
    );
    assert.ok(counter(await read()) >= before, "a client restart never lowers a tracker counter");
    const victim = swarm.torrents[0]?.infoHash as string;
    await swarm.leecher.api("torrents/delete", { hashes: victim, deleteFiles: false });
    const m = await waitFor("the removal seen", async () => {
      const r = await read();
      return r.value("seedwatch_target_torrents") === swarm.torrents.length - 1 ? r : undefined;
    });
    assert.ok(counter(m) >= before, "bytes of a removed torrent stay with its tracker");
    await seedwatch.restart();
    const again = await waitFor("seedwatch back with the leecher up", async () => {
      const r = await read();
      return r.value("pt_up") === 1 ? r : undefined;
    });
    assert.ok(counter(again) >= before, "retired bytes survive seedwatch's own restart");
  });

  it("answers health, readiness, landing page, probe errors and a redacted /config", async () => {
    assert.equal((await seedwatch.get("/-/healthy")).status, 200);
    // Ready once every target's first poll is over (just after a restart it may not be yet).
    await waitFor("readiness", async () =>
      (await seedwatch.get("/-/ready")).status === 200 ? true : undefined,
    );
    const landing = await seedwatch.get("/targets");
    for (const name of ["seeder", "leecher", "wrongpass", "impostor"])
      assert.match(landing.body, new RegExp(`<td>${name}</td>`));
    assert.equal((await seedwatch.get("/probe")).status, 400);
    assert.equal((await seedwatch.get("/probe?target=nope")).status, 404);
    assert.equal((await seedwatch.get("/-/reload")).status, 405);
    const config = await seedwatch.get("/config");
    assert.equal(config.status, 200);
    assert.match(config.body, /password: <secret>/);
    for (const secret of [swarm.seeder.password, swarm.leecher.password, "not-the-password"]) {
      assert.equal(config.body.includes(secret), false, "a password leaked into /config");
    }
  });

  it("reloads on SIGHUP and POST /-/reload, and keeps running on a bad file", async () => {
    const good =
      GLOBAL + "targets:\n" + target("seeder", swarm.seeder) + target("leecher", swarm.leecher);
    await seedwatch.writeConfig(`${good}  - { name: broken, type: qbittorrent }\n`);
    seedwatch.daemon.signal("SIGHUP");
    const failed = await waitFor("the failed reload reported", async () => {
      const m = new Samples((await seedwatch.get("/metrics")).body);
      return m.value("seedwatch_config_last_reload_successful") === 0 ? m : undefined;
    });
    assert.equal(failed.value("pt_up", { name: "seeder" }), 1, "the old config keeps running");
    assert.match(
      seedwatch.logs(),
      /configuration reload failed, keeping the running configuration/,
    );
    await seedwatch.writeConfig(good);
    const res = await fetch(`${seedwatch.url}/-/reload`, { method: "POST" });
    assert.equal(res.status, 200);
    const m = new Samples((await seedwatch.get("/metrics")).body);
    assert.equal(m.value("seedwatch_config_last_reload_successful"), 1);
    assert.equal(m.has("pt_up", { name: "wrongpass" }), false, "a removed target is gone");
    assert.equal(m.value("pt_up", { name: "seeder" }), 1);
  });

  it("checks a config with --config.check", async () => {
    const run = promisify(execFile);
    const main = new URL("../../packages/exporter/src/main.ts", import.meta.url).pathname;
    const ok = await run(process.execPath, [
      main,
      `--config.file=${seedwatch.configFile}`,
      "--config.check",
    ]);
    assert.match(ok.stdout, /configuration is valid/);
    await seedwatch.writeConfig("targets:\n  - { name: a, type: qbittorrent, url: nope }\n");
    await assert.rejects(
      run(process.execPath, [main, `--config.file=${seedwatch.configFile}`, "--config.check"]),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(
          error.stderr,
          /seedwatch\.yml:2:40: targets\[0\]\.url: expected a URL such as http:\/\/127\.0\.0\.1:8080\n/,
        );
        assert.match(
          error.stderr,
          /seedwatch\.yml:2:5: targets\[0\]: qBittorrent needs username and password \(or password_file\), or api_key\n/,
        );
        return true;
      },
    );
  });
});
