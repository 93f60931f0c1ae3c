import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StateMapper, TorrentStatus } from "../../model/status.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import { sessionCookie } from "./api.ts";
import { QbittorrentSync } from "./qbittorrent-sync.ts";
import { QBITTORRENT_STATES } from "./states.ts";

const H1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const H2 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const NOW = 1_800_000_000;

/** A full update in the shape qBittorrent 4.5.2 sends (fields trimmed to those we read, plus noise). */
function full452() {
  return {
    rid: 1,
    full_update: true,
    server_state: {
      alltime_dl: 1000,
      alltime_ul: 5000,
      dl_info_speed: 10,
      up_info_speed: 20,
      dl_info_data: 100,
      up_info_data: 200,
      free_space_on_disk: 123456789,
      dht_nodes: 0,
      total_peer_connections: 3,
      connection_status: "connected",
      global_ratio: "5.00",
      queued_io_jobs: 0,
      total_wasted_session: 0,
      read_cache_hits: "0",
    },
    torrents: {
      [H1]: {
        name: "Movie.2160p",
        state: "uploading",
        size: 4096,
        progress: 1,
        downloaded: 4096,
        uploaded: 9000,
        dlspeed: 0,
        upspeed: 512,
        ratio: 2.19,
        category: "movies",
        tags: "hd, fav",
        added_on: NOW - 1000,
        completion_on: NOW - 900,
        seeding_time: 800,
        save_path: "/srv/dl/",
        num_seeds: 0,
        num_leechs: 2,
        tracker: "https://t.site.example:443/announce?passkey=SECRETPASSKEY",
        magnet_uri: "magnet:?xt=...",
        amount_left: 0,
      },
      [H2]: {
        name: "Show.S01",
        state: "pausedDL",
        size: 2048,
        progress: 0.5,
        downloaded: 1024,
        uploaded: 0,
        dlspeed: 0,
        upspeed: 0,
        ratio: 0,
        category: "",
        tags: "",
        added_on: NOW - 10,
        completion_on: -1,
        seeding_time: 0,
        save_path: "/srv/dl/",
        num_seeds: 0,
        num_leechs: 0,
        tracker: "",
        amount_left: 1024,
      },
    },
    trackers: {
      "https://t.site.example:443/announce?passkey=SECRETPASSKEY": [H1],
      "udp://backup.site.example:6969/announce": [H1, H2],
    },
    categories: { movies: { name: "movies", savePath: "" } },
    tags: ["hd", "fav"],
  };
}

function sync(unknown: string[] = []) {
  return new QbittorrentSync(new StateMapper(QBITTORRENT_STATES, (s) => unknown.push(s)));
}

describe("QbittorrentSync", () => {
  it("fails a poll that brings a torrent under a key that is not an info-hash, and keeps its rid", () => {
    const s = sync();
    s.apply(full452(), NOW);
    // One corrupted byte of a key: without the check, a second torrent with the same counters.
    const garbled = `${H1.slice(0, 39)}\ufffd`;
    const next = { rid: 2, torrents: { [garbled]: full452().torrents[H1] } };
    assert.throws(() => s.apply(next, NOW), /a torrent's key is not an info-hash/);
    assert.equal(s.rid, 1, "the next poll asks again from the last good answer");
  });

  it("maps a 4.5.2 full update onto complete records, hosts only, never URLs", () => {
    const s = sync();
    const changes = s.apply(full452(), NOW);
    assert.equal(changes.reset, true);
    assert.equal(s.rid, 1);
    const byHash = new Map(changes.patches.map((p) => [p.hash, p]));
    assert.deepEqual(byHash.get(H1), {
      hash: H1,
      name: "Movie.2160p",
      status: TorrentStatus.Uploading,
      size: 4096,
      progress: 1,
      downloaded: 4096,
      uploaded: 9000,
      downloadRate: 0,
      uploadRate: 512,
      ratio: 2.19,
      category: "movies",
      tags: ["hd", "fav"],
      addedOn: NOW - 1000,
      completedOn: NOW - 900,
      seedingTime: 800,
      savePath: "/srv/dl/",
      seeds: 0,
      leechers: 2,
      started: true,
      left: 0,
      trackerHosts: ["t.site.example", "backup.site.example"],
      trackerError: false,
    });
    assert.equal(byHash.get(H2)?.status, TorrentStatus.Paused);
    assert.equal(byHash.get(H2)?.started, false, "pausedDL is stopped");
    assert.equal(byHash.get(H2)?.left, 1024, "amount_left");
    assert.equal(byHash.get(H2)?.completedOn, 0);
    assert.deepEqual(byHash.get(H2)?.trackerHosts, ["backup.site.example"]);
    assert.doesNotMatch(JSON.stringify(changes), /SECRETPASSKEY|announce/);
    assert.equal(s.serverState.alltime_ul, 5000);
  });

  it("merges partial answers: changed fields, removals, tracker list changes, partial server_state", () => {
    const s = sync();
    s.apply(full452(), NOW);
    const changes = s.apply(
      {
        rid: 2,
        server_state: { alltime_ul: 5100, up_info_speed: 0 },
        torrents: { [H1]: { upspeed: 0, uploaded: 9100, state: "stalledUP" } },
        torrents_removed: [H2],
        trackers: { "udp://backup.site.example:6969/announce": [] },
      },
      NOW,
    );
    assert.equal(changes.reset, false);
    assert.deepEqual(changes.removed, [H2]);
    assert.deepEqual(changes.patches, [
      {
        hash: H1,
        uploadRate: 0,
        uploaded: 9100,
        status: TorrentStatus.Stalled,
        started: true,
        trackerHosts: ["t.site.example"],
        trackerError: false,
      },
    ]);
    assert.equal(s.serverState.alltime_ul, 5100);
    assert.equal(s.serverState.alltime_dl, 1000, "unchanged server_state keys are kept");
  });

  it("emits a host change alone when only the tracker map changed", () => {
    const s = sync();
    s.apply(full452(), NOW);
    const changes = s.apply(
      { rid: 2, trackers: { "http://new.example/announce?pk=1": [H2] } },
      NOW,
    );
    assert.deepEqual(changes.patches, [
      { hash: H2, trackerHosts: ["backup.site.example", "new.example"], trackerError: false },
    ]);
  });

  it("handles qBittorrent 5.x states and its tracker-error flag", () => {
    const s = sync();
    const answer = full452();
    Object.assign(answer.torrents[H1], { state: "stoppedUP", has_tracker_error: true });
    Object.assign(answer.torrents[H2], { state: "forcedMetaDL", has_tracker_error: false });
    const byHash = new Map(s.apply(answer, NOW).patches.map((p) => [p.hash, p]));
    assert.equal(byHash.get(H1)?.status, TorrentStatus.Paused);
    assert.equal(byHash.get(H1)?.trackerError, true);
    assert.equal(byHash.get(H2)?.status, TorrentStatus.Downloading);
    assert.equal(byHash.get(H2)?.trackerError, false);
  });

  it("infers a tracker error on 4.x for a running torrent with no working tracker after a grace period", () => {
    const s = sync();
    const answer = full452();
    Object.assign(answer.torrents[H2], { state: "stalledDL", added_on: NOW - 3600 });
    const byHash = new Map(s.apply(answer, NOW).patches.map((p) => [p.hash, p]));
    assert.equal(byHash.get(H2)?.trackerError, true);
    const young = sync();
    Object.assign(answer.torrents[H2], { added_on: NOW - 10 });
    assert.equal(
      new Map(young.apply(answer, NOW).patches.map((p) => [p.hash, p])).get(H2)?.trackerError,
      false,
    );
  });

  it("maps unknown states to Undefined and reports each once", () => {
    const unknown: string[] = [];
    const s = sync(unknown);
    const answer = full452();
    answer.torrents[H1].state = "brandNewState";
    answer.torrents[H2].state = "brandNewState";
    const patches = s.apply(answer, NOW).patches;
    assert.deepEqual(
      patches.map((p) => p.status),
      [TorrentStatus.Undefined, TorrentStatus.Undefined],
    );
    assert.deepEqual(unknown, ["brandNewState"]);
  });

  it("starts over with a full update after restart() and on full_update", () => {
    const s = sync();
    s.apply(full452(), NOW);
    s.restart();
    assert.equal(s.rid, 0);
    assert.equal(s.apply({ ...full452(), rid: 7, full_update: undefined }, NOW).reset, true);
  });

  it("rejects garbage with a protocol error", () => {
    const cases: unknown[] = [
      null,
      [],
      "x",
      {},
      { rid: "1" },
      { rid: 1.5 },
      { rid: 1, torrents: [] },
      { rid: 1, torrents: { [H1]: { size: "big" } } },
      { rid: 1, trackers: { u: "notarray" } },
    ];
    for (const answer of cases)
      assert.throws(() => sync().apply(answer, NOW), SourceProtocolError, JSON.stringify(answer));
  });
});

describe("sessionCookie", () => {
  it("finds SID and 5.2's QBT_SID_<port>", () => {
    assert.equal(sessionCookie(["SID=abc; HttpOnly; path=/"]), "SID=abc");
    assert.equal(
      sessionCookie(["other=1", "QBT_SID_8080=xyz; HttpOnly; SameSite=Strict"]),
      "QBT_SID_8080=xyz",
    );
    assert.equal(sessionCookie(["other=1"]), undefined);
    assert.equal(sessionCookie(undefined), undefined);
  });
});
