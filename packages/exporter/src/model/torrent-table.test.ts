import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CounterOracle } from "@seedwatch/testbed/counter-oracle";
import fc from "fast-check";
import type {
  CounterChanges,
  CounterSnapshot,
  StoredCounters,
  TrackerBytes,
} from "./counter-ledger.ts";
import { RATIO_BUCKETS, ratioBucket } from "./ratio-buckets.ts";
import { type StatusCode, TorrentStatus } from "./status.ts";
import type { TorrentPatch, TorrentRecord } from "./torrent.ts";
import { EMPTY_TORRENT } from "./torrent.ts";
import { classify, countClasses, emptyClasses } from "./torrent-classes.ts";
import { type EventCounts, emptyEvents } from "./torrent-events.ts";
import { TorrentTable } from "./torrent-table.ts";
import { TrackerNamer } from "./tracker.ts";

const namer = new TrackerNamer({ rename: {}, categoryAsTracker: false });

/** What storage would hold, kept by applying a table's counter changes (as CounterStore does). */
class StorageMirror {
  readonly totals = new Map<string, TrackerBytes>();
  readonly torrents = new Map<string, StoredCounters>();
  readonly events = new Map<string, EventCounts>();
  polled = false;

  save(table: TorrentTable): CounterChanges {
    const changes = table.counterChanges();
    for (const [tracker, bytes] of changes.totals) this.totals.set(tracker, bytes);
    for (const [hash, counters] of changes.torrents) this.torrents.set(hash, counters);
    for (const hash of changes.forgotten) this.torrents.delete(hash);
    for (const [tracker, counts] of changes.events ?? []) this.events.set(tracker, { ...counts });
    if (changes.firstPoll === true) this.polled = true;
    table.markCountersSaved();
    return changes;
  }

  snapshot(): CounterSnapshot {
    return {
      totals: [...this.totals],
      torrents: [...this.torrents],
      events: [...this.events],
      polledBefore: this.polled,
    };
  }
}

/** Applies an update, then saves it, as TorrentTarget does after every poll. */
function poll(
  table: TorrentTable,
  storage: StorageMirror,
  update: Parameters<TorrentTable["apply"]>[0],
) {
  table.apply(update);
  storage.save(table);
}

function uploadedOf(table: TorrentTable, tracker: string): number {
  return table.trackers.get(tracker)?.uploaded ?? 0;
}

/** A new torrent's patch: started unless its status is Paused, tracker a.example. */
function torrent(hash: string, fields: Partial<TorrentRecord> = {}): TorrentPatch {
  return {
    ...EMPTY_TORRENT,
    hash,
    name: `t-${hash}`,
    trackerHosts: ["a.example"],
    started: fields.status !== TorrentStatus.Paused,
    ...fields,
  };
}

describe("TorrentTable", () => {
  it("keeps per-tracker, per-category, per-tag and per-state aggregates", () => {
    const table = new TorrentTable(namer);
    table.apply({
      reset: true,
      removed: [],
      patches: [
        torrent("1", {
          size: 100,
          uploaded: 10,
          category: "movies",
          tags: ["hd", "fav"],
          status: TorrentStatus.Uploading,
          progress: 1,
          uploadRate: 5,
        }),
        torrent("2", {
          size: 50,
          uploaded: 20,
          category: "movies",
          tags: ["hd"],
          trackerHosts: ["b.example"],
          status: TorrentStatus.Paused,
        }),
        torrent("3", {
          size: 7,
          trackerError: true,
          message: "unregistered torrent",
          status: TorrentStatus.Downloading,
        }),
      ],
    });
    assert.deepEqual(table.trackers.get("a.example"), {
      torrents: 2,
      size: 107,
      uploaded: 10,
      downloaded: 0,
      uploadRate: 5,
      downloadRate: 0,
      errors: 1,
    });
    assert.equal(table.categories.get("movies")?.size, 150);
    assert.equal(table.tags.get("hd")?.torrents, 2);
    assert.equal(table.statuses[TorrentStatus.Paused], 1);
    assert.deepEqual(table.classes, {
      total: 3,
      active: 1,
      withMessage: 1,
      complete: 1,
      incomplete: 2,
      seeding: 1,
      downloading: 1,
      started: 2,
      stopped: 1,
      errored: 1,
    });
    table.apply({
      reset: false,
      removed: ["2"],
      patches: [{ hash: "3", category: "tv", status: TorrentStatus.Uploading }],
    });
    assert.equal(table.categories.has("movies"), true);
    assert.equal(table.categories.get("tv")?.torrents, 1);
    assert.equal(table.tags.get("hd")?.torrents, 1);
    assert.equal(
      table.trackers.get("b.example")?.uploaded,
      20,
      "bytes of a removed torrent stay with its tracker",
    );
    assert.equal(table.trackers.get("b.example")?.torrents, 0);
  });

  it("removes everything a full (reset) update does not list", () => {
    const table = new TorrentTable(namer);
    table.apply({ reset: true, removed: [], patches: [torrent("1"), torrent("2")] });
    table.apply({ reset: true, removed: [], patches: [torrent("2")] });
    assert.deepEqual(
      [...table.rows()].map((r) => r.hash),
      ["2"],
    );
  });

  it("moves its version only when an update changes a torrent, so caches survive idle polls", () => {
    const table = new TorrentTable(namer);
    const full = () => [torrent("1", { tags: ["a", "b"] }), torrent("2")];
    table.apply({ reset: true, removed: [], patches: full() });
    const listed = table.version;
    table.apply({ reset: false, removed: [], patches: [] });
    assert.equal(table.version, listed, "an empty update");
    table.apply({ reset: true, removed: [], patches: full() });
    assert.equal(table.version, listed, "the same full list again, in new objects and arrays");
    table.apply({ reset: false, removed: ["gone"], patches: [{ hash: "1", uploaded: 0 }] });
    assert.equal(table.version, listed, "an unknown removal and a patch to the same value");

    table.apply({ reset: false, removed: [], patches: [{ hash: "1", uploadRate: 5 }] });
    assert.equal(table.version, listed + 1, "a changed rate");
    table.apply({ reset: false, removed: [], patches: [{ hash: "1", tags: ["a"] }] });
    assert.equal(table.version, listed + 2, "a changed list");
    table.apply({ reset: false, removed: [], patches: [torrent("3")] });
    assert.equal(table.version, listed + 3, "a new torrent");
    table.apply({ reset: false, removed: ["3"], patches: [] });
    assert.equal(table.version, listed + 4, "a removed torrent");
    table.apply({ reset: true, removed: [], patches: [torrent("2")] });
    assert.equal(table.version, listed + 5, "a torrent a full list leaves out");
  });

  it("keeps the tracker identity while the working tracker flips, and renames", () => {
    const renaming = new TrackerNamer({
      rename: { "t1.site.example": "Site", "*.other.example": "Other" },
      categoryAsTracker: false,
    });
    const table = new TorrentTable(renaming);
    table.apply({
      reset: true,
      removed: [],
      patches: [torrent("1", { trackerHosts: ["t1.site.example", "x.other.example"] })],
    });
    assert.equal(table.get("1")?.tracker, "Site");
    table.apply({
      reset: false,
      removed: [],
      patches: [{ hash: "1", trackerHosts: ["x.other.example", "t1.site.example"] }],
    });
    assert.equal(
      table.get("1")?.tracker,
      "Site",
      "sticky while still among the torrent's trackers",
    );
    table.apply({
      reset: false,
      removed: [],
      patches: [{ hash: "1", trackerHosts: ["x.other.example"] }],
    });
    assert.equal(table.get("1")?.tracker, "Other");
  });

  it("seeds tracker totals from storage", () => {
    const table = new TorrentTable(namer, {
      restored: { totals: [["gone.example", { uploaded: 500, downloaded: 5 }]], torrents: [] },
    });
    assert.equal(table.trackers.get("gone.example")?.uploaded, 500);
    table.apply({
      reset: true,
      removed: [],
      patches: [torrent("1", { trackerHosts: ["gone.example"], uploaded: 7 })],
    });
    assert.equal(table.trackers.get("gone.example")?.uploaded, 507);
  });

  it("matches a from-scratch recount and never lets a tracker counter go down, whatever happens", () => {
    const hashes = ["a", "b", "c", "d"];
    const hosts = ["x.example", "y.example", "z.example"];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("patch" as const),
        hash: fc.constantFrom(...hashes),
        uploaded: fc.nat(1000),
        downloaded: fc.nat(1000),
        size: fc.nat(100),
        hosts: fc.subarray(hosts, { minLength: 0 }),
        category: fc.constantFrom("", "m", "t"),
        tags: fc.subarray(["p", "q"]),
        status: fc.integer({ min: 0, max: 10 }),
        progress: fc.constantFrom(0, 0.5, 1),
        uploadRate: fc.nat(50),
        trackerError: fc.boolean(),
      }),
      // Only fields no aggregate reads (the table's short way for these).
      fc.record({
        kind: fc.constant("quiet" as const),
        hash: fc.constantFrom(...hashes),
        seedingTime: fc.nat(1000),
        seeds: fc.nat(5),
        name: fc.constantFrom("n", "m"),
      }),
      fc.record({ kind: fc.constant("remove" as const), hash: fc.constantFrom(...hashes) }),
      fc.record({ kind: fc.constant("reset" as const), keep: fc.subarray(hashes) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const table = new TorrentTable(namer);
        const before = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === "quiet") {
            const version = table.version;
            const { kind: _, ...patch } = o;
            const old = table.get(o.hash);
            const moved =
              old === undefined ||
              old.seedingTime !== o.seedingTime ||
              old.seeds !== o.seeds ||
              old.name !== o.name;
            table.apply({ reset: false, removed: [], patches: [patch] });
            const row = table.get(o.hash);
            assert.deepEqual(
              [row?.seedingTime, row?.seeds, row?.name],
              [o.seedingTime, o.seeds, o.name],
            );
            assert.equal(table.version, moved ? version + 1 : version);
          } else if (o.kind === "patch") {
            table.apply({
              reset: false,
              removed: [],
              patches: [
                {
                  hash: o.hash,
                  uploaded: o.uploaded,
                  downloaded: o.downloaded,
                  size: o.size,
                  trackerHosts: o.hosts,
                  category: o.category,
                  tags: o.tags,
                  status: o.status as StatusCode,
                  progress: o.progress,
                  uploadRate: o.uploadRate,
                  trackerError: o.trackerError,
                },
              ],
            });
          } else if (o.kind === "remove") {
            table.apply({ reset: false, removed: [o.hash], patches: [] });
          } else {
            table.apply({
              reset: true,
              removed: [],
              patches: o.keep.flatMap((h) => (table.get(h) ? [{ hash: h }] : [])),
            });
          }
          const rows = [...table.rows()];
          for (const [name, stats] of table.trackers) {
            const mine = rows.filter((r) => r.tracker === name);
            assert.equal(stats.torrents, mine.length);
            assert.equal(
              stats.size,
              mine.reduce((s, r) => s + r.size, 0),
            );
            assert.equal(stats.errors, mine.filter((r) => r.trackerError).length);
            assert.ok(stats.uploaded >= (before.get(name) ?? 0), `uploaded of ${name} went down`);
            before.set(name, stats.uploaded);
          }
          for (const r of rows) assert.ok(table.trackers.has(r.tracker));
          assert.equal(table.classes.total, rows.length);
          assert.equal(
            table.statuses.reduce((a, b) => a + b, 0),
            rows.length,
          );
          for (const [category, stats] of table.categories) {
            assert.equal(stats.torrents, rows.filter((r) => r.category === category).length);
          }
          for (const [tag, stats] of table.tags) {
            assert.equal(stats.torrents, rows.filter((r) => r.tags.includes(tag)).length);
          }
          let cells = 0;
          for (const cell of table.stateCells) cells += cell.torrents;
          assert.equal(cells, rows.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("counts a rolled-back torrent once across a seedwatch restart (issue 13's doubling)", () => {
    const storage = new StorageMirror();
    const first = new TorrentTable(namer);
    poll(first, storage, { reset: true, removed: [], patches: [torrent("1", { uploaded: 1000 })] });
    // The client crashed and came back from older resume data.
    poll(first, storage, { reset: true, removed: [], patches: [torrent("1", { uploaded: 600 })] });
    assert.equal(uploadedOf(first, "a.example"), 1000, "a rollback takes nothing back");
    poll(first, storage, { reset: false, removed: [], patches: [{ hash: "1", uploaded: 700 }] });
    assert.equal(uploadedOf(first, "a.example"), 1100, "and what it gains after counts");

    const second = new TorrentTable(namer, { restored: storage.snapshot() });
    poll(second, storage, { reset: true, removed: [], patches: [torrent("1", { uploaded: 700 })] });
    assert.equal(uploadedOf(second, "a.example"), 1100, "a restart adds nothing");
    poll(second, storage, { reset: false, removed: [], patches: [{ hash: "1", uploaded: 750 }] });
    assert.equal(uploadedOf(second, "a.example"), 1150);
  });

  it("after a restart, credits what changed while it was away: gains, rollbacks, removals, new torrents", () => {
    const storage = new StorageMirror();
    const before = new TorrentTable(namer);
    poll(before, storage, {
      reset: true,
      removed: [],
      patches: [
        torrent("grows", { uploaded: 100 }),
        torrent("drops", { uploaded: 100 }),
        torrent("goes", { uploaded: 100 }),
      ],
    });
    const after = new TorrentTable(namer, { restored: storage.snapshot() });
    assert.equal(after.rememberedCount, 3);
    poll(after, storage, {
      reset: true,
      removed: [],
      patches: [
        torrent("grows", { uploaded: 130 }),
        torrent("drops", { uploaded: 40 }),
        torrent("new", { uploaded: 5 }),
      ],
    });
    assert.equal(uploadedOf(after, "a.example"), 300 + 30 + 5);
    assert.equal(after.rememberedCount, 1, "the removed torrent is remembered as departed");
    assert.equal(storage.torrents.get("goes")?.removedAt !== null, true);
  });

  it("does not count a torrent twice when a starting client lists it late", () => {
    const table = new TorrentTable(namer);
    table.apply({
      reset: true,
      removed: [],
      patches: [torrent("1", { uploaded: 500 }), torrent("2", { uploaded: 300 })],
    });
    // A client that is still loading answers a complete-looking list without torrent 2.
    table.apply({ reset: true, removed: [], patches: [torrent("1", { uploaded: 500 })] });
    assert.equal(uploadedOf(table, "a.example"), 800);
    table.apply({
      reset: true,
      removed: [],
      patches: [torrent("1"), torrent("2", { uploaded: 310 })],
    });
    assert.equal(uploadedOf(table, "a.example"), 810);
  });

  it("forgets departed torrents past the count and age limits, and tells storage", () => {
    let now = 1_000;
    const storage = new StorageMirror();
    const table = new TorrentTable(namer, {
      limits: { maxDeparted: 2, departedTtlMs: 10_000 },
      now: () => now,
    });
    poll(table, storage, {
      reset: true,
      removed: [],
      patches: ["1", "2", "3", "4"].map((h) => torrent(h, { uploaded: 10 })),
    });
    poll(table, storage, { reset: false, removed: ["1", "2", "3"], patches: [] });
    assert.equal(table.rememberedCount, 2);
    assert.deepEqual([...storage.torrents.keys()].sort(), ["2", "3", "4"]);
    now += 10_001;
    const changes = (() => {
      table.apply({ reset: false, removed: [], patches: [] });
      return storage.save(table);
    })();
    assert.deepEqual(changes.forgotten.sort(), ["2", "3"]);
    assert.equal(table.rememberedCount, 0);
    assert.deepEqual([...storage.torrents.keys()], ["4"]);
    assert.equal(uploadedOf(table, "a.example"), 40, "forgetting a torrent keeps its bytes");
  });

  it("writes only what changed", () => {
    const storage = new StorageMirror();
    const table = new TorrentTable(namer);
    poll(table, storage, {
      reset: true,
      removed: [],
      patches: [torrent("1", { uploaded: 1 }), torrent("2", { trackerHosts: ["b.example"] })],
    });
    table.apply({
      reset: false,
      removed: [],
      patches: [
        { hash: "1", uploadRate: 9 },
        { hash: "2", uploadRate: 3 },
      ],
    });
    assert.deepEqual(storage.save(table), {
      totals: [],
      torrents: [],
      forgotten: [],
      events: [],
      firstPoll: false,
    });
    table.apply({ reset: false, removed: [], patches: [{ hash: "1", uploaded: 2 }] });
    const changes = storage.save(table);
    assert.deepEqual(changes.totals, [["a.example", { uploaded: 2, downloaded: 0 }]]);
    assert.deepEqual(changes.torrents, [
      ["1", { tracker: "a.example", uploaded: 2, downloaded: 0, removedAt: null }],
    ]);
  });

  it("equals every counter rise counted once, across rollbacks, moves, removals, late lists and restarts", () => {
    const hashes = ["a", "b", "c", "d", "e"];
    const hosts = ["x.example", "y.example"];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("patch" as const),
        hash: fc.constantFrom(...hashes),
        // Few distinct values, so counters often stay put, rise or drop on one side only.
        uploaded: fc.nat(4).map((n) => n * 100),
        downloaded: fc.nat(4).map((n) => n * 100),
        hosts: fc.subarray(hosts, { minLength: 0 }),
        category: fc.constantFrom("", "m"),
      }),
      fc.record({ kind: fc.constant("remove" as const), hash: fc.constantFrom(...hashes) }),
      fc.record({ kind: fc.constant("reset" as const), keep: fc.subarray(hashes) }),
      fc.record({ kind: fc.constant("restart" as const), categoryAsTracker: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const storage = new StorageMirror();
        let table = new TorrentTable(namer);
        const oracle = new CounterOracle();
        const observe = () => oracle.observe(table.rows());
        const before = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === "restart") {
            const naming = new TrackerNamer({ rename: {}, categoryAsTracker: o.categoryAsTracker });
            table = new TorrentTable(naming, { restored: storage.snapshot() });
            continue;
          }
          if (o.kind === "patch") {
            const patch: TorrentPatch = {
              hash: o.hash,
              uploaded: o.uploaded,
              downloaded: o.downloaded,
              trackerHosts: o.hosts,
              category: o.category,
            };
            poll(table, storage, { reset: false, removed: [], patches: [patch] });
          } else if (o.kind === "remove") {
            poll(table, storage, { reset: false, removed: [o.hash], patches: [] });
          } else {
            poll(table, storage, {
              reset: true,
              removed: [],
              patches: o.keep.flatMap((h) => (table.get(h) ? [{ hash: h }] : [])),
            });
          }
          observe();
          const trackers = new Set([...oracle.trackers, ...table.trackers.keys()]);
          for (const name of trackers) {
            const stats = table.trackers.get(name);
            const want = oracle.totals(name);
            assert.equal(stats?.uploaded ?? 0, want.uploaded, `uploaded of "${name}"`);
            assert.equal(stats?.downloaded ?? 0, want.downloaded, `downloaded of "${name}"`);
            assert.ok((stats?.uploaded ?? 0) >= (before.get(name) ?? 0), `${name} went down`);
            before.set(name, stats?.uploaded ?? 0);
          }
          for (const [name, bytes] of storage.totals) {
            assert.deepEqual(bytes, {
              uploaded: table.trackers.get(name)?.uploaded ?? 0,
              downloaded: table.trackers.get(name)?.downloaded ?? 0,
            });
          }
        }
      }),
      { numRuns: 500 },
    );
  });
  it("keeps class counts, bytes left, files, skip rate and ratio buckets equal to the rows, per target and per tracker", () => {
    const hashes = ["a", "b", "c", "d"];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("patch" as const),
        hash: fc.constantFrom(...hashes),
        started: fc.boolean(),
        progress: fc.constantFrom(0, 0.5, 1),
        left: fc.nat(3).map((n) => n * 1000),
        files: fc.nat(3),
        skipRate: fc.nat(2),
        ratio: fc.constantFrom(-1, 0, 0.5, 0.7, 1, 3, 10, 11, Number.POSITIVE_INFINITY),
        message: fc.constantFrom("", "unregistered"),
        uploadRate: fc.nat(1),
        hosts: fc.subarray(["x.example", "y.example"]),
      }),
      fc.record({ kind: fc.constant("remove" as const), hash: fc.constantFrom(...hashes) }),
      fc.record({ kind: fc.constant("reset" as const), keep: fc.subarray(hashes) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const table = new TorrentTable(namer);
        for (const o of ops) {
          if (o.kind === "patch") {
            const { kind: _, hash, hosts, ...fields } = o;
            const patch = table.get(hash)
              ? { hash, ...fields, trackerHosts: hosts }
              : torrent(hash, { ...fields, trackerHosts: hosts });
            table.apply({ reset: false, removed: [], patches: [patch] });
          } else if (o.kind === "remove") {
            table.apply({ reset: false, removed: [o.hash], patches: [] });
          } else {
            table.apply({
              reset: true,
              removed: [],
              patches: o.keep.flatMap((h) => (table.get(h) ? [{ hash: h }] : [])),
            });
          }
          const rows = [...table.rows()];
          const all = emptyClasses();
          for (const r of rows) countClasses(all, classify(r), 1);
          assert.deepEqual(table.classes, all);
          assert.deepEqual(table.sizes, {
            left: rows.reduce((n, r) => n + r.left, 0),
            files: rows.reduce((n, r) => n + r.files, 0),
            skipRate: rows.reduce((n, r) => n + r.skipRate, 0),
          });
          const trackers = new Set(rows.map((r) => r.tracker));
          assert.deepEqual(new Set(table.trackerFigures.keys()), trackers);
          for (const tracker of trackers) {
            const mine = rows.filter((r) => r.tracker === tracker);
            const classes = emptyClasses();
            const buckets = new Array<number>(RATIO_BUCKETS).fill(0);
            let sum = 0;
            for (const r of mine) {
              countClasses(classes, classify(r), 1);
              const bucket = ratioBucket(r.ratio);
              if (bucket >= 0) buckets[bucket] = (buckets[bucket] as number) + 1;
              if (r.ratio >= 0 && Number.isFinite(r.ratio)) sum += r.ratio;
            }
            const figures = table.trackerFigures.get(tracker);
            assert.deepEqual(figures?.classes, classes, `classes of "${tracker}"`);
            assert.equal(
              figures?.left,
              mine.reduce((n, r) => n + r.left, 0),
            );
            assert.deepEqual(figures?.ratioBuckets, buckets, `ratios of "${tracker}"`);
            assert.ok(Math.abs((figures?.ratioSum ?? 0) - sum) < 1e-9);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("classes follow rTorrent's views: started is the client's flag, seeding and leeching need it", () => {
    const table = new TorrentTable(namer);
    table.apply({
      reset: true,
      removed: [],
      patches: [
        // rTorrent's paused item: d.state 1, status Paused; its started view holds it.
        torrent("1", { status: TorrentStatus.Paused, started: true, progress: 1 }),
        torrent("2", { status: TorrentStatus.Paused, started: false, progress: 0.5, left: 10 }),
        torrent("3", {
          status: TorrentStatus.Downloading,
          progress: 0.2,
          left: 80,
          downloadRate: 1,
        }),
      ],
    });
    const c = table.classes;
    assert.deepEqual(
      [c.total, c.started, c.stopped, c.complete, c.incomplete, c.seeding, c.downloading, c.active],
      [3, 2, 1, 1, 2, 1, 1, 1],
    );
    assert.equal(table.sizes.left, 90);
    assert.equal(table.trackerFigures.get("a.example")?.left, 90);
  });

  it("counts added, finished, errored and removed once each, and not again after a restart", () => {
    const storage = new StorageMirror();
    const first = new TorrentTable(namer);
    // The first list of a target never polled is what was there: nothing added.
    poll(first, storage, { reset: true, removed: [], patches: [torrent("old", { progress: 1 })] });
    assert.deepEqual(first.events, emptyEvents());
    poll(first, storage, {
      reset: false,
      removed: [],
      patches: [torrent("new", { progress: 0.5 })],
    });
    poll(first, storage, { reset: false, removed: [], patches: [{ hash: "new", progress: 1 }] });
    poll(first, storage, { reset: false, removed: [], patches: [{ hash: "new", progress: 1 }] });
    poll(first, storage, {
      reset: false,
      removed: [],
      patches: [{ hash: "new", status: TorrentStatus.Errored }],
    });
    poll(first, storage, { reset: false, removed: ["old"], patches: [] });
    const once = { ...emptyEvents(), added: 1, finished: 1, removed: 1, errored: 1 };
    assert.deepEqual(first.events, once);
    assert.deepEqual(first.trackerEvents.get("a.example"), once);

    // A restart lists "new" again, still errored and complete: nothing happens.
    const second = new TorrentTable(namer, { restored: storage.snapshot() });
    assert.deepEqual(second.events, once, "restored");
    poll(second, storage, {
      reset: true,
      removed: [],
      patches: [torrent("new", { progress: 1, status: TorrentStatus.Errored })],
    });
    assert.deepEqual(second.events, once, "the same torrents after a restart add nothing");

    // While seedwatch was away: "new" removed, "later" added; the old one comes back (re-added).
    const third = new TorrentTable(namer, { restored: storage.snapshot() });
    poll(third, storage, {
      reset: true,
      removed: [],
      patches: [torrent("later"), torrent("old", { progress: 1 })],
    });
    assert.deepEqual(third.events, { ...once, added: 3, removed: 2 });
    const fourth = new TorrentTable(namer, { restored: storage.snapshot() });
    poll(fourth, storage, {
      reset: true,
      removed: [],
      patches: [torrent("later"), torrent("old", { progress: 1 })],
    });
    assert.deepEqual(fourth.events, { ...once, added: 3, removed: 2 });
    assert.deepEqual(storage.events.get("a.example"), fourth.events);
  });

  it("keeps a tracker's events when its torrents are gone, and counts each under its tracker", () => {
    const table = new TorrentTable(namer);
    table.apply({ reset: true, removed: [], patches: [] });
    table.apply({
      reset: false,
      removed: [],
      patches: [torrent("1", { trackerHosts: ["b.example"] }), torrent("2")],
    });
    table.apply({ reset: false, removed: ["1"], patches: [] });
    assert.deepEqual(table.trackerEvents.get("b.example"), {
      ...emptyEvents(),
      added: 1,
      removed: 1,
    });
    assert.equal(table.trackerEvents.get("a.example")?.added, 1);
    assert.equal(table.trackerFigures.has("b.example"), false);
    assert.deepEqual(table.events, { ...emptyEvents(), added: 2, removed: 1 });
  });

  it("counts an added torrent that arrives complete as finished only when it downloaded bytes", () => {
    const table = new TorrentTable(namer);
    table.apply({ reset: true, removed: [], patches: [] });
    table.apply({
      reset: false,
      removed: [],
      patches: [
        torrent("fast", { progress: 1, downloaded: 1024 }),
        torrent("seed", { progress: 1, downloaded: 0 }),
      ],
    });
    assert.deepEqual(table.events, { ...emptyEvents(), added: 2, finished: 1 });
  });

  it("counts one added complete before its byte count caught up as finished when the bytes show, once", () => {
    const table = new TorrentTable(namer);
    table.apply({ reset: true, removed: [], patches: [] });
    const poll = (patches: TorrentPatch[]) => table.apply({ reset: false, removed: [], patches });
    // qBittorrent listed it finished with 0 bytes downloaded; the next answer has the bytes.
    poll([torrent("late", { progress: 1, downloaded: 0 }), torrent("seed", { progress: 1 })]);
    assert.deepEqual(table.events, { ...emptyEvents(), added: 2 });
    poll([
      { hash: "late", downloaded: 1024 },
      { hash: "seed", uploaded: 10 },
    ]);
    assert.deepEqual(table.events, { ...emptyEvents(), added: 2, finished: 1 });
    poll([{ hash: "late", downloaded: 2048 }]);
    assert.deepEqual(table.events, { ...emptyEvents(), added: 2, finished: 1 }, "once");
  });

  it("counts a torrent closed and opened again (rTorrent's d.is_open), once each, not a new one", () => {
    const table = new TorrentTable(namer);
    table.apply({ reset: true, removed: [], patches: [torrent("1"), torrent("2")] });
    table.apply({ reset: false, removed: [], patches: [{ hash: "1", open: false }] });
    table.apply({ reset: false, removed: [], patches: [{ hash: "1", name: "renamed" }] });
    assert.deepEqual(table.events, { ...emptyEvents(), closed: 1 });
    table.apply({ reset: false, removed: [], patches: [{ hash: "1", open: true }] });
    // Added closed: no event but added (a client without an open state lists every one open).
    table.apply({ reset: false, removed: [], patches: [torrent("3", { open: false })] });
    assert.deepEqual(table.events, { ...emptyEvents(), added: 1, opened: 1, closed: 1 });
    assert.deepEqual(table.trackerEvents.get("a.example"), table.events);
  });
});

describe("TorrentTable patches of fields no aggregate reads", () => {
  it("leave every aggregate as it was and change only the row", () => {
    const table = new TorrentTable(namer);
    const hash = "a".repeat(40);
    table.apply({
      reset: true,
      removed: [],
      patches: [
        {
          hash,
          ...EMPTY_TORRENT,
          size: 10,
          progress: 1,
          started: true,
          trackerHosts: ["x.example"],
        },
      ],
    });
    const aggregates = () =>
      JSON.stringify({
        trackers: [...table.trackers],
        categories: [...table.categories],
        tags: [...table.tags],
        cells: [...table.stateCells],
        statuses: table.statuses,
        classes: table.classes,
        figures: [...table.trackerFigures],
        sizes: table.sizes,
        events: [...table.trackerEvents],
        changes: table.counterChanges(),
      });
    const before = aggregates();
    const patch = {
      hash,
      name: "renamed",
      addedOn: 1_700_000_000,
      completedOn: 1_700_000_100,
      seedingTime: 86_400,
      savePath: "/elsewhere",
      seeds: 7,
      leechers: 3,
    };
    const version = table.version;
    table.apply({ reset: false, removed: [], patches: [patch] });
    assert.equal(aggregates(), before);
    assert.equal(table.version, version + 1);
    const row = table.get(hash);
    for (const [key, value] of Object.entries(patch))
      assert.equal(row?.[key as keyof typeof row], value, key);
  });
});

describe("TorrentTable changes that keep a row in its groups", () => {
  it("keep every sum, count and distribution equal to the rows, the short way or the long one", () => {
    // Many torrents over few groups, so most changes keep a row in groups it shares (changed in
    // place), and some move or empty one (out and back in). Values are sums of powers of two:
    // every sum below is exact, so any order of additions gives the same bits.
    const hashes = ["a", "b", "c", "d", "e", "f"];
    const half = fc.constantFrom(0, 0.5, 1.25, 3, 1024);
    // What moves while a torrent stays where it is counted.
    const figures = fc.record(
      {
        size: half,
        uploaded: fc.nat(4).map((n) => n * 256),
        downloaded: fc.nat(4).map((n) => n * 256),
        uploadRate: half,
        downloadRate: half,
        ratio: fc.constantFrom(-1, 0.25, 0.5, 1.5, 3, 12, Number.POSITIVE_INFINITY),
        progress: fc.constantFrom(0, 0.5, 1),
        started: fc.boolean(),
        trackerError: fc.boolean(),
        message: fc.constantFrom("", "m"),
        left: half,
        files: fc.nat(3),
        skipRate: half,
      },
      { requiredKeys: [] },
    );
    // What moves it to other groups (or names the ones it is in again, the likelier).
    const groups = fc.record(
      {
        status: fc.constantFrom(...([1, 1, 7] as StatusCode[])),
        category: fc.constantFrom("", "", "k"),
        tags: fc.constantFrom([], ["p"], ["p"], ["p", "q"]),
        trackerHosts: fc.constantFrom(["x.example"], ["x.example"], ["y.example"]),
      },
      { requiredKeys: [] },
    );
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.record({ hash: fc.constantFrom(...hashes), fields: figures }) },
      {
        weight: 2,
        arbitrary: fc.record({
          hash: fc.constantFrom(...hashes),
          fields: fc.tuple(figures, groups).map(([a, b]) => ({ ...a, ...b })),
        }),
      },
      { weight: 1, arbitrary: fc.record({ remove: fc.constantFrom(...hashes) }) },
    );
    const sum = (rows: readonly TorrentRecord[], field: keyof TorrentRecord) =>
      rows.reduce((n, r) => n + (r[field] as number), 0);
    const group = (rows: readonly TorrentRecord[]) => ({
      torrents: rows.length,
      size: sum(rows, "size"),
      uploadRate: sum(rows, "uploadRate"),
      downloadRate: sum(rows, "downloadRate"),
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 60 }), (ops) => {
        const table = new TorrentTable(namer);
        const oracle = new CounterOracle();
        for (const o of ops) {
          if ("remove" in o) {
            table.apply({ reset: false, removed: [o.remove], patches: [] });
          } else {
            const patch = table.get(o.hash)
              ? { hash: o.hash, ...o.fields }
              : torrent(o.hash, {
                  status: 1 as StatusCode,
                  tags: o.hash < "d" ? ["p"] : [],
                  ...o.fields,
                });
            table.apply({ reset: false, removed: [], patches: [patch] });
          }
          oracle.observe(table.rows());
          for (const name of new Set([...oracle.trackers, ...table.trackers.keys()])) {
            const stats = table.trackers.get(name);
            assert.deepEqual(
              { uploaded: stats?.uploaded ?? 0, downloaded: stats?.downloaded ?? 0 },
              oracle.totals(name),
            );
          }
          const rows = [...table.rows()];
          // One host per torrent here: its tracker is that host, whichever way it got there.
          for (const r of rows) assert.equal(r.tracker, r.trackerHosts[0]);
          for (const [name, stats] of table.trackers) {
            const mine = rows.filter((r) => r.tracker === name);
            const { uploaded: _u, downloaded: _d, ...rest } = stats;
            assert.deepEqual(rest, {
              ...group(mine),
              errors: mine.filter((r) => r.trackerError).length,
            });
          }
          for (const [category, stats] of table.categories)
            assert.deepEqual(stats, group(rows.filter((r) => r.category === category)));
          assert.deepEqual(new Set(table.categories.keys()), new Set(rows.map((r) => r.category)));
          for (const [tag, stats] of table.tags)
            assert.deepEqual(stats, group(rows.filter((r) => r.tags.includes(tag))));
          assert.deepEqual(new Set(table.tags.keys()), new Set(rows.flatMap((r) => r.tags)));
          for (const cell of table.stateCells) {
            const mine = rows.filter(
              (r) =>
                r.status === cell.status &&
                r.tracker === cell.tracker &&
                r.category === cell.category,
            );
            assert.equal(cell.torrents, mine.length);
          }
          for (const [status, n] of table.statuses.entries())
            assert.equal(n, rows.filter((r) => r.status === status).length);
          const all = emptyClasses();
          for (const r of rows) countClasses(all, classify(r), 1);
          assert.deepEqual(table.classes, all);
          assert.deepEqual(table.sizes, {
            left: sum(rows, "left"),
            files: sum(rows, "files"),
            skipRate: sum(rows, "skipRate"),
          });
          for (const [tracker, figures] of table.trackerFigures) {
            const mine = rows.filter((r) => r.tracker === tracker);
            const classes = emptyClasses();
            const buckets = new Array<number>(RATIO_BUCKETS).fill(0);
            let ratioSum = 0;
            for (const r of mine) {
              countClasses(classes, classify(r), 1);
              const bucket = ratioBucket(r.ratio);
              if (bucket >= 0) buckets[bucket] = (buckets[bucket] as number) + 1;
              if (Number.isFinite(r.ratio) && r.ratio >= 0) ratioSum += r.ratio;
            }
            assert.deepEqual(figures, {
              classes,
              left: sum(mine, "left"),
              ratioBuckets: buckets,
              ratioSum,
            });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("TorrentTable row shape", () => {
  // V8's own answer: whether an object keeps its fields in place (fast) or in a hash table.
  setFlagsFromString("--allow-natives-syntax");
  const hasFastProperties = new Function("o", "return %HasFastProperties(o)") as (
    o: object,
  ) => boolean;

  it("keeps every row a fast object whatever fields the patch of a new torrent leaves out", () => {
    const table = new TorrentTable(namer);
    // Deluge's and qBittorrent's patches have no skip rate or open state; a patch may also
    // name its fields in any order.
    const sparse: TorrentPatch = { hash: "a".repeat(40), name: "a", size: 10, progress: 0.5 };
    const keys = Object.keys(EMPTY_TORRENT).reverse() as (keyof typeof EMPTY_TORRENT)[];
    const reversed = Object.fromEntries([
      ...keys.filter((k) => k !== "open" && k !== "skipRate").map((k) => [k, EMPTY_TORRENT[k]]),
      ["hash", "b".repeat(40)],
    ]) as TorrentPatch;
    const whole: TorrentPatch = { hash: "c".repeat(40), ...EMPTY_TORRENT };
    table.apply({ reset: true, patches: [sparse, reversed, whole], removed: [] });
    table.apply({ reset: false, patches: [{ hash: "a".repeat(40), seeds: 3 }], removed: [] });
    for (const row of table.rows()) {
      assert.ok(hasFastProperties(row), `row ${row.hash} is in dictionary mode`);
      assert.deepEqual(Object.keys(row), ["hash", ...Object.keys(EMPTY_TORRENT), "tracker"]);
    }
  });

  it("keeps the integers of idle rows unboxed, though given boxed and though a row has held fractions in each field", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const used = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const numberKeys = Object.keys(EMPTY_TORRENT).filter(
      (k) => typeof EMPTY_TORRENT[k as keyof typeof EMPTY_TORRENT] === "number",
    );
    const n = 20_000;
    const hashes = Array.from({ length: n }, (_, i) => i.toString(16).padStart(40, "0"));
    const table = new TorrentTable(namer);
    // Every client sends a fraction in some field somewhere; here one row has one in each.
    const fractions = Object.fromEntries(numberKeys.map((k) => [k, 0.5]));
    table.apply({ reset: true, patches: [{ hash: "f".repeat(41), ...fractions }], removed: [] });
    const before = used();
    // Idle torrents as a big box has them: sizes and totals past 2^31, rates and peers at 0;
    // every number boxed, as a decoder may hand it over (one read from a Float64Array is).
    const boxed = (record: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(record).map(([k, v]) => [
          k,
          typeof v === "number" ? (new Float64Array([v])[0] as number) : v,
        ]),
      );
    const patches = hashes.map((hash, i) =>
      boxed({
        ...EMPTY_TORRENT,
        hash,
        size: 3 * 2 ** 31 + i,
        progress: 1,
        downloaded: 3 * 2 ** 31 + i,
        uploaded: 5 * 2 ** 31 + i,
        ratio: 1.5 + i / n,
        addedOn: 1_700_000_000 + i,
        completedOn: 1_700_000_100 + i,
        seedingTime: 86_400 + i,
        files: 3,
      }),
    ) as unknown as TorrentPatch[];
    table.apply({ reset: false, patches, removed: [] });
    patches.length = 0;
    const perRow = (used() - before) / n;
    assert.equal(table.size, n + 1);
    // About 450 bytes; with every number field boxed, about 640.
    assert.ok(perRow <= 480, `${perRow.toFixed(0)} bytes per row`);
  });
});
