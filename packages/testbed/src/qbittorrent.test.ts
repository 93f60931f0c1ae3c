// Tests of startQbittorrent against Debian's real qbittorrent-nox: config, adding, auth, restart, SIGSTOP.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "./daemon.ts";
import { type Opentracker, startOpentracker } from "./opentracker.ts";
import { type Qbittorrent, type QbittorrentTorrent, startQbittorrent } from "./qbittorrent.ts";
import { type GeneratedTorrent, makeTorrents } from "./torrents.ts";

async function login(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/v2/auth/login`, {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

describe("startQbittorrent", { timeout: 180_000 }, () => {
  let qb: Qbittorrent;
  let tracker: Opentracker;
  let dir: { path: string; remove(): Promise<void> };
  let paused: GeneratedTorrent[];
  let seeding: GeneratedTorrent[];
  const byHash = async () =>
    new Map(
      (await qb.api<QbittorrentTorrent[]>("torrents/info")).map((torrent) => [
        torrent.hash,
        torrent,
      ]),
    );

  before(async () => {
    dir = await tempDir("qbittorrent-test");
    tracker = await startOpentracker();
    const announce = [tracker.announceUrl("a1b2c3d4e5f6")];
    paused = await makeTorrents({ dir: dir.path, count: 3, announce, prefix: "paused" });
    seeding = await makeTorrents({ dir: dir.path, count: 2, announce, prefix: "seeding" });
    await tracker.allow(seeding.map((torrent) => torrent.infoHash));
    qb = await startQbittorrent({ password: "correct horse" });
  });
  after(async () => {
    await qb?.stop();
    await tracker?.stop();
    await dir?.remove();
  });

  it("starts on loopback with the configured preferences", async () => {
    assert.equal(qb.url, `http://127.0.0.1:${qb.webuiPort}`);
    assert.equal(await qb.api("app/version"), "v4.5.2");
    const prefs = await qb.api<Record<string, unknown>>("app/preferences");
    assert.equal(prefs.listen_port, qb.peerPort);
    assert.equal(prefs.web_ui_port, qb.webuiPort);
    assert.equal(prefs.web_ui_address, "127.0.0.1");
    assert.equal(prefs.current_interface_address, "127.0.0.1");
    assert.equal(prefs.save_path, qb.saveDir);
    assert.equal(prefs.dht, false);
    assert.equal(prefs.lsd, false);
    assert.equal(prefs.pex, false);
    assert.equal(prefs.upnp, false);
    assert.equal(prefs.queueing_enabled, false);
    assert.equal(prefs.web_ui_max_auth_fail_count, 0);
  });

  it("adds torrents with their hash, category and tags", async () => {
    await qb.addTorrents(paused, { paused: true, category: "movies", tags: ["alpha", "beta"] });
    const seen = await byHash();
    for (const torrent of paused) {
      const entry = seen.get(torrent.infoHash);
      assert.ok(entry, `${torrent.name} is listed under its hash`);
      assert.equal(entry.name, torrent.name);
      assert.equal(entry.category, "movies");
      assert.equal(entry.tags, "alpha, beta");
      assert.equal(entry.size, torrent.size);
      assert.equal(entry.state, "pausedDL");
    }
    assert.equal((await qb.waitForTorrents(3)).length, 3);
  });

  it("seeds torrents whose payload is in the save path, and announces them", async () => {
    await qb.addTorrents(seeding, {
      savepath: (seeding[0] as GeneratedTorrent).payloadDir,
      tags: ["seed"],
    });
    assert.equal((await qb.waitForTorrents(5)).length, 5);
    const announced = await waitSeeding(
      qb,
      seeding.map((torrent) => torrent.infoHash),
    );
    for (const entry of announced) {
      assert.equal(entry.progress, 1);
      assert.equal(entry.tracker, tracker.announceUrl("a1b2c3d4e5f6"));
    }
    assert.equal((await tracker.counts()).seeds, 2);
  });

  it("refuses a wrong password, and never bans with maxAuthFailures 0", async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      assert.deepEqual(await login(qb.url, "admin", "wrong"), { status: 200, body: "Fails." });
    }
    assert.deepEqual(await login(qb.url, "admin", "correct horse"), { status: 200, body: "Ok." });
    const anonymous = await fetch(`${qb.url}/api/v2/torrents/info`);
    await anonymous.arrayBuffer();
    assert.equal(anonymous.status, 403);
  });

  it("hangs on SIGSTOP and answers again on SIGCONT", async () => {
    qb.daemon.signal("SIGSTOP");
    try {
      await assert.rejects(
        fetch(`${qb.url}/api/v2/app/version`, { signal: AbortSignal.timeout(1000) }),
        { name: "TimeoutError" },
      );
    } finally {
      qb.daemon.signal("SIGCONT");
    }
    assert.equal(await qb.api("app/version"), "v4.5.2");
  });

  it("keeps its torrents, ports and password across a restart", async () => {
    const before = await byHash();
    const oldPid = qb.daemon.pid;
    await qb.restart();
    assert.notEqual(qb.daemon.pid, oldPid);
    await qb.waitForTorrents(5);
    const afterRestart = await byHash();
    assert.deepEqual([...afterRestart.keys()].sort(), [...before.keys()].sort());
    for (const torrent of paused) {
      assert.equal(afterRestart.get(torrent.infoHash)?.category, "movies");
      assert.equal(afterRestart.get(torrent.infoHash)?.tags, "alpha, beta");
    }
    assert.equal(
      (await qb.api<Record<string, unknown>>("app/preferences")).listen_port,
      qb.peerPort,
    );
    assert.deepEqual(await login(qb.url, "admin", "correct horse"), { status: 200, body: "Ok." });
  });

  it("bans an address after maxAuthFailures failed logins when asked to", async () => {
    const strict = await startQbittorrent({ interfaceAddress: "127.0.0.4", maxAuthFailures: 2 });
    try {
      assert.equal(strict.url, `http://127.0.0.4:${strict.webuiPort}`);
      assert.equal((await login(strict.url, "admin", "wrong")).body, "Fails.");
      assert.equal((await login(strict.url, "admin", "wrong")).body, "Fails.");
      assert.equal((await login(strict.url, "admin", strict.password)).status, 403);
    } finally {
      await strict.stop();
    }
  });

  it("rejects bad options and paths with a clear error", async () => {
    await assert.rejects(startQbittorrent({ interfaceAddress: "0.0.0.0" }), /IPv4 loopback/);
    await assert.rejects(startQbittorrent({ maxAuthFailures: -1 }), /maxAuthFailures must be/);
    await assert.rejects(startQbittorrent({ username: "a b" }), /username must be/);
    await assert.rejects(qb.api("../../etc"), /api path must look like/);
    await assert.rejects(qb.addTorrents([]), /non-empty array/);
  });
});

async function waitSeeding(qb: Qbittorrent, hashes: string[]): Promise<QbittorrentTorrent[]> {
  return waitFor(
    "the torrents to be checked, seeding and announced",
    async () => {
      const all = await qb.api<QbittorrentTorrent[]>("torrents/info");
      const mine = all.filter((torrent) => hashes.includes(torrent.hash));
      const done = mine.filter(
        (torrent) => ["uploading", "stalledUP"].includes(torrent.state) && torrent.tracker !== "",
      );
      return done.length === hashes.length ? done : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}
