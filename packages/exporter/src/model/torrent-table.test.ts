import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CounterOracle } from "@seedwatch/testbed/counter-oracle";
import fc from "fast-check";
import type {
  CounterChanges,
  CounterSnapshot,
  StoredCounters,
  TrackerBytes,
} from "./counter-ledger.ts";
import { type StatusCode, TorrentStatus } from "./status.ts";
import type { TorrentPatch, TorrentRecord } from "./torrent.ts";
import { EMPTY_TORRENT } from "./torrent.ts";
import { TorrentTable } from "./torrent-table.ts";
import { TrackerNamer } from "./tracker.ts";

const namer = new TrackerNamer({ rename: {}, categoryAsTracker: false });

/** What storage would hold, kept by applying a table's counter changes (as CounterStore does). */
class StorageMirror {
  readonly totals = new Map<string, TrackerBytes>();
  readonly torrents = new Map<string, StoredCounters>();

  save(table: TorrentTable): CounterChanges {
    const changes = table.counterChanges();
    for (const [tracker, bytes] of changes.totals) this.totals.set(tracker, bytes);
    for (const [hash, counters] of changes.torrents) this.torrents.set(hash, counters);
    for (const hash of changes.forgotten) this.torrents.delete(hash);
    table.markCountersSaved();
    return changes;
  }

  snapshot(): CounterSnapshot {
    return { totals: [...this.totals], torrents: [...this.torrents] };
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

function torrent(hash: string, fields: Partial<TorrentRecord> = {}): TorrentPatch {
  return { ...EMPTY_TORRENT, hash, name: `t-${hash}`, trackerHosts: ["a.example"], ...fields };
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
      fc.record({ kind: fc.constant("remove" as const), hash: fc.constantFrom(...hashes) }),
      fc.record({ kind: fc.constant("reset" as const), keep: fc.subarray(hashes) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const table = new TorrentTable(namer);
        const before = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === "patch") {
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
    assert.deepEqual(storage.save(table), { totals: [], torrents: [], forgotten: [] });
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
});
