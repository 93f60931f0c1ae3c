import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import { silentLogger } from "../log.ts";
import { openDatabase } from "../store/database.ts";
import {
  AUDIT_MAX_NAME,
  AUDIT_SAMPLE_SIZE,
  AuditLog,
  type AuditQuery,
  type AuditRecord,
  PRUNE_BATCH,
} from "./audit-log.ts";
import { AuditPruner } from "./audit-pruner.ts";
import {
  AUDIT_KINDS,
  AUDIT_RETENTION_DEFAULTS,
  type AuditKind,
  type AuditRetention,
} from "./audit-retention.ts";
import type { SelectedTorrent } from "./select.ts";

const TORRENT: SelectedTorrent = {
  hash: "a".repeat(40),
  name: "Some.Film.2024",
  tracker: "Example",
  category: "movies",
  tags: [],
  state: "Uploading",
  size: 123,
  progress: 1,
  ratio: 2,
  seedingTime: 100,
  addedOn: 1,
  deleteData: true,
  rule: "ratio-done",
};

function entry(fields: Partial<AuditRecord> = {}): AuditRecord {
  return {
    user: "owner",
    remote: "127.0.0.1",
    via: "api",
    target: "box",
    dryRun: false,
    rules: ["ratio-done"],
    torrents: [TORRENT],
    missing: [],
    result: "removed",
    error: undefined,
    ...fields,
  };
}

describe("AuditLog", () => {
  it("records who, when, what and how it went, and reads it back newest first", () => {
    let now = Date.UTC(2026, 0, 1);
    const log = new AuditLog(openDatabase(":memory:"), { now: () => now });
    const first = log.record(entry());
    now += 1000;
    log.record(
      entry({
        user: undefined,
        via: "confirm",
        dryRun: true,
        result: "dry-run",
        missing: ["b".repeat(40)],
      }),
    );
    now += 1000;
    log.record(
      entry({
        target: "other",
        result: "failed",
        error: "HTTP 500",
        torrents: [{ ...TORRENT, deleteData: false }],
      }),
    );
    const { entries, next } = log.list({
      target: undefined,
      dryRun: undefined,
      before: undefined,
      limit: 10,
    });
    assert.equal(next, null);
    assert.deepEqual(
      entries.map((e) => [e.target, e.user, e.via, e.dryRun, e.deleteData, e.result, e.error]),
      [
        ["other", "owner", "api", false, false, "failed", "HTTP 500"],
        ["box", null, "confirm", true, true, "dry-run", null],
        ["box", "owner", "api", false, true, "removed", null],
      ],
    );
    assert.deepEqual(log.get(first), {
      id: first,
      at: "2026-01-01T00:00:00.000Z",
      kind: "removal",
      user: "owner",
      remote: "127.0.0.1",
      via: "api",
      target: "box",
      dryRun: false,
      deleteData: true,
      rules: ["ratio-done"],
      torrentCount: 1,
      torrents: [
        {
          hash: TORRENT.hash,
          name: TORRENT.name,
          tracker: "Example",
          size: 123,
          deleteData: true,
          rule: "ratio-done",
        },
      ],
      missingCount: 0,
      missing: [],
      truncated: false,
      result: "removed",
      error: null,
    });
    assert.equal(entries[1]?.missing[0], "b".repeat(40));
    assert.deepEqual(
      entries.map((e) => e.kind),
      ["removal", "dry-run", "removal"],
    );
  });

  it("filters by target and kind, and pages with `before`", () => {
    const log = new AuditLog(openDatabase(":memory:"));
    for (let i = 0; i < 5; i++)
      log.record(
        entry({
          target: i % 2 === 0 ? "a" : "b",
          dryRun: i === 4,
          result: i === 4 ? "dry-run" : "removed",
        }),
      );
    const a = log.list({ target: "a", dryRun: false, before: undefined, limit: 1 });
    assert.deepEqual(
      a.entries.map((e) => e.id),
      [3],
    );
    assert.equal(a.next, 3);
    const more = log.list({ target: "a", dryRun: false, before: a.next ?? undefined, limit: 1 });
    assert.deepEqual(
      more.entries.map((e) => e.id),
      [1],
    );
    assert.equal(more.next, null);
    assert.deepEqual(
      log
        .list({ target: undefined, dryRun: true, before: undefined, limit: 9 })
        .entries.map((e) => e.id),
      [5],
    );
  });

  const ALL: AuditQuery = { target: undefined, dryRun: undefined, before: undefined, limit: 500 };
  const hex = (i: number) => i.toString(16).padStart(40, "0");
  const selected = (n: number, name = "Some.Film") =>
    Array.from({ length: n }, (_, i) => ({ ...TORRENT, hash: hex(i), name: `${name}.${i}` }));
  const OF_KIND: Record<AuditKind, Partial<AuditRecord>> = {
    removal: { result: "removed" },
    "nothing-removed": { result: "nothing", torrents: [] },
    "dry-run": { dryRun: true, result: "dry-run" },
  };
  /** The defaults, with some limits of some kinds changed. */
  const retention = (
    kinds: Partial<Record<AuditKind, { maxAge?: number; maxEntries?: number }>>,
    maxRemovedTorrents = AUDIT_RETENTION_DEFAULTS.maxRemovedTorrents,
  ): AuditRetention => ({
    kinds: Object.fromEntries(
      AUDIT_KINDS.map((k) => [k, { ...AUDIT_RETENTION_DEFAULTS.kinds[k], ...kinds[k] }]),
    ) as AuditRetention["kinds"],
    maxRemovedTorrents,
  });
  const kept = (db: DatabaseSync) =>
    Object.fromEntries(
      (
        db.prepare("SELECT kind, count(*) AS n FROM removal_audit GROUP BY kind").all() as Array<{
          kind: string;
          n: number;
        }>
      ).map((r) => [r.kind, r.n]),
    );
  const torrentRows = (db: DatabaseSync) =>
    (db.prepare("SELECT count(*) AS n FROM removal_audit_torrents").get() as { n: number }).n;
  /** Bytes of the largest entry as stored (its text columns). */
  const largestRow = (db: DatabaseSync) =>
    (
      db
        .prepare(
          `SELECT max(length(CAST(rules AS BLOB)) + length(CAST(torrents AS BLOB)) +
             length(CAST(missing AS BLOB)) + coalesce(length(CAST(error AS BLOB)), 0)) AS n FROM removal_audit`,
        )
        .get() as { n: number }
    ).n;
  const databaseBytes = (db: DatabaseSync) => {
    const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
    const { page_size } = db.prepare("PRAGMA page_size").get() as { page_size: number };
    return page_count * page_size;
  };

  it("keeps what one request writes small: counts and the first 20 hashes and torrents", () => {
    const db = openDatabase(":memory:");
    const log = new AuditLog(db);
    const unknown = Array.from({ length: 10_000 }, (_, i) => hex(i + 1_000_000));
    const hostile = log.record(
      entry({ result: "nothing", torrents: [], missing: unknown, error: "e".repeat(100_000) }),
    );
    const preview = log.record(
      entry({ dryRun: true, result: "dry-run", torrents: selected(10_000, "n".repeat(5000)) }),
    );
    const refused = log.record(
      entry({ result: "refused", torrents: selected(10_000), missing: unknown }),
    );
    assert.ok(largestRow(db) < 16_000, `largest entry ${largestRow(db)} bytes`);
    const h = log.get(hostile);
    assert.equal(h?.missingCount, 10_000);
    assert.deepEqual(h?.missing, unknown.slice(0, AUDIT_SAMPLE_SIZE));
    assert.equal(h?.truncated, true);
    assert.equal(h?.error?.length, 1000);
    const p = log.get(preview);
    assert.equal(p?.torrentCount, 10_000);
    assert.equal(p?.torrents.length, AUDIT_SAMPLE_SIZE);
    assert.ok(p?.torrents.every((t) => t.name.length === AUDIT_MAX_NAME));
    assert.equal(log.get(refused)?.kind, "nothing-removed");
    // Nothing was removed by these: no torrent is listed beyond the sample.
    assert.equal(torrentRows(db), 0);
    assert.deepEqual(log.torrents(preview, 0, 1000), {
      id: preview,
      kind: "dry-run",
      torrentCount: 10_000,
      torrents: p?.torrents,
      next: null,
      sample: true,
    });
    // Many such requests: the database grows by a few kB each, not by what they carried.
    for (let i = 0; i < 100; i++)
      log.record(entry({ result: "nothing", torrents: [], missing: unknown }));
    assert.ok(databaseBytes(db) < 1_000_000, `database ${databaseBytes(db)} bytes`);
  });

  it("lists every torrent of a real removal, a page at a time, by count and by size", () => {
    const db = openDatabase(":memory:");
    const log = new AuditLog(db);
    const all = selected(2500);
    const ids = (["removed", "partial", "failed"] as const).map((result) =>
      log.record(entry({ result, torrents: all })),
    );
    assert.ok(largestRow(db) < 16_000, `largest entry ${largestRow(db)} bytes`);
    for (const id of ids) {
      const entryRead = log.get(id);
      assert.equal(entryRead?.kind, "removal");
      assert.equal(entryRead?.torrentCount, 2500);
      assert.equal(entryRead?.torrents.length, AUDIT_SAMPLE_SIZE);
      const pages: number[] = [];
      const hashes: string[] = [];
      for (let from: number | null = 0; from !== null; ) {
        const page = log.torrents(id, from, 1000);
        assert.equal(page?.sample, false);
        pages.push(page?.torrents.length ?? 0);
        hashes.push(...(page?.torrents.map((t) => t.hash) ?? []));
        from = page?.next ?? null;
      }
      assert.deepEqual(pages, [1000, 1000, 500]);
      assert.deepEqual(
        hashes,
        all.map((t) => t.hash),
      );
    }
    // A byte budget ends a page early; the cursor still walks every torrent once.
    const small = log.torrents(ids[0] as number, 0, 5000, 10_000);
    assert.ok(small !== undefined && small.torrents.length < 100 && small.next !== null);
    assert.ok(JSON.stringify(small.torrents).length <= 10_000);
    const seen: string[] = [];
    for (let from: number | null = 0; from !== null; ) {
      const page = log.torrents(ids[0] as number, from, 5000, 10_000);
      seen.push(...(page?.torrents.map((t) => t.hash) ?? []));
      from = page?.next ?? null;
    }
    assert.equal(seen.length, 2500);
    assert.equal(new Set(seen).size, 2500);
    assert.equal(log.torrents(999_999, 0, 10), undefined);
  });

  for (const kind of AUDIT_KINDS) {
    it(`prunes ${kind} entries by count on write, oldest first, and no other kind`, () => {
      const db = openDatabase(":memory:");
      const log = new AuditLog(db, { retention: () => retention({ [kind]: { maxEntries: 5 } }) });
      const others = AUDIT_KINDS.filter((k) => k !== kind);
      for (const other of others)
        for (let i = 0; i < 3; i++) log.record(entry({ ...OF_KIND[other], torrents: selected(3) }));
      const ids = Array.from({ length: 12 }, () =>
        log.record(entry({ torrents: selected(3), ...OF_KIND[kind] })),
      );
      assert.deepEqual(kept(db), { [kind]: 5, ...Object.fromEntries(others.map((o) => [o, 3])) });
      assert.deepEqual(
        log
          .list({ ...ALL, dryRun: kind === "dry-run" ? true : undefined })
          .entries.filter((e) => e.kind === kind)
          .map((e) => e.id),
        ids.slice(-5).reverse(),
      );
      // A pruned removal takes its torrents with it.
      assert.equal(torrentRows(db), 3 * (kind === "removal" ? 5 : 3));
      assert.equal(log.size.entries[kind], 5);
    });

    it(`prunes ${kind} entries by age, on write and on the timer, and no other kind`, async () => {
      const db = openDatabase(":memory:");
      let now = Date.UTC(2026, 0, 1);
      const log = new AuditLog(db, {
        now: () => now,
        retention: () => retention({ [kind]: { maxAge: 3_600_000 } }),
      });
      for (const k of AUDIT_KINDS)
        for (let i = 0; i < 3; i++) log.record(entry({ torrents: selected(2), ...OF_KIND[k] }));
      now += 1_800_000;
      const young = log.record(entry({ torrents: selected(2), ...OF_KIND[kind] }));
      now += 1_800_001;
      // A write of another kind prunes this one's old entries.
      const other = AUDIT_KINDS.find((k) => k !== kind) as AuditKind;
      log.record(entry({ torrents: selected(2), ...OF_KIND[other] }));
      assert.equal(kept(db)[kind], 1);
      assert.equal(log.list(ALL).entries.filter((e) => e.kind === kind)[0]?.id, young);
      for (const k of AUDIT_KINDS.filter((k) => k !== kind))
        assert.equal(kept(db)[k], k === other ? 4 : 3);
      // With no write at all, the timer's pass does it.
      now += 3_600_000;
      const pruner = new AuditPruner(log, silentLogger);
      assert.equal(await pruner.run(), 1);
      assert.equal(kept(db)[kind], undefined);
      assert.equal(torrentRows(db), kind === "removal" ? 0 : 6 + (other === "removal" ? 2 : 0));
    });
  }

  it("keeps real removals under the torrent limit, dropping whole removals, oldest first", () => {
    const db = openDatabase(":memory:");
    const log = new AuditLog(db, { retention: () => retention({}, 1000) });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(log.record(entry({ torrents: selected(300) })));
      assert.ok(torrentRows(db) <= 1000, String(torrentRows(db)));
    }
    assert.equal(torrentRows(db), 900);
    assert.equal(log.size.removedTorrents, 900);
    assert.deepEqual(
      log.list(ALL).entries.map((e) => e.id),
      ids.slice(2).reverse(),
    );
    // A removal listing more than the limit on its own is kept (the newest always is).
    const huge = log.record(entry({ torrents: selected(1500) }));
    assert.deepEqual(
      log.list(ALL).entries.map((e) => e.id),
      [huge],
    );
    assert.equal(log.size.removedTorrents, 1500);
  });

  it("prunes a backlog in bounded steps (a lowered limit, a long-stopped daemon)", async () => {
    const db = openDatabase(":memory:");
    let limit = 100_000;
    const log = new AuditLog(db, {
      retention: () => retention({ "dry-run": { maxEntries: limit } }),
    });
    db.exec("BEGIN");
    for (let i = 0; i < 2 * PRUNE_BATCH + 345; i++) log.record(entry({ ...OF_KIND["dry-run"] }));
    db.exec("COMMIT");
    limit = 10;
    assert.equal(log.pruneStep(), PRUNE_BATCH);
    assert.equal(kept(db)["dry-run"], PRUNE_BATCH + 345);
    assert.equal(await new AuditPruner(log, silentLogger).run(), PRUNE_BATCH + 335);
    assert.equal(kept(db)["dry-run"], 10);
    assert.equal(log.pruneStep(), 0);
  });

  it("hands what one write cannot prune to the pruner, which deletes it in bounded steps", async () => {
    const db = openDatabase(":memory:");
    let backlogs = 0;
    let pruner: AuditPruner | undefined;
    const passes: Array<Promise<number>> = [];
    const log = new AuditLog(db, {
      retention: () => retention({}, 10_000),
      onBacklog: () => {
        backlogs++;
        if (pruner !== undefined) passes.push(pruner.run());
      },
    });
    pruner = new AuditPruner(log, silentLogger);
    db.exec("BEGIN");
    for (let i = 0; i < 1000; i++) log.record(entry({ torrents: selected(10) }));
    db.exec("COMMIT");
    assert.equal(backlogs, 0);
    // 10,000 more torrents: 1,000 small removals must go, more than one write's step deletes.
    const big = log.record(entry({ torrents: selected(10_000) }));
    assert.equal(backlogs, 1);
    assert.ok(torrentRows(db) > 10_000, String(torrentRows(db)));
    await Promise.all(passes);
    assert.equal(torrentRows(db), 10_000);
    assert.deepEqual(
      log.list(ALL).entries.map((e) => e.id),
      [big],
    );
  });

  it("pages by size as well as by count, and `next` walks every entry once", () => {
    const log = new AuditLog(openDatabase(":memory:"));
    const ids = Array.from({ length: 60 }, () =>
      log.record(entry({ torrents: selected(40, "x".repeat(200)) })),
    );
    const one = JSON.stringify(log.list({ ...ALL, limit: 1 }).entries[0]).length;
    const budget = one * 7 + 100;
    const first = log.list(ALL, budget);
    assert.equal(first.entries.length, 7);
    assert.equal(first.more, true);
    assert.equal(first.next, first.entries.at(-1)?.id);
    assert.ok(JSON.stringify(first.entries).length <= budget);
    const seen: number[] = [];
    for (let before: number | undefined; ; ) {
      const page = log.list({ ...ALL, before }, budget);
      seen.push(...page.entries.map((e) => e.id));
      if (page.next === null) {
        assert.equal(page.more, false);
        break;
      }
      before = page.next;
    }
    assert.deepEqual(seen, [...ids].reverse());
    // One entry over the budget still comes, alone.
    const tiny = log.list(ALL, 10);
    assert.equal(tiny.entries.length, 1);
    assert.equal(tiny.more, true);
    // The row limit ends a page too.
    const ten = log.list({ ...ALL, limit: 10 });
    assert.deepEqual([ten.entries.length, ten.more, ten.next], [10, true, ids[50]]);
  });

  it("cuts the entries of a database written before the bounds, keeping every removed torrent", () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-migration-"));
    try {
      const path = join(dir, "state.db");
      const old = new DatabaseSync(path);
      // The audit table (and retired_bytes, which a later step reads) as schema version 3 made them.
      old.exec(`CREATE TABLE removal_audit (
         id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT, remote TEXT NOT NULL,
         via TEXT NOT NULL, target TEXT NOT NULL, dry_run INTEGER NOT NULL,
         delete_data INTEGER NOT NULL, rules TEXT NOT NULL, torrents TEXT NOT NULL,
         missing TEXT NOT NULL, result TEXT NOT NULL, error TEXT
       ) STRICT;
       CREATE INDEX removal_audit_target ON removal_audit (target, id);
       CREATE INDEX removal_audit_dry_run ON removal_audit (dry_run, id);
       CREATE TABLE retired_bytes (target TEXT NOT NULL, tracker TEXT NOT NULL,
         uploaded INTEGER NOT NULL, downloaded INTEGER NOT NULL, PRIMARY KEY (target, tracker)) STRICT;
       PRAGMA user_version = 3;`);
      const insert = old.prepare(
        `INSERT INTO removal_audit (at, actor, remote, via, target, dry_run, delete_data, rules, torrents, missing, result, error)
         VALUES (0, NULL, '127.0.0.1', 'api', 'box', ?, 0, '[]', ?, ?, ?, ?)`,
      );
      const asStored = (n: number) =>
        JSON.stringify(
          selected(n).map((t) => ({
            hash: t.hash,
            name: t.name,
            tracker: t.tracker,
            size: t.size,
            deleteData: t.deleteData,
            rule: t.rule,
          })),
        );
      const unknown = JSON.stringify(Array.from({ length: 5000 }, (_, i) => hex(i)));
      insert.run(0, "[]", unknown, "nothing", null);
      insert.run(0, asStored(50), "[]", "removed", null);
      insert.run(1, asStored(30), unknown, "dry-run", null);
      insert.run(0, asStored(2), "[]", "failed", "x".repeat(5000));
      old.close();
      const db = openDatabase(path);
      assert.ok(largestRow(db) < 16_000, `largest entry ${largestRow(db)} bytes`);
      const log = new AuditLog(db);
      const entries = log.list(ALL).entries.reverse();
      assert.deepEqual(
        entries.map((e) => [
          e.kind,
          e.torrentCount,
          e.torrents.length,
          e.missingCount,
          e.missing.length,
          e.truncated,
        ]),
        [
          ["nothing-removed", 0, 0, 5000, 20, true],
          ["removal", 50, 20, 0, 0, true],
          ["dry-run", 30, 20, 5000, 20, true],
          ["removal", 2, 2, 0, 0, false],
        ],
      );
      assert.deepEqual(log.torrents(2, 0, 1000)?.torrents, JSON.parse(asStored(50)));
      assert.equal(log.get(4)?.error?.length, 1000);
      assert.deepEqual(log.size, {
        entries: { removal: 2, "nothing-removed": 1, "dry-run": 1 },
        removedTorrents: 52,
      });
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
