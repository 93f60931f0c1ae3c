// The daemon's embedded database (node:sqlite): one file, WAL journal, schema migrations by version.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Schema steps, applied in order; the database remembers how many it has (PRAGMA user_version). */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE retired_bytes (
     target TEXT NOT NULL,
     tracker TEXT NOT NULL,
     uploaded INTEGER NOT NULL,
     downloaded INTEGER NOT NULL,
     PRIMARY KEY (target, tracker)
   ) STRICT`,
  // The history archive (src/history, docs/history.md): series instances, round-robin points, layout.
  `CREATE TABLE history_series (
     id INTEGER PRIMARY KEY,
     target TEXT NOT NULL,
     series TEXT NOT NULL,
     key TEXT NOT NULL,
     since INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     UNIQUE (target, series, key)
   ) STRICT;
   CREATE INDEX history_series_last_seen ON history_series (last_seen);
   CREATE TABLE history_points (
     level INTEGER NOT NULL,
     slot INTEGER NOT NULL,
     series INTEGER NOT NULL,
     t INTEGER NOT NULL,
     n INTEGER NOT NULL,
     sum REAL NOT NULL,
     min REAL,
     max REAL,
     PRIMARY KEY (level, slot, series)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE history_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`,
  // The removal audit log (src/removal/audit-log.ts): one row per removal or dry run, torrents as JSON.
  `CREATE TABLE removal_audit (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     actor TEXT,
     remote TEXT NOT NULL,
     via TEXT NOT NULL,
     target TEXT NOT NULL,
     dry_run INTEGER NOT NULL,
     delete_data INTEGER NOT NULL,
     rules TEXT NOT NULL,
     torrents TEXT NOT NULL,
     missing TEXT NOT NULL,
     result TEXT NOT NULL,
     error TEXT
   ) STRICT;
   CREATE INDEX removal_audit_target ON removal_audit (target, id);
   CREATE INDEX removal_audit_dry_run ON removal_audit (dry_run, id)`,
  // Exact tracker counters across restarts (src/store/counter-store.ts): the exported totals per
  // tracker, every torrent's last counters, and the journal of recent changes to them. Retired
  // bytes become the totals of a target whose torrents are not known yet, which is how the
  // previous schema restarted.
  `CREATE TABLE tracker_totals (
     target TEXT NOT NULL,
     tracker TEXT NOT NULL,
     uploaded INTEGER NOT NULL,
     downloaded INTEGER NOT NULL,
     PRIMARY KEY (target, tracker)
   ) STRICT;
   INSERT INTO tracker_totals (target, tracker, uploaded, downloaded)
     SELECT target, tracker, uploaded, downloaded FROM retired_bytes;
   DROP TABLE retired_bytes;
   CREATE TABLE torrent_counters (
     target TEXT NOT NULL,
     hash TEXT NOT NULL,
     tracker TEXT NOT NULL,
     uploaded INTEGER NOT NULL,
     downloaded INTEGER NOT NULL,
     removed_at INTEGER,
     PRIMARY KEY (target, hash)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE counter_journal (
     id INTEGER PRIMARY KEY,
     target TEXT NOT NULL,
     entry TEXT NOT NULL
   ) STRICT;
   CREATE INDEX counter_journal_target ON counter_journal (target, id)`,
  // Bounded audit entries (src/removal/audit-log.ts): a kind to prune by, counts, at most 20
  // torrents and 20 unknown hashes inline, every torrent of a real removal in a table of its own.
  // Entries written before are cut the same way (their removed torrents moved, not dropped).
  `CREATE TABLE removal_audit_torrents (
     audit_id INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     name TEXT NOT NULL,
     tracker TEXT NOT NULL,
     size INTEGER NOT NULL,
     delete_data INTEGER NOT NULL,
     rule TEXT,
     PRIMARY KEY (audit_id, seq)
   ) STRICT, WITHOUT ROWID;
   ALTER TABLE removal_audit ADD COLUMN kind TEXT NOT NULL DEFAULT 'removal';
   ALTER TABLE removal_audit ADD COLUMN torrent_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE removal_audit ADD COLUMN missing_count INTEGER NOT NULL DEFAULT 0;
   UPDATE removal_audit SET
     kind = CASE WHEN dry_run = 1 THEN 'dry-run'
                 WHEN result IN ('removed', 'partial', 'failed') THEN 'removal'
                 ELSE 'nothing-removed' END,
     torrent_count = json_array_length(torrents),
     missing_count = json_array_length(missing);
   INSERT INTO removal_audit_torrents (audit_id, seq, hash, name, tracker, size, delete_data, rule)
     SELECT a.id, t.key,
            substr(coalesce(t.value ->> 'hash', ''), 1, 64),
            substr(coalesce(t.value ->> 'name', ''), 1, 256),
            substr(coalesce(t.value ->> 'tracker', ''), 1, 128),
            coalesce(CAST(t.value ->> 'size' AS INTEGER), 0),
            CASE WHEN t.value ->> 'deleteData' THEN 1 ELSE 0 END,
            substr(t.value ->> 'rule', 1, 64)
     FROM removal_audit a, json_each(a.torrents) t
     WHERE a.kind = 'removal'
     ORDER BY a.id, t.key;
   UPDATE removal_audit SET
     torrents = (SELECT json_group_array(json(value)) FROM
                   (SELECT value FROM json_each(removal_audit.torrents) ORDER BY key LIMIT 20)),
     missing = (SELECT json_group_array(value) FROM
                  (SELECT value FROM json_each(removal_audit.missing) ORDER BY key LIMIT 20))
     WHERE torrent_count > 20 OR missing_count > 20;
   UPDATE removal_audit SET error = substr(error, 1, 1000) WHERE length(error) > 1000;
   CREATE INDEX removal_audit_kind ON removal_audit (kind, id);
   CREATE INDEX removal_audit_kind_at ON removal_audit (kind, at)`,
  // Torrent events per tracker (pt_tracker_torrent_events_total), and the targets polled before
  // (whose first list after a restart is compared with what was stored, not taken as found).
  // Targets with counters from before were polled.
  `CREATE TABLE tracker_events (
     target TEXT NOT NULL,
     tracker TEXT NOT NULL,
     event TEXT NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (target, tracker, event)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE counter_targets (target TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
   INSERT INTO counter_targets (target)
     SELECT target FROM tracker_totals UNION SELECT target FROM torrent_counters
     UNION SELECT target FROM counter_journal`,
];

/**
 * Opens (creating if needed) the state database. WAL with synchronous=NORMAL survives a killed
 * process without corruption; at most the last transactions are lost.
 */
export function openDatabase(path: string): DatabaseSync {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  const version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
    .user_version;
  for (let step = version; step < MIGRATIONS.length; step++) {
    db.exec("BEGIN");
    try {
      db.exec(MIGRATIONS[step] as string);
      db.exec(`PRAGMA user_version = ${step + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
  return db;
}
