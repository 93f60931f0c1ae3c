// Tests of the row mapping, the id table, tracker views and the state table, over recorded and written rows.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { TableUpdate } from "../../model/patch.ts";
import { TorrentStatus as S, StateMapper } from "../../model/status.ts";
import type { TorrentPatch } from "../../model/torrent.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import { transmissionStatus } from "./states.ts";
import { JsonArrayStream } from "./table-stream.ts";
import {
  FULL_FIELDS,
  type PassKind,
  RECENT_FIELDS,
  redactUrls,
  TransmissionSync,
} from "./transmission-sync.ts";

type Answer = { torrents: unknown[]; removed?: unknown };

function fixture(version: "3.00" | "4.1", name: string): Answer {
  const parsed = JSON.parse(
    readFileSync(new URL(`./fixtures/${version}/${name}`, import.meta.url), "utf8"),
  ) as { arguments?: Answer; result?: Answer };
  return (parsed.arguments ?? parsed.result) as Answer;
}

function newSync(unknown: string[] = []) {
  return new TransmissionSync(new StateMapper({}, (state) => unknown.push(state)));
}

function run(sync: TransmissionSync, kind: PassKind, answer: Answer): TableUpdate {
  const pass = sync.begin(kind);
  for (const element of answer.torrents) pass.element(element);
  return pass.finish(answer.removed);
}

/** A pass fed from the answer's bytes in chunks of `size`, rows read by the pass's decoder. */
function runBytes(sync: TransmissionSync, kind: PassKind, text: Buffer, size: number): TableUpdate {
  const pass = sync.begin(kind);
  const parser = new JsonArrayStream({
    path: ["arguments", "torrents"],
    onElement: (value) => pass.element(value),
    decode: (chunk, start) => pass.decode(chunk, start),
  });
  for (let i = 0; i < text.length; i += size) parser.write(text.subarray(i, i + size));
  const rest = parser.end() as { arguments: Answer };
  // Patches are only valid until the next pass: keep a copy.
  return structuredClone(pass.finish(rest.arguments.removed));
}

function byName(changes: TableUpdate): Map<string, TorrentPatch> {
  return new Map(changes.patches.map((p) => [p.name as string, p]));
}

const HEADER = ["id", "hashString", "name", "status", "error", "rateUpload", "trackerStats"];
const hash = (n: number) => n.toString(16).padStart(40, "0");
function stat(announce: string, succeeded: boolean, announced: boolean, result = "") {
  return {
    announce,
    hasAnnounced: announced,
    lastAnnounceSucceeded: succeeded,
    lastAnnounceResult: result,
  };
}

describe("TransmissionSync", () => {
  it("maps a recorded 3.00 full list onto complete records: states, labels, trackers, errors", () => {
    const sync = newSync();
    const changes = run(sync, "full", fixture("3.00", "torrent-get-table.json"));
    assert.equal(changes.reset, true);
    assert.deepEqual(changes.removed, []);
    const t = byName(changes);
    const seeding = t.get("seeding-0") as TorrentPatch;
    assert.deepEqual(
      { ...seeding, addedOn: 0, savePath: "" },
      {
        hash: "02994bee731622213c81cda6b9de7124feca7d9d",
        name: "seeding-0",
        status: S.Stalled,
        size: 65536,
        progress: 1,
        downloaded: 0,
        uploaded: 0,
        downloadRate: 0,
        uploadRate: 0,
        ratio: 0,
        category: "",
        tags: ["movies", "keep"],
        trackerHosts: ["127.0.0.1"],
        trackerError: false,
        message: "",
        addedOn: 0,
        completedOn: 0,
        seedingTime: 2,
        savePath: "",
        seeds: 0,
        leechers: 0,
        // The recording predates leftUntilDone and fileCount: what a row without them maps to.
        started: true,
        left: 0,
        files: 0,
        skipRate: 0,
        open: true,
      },
    );
    assert.equal(seeding.addedOn, 1795326167);
    assert.match(seeding.savePath as string, /\/payload$/);
    const paused = t.get("paused-0") as TorrentPatch;
    assert.equal(paused.status, S.Paused);
    assert.equal(paused.ratio, -1);
    assert.equal(paused.trackerError, false, "never announced: not an error");
    const refused = t.get("unlisted-0") as TorrentPatch;
    assert.equal(refused.status, S.Stalled, "a tracker error does not change the state");
    assert.equal(refused.trackerError, true);
    assert.equal(
      refused.message,
      "Requested download is not authorized for use with this tracker.",
    );
    const lost = t.get("lost-0") as TorrentPatch;
    assert.equal(lost.status, S.Errored);
    assert.match(lost.message as string, /^No data found!/);
    assert.equal(lost.trackerError, false);
    assert.equal(sync.size, 5);
    assert.doesNotMatch(JSON.stringify(changes), /SECRETPASSKEY|announce/);
  });

  it("gives the same changes from the answer's bytes as from parsed rows, whatever the chunking", () => {
    const answers: Array<[PassKind, Answer]> = [
      ["full", fixture("3.00", "torrent-get-table.json")],
      ["recent", fixture("3.00", "torrent-get-recent.json")],
      ["recent", fixture("3.00", "torrent-get-recent.json")],
      ["full", fixture("3.00", "torrent-get-table.json")],
    ];
    const parsed = newSync();
    const expected = answers.map(([kind, answer]) => structuredClone(run(parsed, kind, answer)));
    for (const size of [5, 64, 1000, 1 << 20]) {
      for (const pretty of [true, false]) {
        const bytes = newSync();
        answers.forEach(([kind, answer], i) => {
          const text = JSON.stringify({ arguments: answer }, null, pretty ? 1 : undefined);
          assert.deepEqual(
            runBytes(bytes, kind, Buffer.from(text), size),
            expected[i],
            `answer ${i} in chunks of ${size}${pretty ? ", pretty" : ""}`,
          );
        });
      }
    }
  });

  it("gives the same changes whether a row that moved only its seconds seeding is decoded or not (property)", () => {
    // A torrent's row in RECENT_FIELDS order, from a few values that vary.
    const rowOf = (id: number, v: number[]): unknown[] => {
      const values: Record<string, unknown> = {
        id,
        hashString: hash(id),
        name: `t${id}${"\u00e9".repeat(v[0] as number)}`,
        status: v[1] ? 6 : 0,
        error: 0,
        errorString: v[2] ? "Tracker gave an error" : "",
        sizeWhenDone: 5_000_000_000 + id,
        percentDone: 1,
        downloadedEver: 5_000_000_000 + id,
        uploadedEver: 6_000_000_000 + (v[3] as number),
        rateDownload: 0,
        rateUpload: v[4],
        uploadRatio: ((v[3] as number) + 1) / 3,
        labels: v[5] ? ["tv"] : [],
        addedDate: 1_800_000_000,
        doneDate: 1_800_003_600,
        downloadDir: "/srv/torrents",
        peersSendingToUs: 0,
        peersGettingFromUs: v[6],
        leftUntilDone: 0,
        fileCount: 0,
        secondsSeeding: v[7],
      };
      return RECENT_FIELDS.map((field) => values[field]);
    };
    const full = (ids: number[], at: number[][]) => ({
      torrents: [
        FULL_FIELDS,
        ...ids.map((id) => {
          const row = rowOf(id, at[id] as number[]);
          return FULL_FIELDS.map((field) =>
            field === "trackerStats" ? [] : row[RECENT_FIELDS.indexOf(field)],
          );
        }),
      ],
    });
    const change = fc.record({
      ids: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 8 }),
      field: fc.integer({ min: 0, max: 7 }),
      value: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 40, max: 400 }),
        (passes, size) => {
          const values = Array.from({ length: 9 }, () => [0, 1, 0, 0, 0, 0, 0, 100]);
          const ids = [1, 2, 3, 4, 5, 6, 7, 8];
          const parsed = newSync();
          const bytes = newSync();
          const first = full(ids, values);
          assert.deepEqual(
            runBytes(bytes, "full", Buffer.from(JSON.stringify({ arguments: first })), size),
            structuredClone(run(parsed, "full", first)),
          );
          for (const { ids: listed, field, value } of passes) {
            for (const id of listed) {
              const v = values[id] as number[];
              // Every seed's seconds seeding ticks; one other value may change.
              v[7] = (v[7] as number) + 10;
              if (id % 2 === 0) v[field] = value;
            }
            const answer = {
              torrents: [RECENT_FIELDS, ...listed.map((id) => rowOf(id, values[id] as number[]))],
              removed: [],
            };
            assert.deepEqual(
              runBytes(bytes, "recent", Buffer.from(JSON.stringify({ arguments: answer })), size),
              structuredClone(run(parsed, "recent", answer)),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("maps 4.1's snake_case table to the same records", () => {
    const old = byName(run(newSync(), "full", fixture("3.00", "torrent-get-table.json")));
    const modern = byName(run(newSync(), "full", fixture("4.1", "torrent-get-table.json")));
    assert.deepEqual([...modern.keys()], [...old.keys()]);
    for (const [name, patch] of modern) {
      const was = old.get(name) as TorrentPatch;
      for (const key of ["hash", "status", "trackerError", "tags", "progress", "size"] as const) {
        // The written 4.1 answer has seeding-0 uploading; the recorded 3.00 one had no peers.
        if (name === "seeding-0" && key === "status") continue;
        assert.deepEqual(patch[key], was[key], `${name}.${key}`);
      }
      assert.deepEqual(patch.trackerHosts, ["tracker.example.org"]);
      assert.equal(patch.savePath, "/srv/downloads");
    }
    const seeding = modern.get("seeding-0") as TorrentPatch;
    assert.equal(seeding.uploaded, 131072);
    assert.equal(seeding.uploadRate, 1024);
    assert.equal(seeding.status, S.Uploading);
    assert.equal(seeding.leechers, 1);
    assert.equal(seeding.seedingTime, 3600);
  });

  it("maps the objects format (Transmission before 3.00) like the table", () => {
    const table = byName(run(newSync(), "full", fixture("3.00", "torrent-get-table.json")));
    const objects = byName(run(newSync(), "full", fixture("3.00", "torrent-get-objects.json")));
    assert.deepEqual(objects.get("seeding-0"), table.get("seeding-0"));
  });

  it("sends only what changed, and removals, on later passes", () => {
    const sync = newSync();
    const full = fixture("3.00", "torrent-get-table.json");
    run(sync, "full", full);
    const again = run(sync, "full", full);
    assert.deepEqual(again, { reset: false, patches: [], removed: [] });

    const rows = structuredClone(full.torrents) as unknown[][];
    const header = rows[0] as string[];
    const seeding = rows[1] as unknown[];
    seeding[header.indexOf("uploadedEver")] = 4096;
    seeding[header.indexOf("rateUpload")] = 512;
    seeding[header.indexOf("labels")] = ["movies"];
    const changed = run(sync, "full", { torrents: rows.slice(0, 5) });
    assert.equal(changed.reset, false);
    assert.deepEqual(changed.patches, [
      {
        hash: "02994bee731622213c81cda6b9de7124feca7d9d",
        status: S.Uploading,
        uploaded: 4096,
        uploadRate: 512,
        tags: ["movies"],
      },
    ]);
    assert.deepEqual(
      changed.removed,
      ["a6e82d5228396cea53d0abea5ca8769a14ed8e1f"],
      "lost-0 is gone",
    );
  });

  it("maps recently-active `removed` ids to hashes through the id table", () => {
    for (const version of ["3.00", "4.1"] as const) {
      const sync = newSync();
      run(sync, "full", fixture(version, "torrent-get-table.json"));
      const recent = run(sync, "recent", fixture(version, "torrent-get-recent.json"));
      assert.equal(recent.reset, false);
      assert.deepEqual(recent.removed, ["a6e82d5228396cea53d0abea5ca8769a14ed8e1f"]);
      assert.equal(sync.size, 4);
      const later = run(sync, "recent", { torrents: [HEADER], removed: [5, 99] });
      assert.deepEqual(later.removed, [], "an id removed before, or never seen, maps to nothing");
    }
  });

  it("adds a new torrent seen in a recently-active answer with all its fields", () => {
    const sync = newSync();
    run(sync, "full", { torrents: [HEADER, [1, hash(1), "a", 6, 0, 0, []]] });
    const recent = run(sync, "recent", {
      torrents: [HEADER, [2, hash(2), "b", 4, 0, 0, []]],
      removed: [],
    });
    assert.equal(recent.patches.length, 1);
    assert.equal(recent.patches[0]?.hash, hash(2));
    assert.equal(recent.patches[0]?.status, S.Stalled);
    assert.equal(Object.keys(recent.patches[0] ?? {}).length, 26, "hash and all 25 fields");
  });

  it("keeps tracker views across recently-active rows, and completes new torrents' trackers", () => {
    const sync = newSync();
    const withStats = [...HEADER];
    const without = HEADER.filter((f) => f !== "trackerStats");
    run(sync, "full", {
      torrents: [
        withStats,
        [1, hash(1), "a", 6, 0, 0, [stat("https://t.example/a?pk=SECRET", false, true, "down")]],
      ],
    });
    const recent = run(sync, "recent", {
      torrents: [without, [1, hash(1), "a", 6, 0, 5]],
      removed: [],
    });
    assert.deepEqual(recent.patches, [{ hash: hash(1), status: S.Uploading, uploadRate: 5 }]);

    const pass = sync.begin("recent");
    pass.element(without);
    pass.element([1, hash(1), "a", 6, 0, 5]);
    pass.element([2, hash(2), "b", 6, 0, 0]);
    pass.element([3, hash(3), "c", 0, 0, 0]);
    assert.deepEqual(pass.pendingTrackers, [2, 3], "new torrents: trackers unknown");
    pass.trackers(["id", "hashString", "trackerStats"]);
    pass.trackers([2, hash(2), [stat("udp://u.example:6969/announce", true, true, "Success")]]);
    pass.trackers([9, hash(9), [stat("udp://x.example/announce", true, true, "Success")]]);
    const changes = pass.finish([]);
    const b = changes.patches.find((p) => p.hash === hash(2));
    assert.deepEqual(b?.trackerHosts, ["u.example"]);
    assert.equal(b?.trackerError, false);
    assert.equal(Object.keys(b ?? {}).length, 26);
    assert.deepEqual(changes.patches.find((p) => p.hash === hash(3))?.trackerHosts, []);
    assert.equal(
      changes.patches.some((p) => p.hash === hash(9)),
      false,
    );
    assert.equal(sync.size, 3);

    const next = sync.begin("recent");
    next.element(without);
    next.element([3, hash(3), "c", 0, 0, 0]);
    assert.deepEqual(next.pendingTrackers, [3], "still unknown: asked again");
    next.trackers(["id", "hashString", "trackerStats"]);
    next.trackers([3, hash(3), [stat("https://c.example/a", false, false)]]);
    assert.deepEqual(next.finish([]).patches, [{ hash: hash(3), trackerHosts: ["c.example"] }]);
  });

  it("gives each pass's changes, whatever it gave before: its records are updated in place", () => {
    const sync = newSync();
    const first = run(sync, "full", { torrents: [HEADER, [1, hash(1), "a", 6, 0, 0, []]] });
    assert.equal(first.patches[0]?.name, "a");
    const second = run(sync, "recent", {
      torrents: [HEADER, [1, hash(1), "b", 6, 0, 7, []]],
      removed: [],
    });
    assert.deepEqual(second.patches, [
      { hash: hash(1), name: "b", status: S.Uploading, uploadRate: 7 },
    ]);
    const third = run(sync, "recent", {
      torrents: [HEADER, [1, hash(1), "b", 6, 0, 0, []]],
      removed: [],
    });
    assert.deepEqual(third.patches, [{ hash: hash(1), status: S.Stalled, uploadRate: 0 }]);
  });

  it("reuses a pass's patch objects in the next pass, never one a follow-up completed", () => {
    const sync = newSync();
    const withStats = ["id", "hashString", "status", "secondsSeeding", "trackerStats"];
    const without = withStats.slice(0, 4);
    run(sync, "full", { torrents: [withStats, [1, hash(1), 6, 10, []]] });
    // Torrent 2 comes in a recently-active answer; the follow-up does not find it (yet).
    const second = sync.begin("recent");
    second.element(without);
    second.element([2, hash(2), 6, 10]);
    assert.deepEqual(second.pendingTrackers, [2]);
    second.finish([]);
    // Both tick; the follow-up completes torrent 2's patch with its trackers.
    const third = sync.begin("recent");
    third.element(without);
    third.element([1, hash(1), 6, 20]);
    third.element([2, hash(2), 6, 20]);
    third.trackers(["id", "hashString", "trackerStats"]);
    third.trackers([2, hash(2), [stat("udp://u.example:6969/announce", true, true, "Success")]]);
    assert.deepEqual(third.finish([]).patches, [
      { hash: hash(1), seedingTime: 20 },
      { hash: hash(2), seedingTime: 20, trackerHosts: ["u.example"] },
    ]);
    const fourth = run(sync, "recent", {
      torrents: [without, [1, hash(1), 6, 30], [2, hash(2), 6, 30]],
      removed: [],
    });
    assert.deepEqual(fourth.patches, [
      { hash: hash(1), seedingTime: 30 },
      { hash: hash(2), seedingTime: 30 },
    ]);
  });

  it("knows a torrent by its id whatever the case of its hash, and only under its own id", () => {
    const sync = newSync();
    run(sync, "full", { torrents: [HEADER, [1, hash(0xabc), "a", 6, 0, 0, []]] });
    const upper = run(sync, "recent", {
      torrents: [HEADER, [1, hash(0xabc).toUpperCase(), "a", 6, 0, 3, []]],
      removed: [],
    });
    assert.deepEqual(upper.patches, [{ hash: hash(0xabc), status: S.Uploading, uploadRate: 3 }]);
    assert.equal(sync.size, 1);
    const pass = sync.begin("recent");
    pass.element(HEADER);
    pass.element([2, hash(0xabc), "a", 6, 0, 3, []]);
    assert.equal(pass.consistent, false, "its hash under another id");
  });

  it("notices ids that no longer match their hashes (the daemon restarted) and needs a reset", () => {
    const sync = newSync();
    run(sync, "full", {
      torrents: [HEADER, [1, hash(1), "a", 6, 0, 0, []], [2, hash(2), "b", 6, 0, 0, []]],
    });
    const pass = sync.begin("recent");
    pass.element(HEADER);
    pass.element([1, hash(2), "b", 6, 0, 0, []]);
    assert.equal(pass.consistent, false);
    assert.throws(() => pass.finish([]), /inconsistent/);
    assert.equal(sync.valid, false);
    const reset = run(sync, "full", { torrents: [HEADER, [1, hash(2), "b", 6, 0, 0, []]] });
    assert.equal(reset.reset, true);
    assert.deepEqual(
      reset.patches.map((p) => p.hash),
      [hash(2)],
    );
    assert.throws(() => newSync().begin("recent"), /needs a completed full pass/);
  });

  it("derives tracker hosts and errors from tracker stats, working tracker first", () => {
    const sync = newSync();
    const changes = run(sync, "full", {
      torrents: [
        HEADER,
        [
          1,
          hash(1),
          "down",
          6,
          0,
          0,
          [
            stat(
              "https://a.example:443/ann?passkey=SECRET",
              false,
              true,
              "Could not connect to tracker",
            ),
          ],
        ],
        [
          2,
          hash(2),
          "second-works",
          6,
          0,
          0,
          [
            stat("https://a.example/ann?passkey=SECRET", false, true, "Tracker gave HTTP 502"),
            stat("udp://b.example:6969/announce", true, true, "Success"),
          ],
        ],
        [3, hash(3), "stopped", 0, 0, 0, [stat("https://a.example/a", false, true, "timed out")]],
        [4, hash(4), "warned", 6, 1, 0, [stat("https://a.example/a", true, true, "Success")]],
        [5, hash(5), "no-trackers", 6, 0, 0, []],
        [6, hash(6), "bad-url", 6, 0, 0, [stat("not a url", false, true, "x")]],
      ],
    });
    const t = byName(changes);
    assert.deepEqual(t.get("down")?.trackerHosts, ["a.example"]);
    assert.equal(t.get("down")?.trackerError, true, "running and no tracker works");
    assert.equal(t.get("down")?.message, "Could not connect to tracker");
    assert.deepEqual(t.get("second-works")?.trackerHosts, ["b.example", "a.example"]);
    assert.equal(t.get("second-works")?.trackerError, false);
    assert.equal(t.get("stopped")?.trackerError, false, "a stopped torrent does not announce");
    assert.equal(t.get("warned")?.trackerError, false, "a warning is not an error");
    assert.deepEqual(t.get("no-trackers")?.trackerHosts, []);
    assert.equal(t.get("no-trackers")?.trackerError, false);
    assert.deepEqual(t.get("bad-url")?.trackerHosts, []);
    assert.doesNotMatch(JSON.stringify(changes), /SECRET|passkey/);
  });

  it("exports an unknown status number as Undefined and reports it once", () => {
    const unknown: string[] = [];
    const sync = newSync(unknown);
    const changes = run(sync, "full", {
      torrents: [HEADER, [1, hash(1), "a", 9, 0, 0, []], [2, hash(2), "b", 9, 0, 0, []]],
    });
    assert.deepEqual(
      changes.patches.map((p) => p.status),
      [S.Undefined, S.Undefined],
    );
    assert.deepEqual(unknown, ["status 9"]);
  });

  it("rejects rows of the wrong shape with an error naming the field", () => {
    const cases: Array<[unknown[], RegExp]> = [
      [[[1, hash(1), "a", "six", 0, 0, []]], /status must be a number/],
      [[[1, hash(1), "a", 6.5, 0, 0, []]], /status must be an integer/],
      [[[1, hash(1), "a", 6, 0, "fast", []]], /rateUpload must be a number/],
      [[[1, hash(1), "a", 6, 0, 0, "x"]], /trackerStats must be an array/],
      [[[1, hash(1), "a", 6, 0, 0, [null]]], /trackerStats entries must be objects/],
      [[[-1, hash(1), "a", 6, 0, 0, []]], /without a valid id/],
      [[[1, 42, "a", 6, 0, 0, []]], /torrent 1 has no valid hashString/],
      [
        [[1, `${hash(1).slice(0, 39)}\ufffd`, "a", 6, 0, 0, []]],
        /torrent 1 has no valid hashString/,
      ],
      [[[1, hash(1).slice(1), "a", 6, 0, 0, []]], /torrent 1 has no valid hashString/],
      [[[1, hash(1), "a", 6, 0]], /a row has 5 values for 7 fields/],
      [["x"], /rows of a table or objects/],
    ];
    for (const [rows, message] of cases) {
      const pass = newSync().begin("full");
      pass.element(HEADER);
      assert.throws(
        () => {
          for (const row of rows) pass.element(row);
        },
        (error: unknown) => error instanceof SourceProtocolError && message.test(error.message),
      );
    }
    const pass = newSync().begin("full");
    assert.throws(() => pass.element([1, "id"]), /first row must name the fields/);
    const labels = newSync().begin("full");
    labels.element(["id", "hashString", "status", "labels"]);
    assert.throws(() => labels.element([1, hash(1), 6, [1]]), /labels must be an array of strings/);
    const recent = newSync();
    run(recent, "full", { torrents: [HEADER] });
    assert.throws(
      () => run(recent, "recent", { torrents: [HEADER], removed: "x" }),
      /"removed" must be an array of torrent ids/,
    );
    assert.equal(recent.valid, false, "a failed pass leaves the state to be rebuilt");
    run(recent, "full", { torrents: [HEADER] });
    const full = recent.begin("full");
    full.element(HEADER);
    full.finish(undefined);
    assert.equal(full.removalsKnown, true);
    const withoutRemoved = recent.begin("recent");
    withoutRemoved.element(HEADER);
    withoutRemoved.finish(undefined);
    assert.equal(withoutRemoved.removalsKnown, false);
    const withRemoved = recent.begin("recent");
    withRemoved.element(HEADER);
    withRemoved.finish([]);
    assert.equal(withRemoved.removalsKnown, true);
  });
});

describe("transmissionStatus", () => {
  it("maps every status with the rates, local errors first", () => {
    const states = new StateMapper({}, () => {});
    const cases: Array<[number, number, number, number, number]> = [
      [0, 0, 0, 0, S.Paused],
      [1, 0, 0, 0, S.Checking],
      [2, 0, 0, 0, S.Checking],
      [3, 0, 0, 0, S.Queued],
      [4, 0, 10, 0, S.Downloading],
      [4, 0, 0, 10, S.Stalled],
      [5, 0, 0, 0, S.Queued],
      [6, 0, 0, 10, S.Uploading],
      [6, 0, 10, 0, S.Stalled],
      [6, 2, 0, 10, S.Uploading],
      [0, 3, 0, 0, S.Errored],
      [6, 3, 0, 10, S.Errored],
      [7, 0, 0, 0, S.Undefined],
      [-1, 0, 0, 0, S.Undefined],
    ];
    for (const [status, error, down, up, expected] of cases) {
      assert.equal(
        transmissionStatus(status, error, down, up, states),
        expected,
        `status ${status} error ${error} down ${down} up ${up}`,
      );
    }
  });
});

describe("redactUrls", () => {
  it("keeps scheme and host of URLs in a message, drops paths, queries and credentials", () => {
    assert.equal(
      redactUrls(
        "Announce to https://u:p@t.example:443/a?passkey=abc failed; see http://x.example/",
      ),
      "Announce to https://t.example:443 failed; see http://x.example",
    );
    assert.equal(redactUrls("No data found!"), "No data found!");
  });
});
