import assert from "node:assert/strict";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { openDatabase } from "../store/database.ts";
import { ArchiveStore, type StoredPoint } from "./archive-store.ts";
import type { ArchiveLevel, LevelShape } from "./levels.ts";
import type { SeriesSample } from "./series.ts";

// A small archive: 1 s points x 10, 5 s points x 6, 60 s points x 4 (fake clock: times are given).
const SMALL: readonly LevelShape[] = [
  { factor: 1, slots: 10 },
  { factor: 5, slots: 6 },
  { factor: 60, slots: 4 },
];
const T0 = 1_700_000_040_000; // a whole minute
const key = { target: "box", series: "upload_rate", key: "" };
const sample = (value: number, series = "upload_rate", k = ""): SeriesSample => ({
  target: "box",
  series,
  key: k,
  value,
});

function level(store: ArchiveStore, index: number): ArchiveLevel {
  return store.levels[index] as ArchiveLevel;
}

function rowsPerLevel(db: DatabaseSync): number[] {
  return (
    db
      .prepare("SELECT level, count(*) AS c FROM history_points GROUP BY level ORDER BY level")
      .all() as Array<{
      c: number;
    }>
  ).map((r) => r.c);
}

describe("ArchiveStore", () => {
  it("folds every sample into each level: 1 s points, 5 s and 60 s min/avg/max", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    const values = [4, 8, 1, 7, 5, 10];
    for (const [i, v] of values.entries()) store.record(T0 + i * 1000, [sample(v)]);
    const fine = store.read(key, level(store, 0), T0, T0 + 10_000);
    assert.deepEqual(
      fine.map((p) => [p.t - T0, p.n, p.min, p.sum, p.max]),
      values.map((v, i) => [i * 1000, 1, v, v, v]),
    );
    assert.deepEqual(store.read(key, level(store, 1), T0, T0 + 10_000), [
      { t: T0, n: 5, sum: 25, min: 1, max: 8 },
      { t: T0 + 5000, n: 1, sum: 10, min: 10, max: 10 },
    ] satisfies StoredPoint[]);
    assert.deepEqual(store.read(key, level(store, 2), T0, T0 + 60_000), [
      { t: T0, n: 6, sum: 35, min: 1, max: 10 },
    ]);
    db.close();
  });

  it("keeps exactly `slots` points per level and series, the newest ones", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    const seconds = 6 * 60; // six 60 s periods: every ring wraps
    for (let i = 0; i < seconds; i++)
      store.record(T0 + i * 1000, [sample(i), sample(1, "torrents_total")]);
    assert.deepEqual(rowsPerLevel(db), [2 * 10, 2 * 6, 2 * 4]);
    const end = T0 + (seconds - 1) * 1000; // the last sample
    const fine = store.read(key, level(store, 0), T0, end);
    assert.deepEqual(
      fine.map((p) => p.sum),
      Array.from({ length: 10 }, (_, i) => seconds - 10 + i),
    );
    const hours = store.read(key, level(store, 2), T0, end);
    assert.deepEqual(
      hours.map((p) => (p.t - T0) / 60_000),
      [2, 3, 4, 5],
    );
    assert.deepEqual(
      hours.map((p) => [p.n, p.min, p.max]),
      [2, 3, 4, 5].map((m) => [60, m * 60, m * 60 + 59]),
    );
    // Periods that fell out of a ring are gone, not mistaken for newer ones sharing their slot.
    assert.deepEqual(store.read(key, level(store, 0), T0, T0 + 20_000), []);
    db.close();
  });

  it("stores min and max only when they differ from the average", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    for (let i = 0; i < 5; i++) store.record(T0 + i * 1000, [sample(7), sample(i, "free_space")]);
    const rows = db
      .prepare(
        "SELECT s.series AS name, p.min AS min, p.max AS max FROM history_points p JOIN history_series s ON s.id = p.series WHERE p.level = 1",
      )
      .all() as Array<{ name: string; min: number | null; max: number | null }>;
    assert.deepEqual(
      rows.map((r) => ({ ...r })).sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: "free_space", min: 0, max: 4 },
        { name: "upload_rate", min: null, max: null },
      ],
    );
    db.close();
  });

  it("ignores a sample older than the point in its slot (the clock went back)", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    store.record(T0 + 10_000, [sample(5)]);
    store.record(T0, [sample(99)]); // same 1 s slot, ten periods earlier
    assert.deepEqual(
      store.read(key, level(store, 0), T0, T0 + 10_000).map((p) => [p.t - T0, p.sum]),
      [[10_000, 5]],
    );
    db.close();
  });

  it("writes a sample in one transaction: all of it or nothing", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    function* failing(): Generator<SeriesSample> {
      yield sample(1);
      yield sample(2, "tracker_torrents", "new.example");
      throw new Error("collector broke");
    }
    assert.throws(() => store.record(T0, failing()), /collector broke/);
    assert.equal(db.prepare("SELECT count(*) AS c FROM history_points").get()?.c, 0);
    assert.equal(db.prepare("SELECT count(*) AS c FROM history_series").get()?.c, 0);
    assert.equal(store.size, 0);
    store.record(T0, [sample(3), sample(4, "tracker_torrents", "new.example")]);
    assert.deepEqual(
      store.read(key, level(store, 0), T0, T0).map((p) => p.sum),
      [3],
    );
    assert.deepEqual(store.keys("box", "tracker_torrents"), ["new.example"]);
    db.close();
  });

  it("skips values that are not finite numbers", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    assert.equal(store.record(T0, [sample(Number.NaN), sample(Number.POSITIVE_INFINITY)]), 0);
    assert.equal(db.prepare("SELECT count(*) AS c FROM history_points").get()?.c, 0);
    db.close();
  });

  it("gives the id of an instance unseen for longer than the retention to a new one, without its old points", () => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    const old = { target: "box", series: "tracker_torrents", key: "gone.example" };
    const fresh = { target: "box", series: "tracker_torrents", key: "new.example" };
    store.record(T0, [{ ...old, value: 11 }]);
    store.record(T0 + 60_000, [{ ...old, value: 12 }]);
    // Still within the 240 s retention of the coarsest level: a new id.
    store.record(T0 + 120_000, [{ ...fresh, value: 1 }]);
    assert.equal(store.size, 2);
    const later = T0 + 60_000 + 240_000 + 60_000 + 1000;
    store.record(later, [
      { ...fresh, value: 2 },
      { ...key, value: 3 },
    ]);
    assert.equal(store.size, 2, "upload_rate took over gone.example's id");
    assert.deepEqual(store.keys("box", "tracker_torrents"), ["new.example"]);
    assert.deepEqual(store.read(old, level(store, 2), T0, later), []);
    assert.deepEqual(
      store.read(key, level(store, 2), T0, later).map((p) => p.sum),
      [3],
      "no point of the previous owner shows",
    );
    const ids = db.prepare("SELECT count(DISTINCT series) AS c FROM history_points").get()?.c;
    assert.equal(ids, 2);
    db.close();
  });

  it("remembers its series across a reopen and clears itself when the layout changes", async () => {
    const dir = await tempDir("archive");
    try {
      const file = join(dir.path, "state.db");
      let db = openDatabase(file);
      let store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
      assert.equal(store.reset, false);
      store.record(T0, [sample(1)]);
      db.close();
      db = openDatabase(file);
      store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
      assert.equal(store.reset, false);
      assert.equal(store.hasTarget("box"), true);
      store.record(T0 + 1000, [sample(2)]);
      assert.deepEqual(
        store.read(key, level(store, 1), T0, T0).map((p) => [p.n, p.sum]),
        [[2, 3]],
      );
      db.close();
      db = openDatabase(file);
      store = new ArchiveStore(db, { resolutionMs: 2000, levels: SMALL });
      assert.equal(store.reset, true);
      assert.equal(store.hasTarget("box"), false);
      assert.equal(db.prepare("SELECT count(*) AS c FROM history_points").get()?.c, 0);
      db.close();
    } finally {
      await dir.remove();
    }
  });
});

describe("the archive's size bound", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir("archive-bound");
  });
  after(() => dir.remove());

  it("stops growing once every ring is full, at most BYTES_PER_ROW per stored point", () => {
    const db = openDatabase(join(dir.path, "bound.db"));
    const store = new ArchiveStore(db, { resolutionMs: 1000, levels: SMALL });
    const series = Array.from({ length: 40 }, (_, i) => ({
      target: "box",
      series: "tracker_uploaded",
      key: `tracker-${i}.example`,
    }));
    const fill = (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        // Worst case for size: every value a non-integral float, min and max all different.
        store.record(
          T0 + i * 1000,
          series.map((s) => ({ ...s, value: Math.random() * 1e12 })),
        );
      }
    };
    const pages = () => {
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      return (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
    };
    fill(0, 300);
    const full = pages();
    fill(300, 600);
    assert.equal(pages(), full, "a full archive does not grow");
    const rows = series.length * (10 + 6 + 4);
    assert.deepEqual(rowsPerLevel(db), [series.length * 10, series.length * 6, series.length * 4]);
    const bytes = full * 4096;
    // Three schema tables, their indexes and the series table take a few pages of their own.
    assert.ok(bytes <= rows * BYTES_PER_ROW + 16 * 4096, `${bytes} bytes for ${rows} points`);
    db.close();
  });
});

/** The documented ceiling per stored point (docs/history.md): ~47 measured with random floats. */
const BYTES_PER_ROW = 100;
