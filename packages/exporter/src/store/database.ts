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
