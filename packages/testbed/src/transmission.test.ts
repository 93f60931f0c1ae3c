// Tests of startTransmission against Debian's real transmission-daemon: RPC, adding, auth, restart.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "./daemon.ts";
import { type Opentracker, startOpentracker } from "./opentracker.ts";
import { type GeneratedTorrent, makeTorrents } from "./torrents.ts";
import { startTransmission, type Transmission } from "./transmission.ts";

interface TorrentRow {
  id: number;
  hashString: string;
  name: string;
  status: number;
  labels: string[];
  percentDone: number;
  downloadDir: string;
  trackerStats: Array<{ announce: string; lastAnnounceSucceeded: boolean }>;
}

const FIELDS = ["id", "hashString", "name", "status", "labels", "percentDone", "downloadDir"];

describe("startTransmission", { timeout: 180_000 }, () => {
  let tr: Transmission;
  let tracker: Opentracker;
  let dir: { path: string; remove(): Promise<void> };
  let paused: GeneratedTorrent[];
  let seeding: GeneratedTorrent[];
  const torrents = async (fields = FIELDS) =>
    (await tr.rpc<{ torrents: TorrentRow[] }>("torrent-get", { fields })).torrents;

  before(async () => {
    dir = await tempDir("transmission-test");
    tracker = await startOpentracker();
    const announce = [tracker.announceUrl("f00dfeed")];
    paused = await makeTorrents({ dir: dir.path, count: 3, announce, prefix: "paused" });
    seeding = await makeTorrents({ dir: dir.path, count: 2, announce, prefix: "seeding" });
    await tracker.allow(seeding.map((torrent) => torrent.infoHash));
    tr = await startTransmission({ password: "s3cret" });
  });
  after(async () => {
    await tr?.stop();
    await tracker?.stop();
    await dir?.remove();
  });

  it("starts on loopback with the queue off", async () => {
    assert.equal(tr.url, `http://127.0.0.1:${tr.rpcPort}/transmission/rpc`);
    const session = await tr.rpc("session-get");
    assert.equal(session.version, "3.00 (bb6b5a062e)");
    assert.equal(session["rpc-version"], 16);
    assert.equal(session["peer-port"], tr.peerPort);
    assert.equal(session["download-dir"], tr.downloadDir);
    assert.equal(session["download-queue-enabled"], false);
    assert.equal(session["dht-enabled"], false);
    assert.equal(session["utp-enabled"], false);
  });

  it("answers 409 with a session id to a request without one, and 401 to a wrong password", async () => {
    const body = JSON.stringify({ method: "session-stats" });
    const basic = (password: string) =>
      `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;
    const conflict = await fetch(tr.url, {
      method: "POST",
      headers: { authorization: basic("s3cret") },
      body,
    });
    await conflict.arrayBuffer();
    assert.equal(conflict.status, 409);
    const id = conflict.headers.get("x-transmission-session-id");
    assert.match(id ?? "", /^[A-Za-z0-9]{20,}$/);
    const wrong = await fetch(tr.url, {
      method: "POST",
      headers: { authorization: basic("wrong"), "x-transmission-session-id": id as string },
      body,
    });
    await wrong.arrayBuffer();
    assert.equal(wrong.status, 401);
  });

  it("adds torrents with their hash and labels", async () => {
    const added = await tr.addTorrents(paused, { paused: true, labels: ["alpha", "beta"] });
    assert.deepEqual(
      added.map((entry) => entry.hashString),
      paused.map((torrent) => torrent.infoHash),
    );
    const rows = new Map((await torrents()).map((row) => [row.hashString, row]));
    for (const torrent of paused) {
      const row = rows.get(torrent.infoHash);
      assert.ok(row, `${torrent.name} is listed under its hash`);
      assert.equal(row.name, torrent.name);
      assert.deepEqual(row.labels, ["alpha", "beta"]);
      assert.equal(row.status, 0);
      assert.equal(row.downloadDir, tr.downloadDir);
    }
  });

  it("verifies and seeds torrents whose payload is there, and announces them", async () => {
    await tr.addTorrents(seeding, { downloadDir: (seeding[0] as GeneratedTorrent).payloadDir });
    const hashes = new Set(seeding.map((torrent) => torrent.infoHash));
    const seeded = await waitFor(
      "Transmission to verify, seed and announce",
      async () => {
        const rows = (await torrents([...FIELDS, "trackerStats"])).filter((row) =>
          hashes.has(row.hashString),
        );
        const done = rows.filter(
          (row) => row.status === 6 && row.trackerStats[0]?.lastAnnounceSucceeded === true,
        );
        return done.length === hashes.size ? done : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    for (const row of seeded) {
      assert.equal(row.percentDone, 1);
      assert.equal(row.trackerStats[0]?.announce, tracker.announceUrl("f00dfeed"));
    }
    assert.equal((await tracker.counts()).seeds, 2);
  });

  it("keeps its torrents and labels across a restart", async () => {
    const before = (await torrents()).map((row) => row.hashString).sort();
    assert.equal(before.length, 5);
    const oldPid = tr.daemon.pid;
    await tr.restart();
    assert.notEqual(tr.daemon.pid, oldPid);
    const rows = await torrents();
    assert.deepEqual(rows.map((row) => row.hashString).sort(), before);
    for (const row of rows.filter((row) => row.name.startsWith("paused"))) {
      assert.deepEqual(row.labels, ["alpha", "beta"]);
    }
  });

  it("runs without RPC auth when asked to", async () => {
    const open = await startTransmission({ auth: false });
    try {
      const anonymous = await fetch(open.url, { method: "POST", body: '{"method":"session-get"}' });
      await anonymous.arrayBuffer();
      assert.equal(anonymous.status, 409);
      const id = anonymous.headers.get("x-transmission-session-id") as string;
      const answered = await fetch(open.url, {
        method: "POST",
        headers: { "x-transmission-session-id": id },
        body: '{"method":"session-get"}',
      });
      assert.equal(answered.status, 200);
      assert.equal(((await answered.json()) as { result: string }).result, "success");
      assert.equal((await open.rpc("session-get"))["rpc-version"], 16);
    } finally {
      await open.stop();
    }
  });

  it("reports RPC errors and rejects bad input with a clear error", async () => {
    await assert.rejects(
      tr.rpc("no-such-method"),
      /Transmission no-such-method: method name not recognized/,
    );
    await assert.rejects(tr.rpc("Bad Method"), /rpc method must look like/);
    await assert.rejects(tr.addTorrents([]), /non-empty array/);
    await assert.rejects(startTransmission({ username: "a:b" }), /username must be/);
  });
});
