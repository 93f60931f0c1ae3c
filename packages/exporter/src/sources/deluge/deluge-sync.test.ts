import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonFromScript } from "@seedwatch/testbed/node-script";
import { TorrentStatus as S, StateMapper } from "../../model/status.ts";
import type { TorrentPatch } from "../../model/torrent.ts";
import type { DelugeTorrentStatus } from "./api.ts";
import { DelugeSync, type StatusAnswer } from "./deluge-sync.ts";
import { DELUGE_STATES } from "./states.ts";

type Status = Partial<DelugeTorrentStatus>;

const H1 = "959b46a665f35de727c844087833ad55819b48c1";
const H2 = "169a5b065129ff89a1e5d7555d98c1c95937edf8";
const H3 = "cccccccccccccccccccccccccccccccccccccccc";
const PASSKEY = "0123456789abcdef0123456789abcdef";
const ANNOUNCE = `http://127.0.0.1:1/announce?passkey=${PASSKEY}`;

/*
 * Recorded from Debian 12's deluged 2.0.3 (`core.get_torrents_status({}, SYNC_KEYS, True)` on a
 * fresh connection): one torrent seeding with the label "movies" whose tracker refused the
 * connection, one added paused.
 */
function recordedFull(): Record<string, Status> {
  return {
    [H1]: {
      total_wanted: 65536,
      ratio: 0,
      num_seeds: 0,
      total_uploaded: 0,
      tracker: "",
      time_added: 1795326244,
      tracker_host: "127.0.0.1",
      num_peers: 0,
      name: "torrent-0",
      download_payload_rate: 0,
      tracker_status: "Error: Connection refused",
      progress: 100,
      state: "Seeding",
      upload_payload_rate: 0,
      download_location: "/tmp/seedwatch-x-HatGui/payload",
      all_time_download: 0,
      seeding_time: 4,
      message: "OK",
      completed_time: 1795326244,
      label: "movies",
      total_remaining: 0,
      num_files: 1,
    },
    [H2]: {
      total_wanted: 65536,
      ratio: -1,
      num_seeds: 0,
      total_uploaded: 0,
      tracker: "",
      time_added: 1795326244,
      tracker_host: "127.0.0.1",
      num_peers: 0,
      name: "torrent-1",
      download_payload_rate: 0,
      tracker_status: "",
      progress: 0,
      state: "Paused",
      upload_payload_rate: 0,
      download_location: "/tmp/seedwatch-x-HatGui/payload",
      all_time_download: 0,
      seeding_time: 0,
      message: "OK",
      completed_time: 0,
      label: "",
      total_remaining: 65536,
      num_files: 1,
    },
  };
}

/* Recorded next: the first torrent paused, the second removed (gone from the diff). */
const RECORDED_DIFF: Record<string, Status> = { [H1]: { state: "Paused", label: "movies" } };

function answer(full: boolean, torrents: Record<string, Status>): StatusAnswer {
  return { full, torrents: new Map(Object.entries(torrents)) };
}

function setup(settleMs = 10_000) {
  const unknown: string[] = [];
  const sync = new DelugeSync(new StateMapper(DELUGE_STATES, (s) => unknown.push(s)), {
    settleMs,
  });
  return { sync, unknown };
}

const at = (now: number, reconnected = false) => ({ reconnected, now });
const NO_URLS = new Map<string, string[]>();

function byHash(patches: readonly TorrentPatch[]): Map<string, TorrentPatch> {
  return new Map(patches.map((p) => [p.hash, p]));
}

/** A synced state: the recorded full answer applied, announce lists fetched. */
function synced() {
  const s = setup();
  const first = answer(true, recordedFull());
  assert.deepEqual(s.sync.announceNeeded(first).sort(), [H1, H2].sort());
  const changes = s.sync.apply(
    first,
    new Map([
      [H1, [ANNOUNCE, "udp://backup.example.net:6969/announce"]],
      [H2, [ANNOUNCE]],
    ]),
    at(0),
  );
  return { ...s, changes };
}

describe("DelugeSync over recorded deluged 2.0.3 answers", () => {
  it("fails an answer that brings a torrent under an id that is not an info-hash, and asks for a full one", () => {
    const { sync } = synced();
    const garbled = `${H1.slice(0, 39)}\ufffd`;
    const torrents = { ...recordedFull(), [garbled]: recordedFull()[H1] as Status };
    assert.throws(
      () => sync.apply(answer(false, torrents), NO_URLS, at(1000)),
      /a torrent id that is not an info-hash/,
    );
    assert.equal(sync.takeResyncWanted(), true);
  });

  it("maps a full answer: every field, progress 0..1, Stalled seeding, label as category", () => {
    const { changes, unknown } = synced();
    assert.equal(changes.reset, true);
    assert.deepEqual(changes.removed, []);
    const p = byHash(changes.patches);
    assert.deepEqual(p.get(H1), {
      hash: H1,
      name: "torrent-0",
      size: 65536,
      progress: 1,
      downloaded: 0,
      uploaded: 0,
      downloadRate: 0,
      uploadRate: 0,
      ratio: 0,
      addedOn: 1795326244,
      completedOn: 1795326244,
      seedingTime: 4,
      savePath: "/tmp/seedwatch-x-HatGui/payload",
      seeds: 0,
      leechers: 0,
      left: 0,
      files: 1,
      status: S.Stalled,
      started: true,
      category: "movies",
      tags: [],
      trackerHosts: ["127.0.0.1", "backup.example.net"],
      trackerError: true,
      message: "Error: Connection refused",
    });
    const paused = p.get(H2);
    assert.equal(paused?.status, S.Paused);
    assert.equal(paused?.started, false);
    assert.equal(paused?.left, 65536, "total_remaining");
    assert.equal(paused?.files, 1, "num_files");
    assert.equal(paused?.progress, 0);
    assert.equal(paused?.ratio, -1);
    assert.equal(paused?.completedOn, 0);
    assert.equal(paused?.category, "");
    assert.deepEqual(paused?.trackerHosts, ["127.0.0.1"]);
    assert.equal(paused?.trackerError, false);
    assert.equal(paused?.message, "");
    assert.doesNotMatch(JSON.stringify(changes), new RegExp(PASSKEY));
    assert.deepEqual(unknown, []);
  });

  it("maps the recorded diff: only the changed field, and the removal by absence", () => {
    const { sync } = synced();
    const next = answer(false, RECORDED_DIFF);
    assert.deepEqual(sync.announceNeeded(next), [], "announce lists are fetched once");
    const changes = sync.apply(next, NO_URLS, at(1000));
    assert.equal(changes.reset, false);
    assert.deepEqual(changes.patches, [{ hash: H1, status: S.Paused, started: false }]);
    assert.deepEqual(changes.removed, [H2]);
    assert.equal(sync.size, 1);
  });

  it("emits nothing for torrents that did not change (label only, never diffed)", () => {
    const { sync } = synced();
    const changes = sync.apply(
      answer(false, { [H1]: { label: "movies" }, [H2]: { label: "" } }),
      NO_URLS,
      at(1000),
    );
    assert.deepEqual(changes, { reset: false, patches: [], removed: [] });
  });

  it("recomputes Stalled/Uploading when only the rate changes, and a label change", () => {
    const { sync } = synced();
    let changes = sync.apply(
      answer(false, {
        [H1]: { upload_payload_rate: 2048, label: "movies" },
        [H2]: { label: "tv" },
      }),
      NO_URLS,
      at(1000),
    );
    assert.deepEqual(byHash(changes.patches).get(H1), {
      hash: H1,
      uploadRate: 2048,
      status: S.Uploading,
    });
    assert.deepEqual(byHash(changes.patches).get(H2), { hash: H2, category: "tv" });
    changes = sync.apply(
      answer(false, { [H1]: { upload_payload_rate: 0, label: "movies" }, [H2]: { label: "tv" } }),
      NO_URLS,
      at(2000),
    );
    assert.deepEqual(changes.patches, [{ hash: H1, uploadRate: 0, status: S.Stalled }]);
  });

  it("takes the tracker's host when one answers, clears the error, and keeps it across a restart", () => {
    const { sync } = synced();
    let changes = sync.apply(
      answer(false, {
        [H1]: {
          tracker: `https://Tracker.Example.org:443/announce?passkey=${PASSKEY}`,
          tracker_host: "example.org",
          tracker_status: "Announce OK",
          label: "movies",
        },
        [H2]: { label: "" },
      }),
      NO_URLS,
      at(1000),
    );
    assert.deepEqual(changes.patches, [
      {
        hash: H1,
        trackerHosts: ["tracker.example.org", "127.0.0.1", "backup.example.net"],
        trackerError: false,
        message: "",
      },
    ]);
    // After a daemon restart `tracker` is "" until the tracker answers again: identity stays.
    const restarted = recordedFull();
    (restarted[H1] as Status).tracker_host = "example.org";
    const full = answer(true, restarted);
    assert.deepEqual(sync.announceNeeded(full), []);
    changes = sync.apply(full, NO_URLS, at(2000, true));
    assert.deepEqual(byHash(changes.patches).get(H1)?.trackerHosts, [
      "tracker.example.org",
      "127.0.0.1",
      "backup.example.net",
    ]);
    assert.doesNotMatch(JSON.stringify(changes), new RegExp(PASSKEY));
  });

  it("fetches the announce list again when Deluge's tracker_host changes (trackers edited)", () => {
    const { sync } = synced();
    const edited = answer(false, {
      [H1]: { tracker_host: "example.com", label: "movies" },
      [H2]: { label: "" },
    });
    assert.deepEqual(sync.announceNeeded(edited), [H1]);
    const changes = sync.apply(
      edited,
      new Map([[H1, ["udp://new.example.com:80/announce"]]]),
      at(1000),
    );
    assert.deepEqual(changes.patches, [
      {
        hash: H1,
        trackerHosts: ["new.example.com"],
        trackerError: true,
        message: "Error: Connection refused",
      },
    ]);
  });

  it("holds removals after a reconnect until the list stops growing and the settle time passed", () => {
    const { sync } = setup(5000);
    const three = recordedFull();
    three[H3] = { ...(three[H2] as Status), name: "torrent-2" };
    sync.apply(answer(true, three), NO_URLS, at(0));
    assert.equal(sync.size, 3);

    // deluged restarted: its RPC answers before every torrent is loaded.
    const partial = recordedFull();
    delete partial[H2];
    let changes = sync.apply(
      answer(true, { [H1]: partial[H1] as Status }),
      NO_URLS,
      at(1000, true),
    );
    assert.equal(changes.reset, false, "not a reset: the missing ones are only held");
    assert.deepEqual(changes.removed, []);
    assert.equal(sync.settling, true);

    // One more loaded: it comes with all its keys (new to this connection's diff state).
    changes = sync.apply(
      answer(false, { [H1]: { label: "movies" }, [H2]: recordedFull()[H2] as Status }),
      NO_URLS,
      at(2000),
    );
    assert.deepEqual(changes.removed, []);
    assert.equal(byHash(changes.patches).get(H2)?.name, "torrent-1");

    // Not growing any more, but too soon: still held.
    changes = sync.apply(
      answer(false, { [H1]: { label: "movies" }, [H2]: { label: "" } }),
      NO_URLS,
      at(3000),
    );
    assert.deepEqual(changes.removed, []);
    changes = sync.apply(
      answer(false, { [H1]: { label: "movies" }, [H2]: { label: "" } }),
      NO_URLS,
      at(6000),
    );
    assert.deepEqual(changes.removed, [H3], "gone for good once the list settled");
    assert.equal(sync.settling, false);
    assert.equal(sync.size, 2);
  });

  it("removes at once when no reconnect happened", () => {
    const { sync } = synced();
    const changes = sync.apply(
      answer(true, { [H1]: recordedFull()[H1] as Status }),
      NO_URLS,
      at(9),
    );
    assert.deepEqual(changes.removed, [H2]);
    assert.equal(changes.reset, true);
  });

  it("skips a new torrent that comes without name or state (a foreign diff base) and asks for a resync", () => {
    const { sync } = synced();
    const changes = sync.apply(
      answer(false, {
        [H1]: { label: "movies" },
        [H2]: { label: "" },
        [H3]: { upload_payload_rate: 10 },
      }),
      NO_URLS,
      at(1000),
    );
    assert.deepEqual(changes.patches, []);
    assert.equal(sync.takeResyncWanted(), true);
    assert.equal(sync.takeResyncWanted(), false);
    assert.equal(sync.size, 2);
  });

  it("maps an unknown state to Undefined and reports it once", () => {
    const { sync, unknown } = synced();
    for (let i = 0; i < 2; i++) {
      sync.apply(
        answer(false, {
          [H1]: { state: i % 2 ? "Paused" : "Stopping", label: "movies" },
          [H2]: {},
        }),
        NO_URLS,
        at(i),
      );
    }
    const changes = sync.apply(
      answer(false, { [H1]: { state: "Stopping", label: "movies" }, [H2]: {} }),
      NO_URLS,
      at(9),
    );
    assert.deepEqual(changes.patches, [{ hash: H1, status: S.Undefined, started: true }]);
    assert.deepEqual(unknown, ["Stopping"]);
  });

  it("prefers the torrent's own error as its message, and strips URLs out of messages", () => {
    const { sync } = synced();
    const changes = sync.apply(
      answer(false, {
        [H1]: {
          state: "Error",
          message: "No such file or directory",
          tracker_status: `Error: invalid passkey for ${ANNOUNCE}`,
        },
        [H2]: {
          tracker_status: `Warning: see https://tracker.example.org/rules?passkey=${PASSKEY}`,
        },
      }),
      NO_URLS,
      at(1000),
    );
    const p = byHash(changes.patches);
    assert.equal(p.get(H1)?.status, S.Errored);
    assert.equal(p.get(H1)?.message, "No such file or directory");
    assert.equal(p.get(H1)?.trackerError, true);
    assert.equal(p.get(H2)?.message, "Warning: see <tracker.example.org>");
    assert.equal(p.get(H2)?.trackerError, false);
    assert.doesNotMatch(JSON.stringify(changes), new RegExp(PASSKEY));
  });

  it("clears the category when the Label plugin is turned off (labels stop coming in diffs)", () => {
    const { sync } = synced();
    const changes = sync.apply(answer(false, { [H1]: {}, [H2]: {} }), NO_URLS, at(1000));
    assert.deepEqual(changes.patches, [{ hash: H1, category: "" }]);
  });

  it("gives the empty category when the Label plugin is off (no label key)", () => {
    const { sync } = setup();
    const full = recordedFull();
    delete (full[H1] as Status).label;
    const changes = sync.apply(answer(true, full), NO_URLS, at(0));
    assert.equal(byHash(changes.patches).get(H1)?.category, "");
  });

  it("re-sends every field of every torrent in a full answer (deluge-web, resync)", () => {
    const { sync } = synced();
    const changes = sync.apply(answer(true, recordedFull()), NO_URLS, at(1000));
    assert.equal(changes.reset, true);
    assert.equal(changes.patches.length, 2);
    for (const patch of changes.patches) assert.equal(Object.keys(patch).length, 24);
  });

  it("guards against odd numbers: NaN ratio, negative counters, progress beyond 100", () => {
    const { sync } = setup();
    const full = recordedFull();
    Object.assign(full[H1] as Status, {
      ratio: Number.NaN,
      total_uploaded: -5,
      progress: 100.00001,
      time_added: -1,
    });
    const p = byHash(sync.apply(answer(true, full), NO_URLS, at(0)).patches).get(H1);
    assert.equal(p?.ratio, -1);
    assert.equal(p?.uploaded, 0);
    assert.equal(p?.progress, 1);
    assert.equal(p?.addedOn, 0);
  });
});

describe("DelugeSync over partial answers (Active filter, by id, removal events)", () => {
  const partial = (torrents: Record<string, Status>, removed: string[] = []): StatusAnswer => ({
    full: false,
    torrents: new Map(Object.entries(torrents)),
    partial: { removed },
  });

  it("removes nothing for a torrent's absence, only what the events named", () => {
    const { sync } = synced();
    const quiet = sync.apply(partial({}), NO_URLS, at(1000));
    assert.deepEqual(quiet, { reset: false, patches: [], removed: [] });
    const gone = sync.apply(partial({}, [H2, H3]), NO_URLS, at(2000));
    assert.deepEqual(gone.removed, [H2], "an id never known is no removal");
    assert.equal(sync.size, 1);
  });

  it("a torrent removed and added again in one answer comes back whole, not removed", () => {
    const { sync } = synced();
    const again = { ...(recordedFull()[H2] as Status), state: "Seeding", progress: 100 };
    const changes = sync.apply(partial({ [H2]: again }, [H2]), NO_URLS, at(1000));
    assert.deepEqual(changes.removed, []);
    const p = byHash(changes.patches).get(H2);
    assert.equal(p?.name, "torrent-1", "every field, as for a new torrent");
    assert.equal(p?.status, S.Stalled);
    assert.equal(sync.size, 2);
  });

  it("knows which torrents move payload, as Deluge's Active filter selects them", () => {
    const { sync } = synced();
    assert.deepEqual([...sync.moving], []);
    sync.apply(partial({ [H1]: { upload_payload_rate: 5000, label: "movies" } }), NO_URLS, at(1));
    assert.deepEqual([...sync.moving], [H1]);
    sync.apply(partial({ [H1]: { upload_payload_rate: 0, label: "movies" } }), NO_URLS, at(2));
    assert.deepEqual([...sync.moving], []);
    sync.apply(partial({ [H1]: { download_payload_rate: 1, label: "movies" } }), NO_URLS, at(3));
    sync.apply(partial({}, [H1]), NO_URLS, at(4));
    assert.deepEqual([...sync.moving], [], "a removed torrent moves no more");
  });

  it("says which tracker status events can change what it shows", () => {
    const { sync } = synced();
    // H1's tracker refused it (an error is shown); H2 is paused (no tracker answered yet).
    assert.equal(sync.trackerEventMatters(H1, "Announce OK"), true, "clears the error");
    assert.equal(sync.trackerEventMatters(H2, "Announce OK"), true, "a first answer names it");
    assert.equal(sync.trackerEventMatters(H3, "Announce Sent"), true, "unknown: ask");
    sync.apply(
      partial({ [H1]: { tracker: ANNOUNCE, tracker_status: "Announce OK", label: "movies" } }),
      NO_URLS,
      at(1),
    );
    assert.equal(sync.trackerEventMatters(H1, "Announce Sent"), false);
    assert.equal(sync.trackerEventMatters(H1, "Announce OK"), false);
    assert.equal(sync.trackerEventMatters(H1, "Warning: slow down"), true);
    assert.equal(sync.trackerEventMatters(H1, "Error: unregistered torrent"), true);
  });
});

describe("DelugeSync patches as the table's rows", () => {
  it("gives a new torrent a patch of every field at once, which stays a fast-mode row in the table", async () => {
    // Run apart with V8's natives: a row grown a field at a time and then given the table's
    // defaults key by key became a dictionary-mode object (twice the heap at 100,000 torrents).
    const here = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
    const script = `
      import { DelugeSync } from ${here("./deluge-sync.ts")};
      import { DELUGE_STATES } from ${here("./states.ts")};
      import { StateMapper } from ${here("../../model/status.ts")};
      import { TorrentTable } from ${here("../../model/torrent-table.ts")};
      import { TrackerNamer } from ${here("../../model/tracker.ts")};
      const full = JSON.parse(process.argv[1]);
      const sync = new DelugeSync(new StateMapper(DELUGE_STATES, () => {}));
      const table = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
      const torrents = new Map(Object.entries(full));
      table.apply(sync.apply({ full: true, torrents }, new Map(), { reconnected: false, now: 0 }));
      process.stdout.write(JSON.stringify([...torrents.keys()].map((h) => %HasFastProperties(table.get(h)))));
    `;
    const fast = await jsonFromScript(script, {
      flags: ["--allow-natives-syntax"],
      args: [JSON.stringify(recordedFull())],
    });
    assert.deepEqual(fast, [true, true]);
  });
});
