// Contract test: the Deluge source against two real deluged trading real bytes.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  createSessionCounters,
  SESSION_METRIC as M,
  type SessionCounters,
} from "@seedwatch/metrics";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import type { GeneratedTorrent } from "@seedwatch/testbed/torrents";
import { statusCode } from "../../../../../test/support/client-checks.ts";
import {
  type DelugeSwarm,
  type DelugeTorrent,
  type DelugeTruth,
  delugeStatusName,
  readDeluge,
  startDelugeSwarm,
} from "../../../../../test/support/deluge-swarm.ts";
import { assertClientProcess } from "../../../../../test/support/process-truth.ts";
import { TorrentStatus as S } from "../../model/status.ts";
import { TorrentTable } from "../../model/torrent-table.ts";
import { TrackerNamer } from "../../model/tracker.ts";
import { SourceAuthError, SourceConnectionError, SourceTimeoutError } from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import type { PollResult } from "../source.ts";
import {
  DelugeSource,
  type DelugeSourceOptions,
  POLL_SESSION_KEYS,
  SESSION_MAPPING,
} from "./index.ts";

/*
 * The Deluge source against real daemons: two deluged 2.0.3 (a seeder on 127.0.0.1 with
 * deluge-web in front, a leecher on 127.0.0.2: libtorrent refuses peers from its own address)
 * trading real bytes, two real opentrackers, private torrents with passkeys. Every figure is
 * compared with what deluged itself says, through Deluge's own Python codec, at the same moment.
 */

const PASSKEY = "feedfacefeedfacefeedfacefeedface";
const SIZE = 512 * 1024;

function sourceFor(options: Partial<DelugeSourceOptions> & { url: string }) {
  const session = createSessionCounters();
  const unknown: string[] = [];
  const source = new DelugeSource(
    { credentials: Credentials.login("", ""), settleMs: 2000, ...options },
    { target: "t", session, onUnknownState: (s) => unknown.push(s) },
  );
  const table = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
  const poll = async (timeoutMs = 15_000) => {
    const result = await source.poll(AbortSignal.timeout(timeoutMs));
    table.apply(result);
    return result;
  };
  return { source, session, unknown, table, poll };
}

/** A source polling `deluge` over its daemon RPC, with the testbed's account. */
function daemonSource(deluge: DelugeInstance) {
  return sourceFor({
    url: deluge.daemonUrl,
    credentials: Credentials.login(deluge.username, deluge.password),
  });
}

/** A source polling `deluge` through its deluge-web, with the web password. */
function webSource(deluge: DelugeInstance) {
  return sourceFor({
    url: deluge.webUrl as string,
    credentials: Credentials.login(deluge.username, deluge.webPassword),
  });
}

/**
 * Polls until deluged's answer is the same before and after the poll (bytes and rates move),
 * then checks every torrent, the client figures and the session counters against it.
 */
async function assertMatches(
  deluge: DelugeInstance,
  s: ReturnType<typeof sourceFor>,
  announceHost: (hash: string) => string,
): Promise<void> {
  let compared = false;
  for (let attempt = 0; attempt < 80 && !compared; attempt++) {
    // A burst of traffic (a restart's announces and peer handshakes) moves the counters for a
    // while: wait a little between tries rather than spending them all inside the burst.
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    const before = await readDeluge(deluge, POLL_SESSION_KEYS);
    const result = await s.poll();
    const afterwards = await readDeluge(deluge, POLL_SESSION_KEYS);
    const { free: _b, ...stableBefore } = before;
    const { free: _a, ...stableAfter } = afterwards;
    if (JSON.stringify(stableBefore) !== JSON.stringify(stableAfter)) continue;
    compareWith(afterwards, result, s.table, s.session, announceHost);
    compared = true;
  }
  assert.ok(compared, "deluged never held still long enough to compare");
  assert.deepEqual(s.unknown, []);
  assert.doesNotMatch(JSON.stringify([...s.table.rows()]), new RegExp(PASSKEY));
}

function compareWith(
  t: DelugeTruth,
  result: PollResult,
  table: TorrentTable,
  session: SessionCounters,
  announceHost: (hash: string) => string,
): void {
  assert.equal(table.size, Object.keys(t.torrents).length);
  for (const [hash, d] of Object.entries(t.torrents)) {
    const row = table.get(hash);
    assert.ok(row, `torrent ${hash} missing`);
    assert.equal(row.name, d.name);
    assert.equal(row.size, d.total_wanted);
    assert.equal(row.downloaded, d.all_time_download, "all-time download");
    assert.equal(row.uploaded, d.total_uploaded, "all-time upload");
    assert.equal(row.progress, d.progress / 100);
    assert.equal(row.downloadRate, d.download_payload_rate);
    assert.equal(row.uploadRate, d.upload_payload_rate);
    assert.equal(row.ratio, d.ratio);
    assert.equal(row.category, d.label ?? "");
    assert.equal(row.status, statusCode(delugeStatusName(d)), `${d.name}: ${d.state}`);
    assert.equal(row.addedOn, d.time_added);
    assert.equal(row.savePath, d.download_location);
    assert.equal(row.left, d.total_remaining, "total_remaining");
    assert.equal(row.files, d.num_files, "num_files");
    assert.equal(row.started, d.state !== "Paused");
    // The tracker that last answered, else the first of the announce list: its host, never the URL.
    const host = d.tracker === "" ? announceHost(hash) : new URL(d.tracker).hostname;
    assert.equal(row.tracker, host, `${d.name}: tracker identity`);
    assert.equal(row.trackerError, d.tracker_status.startsWith("Error"), d.tracker_status);
    assert.equal(
      row.message,
      d.message !== "OK"
        ? d.message
        : /^(Error|Warning)/.test(d.tracker_status)
          ? d.tracker_status
          : "",
    );
  }
  // The classes from deluged's own states and progress.
  const all = Object.values(t.torrents);
  const started = all.filter((d) => d.state !== "Paused");
  assert.equal(table.classes.total, all.length);
  assert.equal(table.classes.stopped, all.length - started.length);
  assert.equal(table.classes.seeding, started.filter((d) => d.progress === 100).length);
  assert.equal(table.classes.downloading, started.filter((d) => d.progress < 100).length);
  assert.equal(
    table.sizes.left,
    all.reduce((n, d) => n + d.total_remaining, 0),
  );
  assert.equal(
    table.sizes.files,
    all.reduce((n, d) => n + d.num_files, 0),
  );
  const c = result.client;
  assert.equal(c.version, "2.0.3");
  assert.equal(c.downloadedTotal, t.session["net.recv_payload_bytes"]);
  assert.equal(c.uploadedTotal, t.session["net.sent_payload_bytes"]);
  assert.equal(c.downloadRate, t.session.payload_download_rate);
  assert.equal(c.uploadRate, t.session.payload_upload_rate);
  // Free space moves with everything else on this disk: close, not equal.
  assert.ok(Math.abs((c.freeSpace ?? 0) - t.free) < 256 * 2 ** 20, `${c.freeSpace} vs ${t.free}`);
  // `deluged --version` of Debian 12's package: libtorrent 2.0.8.0.
  assert.equal(c.engine?.libraryVersion, "2.0.8.0");
  assert.equal(c.engine?.openSockets, t.session["peer.num_peers_connected"]);
  assert.equal(c.engine?.startTimeSeconds, undefined, "Deluge does not tell its start");
  for (const { slot, keys, scale = 1 } of SESSION_MAPPING) {
    const sum = keys.reduce((total, key) => total + (t.session[key] as number), 0);
    const expected = Math.round(sum * scale);
    assert.equal(session.get(slot), expected, `${keys.join("+")}`);
    assert.equal(session.isFilled(slot), true);
  }
  for (const slot of [M.NET_TCP_BYTES_SENT, M.DISK_CACHE_HITS, M.DHT_LOOKUPS, M.SES_UPTIME_SECS]) {
    assert.equal(session.isFilled(slot), false, "no exact libtorrent equivalent: left unfilled");
  }
}

describe("Deluge source against two real deluged 2.0.3 trading bytes", { timeout: 600_000 }, () => {
  let swarm: DelugeSwarm;
  const announceHost = (hash: string) => swarm.announceHost(hash);

  before(async () => {
    swarm = await startDelugeSwarm({
      counts: [2, 1],
      size: SIZE,
      passkey: PASSKEY,
      prefix: "swarm",
    });
  });
  after(async () => {
    await swarm?.stop();
  });

  it("maps the seeder exactly as deluged reports it, over the daemon RPC", async () => {
    const s = daemonSource(swarm.seeder);
    try {
      await assertMatches(swarm.seeder, s, announceHost);
      const dead = s.table.get(swarm.dead.infoHash);
      assert.equal(dead?.trackerError, true, "a refusing tracker is a tracker error");
      assert.equal(dead?.tracker, "127.0.0.4");
      assert.ok((s.table.trackers.get("127.0.0.1")?.uploaded ?? 0) > 0, "real bytes uploaded");
      assert.equal(s.table.trackers.get("127.0.0.3")?.torrents, 1);
      assert.equal(s.table.trackers.get("127.0.0.1")?.errors, 0);
      assert.equal(s.table.categories.get("seed")?.torrents, 3);
    } finally {
      await s.source.close();
    }
  });

  it("finds deluged's process by its daemon port, with the figures ps gives", async () => {
    await assertClientProcess("deluge", swarm.seeder.daemonUrl, swarm.seeder.daemon.pid);
    await assertClientProcess("deluge", swarm.leecher.daemonUrl, swarm.leecher.daemon.pid);
  });

  it("maps the leecher exactly as deluged reports it (all-time downloads)", async () => {
    const s = daemonSource(swarm.leecher);
    try {
      await assertMatches(swarm.leecher, s, announceHost);
      assert.equal(s.table.trackers.get("127.0.0.1")?.downloaded, 2 * SIZE);
      assert.equal(s.table.trackers.get("127.0.0.3")?.downloaded, SIZE);
    } finally {
      await s.source.close();
    }
  });

  it("through deluge-web: the web password, the daemon chosen by its account, the same figures", async () => {
    const web = swarm.seeder.webUrl as string;
    // deluge-web lists a decoy first ("nobody" at a dead port) and is connected to nothing yet.
    const lost = sourceFor({
      url: web,
      credentials: Credentials.login("ghost", swarm.seeder.webPassword),
    });
    await assert.rejects(lost.poll(), (error: unknown) => {
      assert.ok(error instanceof SourceConnectionError, String(error));
      assert.match(error.message, /lists no daemon with the account "ghost"/);
      assert.match(error.message, /nobody@127\.0\.0\.1:\d+/);
      return true;
    });
    await lost.source.close();

    const s = webSource(swarm.seeder);
    try {
      assert.equal(s.source.kind, "web");
      await assertMatches(swarm.seeder, s, announceHost);
      const again = await s.poll();
      assert.equal(again.reset, true, "deluge-web answers are always complete");
      // deluged's own address, to find its process rather than deluge-web's.
      assert.equal(again.client.engine?.engineUrl, swarm.seeder.daemonUrl);
      await assertClientProcess("deluge", swarm.seeder.daemonUrl, swarm.seeder.daemon.pid);
    } finally {
      await s.source.close();
    }
  });

  it("rejects a wrong password clearly over both transports, without the password", async () => {
    for (const url of [swarm.seeder.daemonUrl, swarm.seeder.webUrl as string]) {
      const s = sourceFor({
        url,
        credentials: Credentials.login(swarm.seeder.username, "not-the-pass-7e1"),
      });
      try {
        await assert.rejects(s.poll(), (error: unknown) => {
          assert.ok(error instanceof SourceAuthError, String(error));
          assert.match(error.message, /Password does not match|rejected the password/);
          assert.doesNotMatch(error.message, /not-the-pass-7e1/);
          return true;
        });
      } finally {
        await s.source.close();
      }
    }
  });

  it("polls incrementally: one full answer, then only changes; removals by absence", async () => {
    const s = daemonSource(swarm.seeder);
    try {
      const first = await s.poll();
      assert.equal(first.reset, true);
      assert.equal(first.patches.length, 4);
      const firstBytes = s.source.bytesReceived;
      const later = await s.poll();
      assert.equal(later.reset, false);
      assert.ok(
        s.source.bytesReceived - firstBytes < firstBytes / 2,
        `a diff poll (${s.source.bytesReceived - firstBytes} B) costs far less than the first (${firstBytes} B)`,
      );
      await swarm.seeder.rpc([{ method: "core.pause_torrent", args: [swarm.dead.infoHash] }]);
      const paused = await waitFor("the pause to show", async () => {
        const r = await s.poll();
        const p = r.patches.find((x) => x.hash === swarm.dead.infoHash);
        return p?.status === 8 ? r : undefined;
      });
      assert.equal(paused.reset, false);
      assert.ok(
        paused.patches.every((p) => Object.keys(p).length < 10),
        "a diff patch carries the changed fields only",
      );
      await s.source.remove([swarm.dead.infoHash], false, AbortSignal.timeout(15_000));
      const removed = await waitFor("the removal to show", async () => {
        const r = await s.poll();
        return r.removed.length > 0 ? r : undefined;
      });
      assert.deepEqual(removed.removed, [swarm.dead.infoHash]);
      assert.equal(s.table.size, 3);
      await assert.rejects(
        s.source.remove([swarm.dead.infoHash], false, AbortSignal.timeout(15_000)),
        /1 of 1 not removed/,
      );
    } finally {
      await swarm.seeder.addTorrents([swarm.dead]);
      await s.source.close();
    }
  });

  it("refuses a read-only account (level 1); a level-5 account sees only its own and shared torrents", async () => {
    const deluge = await startDeluged({
      labelPlugin: false,
      accounts: [
        { username: "reader", password: "reader-pass", level: 1 },
        { username: "normal", password: "normal-pass", level: 5 },
      ],
    });
    const reader = sourceFor({
      url: deluge.daemonUrl,
      credentials: Credentials.login("reader", "reader-pass"),
    });
    const normal = sourceFor({
      url: deluge.daemonUrl,
      credentials: Credentials.login("normal", "normal-pass"),
    });
    try {
      await assert.rejects(reader.poll(), (error: unknown) => {
        assert.ok(error instanceof SourceAuthError, String(error));
        assert.match(error.message, /auth level 1 is below the 5/);
        return true;
      });
      // Added by the testbed's admin account: owned by it, not shared.
      const [mine, other] = await deluge.addTorrents(swarm.torrents.slice(0, 2), { paused: true });
      await normal.poll();
      assert.equal(normal.table.size, 0, "Deluge hides other owners' torrents below level 10");
      await deluge.rpc([{ method: "core.set_torrent_options", args: [[mine], { shared: true }] }]);
      await normal.poll();
      assert.deepEqual(
        [...normal.table.rows()].map((r) => r.hash),
        [mine],
        `shared: seen; ${other} not`,
      );
    } finally {
      await reader.source.close();
      await normal.source.close();
      await deluge.stop();
    }
  });

  it("counts paused torrents with nothing on disk as deluged does: stopped, incomplete, every byte left", async () => {
    const deluge = await startDeluged({});
    const empty = await tempDir("deluge-empty");
    const s = daemonSource(deluge);
    try {
      await deluge.addTorrents(swarm.torrents.slice(0, 2), {
        paused: true,
        downloadLocation: empty.path,
      });
      await assertMatches(deluge, s, announceHost);
      assert.equal(s.table.classes.stopped, 2);
      assert.equal(s.table.classes.incomplete, 2);
      assert.equal(s.table.sizes.left, 2 * SIZE, "total_remaining");
      assert.equal(s.table.sizes.files, 2, "num_files");
    } finally {
      await s.source.close();
      await deluge.stop();
      await empty.remove();
    }
  });

  it("times out on a hung deluged (SIGSTOP) and recovers when it runs again", async () => {
    const s = daemonSource(swarm.leecher);
    try {
      await s.poll();
      swarm.leecher.daemon.signal("SIGSTOP");
      await assert.rejects(s.poll(1500), SourceTimeoutError);
      swarm.leecher.daemon.signal("SIGCONT");
      const back = await s.poll();
      assert.equal(back.client.version, "2.0.3");
      assert.equal(s.table.size, swarm.torrents.length);
    } finally {
      swarm.leecher.daemon.signal("SIGCONT");
      await s.source.close();
    }
  });

  it("survives a deluged restart: holds the partial list, keeps all-time totals, tracker bytes never drop", async () => {
    const s = daemonSource(swarm.leecher);
    try {
      await s.poll();
      const downloaded = () =>
        [...s.table.trackers.values()].reduce((sum, t) => sum + t.downloaded, 0);
      const before = downloaded();
      assert.equal(before, SIZE * swarm.torrents.length);
      await swarm.leecher.daemon.stop(15_000);
      await assert.rejects(s.poll(), SourceConnectionError);
      await swarm.leecher.restart();
      const restartedAt = Date.now();
      const results: PollResult[] = [];
      // Poll as a daemon would, checking every answer while deluged loads its torrents again.
      for (;;) {
        results.push(await s.poll());
        assert.equal(s.table.size, swarm.torrents.length, "never fewer: missing ones are held");
        assert.ok(downloaded() >= before, "a tracker counter never goes down");
        if (Date.now() - restartedAt > 5000 && downloaded() === before) break;
        assert.ok(Date.now() - restartedAt < 60_000, "the source never settled");
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(
        results.every((r) => r.removed.length === 0),
        "no torrent counted as removed",
      );
      assert.equal(downloaded(), before, "all-time totals came back as they were");
      await assertMatches(swarm.leecher, s, announceHost);
    } finally {
      await s.source.close();
    }
  });

  it("through deluge-web, reconnects it to a restarted deluged and holds the partial list too", async () => {
    const s = webSource(swarm.seeder);
    try {
      await s.poll();
      const count = s.table.size;
      const uploaded = () => [...s.table.trackers.values()].reduce((sum, t) => sum + t.uploaded, 0);
      const before = uploaded();
      assert.ok(before > 0);
      await swarm.seeder.restart();
      const restartedAt = Date.now();
      let up = 0;
      for (;;) {
        const result = await s.poll().catch((error: unknown) => error as Error);
        if (!(result instanceof Error)) {
          up++;
          assert.deepEqual(result.removed, [], "nothing counted as removed");
          assert.equal(s.table.size, count, "never fewer: missing ones are held");
          assert.ok(uploaded() >= before, "a tracker counter never goes down");
          if (up > 2 && Date.now() - restartedAt > 5000 && uploaded() === before) break;
        }
        assert.ok(Date.now() - restartedAt < 60_000, `never settled: ${String(result)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await assertMatches(swarm.seeder, s, announceHost);
    } finally {
      await s.source.close();
    }
  });
  it("shows a QUIET torrent's pause, resume, error, removal, addition and finish in the very next poll", async () => {
    const s = daemonSource(swarm.seeder);
    const leech = daemonSource(swarm.leecher);
    /** Waits until deluged's own answer for `hash` says so (or the torrent is gone: undefined). */
    const untilDeluge = (
      deluge: DelugeInstance,
      hash: string,
      what: string,
      ok: (t: DelugeTorrent | undefined) => boolean,
    ) =>
      waitFor(what, async () => {
        const t = (await readDeluge(deluge, [])).torrents[hash];
        return ok(t) ? { t } : undefined;
      });
    // On the seeder only, its tracker refusing: nothing ever moves.
    const quiet = swarm.dead.infoHash;
    const row = () => s.table.get(quiet);
    try {
      await s.poll();
      await s.poll();
      const active = (await swarm.seeder.rpc([
        { method: "core.get_torrents_status", args: [{ state: "Active" }, ["name"]] },
      ])) as [Record<string, unknown>];
      assert.equal(active[0][quiet], undefined, "the torrent is quiet: not in Deluge's Active");
      assert.equal(row()?.uploadRate, 0);

      // Each change: wait until deluged itself says it, then ONE poll must show it.
      await swarm.seeder.rpc([{ method: "core.pause_torrent", args: [[quiet]] }]);
      await untilDeluge(swarm.seeder, quiet, "paused", (t) => t?.state === "Paused");
      let r = await s.poll();
      assert.equal(r.reset, false, "a changed-only poll");
      assert.equal(row()?.status, S.Paused, "paused, seen in the next poll");

      await swarm.seeder.rpc([{ method: "core.resume_torrent", args: [[quiet]] }]);
      const resumed = await untilDeluge(
        swarm.seeder,
        quiet,
        "resumed",
        (t) => t?.state === "Seeding",
      );
      await s.poll();
      assert.equal(row()?.status, statusCode(delugeStatusName(resumed.t as DelugeTorrent)));

      // A failed move of its storage (into /proc, which exists but takes no files, even from root)
      // puts a torrent in Deluge's forced Error state.
      await swarm.seeder.rpc([{ method: "core.move_storage", args: [[quiet], "/proc"] }]);
      const errored = await untilDeluge(
        swarm.seeder,
        quiet,
        "errored",
        (t) => t?.state === "Error",
      );
      await s.poll();
      assert.equal(row()?.status, S.Errored, "errored, seen in the next poll");
      assert.equal(row()?.message, (errored.t as DelugeTorrent).message);
      assert.notEqual(row()?.message, "");

      // A forced error of a failed move is cleared by a recheck (`restart_to_resume`), not a resume.
      await swarm.seeder.rpc([{ method: "core.force_recheck", args: [[quiet]] }]);
      const cleared = await untilDeluge(
        swarm.seeder,
        quiet,
        "error cleared",
        (t) => t?.state === "Seeding" && t.message === "OK",
      );
      await s.poll();
      assert.equal(row()?.status, S.Stalled);
      // Back to the refusing tracker's error.
      assert.equal(row()?.message, (cleared.t as DelugeTorrent).tracker_status);

      await swarm.seeder.rpc([{ method: "core.remove_torrent", args: [quiet, false] }]);
      await untilDeluge(swarm.seeder, quiet, "removed", (t) => t === undefined);
      r = await s.poll();
      assert.deepEqual(r.removed, [quiet], "removed, seen in the next poll");
      assert.equal(row(), undefined);

      await swarm.seeder.addTorrents([swarm.dead]);
      const back = await untilDeluge(swarm.seeder, quiet, "added", (t) => t?.state === "Seeding");
      await s.poll();
      assert.equal(row()?.name, (back.t as DelugeTorrent).name, "added, seen in the next poll");
      assert.equal(row()?.status, S.Stalled);

      // Finish: the leecher downloads one again from scratch; once deluged says Seeding, one poll.
      const again = swarm.torrents[1] as GeneratedTorrent;
      await leech.poll();
      await swarm.leecher.rpc([{ method: "core.remove_torrent", args: [again.infoHash, true] }]);
      await untilDeluge(
        swarm.leecher,
        again.infoHash,
        "removed from the leecher",
        (t) => t === undefined,
      );
      await leech.poll();
      assert.equal(leech.table.get(again.infoHash), undefined);
      await swarm.leecher.addTorrents([again], {
        downloadLocation: join(swarm.leecher.downloadDir, "again"),
      });
      const done = await untilDeluge(
        swarm.leecher,
        again.infoHash,
        "finished",
        (t) => t?.state === "Seeding" && t.progress === 100,
      );
      await leech.poll();
      const finished = leech.table.get(again.infoHash);
      assert.equal(finished?.progress, 1, "finished, seen in the next poll");
      assert.equal(finished?.status, statusCode(delugeStatusName(done.t as DelugeTorrent)));
      assert.ok((finished?.completedOn ?? 0) > 0);
      await assertMatches(swarm.seeder, s, announceHost);
      await assertMatches(swarm.leecher, leech, announceHost);
    } finally {
      await s.source.close();
      await leech.source.close();
    }
  });
});
