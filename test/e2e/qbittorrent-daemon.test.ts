// seedwatch as a real process with real qBittorrents, a real tracker, real transfers and a real Prometheus.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { waitFor } from "@seedwatch/metrics/testing";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import * as checks from "../support/client-checks.ts";
import type { Samples } from "../support/exposition.ts";
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
  dl_info_speed: number;
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

/** A torrent of qBittorrent's list in the terms of our labels. */
function asClientTorrent(t: QbTorrent): checks.ClientTorrent {
  return {
    hash: t.hash,
    name: t.name,
    tracker: new URL(t.tracker).hostname,
    size: t.size,
    uploaded: t.uploaded,
    downloaded: t.downloaded,
    status: STATUS[t.state] ?? t.state,
    category: t.category,
  };
}

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
      await checks.compareWithClient(seedwatch, name, {
        read: async () => ({
          list: await qb.api<QbTorrent[]>("torrents/info"),
          server: (await qb.api<{ server_state: ServerState }>("sync/maindata")).server_state,
        }),
        same: (before, after) =>
          JSON.stringify(before.list) === JSON.stringify(after.list) &&
          (["alltime_dl", "alltime_ul", "up_info_speed", "dl_info_speed"] as const).every(
            (k) => before.server[k] === after.server[k],
          ),
        check: (m, before, { list }) => {
          const server = before.server;
          const head = { name, client: "qbittorrent", host: qb.url };
          checks.assertClientFigures(m, head, {
            downloaded: server.alltime_dl,
            uploaded: server.alltime_ul,
            uploadSpeed: server.up_info_speed,
            downloadSpeed: server.dl_info_speed,
          });
          // qBittorrent computes free space per session, at most every 30 s: its answers to our session
          // and to the test's own differ by whatever the disk gained or lost in between.
          assert.ok(
            Math.abs(m.value("pt_free_space_on_disk_bytes", head) - server.free_space_on_disk) <
              256 * 2 ** 20,
          );
          const torrents = list.map(asClientTorrent);
          assert.deepEqual(
            new Set(torrents.map((t) => t.tracker)),
            new Set(["127.0.0.1", "127.0.0.3"]),
          );
          checks.assertTorrentSeries(m, head, torrents);
          checks.assertTrackerAggregates(m, head, torrents);
          assert.ok(
            m.value("pt_upload_bytes_total", head) + m.value("pt_download_bytes_total", head) > 0,
            "real bytes moved",
          );
          return true;
        },
        secrets: /passkey|announce/,
      });
    }
  });

  it("serves downloader-exporter's family for the target that asks for it", async () => {
    const m = await checks.scrape(seedwatch);
    const head = {
      name: "seeder",
      client: "qbittorrent",
      version: "v4.5.2",
      host: swarm.seeder.url,
    };
    checks.assertDownloaderFamily(m, head, swarm.torrents.length, "leecher");
    assert.ok(m.value("downloader_upload_bytes_total", head) > 0);
    assert.equal(
      m.find("downloader_tracker_torrent_upload_bytes_total", head).length,
      swarm.torrents.length,
    );
  });

  it("is scraped by a real Prometheus that sees both qBittorrents up", async () => {
    await checks.assertPrometheusSees(
      seedwatch,
      "qbittorrent",
      ["leecher", "seeder"],
      ["impostor", "wrongpass"],
    );
  });

  it("shows a wrong password as down, with no login storm", async () => {
    await checks.assertBackingOff(
      seedwatch,
      "wrongpass",
      /msg="target is down" target=wrongpass reason=auth err="POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/auth\/login: qBittorrent rejected the username or password"/,
      /not-the-password/,
    );
  });

  it("shows garbage, truncated JSON and unknown states for what they are", async () => {
    const errors = checks.prober(seedwatch, "impostor");
    checks.assertDown(await errors(), "protocol");
    impostor.maindata = '{"rid":1,"full_update":true,"torrents":{"ab":{"name":"x","state":"uploadi';
    await checks.waitForSamples(
      "truncated JSON counted",
      errors,
      (r) => r.value("seedwatch_target_poll_errors_total", { reason: "protocol" }) >= 2,
    );
    impostor.maindata = JSON.stringify({
      rid: 1,
      full_update: true,
      server_state: { alltime_dl: 1, alltime_ul: 2 },
      torrents: { ["ab".repeat(20)]: { name: "odd", state: "brandNewState", size: 1 } },
    });
    const m = await checks.waitForUp("the impostor to be up", errors, checks.THROUGH_BACKOFF);
    assert.equal(m.value("pt_tracker_torrent_status", { torrent_name: "odd" }), 10);
    assert.match(
      seedwatch.logs(),
      /unknown torrent state, exported as status 10 \(Undefined\)" target=impostor state=brandNewState/,
    );
  });

  it("keeps the others up while one client hangs, and recovers when it answers again", async () => {
    await checks.assertHangAndRecovery(seedwatch, swarm.leecher.daemon, "leecher", ["seeder"]);
  });

  it("keeps per-tracker counters across a client restart, a torrent removal and its own restart", async () => {
    const read = checks.prober(seedwatch, "leecher");
    const counter = (m: Samples) =>
      m
        .find("pt_tracker_download_bytes_total", { name: "leecher" })
        .reduce((s, x) => s + x.value, 0);
    const before = counter(await read());
    assert.ok(before > 0);
    await swarm.leecher.restart();
    await checks.waitForUp("leecher up after its restart", read, { timeoutMs: 60_000 });
    assert.ok(counter(await read()) >= before, "a client restart never lowers a tracker counter");
    const victim = swarm.torrents[0]?.infoHash as string;
    await swarm.leecher.api("torrents/delete", { hashes: victim, deleteFiles: false });
    const m = await checks.waitForSamples(
      "the removal seen",
      read,
      (r) => r.value("seedwatch_target_torrents") === swarm.torrents.length - 1,
    );
    assert.ok(counter(m) >= before, "bytes of a removed torrent stay with its tracker");
    await seedwatch.restart();
    const again = await checks.waitForUp("seedwatch back with the leecher up", read);
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
    const good = `${GLOBAL}targets:\n${target("seeder", swarm.seeder)}${target("leecher", swarm.leecher)}`;
    await seedwatch.writeConfig(`${good}  - { name: broken, type: qbittorrent }\n`);
    seedwatch.daemon.signal("SIGHUP");
    const failed = await checks.waitForSamples(
      "the failed reload reported",
      () => checks.scrape(seedwatch),
      (m) => m.value("seedwatch_config_last_reload_successful") === 0,
    );
    assert.equal(failed.value("pt_up", { name: "seeder" }), 1, "the old config keeps running");
    assert.match(
      seedwatch.logs(),
      /configuration reload failed, keeping the running configuration/,
    );
    await seedwatch.writeConfig(good);
    const res = await fetch(`${seedwatch.url}/-/reload`, { method: "POST" });
    assert.equal(res.status, 200);
    const m = await checks.scrape(seedwatch);
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
    await seedwatch.writeConfig(
      "targets:\n  - { name: a, type: qbittorrent, url: nope, username: u }\n",
    );
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
          /seedwatch\.yml:2:5: targets\[0\]: qBittorrent needs username and password \(or password_file\), or api_key, or none of them where it asks this address for no login\n/,
        );
        return true;
      },
    );
  });
});
