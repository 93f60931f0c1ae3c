import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openDatabase } from "../store/database.ts";
import { AuditLog, type AuditRecord, MAX_DRY_RUNS_KEPT } from "./audit-log.ts";
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
    const log = new AuditLog(openDatabase(":memory:"), () => now);
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
      user: "owner",
      remote: "127.0.0.1",
      via: "api",
      target: "box",
      dryRun: false,
      deleteData: true,
      rules: ["ratio-done"],
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
      missing: [],
      result: "removed",
      error: null,
    });
    assert.equal(entries[1]?.missing[0], "b".repeat(40));
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

  it("caps dry runs and never drops a real removal", () => {
    const db = openDatabase(":memory:");
    const log = new AuditLog(db);
    log.record(entry());
    db.exec("BEGIN");
    for (let i = 0; i < MAX_DRY_RUNS_KEPT + 250; i++)
      log.record(entry({ dryRun: true, result: "dry-run", torrents: [] }));
    db.exec("COMMIT");
    log.record(entry({ result: "partial" }));
    const count = (dry: number) =>
      (
        db.prepare("SELECT count(*) AS n FROM removal_audit WHERE dry_run = ?").get(dry) as {
          n: number;
        }
      ).n;
    assert.ok(
      count(1) >= MAX_DRY_RUNS_KEPT && count(1) < MAX_DRY_RUNS_KEPT + 100,
      String(count(1)),
    );
    assert.equal(count(0), 2);
  });
});
