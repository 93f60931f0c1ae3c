import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { TorrentTable } from "../model/torrent-table.ts";
import { TrackerNamer } from "../model/tracker.ts";
import { CounterStore } from "./counter-store.ts";
import { openDatabase } from "./database.ts";

const namer = new TrackerNamer({ rename: {}, categoryAsTracker: false });

describe("CounterStore", () => {
  it("round-trips totals and torrents per target, and forgets what the table forgot", () => {
    const store = new CounterStore(openDatabase(":memory:"));
    store.save("box", {
      totals: [["a.example", { uploaded: 10, downloaded: 2 }]],
      torrents: [
        ["h1", { tracker: "a.example", uploaded: 10, downloaded: 2, removedAt: null }],
        ["h2", { tracker: "a.example", uploaded: 0, downloaded: 0, removedAt: 1234 }],
      ],
      forgotten: [],
    });
    store.save("other", {
      totals: [["b.example", { uploaded: 1, downloaded: 1 }]],
      torrents: [],
      forgotten: [],
    });
    store.save("box", { totals: [], torrents: [], forgotten: ["h2"] });
    const loaded = store.load("box");
    assert.deepEqual([...loaded.totals], [["a.example", { uploaded: 10, downloaded: 2 }]]);
    assert.deepEqual(
      [...loaded.torrents],
      [["h1", { tracker: "a.example", uploaded: 10, downloaded: 2, removedAt: null }]],
    );
    assert.deepEqual([...store.load("nobody").totals], []);
  });

  it("writes a save whole or not at all", () => {
    const db = openDatabase(":memory:");
    const store = new CounterStore(db);
    store.save("box", {
      totals: [["a", { uploaded: 1, downloaded: 1 }]],
      torrents: [],
      forgotten: [],
    });
    // The disk fills up after the totals were written, when the torrents are.
    db.exec(`CREATE TRIGGER full BEFORE INSERT ON counter_journal
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const counters = { tracker: "a", uploaded: 5, downloaded: 5, removedAt: null };
    assert.throws(
      () =>
        store.save("box", {
          totals: [["a", { uploaded: 5, downloaded: 5 }]],
          torrents: [["h", counters]],
          forgotten: [],
        }),
      /disk is full/,
    );
    assert.deepEqual([...store.load("box").totals], [["a", { uploaded: 1, downloaded: 1 }]]);
    assert.equal(db.isTransaction, false);
  });

  it("carries a table through a restart exactly (the doubling of issue 13)", () => {
    const store = new CounterStore(openDatabase(":memory:"));
    const save = (table: TorrentTable) => {
      store.save("box", table.counterChanges());
      table.markCountersSaved();
    };
    const first = new TorrentTable(namer);
    const listing = (uploaded: number) => ({
      reset: true,
      removed: [],
      patches: [{ hash: "h", uploaded, trackerHosts: ["a.example"] }],
    });
    first.apply(listing(1000));
    save(first);
    first.apply(listing(400));
    save(first);
    const second = new TorrentTable(namer, { restored: store.load("box") });
    second.apply(listing(400));
    save(second);
    assert.equal(second.trackers.get("a.example")?.uploaded, 1000);
  });

  it("journals small saves, folds the journal into the table, and loads either way alike", () => {
    const db = openDatabase(":memory:");
    const options = { compactAfterSaves: 3, journalMaxTorrents: 2 };
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const store = new CounterStore(db, options);
    const at = (uploaded: number) => ({ tracker: "a", uploaded, downloaded: 0, removedAt: null });
    store.save("box", {
      totals: [],
      torrents: [
        ["h1", at(1)],
        ["h2", at(1)],
        ["h3", at(1)],
      ],
      forgotten: [],
    });
    assert.equal(count("torrent_counters"), 3, "a big save goes to the table at once");
    store.save("box", { totals: [], torrents: [["h1", at(2)]], forgotten: [] });
    store.save("box", { totals: [], torrents: [["h1", at(3)]], forgotten: ["h3"] });
    assert.equal(count("counter_journal"), 2);
    const reader = new CounterStore(db, options);
    assert.deepEqual(
      [...reader.load("box").torrents].sort(),
      [
        ["h1", at(3)],
        ["h2", at(1)],
      ],
      "a load replays the journal over the table",
    );
    reader.save("box", { totals: [], torrents: [["h2", at(5)]], forgotten: [] });
    assert.equal(count("counter_journal"), 0, "the third save folds the journal in");
    assert.deepEqual(
      db
        .prepare("SELECT hash, uploaded FROM torrent_counters ORDER BY hash")
        .all()
        .map((row) => `${row.hash}=${row.uploaded}`),
      ["h1=3", "h2=5"],
    );
  });

  it("keeps each target's journal apart, departure times included, and folds it in at compactAfterTorrents", () => {
    const db = openDatabase(":memory:");
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const store = new CounterStore(db, { compactAfterSaves: 100, compactAfterTorrents: 3 });
    const at = (uploaded: number, removedAt: number | null = null) => ({
      tracker: "a",
      uploaded,
      downloaded: 0,
      removedAt,
    });
    store.save("one", { totals: [], torrents: [["h1", at(1)]], forgotten: [] });
    store.save("two", { totals: [], torrents: [["h1", at(7, 1234)]], forgotten: [] });
    store.save("one", { totals: [], torrents: [["h2", at(2, 5678)]], forgotten: [] });
    assert.equal(count("SELECT count(*) AS n FROM counter_journal"), 3);
    const reader = new CounterStore(db);
    assert.deepEqual([...reader.load("two").torrents], [["h1", at(7, 1234)]]);
    assert.deepEqual(
      [...reader.load("one").torrents].sort(),
      [
        ["h1", at(1)],
        ["h2", at(2, 5678)],
      ],
      "a departed torrent keeps when it left, through the journal",
    );
    // A third distinct torrent of "one" reaches compactAfterTorrents: its journal is folded in,
    // and "two"'s journal stays as it is.
    store.save("one", { totals: [], torrents: [["h3", at(3)]], forgotten: [] });
    assert.equal(count("SELECT count(*) AS n FROM counter_journal WHERE target = 'one'"), 0);
    assert.equal(count("SELECT count(*) AS n FROM counter_journal WHERE target = 'two'"), 1);
    assert.equal(count("SELECT count(*) AS n FROM torrent_counters WHERE target = 'one'"), 3);
    assert.deepEqual([...new CounterStore(db).load("one").torrents].sort(), [
      ["h1", at(1)],
      ["h2", at(2, 5678)],
      ["h3", at(3)],
    ]);
    assert.deepEqual([...new CounterStore(db).load("two").torrents], [["h1", at(7, 1234)]]);
  });

  it("leaves its pending journal as it was when a save fails, so a later compaction writes no unsaved figure", () => {
    const db = openDatabase(":memory:");
    const store = new CounterStore(db, { compactAfterSaves: 3 });
    const at = (uploaded: number) => ({ tracker: "a", uploaded, downloaded: 0, removedAt: null });
    store.save("box", { totals: [], torrents: [["h1", at(1)]], forgotten: [] });
    db.exec(`CREATE TRIGGER full BEFORE INSERT ON counter_journal
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    assert.throws(
      () =>
        store.save("box", {
          totals: [],
          torrents: [
            ["h1", at(5)],
            ["h2", at(2)],
          ],
          forgotten: ["h1"],
        }),
      /disk is full/,
    );
    db.exec("DROP TRIGGER full");
    // Two more saves that do not name h1 or h2: the third fold the journal into the table.
    store.save("box", { totals: [], torrents: [["h3", at(3)]], forgotten: [] });
    store.save("box", { totals: [], torrents: [["h4", at(4)]], forgotten: [] });
    const rows = db.prepare("SELECT hash, uploaded FROM torrent_counters ORDER BY hash").all();
    assert.deepEqual(
      rows.map((row) => `${row.hash}=${row.uploaded}`),
      ["h1=1", "h3=3", "h4=4"],
      "only what was saved is folded in",
    );
  });

  it("leaves the journal as it was when a compaction fails, and folds it all in with the next save", () => {
    const db = openDatabase(":memory:");
    const store = new CounterStore(db, { compactAfterSaves: 2 });
    const at = (uploaded: number) => ({ tracker: "a", uploaded, downloaded: 0, removedAt: null });
    store.save("box", { totals: [], torrents: [["h1", at(1)]], forgotten: [] });
    db.exec(`CREATE TRIGGER full BEFORE INSERT ON torrent_counters
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const second = {
      totals: [],
      torrents: [["h2", at(2)]] as Array<[string, ReturnType<typeof at>]>,
      forgotten: [],
    };
    assert.throws(() => store.save("box", second), /disk is full/);
    assert.deepEqual([...new CounterStore(db).load("box").torrents], [["h1", at(1)]]);
    db.exec("DROP TRIGGER full");
    // The table sends what it could not save again, with what changed since.
    store.save("box", { totals: [], torrents: [...second.torrents, ["h3", at(3)]], forgotten: [] });
    const rows = db.prepare("SELECT hash, uploaded FROM torrent_counters ORDER BY hash").all();
    assert.deepEqual(
      rows.map((row) => `${row.hash}=${row.uploaded}`),
      ["h1=1", "h2=2", "h3=3"],
      "the first save's journal entry is folded in too",
    );
    assert.equal(
      (db.prepare("SELECT count(*) AS n FROM counter_journal").get() as { n: number }).n,
      0,
    );
  });

  it("credits torrents first seen after a migration on top of the retired totals", async () => {
    const dir = await tempDir("counter-store");
    const file = join(dir.path, "state.db");
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE retired_bytes (target TEXT NOT NULL, tracker TEXT NOT NULL,
      uploaded INTEGER NOT NULL, downloaded INTEGER NOT NULL, PRIMARY KEY (target, tracker)) STRICT;
      INSERT INTO retired_bytes VALUES ('box', 'a.example', 500, 7);
      PRAGMA user_version = 1;`);
    old.close();
    const db = openDatabase(file);
    try {
      const store = new CounterStore(db);
      const table = new TorrentTable(namer, { restored: store.load("box") });
      table.apply({
        reset: true,
        removed: [],
        patches: [{ hash: "h", uploaded: 100, downloaded: 1, trackerHosts: ["a.example"] }],
      });
      store.save("box", table.counterChanges());
      table.markCountersSaved();
      assert.deepEqual(table.trackers.get("a.example")?.uploaded, 600);
      // After another restart the torrent is known: nothing is credited twice.
      const again = new TorrentTable(namer, { restored: new CounterStore(db).load("box") });
      again.apply({
        reset: true,
        removed: [],
        patches: [{ hash: "h", uploaded: 100, downloaded: 1, trackerHosts: ["a.example"] }],
      });
      assert.equal(again.trackers.get("a.example")?.uploaded, 600);
      assert.equal(again.trackers.get("a.example")?.downloaded, 8);
    } finally {
      db.close();
      await dir.remove();
    }
  });

  it("migrates the retired totals of the previous schema into tracker totals", async () => {
    const dir = await tempDir("counter-store");
    const file = join(dir.path, "state.db");
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE retired_bytes (target TEXT NOT NULL, tracker TEXT NOT NULL,
      uploaded INTEGER NOT NULL, downloaded INTEGER NOT NULL, PRIMARY KEY (target, tracker)) STRICT;
      INSERT INTO retired_bytes VALUES ('box', 'a.example', 500, 7);
      PRAGMA user_version = 1;`);
    old.close();
    const db = openDatabase(file);
    assert.deepEqual(
      [...new CounterStore(db).load("box").totals],
      [["a.example", { uploaded: 500, downloaded: 7 }]],
    );
    db.close();
    await dir.remove();
  });
  it("keeps torrent events and the first poll across a reopen, so a restart neither repeats nor loses one", async () => {
    const dir = await tempDir("counter-store");
    const file = join(dir.path, "state.db");
    const listing = (hashes: string[]) => ({
      reset: true,
      removed: [],
      patches: hashes.map((hash) => ({ hash, trackerHosts: ["a.example"] })),
    });
    const run = (hashes: string[]) => {
      const db = openDatabase(file);
      const store = new CounterStore(db);
      const table = new TorrentTable(namer, { restored: store.load("box") });
      table.apply(listing(hashes));
      store.save("box", table.counterChanges());
      table.markCountersSaved();
      db.close();
      return { ...table.events };
    };
    try {
      assert.equal(run(["a", "b"]).added, 0, "a first poll finds torrents, it does not add them");
      assert.deepEqual(run(["a", "b"]), {
        added: 0,
        finished: 0,
        removed: 0,
        errored: 0,
        opened: 0,
        closed: 0,
      });
      assert.deepEqual(run(["a", "c"]), {
        added: 1,
        finished: 0,
        removed: 1,
        errored: 0,
        opened: 0,
        closed: 0,
      });
      assert.deepEqual(run(["a", "c"]), {
        added: 1,
        finished: 0,
        removed: 1,
        errored: 0,
        opened: 0,
        closed: 0,
      });
    } finally {
      await dir.remove();
    }
  });

  it("takes a target with counters from before the events were kept as polled", async () => {
    const dir = await tempDir("counter-store");
    const file = join(dir.path, "state.db");
    const db = openDatabase(file);
    db.exec("DELETE FROM counter_targets; PRAGMA user_version = 5");
    new CounterStore(db).save("box", {
      totals: [["a.example", { uploaded: 1, downloaded: 0 }]],
      torrents: [],
      forgotten: [],
    });
    db.exec("DROP TABLE tracker_events; DROP TABLE counter_targets;");
    db.close();
    const again = openDatabase(file);
    try {
      assert.equal(new CounterStore(again).load("box").polledBefore, true);
      assert.equal(new CounterStore(again).load("new").polledBefore, false);
    } finally {
      again.close();
      await dir.remove();
    }
  });
});
