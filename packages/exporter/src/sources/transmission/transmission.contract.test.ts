// Contract tests of the Transmission source against Debian's real transmission-daemon 3.00 and opentracker.

import assert from "node:assert/strict";
import { once } from "node:events";
import { readFile, rm } from "node:fs/promises";
import { type AddressInfo, connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { createSessionCounters, SESSION_METRIC as M } from "@seedwatch/metrics";
import { processState, tempDir, waitFor } from "@seedwatch/testbed";
import { makeCertificate } from "@seedwatch/testbed/certificates";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission, type Transmission } from "@seedwatch/testbed/transmission";
import { assertClientProcess } from "../../../../../test/support/process-truth.ts";
import { TORRENT_FIELD_KEYS } from "../../model/patch.ts";
import { TorrentStatus as S } from "../../model/status.ts";
import { TorrentTable } from "../../model/torrent-table.ts";
import { TrackerNamer, trackerHost } from "../../model/tracker.ts";
import {
  SourceAuthError,
  SourceBannedError,
  SourceConnectionError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import { TORRENT_FIELD_NAMES } from "./dialect.ts";
import { type TransmissionOptions, TransmissionSource } from "./index.ts";

interface TrTorrent {
  id: number;
  hashString: string;
  name: string;
  status: number;
  error: number;
  sizeWhenDone: number;
  percentDone: number;
  downloadedEver: number;
  uploadedEver: number;
  rateDownload: number;
  rateUpload: number;
  uploadRatio: number;
  labels: string[];
  addedDate: number;
  doneDate: number;
  secondsSeeding: number;
  downloadDir: string;
  peersSendingToUs: number;
  peersGettingFromUs: number;
  leftUntilDone: number;
  trackerStats: Array<{
    announce: string;
    hasAnnounced: boolean;
    lastAnnounceSucceeded: boolean;
  }>;
}

interface Stats {
  downloadSpeed: number;
  uploadSpeed: number;
  torrentCount: number;
  activeTorrentCount: number;
  pausedTorrentCount: number;
  "cumulative-stats": { uploadedBytes: number; downloadedBytes: number };
  "current-stats": { uploadedBytes: number; downloadedBytes: number; secondsActive: number };
}

/** The state table written out for the test, independently of the source's own mapping code. */
function expectedStatus(t: TrTorrent): number {
  if (t.error === 3) return S.Errored;
  const byStatus: Record<number, number> = {
    0: S.Paused,
    1: S.Checking,
    2: S.Checking,
    3: S.Queued,
    4: t.rateDownload > 0 ? S.Downloading : S.Stalled,
    5: S.Queued,
    6: t.rateUpload > 0 ? S.Uploading : S.Stalled,
  };
  return byStatus[t.status] ?? S.Undefined;
}

function sourceFor(tr: Transmission, extra: Partial<TransmissionOptions> = {}) {
  const session = createSessionCounters();
  const unknown: string[] = [];
  const source = new TransmissionSource(
    { url: tr.url, credentials: Credentials.login(tr.username, tr.password), ...extra },
    { target: "t", session, onUnknownState: (s) => unknown.push(s) },
  );
  return { source, session, unknown };
}

const signal = () => AbortSignal.timeout(10_000);
const namer = () => new TrackerNamer({ rename: {}, categoryAsTracker: false });
const FIELDS = [...TORRENT_FIELD_NAMES];

describe("Transmission source against real transmission-daemon 3.00", { timeout: 300_000 }, () => {
  let dir: { path: string; remove(): Promise<void> };
  let tracker: Opentracker;
  let tr: Transmission;
  let seeding: GeneratedTorrent[];
  let paused: GeneratedTorrent[];
  let extra: GeneratedTorrent[];
  /** Added first and removed before the restart test's restart, so that ids must shift. */
  let dropped: GeneratedTorrent[];
  const torrents = async () =>
    (await tr.rpc<{ torrents: TrTorrent[] }>("torrent-get", { fields: FIELDS })).torrents;

  before(async () => {
    dir = await tempDir("tr-contract");
    tracker = await startOpentracker();
    const announce = [tracker.announceUrl("SECRETPASSKEY0123")];
    seeding = await makeTorrents({ dir: dir.path, count: 3, announce, prefix: "seeding" });
    paused = await makeTorrents({ dir: dir.path, count: 2, announce, prefix: "paused" });
    extra = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "extra" });
    dropped = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "dropped" });
    const refused = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "unlisted" });
    const lost = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "lost" });
    await tracker.allow([...seeding, ...paused, ...extra, ...lost].map((t) => t.infoHash));
    tr = await startTransmission();
    const payload = (seeding[0] as GeneratedTorrent).payloadDir;
    await tr.addTorrents(seeding, { downloadDir: payload, labels: ["movies", "keep"] });
    await tr.addTorrents(paused, { paused: true, labels: ["tv"] });
    await tr.addTorrents(refused, { downloadDir: payload });
    const [gone] = await tr.addTorrents(lost, { downloadDir: payload });
    // A local error: the payload disappears and a verify finds nothing.
    await rm(join(payload, (lost[0] as GeneratedTorrent).name));
    await tr.rpc("torrent-verify", { ids: [gone?.id] });
    await waitFor(
      "announces and the local error to settle",
      async () => {
        const all = await torrents();
        const settled = all.filter(
          (t) =>
            t.status === 0 ||
            (t.trackerStats[0]?.hasAnnounced === true && (t.id !== gone?.id || t.error === 3)),
        );
        return settled.length === all.length ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });
  after(async () => {
    await tr?.stop();
    await tracker?.stop();
    await dir?.remove();
  });

  it("maps every torrent and total exactly as Transmission's own RPC reports them", async () => {
    const { source, session, unknown } = sourceFor(tr);
    try {
      const table = new TorrentTable(namer());
      for (let attempt = 0; ; attempt++) {
        const before = await torrents();
        const statsBefore = await tr.rpc<Stats>("session-stats");
        const freeBefore = (
          await tr.rpc<{ "size-bytes": number }>("free-space", { path: tr.downloadDir })
        )["size-bytes"];
        const result = await source.poll(signal());
        table.apply(result);
        const afterwards = await torrents();
        const statsAfter = await tr.rpc<Stats>("session-stats");
        const freeAfter = (
          await tr.rpc<{ "size-bytes": number }>("free-space", { path: tr.downloadDir })
        )["size-bytes"];
        const moving = (t: TrTorrent) => ({ ...t, secondsSeeding: 0 });
        const free = result.client.freeSpace ?? -1;
        const stable =
          JSON.stringify(before.map(moving)) === JSON.stringify(afterwards.map(moving)) &&
          JSON.stringify({ ...statsBefore, "current-stats": 0, "cumulative-stats": 0 }) ===
            JSON.stringify({ ...statsAfter, "current-stats": 0, "cumulative-stats": 0 }) &&
          free >= Math.min(freeBefore, freeAfter) &&
          free <= Math.max(freeBefore, freeAfter);
        if (!stable && attempt < 20) continue;
        assert.ok(stable, "Transmission never held still long enough to compare");
        assert.equal(table.size, afterwards.length);
        assert.equal(afterwards.length, 7);
        for (const t of afterwards) {
          const row = table.get(t.hashString);
          assert.ok(row, `torrent ${t.name} missing`);
          const was = before.find((b) => b.id === t.id) as TrTorrent;
          assert.equal(row.name, t.name);
          assert.equal(row.size, t.sizeWhenDone);
          assert.equal(row.progress, t.percentDone);
          assert.equal(row.uploaded, t.uploadedEver);
          assert.equal(row.downloaded, t.downloadedEver);
          assert.equal(row.uploadRate, t.rateUpload);
          assert.equal(row.downloadRate, t.rateDownload);
          assert.equal(row.ratio, t.uploadRatio < 0 ? -1 : t.uploadRatio);
          assert.equal(row.status, expectedStatus(t), t.name);
          assert.deepEqual(row.tags, t.labels);
          assert.equal(row.category, "");
          assert.equal(row.addedOn, t.addedDate);
          assert.equal(row.completedOn, t.doneDate);
          assert.equal(row.savePath, t.downloadDir);
          assert.equal(row.seeds, t.peersSendingToUs);
          assert.equal(row.leechers, t.peersGettingFromUs);
          assert.equal(row.left, t.leftUntilDone);
          assert.equal(row.started, t.status !== 0);
          assert.ok(row.seedingTime >= was.secondsSeeding && row.seedingTime <= t.secondsSeeding);
          const host = trackerHost(t.trackerStats[0]?.announce ?? "");
          assert.equal(host, "127.0.0.1");
          assert.equal(row.tracker, host, "the tracker label is the announce host, never the URL");
          const refused = t.error === 2;
          assert.equal(row.trackerError, refused, t.name);
          if (refused) assert.match(row.message, /not authorized for use with this tracker/);
        }
        const states = new Set(afterwards.map((t) => table.get(t.hashString)?.status));
        assert.deepEqual(states, new Set([S.Stalled, S.Paused, S.Errored]));
        assert.equal([...table.rows()].filter((r) => r.trackerError).length, 1);
        // The classes against Transmission's own counts (session-stats) and fields.
        const c = table.classes;
        assert.equal(c.total, statsAfter.torrentCount);
        assert.equal(c.stopped, statsAfter.pausedTorrentCount);
        assert.equal(c.started, statsAfter.activeTorrentCount);
        assert.equal(c.stopped, 3, "the two added paused, and the one its local error stopped");
        assert.equal(c.complete, afterwards.filter((t) => t.percentDone === 1).length);
        assert.equal(
          c.seeding,
          afterwards.filter((t) => t.status !== 0 && t.percentDone === 1).length,
        );
        assert.equal(
          table.sizes.left,
          afterwards.reduce((n, t) => n + t.leftUntilDone, 0),
        );
        assert.ok(table.sizes.left > 0, "the paused and the lost ones have bytes left");

        const version = (await tr.rpc<{ version: string }>("session-get", { fields: ["version"] }))
          .version;
        assert.equal(result.client.version, version);
        assert.equal(result.client.version, "3.00 (bb6b5a062e)");
        assert.equal(result.client.uploadedTotal, statsAfter["cumulative-stats"].uploadedBytes);
        assert.equal(result.client.downloadedTotal, statsAfter["cumulative-stats"].downloadedBytes);
        assert.equal(result.client.uploadRate, statsAfter.uploadSpeed);
        assert.equal(result.client.downloadRate, statsAfter.downloadSpeed);
        assert.equal(session.get(M.BW_TOTAL_UPLOADED), statsAfter["current-stats"].uploadedBytes);
        assert.equal(
          session.get(M.BW_TOTAL_DOWNLOADED),
          statsAfter["current-stats"].downloadedBytes,
        );
        assert.equal(session.get(M.BW_PAYLOAD_UPLOAD_RATE), statsAfter.uploadSpeed);
        assert.equal(session.get(M.BW_PAYLOAD_DOWNLOAD_RATE), statsAfter.downloadSpeed);
        const uptime = session.get(M.SES_UPTIME_SECS);
        assert.ok(
          uptime >= statsBefore["current-stats"].secondsActive &&
            uptime <= statsAfter["current-stats"].secondsActive,
        );
        assert.equal(session.isFilled(M.DHT_NODES), false, "Transmission's RPC has no DHT figure");
        assert.equal(session.isFilled(M.NET_NUM_CONNECTIONS), false);
        // The start is now minus secondsActive, read somewhere between the two session-stats.
        const start = result.client.engine?.startTimeSeconds ?? 0;
        const now = Date.now() / 1000;
        assert.ok(
          start >= now - statsAfter["current-stats"].secondsActive - 2 &&
            start <= now - statsBefore["current-stats"].secondsActive + 2,
          `start ${start}`,
        );
        assert.equal(
          result.client.engine?.openSockets,
          undefined,
          "no peer count in session-stats",
        );
        assert.equal(result.client.engine?.libraryVersion, undefined);
        // transmission-daemon's own start, as ps sees it, is the same second give or take.
        const process = await assertClientProcess("transmission", tr.url, tr.daemon.pid);
        assert.ok(Math.abs(process.startTimeSeconds - start) <= 3, `${process.startTimeSeconds}`);
        assert.deepEqual(unknown, []);
        break;
      }
      assert.doesNotMatch(JSON.stringify([...table.rows()]), /SECRETPASSKEY|announce/);
    } finally {
      await source.close();
    }
  });

  it("polls recently-active between full lists and maps removed ids to hashes", async () => {
    let offset = 0;
    const { source } = sourceFor(tr, { now: () => Date.now() + offset });
    try {
      const table = new TorrentTable(namer());
      const first = await source.poll(signal());
      table.apply(first);
      assert.equal(first.reset, true);
      assert.equal(
        source.traffic.requests,
        5,
        "409, session-stats, session-get, torrent-get, free-space",
      );
      const quiet = await source.poll(signal());
      assert.equal(source.lastPollWasFull, false);
      assert.equal(source.traffic.requests, 8, "then three requests per poll");
      table.apply(quiet);

      const ids = new Map((await torrents()).map((t) => [t.hashString, t.id]));
      const stopped = (seeding[1] as GeneratedTorrent).infoHash;
      await tr.rpc("torrent-stop", { ids: [ids.get(stopped)] });
      const [added] = await tr.addTorrents(extra, { paused: true });
      const removed = (paused[0] as GeneratedTorrent).infoHash;
      await tr.rpc("torrent-remove", { ids: [ids.get(removed)] });
      const changes = await source.poll(signal());
      const fresh = changes.patches.find((p) => p.hash === added?.hashString);
      assert.equal(fresh?.name, "extra-0");
      assert.equal(
        Object.keys(fresh ?? {}).length,
        TORRENT_FIELD_KEYS.length + 1,
        "a new torrent comes with its hash and every field",
      );
      assert.deepEqual(
        fresh?.trackerHosts,
        ["127.0.0.1"],
        "its trackers, asked for in a follow-up",
      );
      assert.equal(source.traffic.requests, 12, "session-stats, two torrent-gets, free-space");
      table.apply(changes);
      assert.equal(source.lastPollWasFull, false);
      assert.equal(changes.reset, false);
      assert.deepEqual(changes.removed, [removed]);
      assert.equal(table.get(removed), undefined);
      assert.equal(table.size, 7);
      // Transmission stops a torrent on its next tick: the stop shows in a recently-active poll.
      for (let i = 0; i < 20 && table.get(stopped)?.status !== S.Paused; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        table.apply(await source.poll(signal()));
        assert.equal(source.lastPollWasFull, false);
      }
      assert.equal(table.get(stopped)?.status, S.Paused, "a stop makes a torrent recently active");

      // Transmission 3.00 does not count a label edit as activity (rpcimpl.c sets editDate only),
      // so an idle torrent's new labels arrive with the next full list.
      const relabelled = (seeding[0] as GeneratedTorrent).infoHash;
      await tr.rpc("torrent-set", { ids: [ids.get(relabelled)], labels: ["archive"] });
      offset += 3_600_000;
      table.apply(await source.poll(signal()));
      assert.equal(source.lastPollWasFull, true);
      assert.deepEqual(table.get(relabelled)?.tags, ["archive"]);
    } finally {
      await source.close();
    }
  });

  it("shows a QUIET torrent's stop and start in the very next poll, with no full list", async () => {
    // No periodic full list in this test: only what a steady poll sees counts.
    const { source } = sourceFor(tr, { fullRefreshInterval: 3_600_000 });
    const table = new TorrentTable(namer());
    const poll = async () => table.apply(await source.poll(signal()));
    const recentIds = async () =>
      new Set(
        (
          await tr.rpc<{ torrents: Array<{ id: number }> }>("torrent-get", {
            ids: "recently-active",
            fields: ["id"],
          })
        ).torrents.map((t) => t.id),
      );
    try {
      await poll();
      const all = await torrents();
      const quiet = all.find((t) => t.status === 6 && t.error === 0) as TrTorrent;
      assert.ok(quiet, "a seeding torrent");
      // Quiet: out of Transmission's 60 s recently-active window (polling meanwhile, as a daemon).
      await waitFor(
        "the torrent to leave the recently-active window",
        async () => {
          await poll();
          return (await recentIds()).has(quiet.id) ? undefined : true;
        },
        { timeoutMs: 90_000, intervalMs: 5000 },
      );
      await poll();
      assert.equal(source.lastPollWasFull, false);
      assert.equal(table.get(quiet.hashString)?.status, S.Stalled);

      await tr.rpc("torrent-stop", { ids: [quiet.id] });
      await waitFor("Transmission to stop it", async () =>
        (await torrents()).find((t) => t.id === quiet.id)?.status === 0 ? true : undefined,
      );
      // What the sync relies on (libtransmission's source reads otherwise): 3.00 does make a
      // stopped torrent recently active, so no list of every torrent is needed to see it.
      assert.equal((await recentIds()).has(quiet.id), true, "a stop is activity in 3.00");
      await poll();
      assert.equal(table.get(quiet.hashString)?.status, S.Paused, "stopped, seen in the next poll");

      await tr.rpc("torrent-start", { ids: [quiet.id] });
      await waitFor("Transmission to start it", async () =>
        (await torrents()).find((t) => t.id === quiet.id)?.status === 6 ? true : undefined,
      );
      await poll();
      assert.equal(
        table.get(quiet.hashString)?.status,
        S.Stalled,
        "started, seen in the next poll",
      );
    } finally {
      await source.close();
    }
  });

  it("recovers when Transmission is killed and restarted: new ids, right removals, sane totals", async () => {
    const box = await startTransmission();
    const { source } = sourceFor(box);
    try {
      // Transmission numbers torrents from 1 in the order it loads them, at every start. The
      // first one (id 1) goes before the restart, so the three left (ids 2 to 4) cannot all keep
      // their ids whatever order they load in.
      await box.addTorrents(dropped, { paused: true });
      await box.addTorrents(paused, { paused: true });
      await box.addTorrents(extra, { paused: true });
      const table = new TorrentTable(namer());
      const first = await source.poll(signal());
      table.apply(first);
      await box.rpc("torrent-remove", { ids: [(dropped[0] as GeneratedTorrent).infoHash] });
      const afterDrop = await source.poll(signal());
      table.apply(afterDrop);
      assert.deepEqual(afterDrop.removed, [(dropped[0] as GeneratedTorrent).infoHash]);
      assert.equal(table.size, 3);
      const idsBefore = (
        await box.rpc<{ torrents: TrTorrent[] }>("torrent-get", { fields: ["id", "hashString"] })
      ).torrents;
      box.daemon.signal("SIGKILL");
      await box.restart();
      const idsAfter = (
        await box.rpc<{ torrents: TrTorrent[] }>("torrent-get", { fields: ["id", "hashString"] })
      ).torrents;
      assert.ok(
        idsAfter.some((t) => idsBefore.find((b) => b.hashString === t.hashString)?.id !== t.id),
        "the restart gave some torrent another id (else this test proves nothing)",
      );
      const again = await source.poll(signal());
      table.apply(again);
      assert.equal(source.lastPollWasFull, true, "the new session id means a full list");
      assert.equal(again.reset, false);
      assert.deepEqual(again.removed, []);
      assert.equal(table.size, 3);
      assert.ok((again.client.uploadedTotal ?? -1) >= (first.client.uploadedTotal ?? 0));
      assert.ok((again.client.downloadedTotal ?? -1) >= (first.client.downloadedTotal ?? 0));
      // The id table follows the new run: a removal now maps to the right hash.
      const victim = idsAfter.find(
        (t) => t.hashString === (paused[1] as GeneratedTorrent).infoHash,
      );
      await box.rpc("torrent-remove", { ids: [victim?.id] });
      const next = await source.poll(signal());
      table.apply(next);
      assert.equal(source.lastPollWasFull, false);
      assert.deepEqual(next.removed, [victim?.hashString]);
      assert.equal(table.size, 2);
      // Removal through the source (the removal API's path), by hash.
      const last = (extra[0] as GeneratedTorrent).infoHash;
      await source.remove([last], true, signal());
      const gone = await source.poll(signal());
      assert.deepEqual(gone.removed, [last]);
      const left = await box.rpc<{ torrents: TrTorrent[] }>("torrent-get", {
        fields: ["hashString"],
      });
      assert.deepEqual(
        left.torrents.map((t) => t.hashString),
        [(paused[0] as GeneratedTorrent).infoHash],
      );
    } finally {
      await source.close();
      await box.stop();
    }
  });

  it("fails with an auth error on a wrong password: one attempt per poll, no retry", async () => {
    const { source } = sourceFor(tr, {
      credentials: Credentials.login(tr.username, "not-it"),
    });
    try {
      for (let i = 0; i < 3; i++) {
        await assert.rejects(source.poll(signal()), (error: unknown) => {
          assert.ok(error instanceof SourceAuthError);
          assert.match(error.message, /rejected the username or password/);
          assert.doesNotMatch(error.message, /not-it/);
          return true;
        });
      }
      assert.equal(source.traffic.requests, 3);
      // Transmission counts failed logins itself: three polls, three attempts (this probe is the 4th).
      const probe = await fetch(tr.url, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from("admin:probe").toString("base64")}` },
        body: "{}",
      });
      assert.match(await probe.text(), /4 unsuccessful login attempts/);
    } finally {
      await source.close();
    }
    // A good login resets Transmission's counter.
    const { source: good } = sourceFor(tr);
    await good.poll(signal());
    await good.close();
  });

  it("names the lock-out after 100 failed logins, and a missing password", async () => {
    const box = await startTransmission();
    const { source } = sourceFor(box);
    const anonymous = new TransmissionSource(
      { url: box.url },
      { target: "t", session: createSessionCounters(), onUnknownState: () => {} },
    );
    try {
      await assert.rejects(
        anonymous.poll(signal()),
        /requires a username and password \(HTTP 401\)/,
      );
      for (let i = 0; i < 100; i++) {
        const response = await fetch(box.url, {
          method: "POST",
          headers: { authorization: `Basic ${Buffer.from("admin:guess").toString("base64")}` },
          body: "{}",
        });
        await response.arrayBuffer();
      }
      await assert.rejects(source.poll(signal()), (error: unknown) => {
        assert.ok(error instanceof SourceBannedError);
        assert.match(error.message, /locked its RPC after too many failed logins/);
        return true;
      });
    } finally {
      await source.close();
      await anonymous.close();
      await box.stop();
    }
  });

  it("works without RPC auth, times out on a hung daemon and recovers", async () => {
    const box = await startTransmission({ auth: false });
    const source = new TransmissionSource(
      { url: box.url.replace("/transmission/rpc", "") },
      { target: "t", session: createSessionCounters(), onUnknownState: () => {} },
    );
    try {
      await box.addTorrents(paused.slice(0, 1), { paused: true });
      const first = await source.poll(signal());
      assert.equal(first.patches.length, 1);
      box.daemon.signal("SIGSTOP");
      // Stopped for sure (every thread), so nothing it answers afterwards can come from it.
      await waitFor("transmission-daemon to stop", async () =>
        (await processState(box.daemon.pid)) === "T" ? true : undefined,
      );
      await assert.rejects(source.poll(AbortSignal.timeout(1500)), SourceTimeoutError);
      box.daemon.signal("SIGCONT");
      const back = await source.poll(signal());
      assert.equal(back.client.version, "3.00 (bb6b5a062e)");
      // Where the poll stopped depends on the machine's load: hung before the list, the table
      // stays valid; hung after it, the next list starts over. Either way it says the truth.
      if (back.reset)
        assert.deepEqual(
          back.patches.map((p) => p.hash),
          [first.patches[0]?.hash],
        );
      else assert.deepEqual(back.patches, [], "nothing changed while it hung");
    } finally {
      box.daemon.signal("SIGCONT");
      await source.close();
      await box.stop();
    }
  });

  it("speaks HTTPS through a TLS front with a CA file, or when told to skip verification", async () => {
    const tls = await tempDir("tr-tls");
    const ca = await makeCertificate(tls.path, {
      name: "ca",
      commonName: "Seedbox CA",
      serial: "01",
      isCa: true,
    });
    const cert = await makeCertificate(tls.path, {
      name: "server",
      commonName: "127.0.0.1",
      serial: "02",
      subjectAltName: "IP:127.0.0.1",
      ca,
      usage: "serverAuth",
    });
    // TLS in front of the real daemon, as nginx or a seedbox provider would put it.
    const rpc = new URL(tr.url);
    const front = createTlsServer(
      { cert: await readFile(cert.cert), key: await readFile(cert.key) },
      (socket) => {
        const upstream = connect(Number(rpc.port), "127.0.0.1");
        socket.pipe(upstream).pipe(socket);
        socket.on("error", () => upstream.destroy());
        upstream.on("error", () => socket.destroy());
      },
    );
    front.listen(0, "127.0.0.1");
    await once(front, "listening");
    const url = `https://127.0.0.1:${(front.address() as AddressInfo).port}/transmission/rpc`;
    const trusting = sourceFor(tr, { url, tls: { caFile: ca.cert } }).source;
    const skipping = sourceFor(tr, { url, tls: { insecureSkipVerify: true } }).source;
    const strict = sourceFor(tr, { url }).source;
    try {
      assert.equal((await trusting.poll(signal())).patches.length, 7);
      assert.equal((await skipping.poll(signal())).client.version, "3.00 (bb6b5a062e)");
      await assert.rejects(strict.poll(signal()), (error: unknown) => {
        assert.ok(error instanceof SourceConnectionError);
        assert.match(error.message, /self-signed\? set tls\.ca_file, or tls\.insecure_skip_verify/);
        return true;
      });
    } finally {
      await trusting.close();
      await skipping.close();
      await strict.close();
      front.close();
      await tls.remove();
    }
  });
});
