import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type StatusCode, TorrentStatus } from "./status.ts";
import type { TorrentPatch, TorrentRecord } from "./torrent.ts";
import { EMPTY_TORRENT } from "./torrent.ts";
import { TorrentTable } from "./torrent-table.ts";
import { TrackerNamer } from "./tracker.ts";

const namer = new TrackerNamer({ rename: {}, categoryAsTracker: false });

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
    assert.deepEqual([...table.retired], [["b.example", { uploaded: 20, downloaded: 0 }]]);
    assert.deepEqual(table.takeDirtyRetired(), ["b.example"]);
    assert.deepEqual(table.takeDirtyRetired(), []);
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
    table.rename(new TrackerNamer({ rename: {}, categoryAsTracker: true }));
    assert.equal(table.get("1")?.tracker, "x.other.example");
  });

  it("seeds retired bytes from storage", () => {
    const table = new TorrentTable(namer, [["gone.example", { uploaded: 500, downloaded: 5 }]]);
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
});
