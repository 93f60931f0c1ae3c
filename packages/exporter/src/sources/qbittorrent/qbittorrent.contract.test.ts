import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSessionCounters, SESSION_METRIC as M } from "@seedwatch/metrics";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import { assertClientProcess } from "../../../../../test/support/process-truth.ts";
import { TorrentStatus } from "../../model/status.ts";
import { TorrentTable } from "../../model/torrent-table.ts";
import { TrackerNamer, trackerHost } from "../../model/tracker.ts";
import { SourceAuthError, SourceTimeoutError } from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import type { PollResult } from "../source.ts";
import { QbittorrentSource } from "./index.ts";
import { QBITTORRENT_STATES } from "./states.ts";

interface QbTorrent {
  hash: string;
  name: string;
  state: string;
  size: number;
  progress: number;
  uploaded: number;
  downloaded: number;
  category: string;
  tags: string;
  tracker: string;
  added_on: number;
  amount_left: number;
}

/**
 * Our classes against qBittorrent's own filters of torrents/info (4.5: `paused`, `resumed`,
 * `completed`), and our bytes left against its `amount_left`.
 */
async function assertClassesMatch(qb: Qbittorrent, table: TorrentTable): Promise<void> {
  const count = async (filter: string) =>
    (await qb.api<QbTorrent[]>(`torrents/info?filter=${filter}`)).length;
  const all = await qb.api<QbTorrent[]>("torrents/info");
  const c = table.classes;
  assert.equal(c.total, all.length, "total: filter=all");
  assert.equal(c.stopped, await count("paused"), "stopped: filter=paused");
  assert.equal(c.started, await count("resumed"), "started: filter=resumed");
  assert.equal(c.complete, await count("completed"), "complete: filter=completed");
  assert.equal(c.incomplete, all.length - (await count("completed")));
  const completed = new Set(
    (await qb.api<QbTorrent[]>("torrents/info?filter=completed")).map((t) => t.hash),
  );
  const resumed = (await qb.api<QbTorrent[]>("torrents/info?filter=resumed")).map((t) => t.hash);
  assert.equal(c.seeding, resumed.filter((h) => completed.has(h)).length, "seeding");
  assert.equal(c.downloading, resumed.filter((h) => !completed.has(h)).length, "leeching");
  assert.equal(
    table.sizes.left,
    all.reduce((n, t) => n + t.amount_left, 0),
    "amount_left",
  );
}

function sourceFor(qb: Qbittorrent, password = qb.password) {
  const session = createSessionCounters();
  const unknown: string[] = [];
  const source = new QbittorrentSource(
    { url: qb.url, credentials: Credentials.login(qb.username, password) },
    { target: "t", session, onUnknownState: (s) => unknown.push(s) },
  );
  return { source, session, unknown };
}

describe("qBittorrent source against real qbittorrent-nox 4.5.2", { timeout: 300_000 }, () => {
  let swarm: Swarm;
  before(async () => {
    swarm = await startSwarm({ torrents: 4, trackers: 2 });
  });
  after(async () => {
    await swarm?.stop();
  });

  it("maps every torrent exactly as qBittorrent's own API reports it", async () => {
    const { source, session, unknown } = sourceFor(swarm.seeder);
    try {
      const table = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
      // Compare when qBittorrent's answer is the same before and after our poll (bytes keep moving).
      for (let attempt = 0; ; attempt++) {
        const before = await swarm.seeder.api<QbTorrent[]>("torrents/info");
        const beforeServer = (
          await swarm.seeder.api<{ server_state: Record<string, number> }>("sync/maindata")
        ).server_state;
        const result = await source.poll(AbortSignal.timeout(10_000));
        table.apply(result);
        const after = await swarm.seeder.api<QbTorrent[]>("torrents/info");
        const stable =
          JSON.stringify(before.map(stableFields)) === JSON.stringify(after.map(stableFields)) &&
          beforeServer.alltime_ul === result.client.uploadedTotal;
        if (!stable && attempt < 20) continue;
        assert.ok(stable, "qBittorrent never held still long enough to compare");
        assert.equal(table.size, after.length);
        for (const qb of after) {
          const row = table.get(qb.hash);
          assert.ok(row, `torrent ${qb.hash} missing`);
          assert.equal(row.name, qb.name);
          assert.equal(row.size, qb.size);
          assert.equal(row.uploaded, qb.uploaded);
          assert.equal(row.downloaded, qb.downloaded);
          assert.equal(row.progress, qb.progress);
          assert.equal(row.category, qb.category);
          assert.deepEqual(row.tags, qb.tags.split(", ").filter(Boolean));
          assert.equal(row.status, QBITTORRENT_STATES[qb.state]);
          assert.equal(row.addedOn, qb.added_on);
          assert.equal(
            row.tracker,
            trackerHost(qb.tracker),
            "tracker label is the announce host, never the URL",
          );
          assert.equal(row.trackerError, false);
        }
        await assertClassesMatch(swarm.seeder, table);
        assert.equal(result.client.version, "v4.5.2");
        assert.equal(result.client.downloadedTotal, beforeServer.alltime_dl);
        assert.ok((result.client.uploadedTotal ?? 0) > 0, "the seeder uploaded real bytes");
        assert.equal(typeof result.client.freeSpace, "number");
        assert.equal(session.get(M.BW_TOTAL_UPLOADED), beforeServer.up_info_data);
        assert.equal(
          session.isFilled(M.NET_BYTES_SENT),
          false,
          "qBittorrent reports no such figure: left unfilled",
        );
        assert.deepEqual(unknown, []);
        break;
      }
      assert.doesNotMatch(JSON.stringify([...table.rows()]), /passkey/);
    } finally {
      await source.close();
    }
  });

  it("reports its engine as qBittorrent's API does, and its process as ps does", async () => {
    const { source, session } = sourceFor(swarm.seeder);
    try {
      const build = await swarm.seeder.api<{ libtorrent: string }>("app/buildInfo");
      let compared = false;
      for (let attempt = 0; attempt < 20 && !compared; attempt++) {
        const server = async () =>
          (await swarm.seeder.api<{ server_state: Record<string, number> }>("sync/maindata"))
            .server_state;
        const before = await server();
        const { client } = await source.poll(AbortSignal.timeout(10_000));
        const after = await server();
        const fields = ["total_peer_connections", "total_queued_size", "queued_io_jobs"] as const;
        if (fields.some((f) => before[f] !== after[f])) continue;
        assert.equal(client.engine?.libraryVersion, build.libtorrent);
        assert.match(build.libtorrent, /^\d+\.\d+\.\d+/);
        assert.equal(client.engine?.openSockets, after.total_peer_connections);
        assert.equal(session.get(M.PEER_PEERS_CONNECTED), after.total_peer_connections);
        assert.equal(session.get(M.DISK_WRITE_BUFFER_BYTES), after.total_queued_size);
        assert.equal(client.engine?.startTimeSeconds, undefined, "qBittorrent does not tell it");
        compared = true;
      }
      assert.ok(compared, "qBittorrent never held still long enough to compare");
      await assertClientProcess("qbittorrent", swarm.seeder.url, swarm.seeder.daemon.pid);
    } finally {
      await source.close();
    }
  });

  it("keeps one session: one login for many polls, incremental answers after the first", async () => {
    const { source } = sourceFor(swarm.leecher);
    try {
      const first = await source.poll(AbortSignal.timeout(10_000));
      const polls: PollResult[] = [];
      for (let i = 0; i < 5; i++) polls.push(await source.poll(AbortSignal.timeout(10_000)));
      assert.equal(first.reset, true);
      assert.ok(
        polls.every((p) => !p.reset),
        "later polls are incremental",
      );
      assert.equal(source.traffic.logins, 1);
      assert.equal(source.traffic.requests, 9, "version + login + buildInfo + 6 maindata");
    } finally {
      await source.close();
    }
  });

  it("sees removals incrementally and starts over after qBittorrent restarts", async () => {
    const qb = await startQbittorrent();
    const { source } = sourceFor(qb);
    try {
      await qb.addTorrents(swarm.torrents.slice(0, 2), {
        paused: true,
        category: "c1",
        tags: ["a"],
      });
      const full = await source.poll(AbortSignal.timeout(10_000));
      assert.equal(full.reset, true);
      assert.deepEqual(new Set(full.patches.map((p) => p.status)), new Set([TorrentStatus.Paused]));
      const table = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
      table.apply(full);
      assert.equal(table.classes.stopped, 2);
      assert.ok(table.sizes.left > 0, "nothing of them downloaded");
      await assertClassesMatch(qb, table);
      const victim = swarm.torrents[0]?.infoHash as string;
      await qb.api("torrents/delete", { hashes: victim, deleteFiles: false });
      let removed: readonly string[] = [];
      for (let i = 0; i < 20 && removed.length === 0; i++) {
        const next = await source.poll(AbortSignal.timeout(10_000));
        assert.equal(next.reset, false);
        removed = next.removed;
      }
      assert.deepEqual(removed, [victim]);
      await qb.restart();
      const again = await source.poll(AbortSignal.timeout(10_000));
      assert.equal(again.reset, true, "a new session after the restart means a full update");
      assert.deepEqual(
        again.patches.map((p) => p.hash),
        [swarm.torrents[1]?.infoHash],
      );
      assert.equal(source.traffic.logins, 2);
    } finally {
      await source.close();
      await qb.stop();
    }
  });

  it("fails with an auth error on a wrong password, without retrying the login", async () => {
    const { source } = sourceFor(swarm.leecher, "wrong password");
    try {
      await assert.rejects(source.poll(AbortSignal.timeout(10_000)), (error: unknown) => {
        assert.ok(error instanceof SourceAuthError);
        assert.doesNotMatch(error.message, /wrong password/);
        return true;
      });
      assert.equal(source.traffic.logins, 1);
    } finally {
      await source.close();
    }
  });

  it("times out on a client that stopped answering", async () => {
    const qb = await startQbittorrent();
    const { source } = sourceFor(qb);
    try {
      await source.poll(AbortSignal.timeout(10_000));
      qb.daemon.signal("SIGSTOP");
      await assert.rejects(source.poll(AbortSignal.timeout(1500)), SourceTimeoutError);
      qb.daemon.signal("SIGCONT");
      const back = await source.poll(AbortSignal.timeout(10_000));
      assert.equal(back.client.version, "v4.5.2");
    } finally {
      qb.daemon.signal("SIGCONT");
      await source.close();
      await qb.stop();
    }
  });
});

function stableFields(t: QbTorrent) {
  return [t.hash, t.state, t.uploaded, t.downloaded, t.progress];
}
