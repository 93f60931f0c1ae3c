// Persists per-tracker retired byte totals, so per-tracker counters survive removals and restarts.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { RetiredBytes } from "../model/torrent-table.ts";

/** Reads and writes the retired totals of every target. */
export class RetiredStore {
  readonly #load: StatementSync;
  readonly #save: StatementSync;

  constructor(db: DatabaseSync) {
    this.#load = db.prepare(
      "SELECT tracker, uploaded, downloaded FROM retired_bytes WHERE target = ?",
    );
    this.#save = db.prepare(
      `INSERT INTO retired_bytes (target, tracker, uploaded, downloaded) VALUES (?, ?, ?, ?)
       ON CONFLICT (target, tracker) DO UPDATE SET uploaded = excluded.uploaded, downloaded = excluded.downloaded`,
    );
  }

  /** The retired totals stored for a target. */
  load(target: string): Array<[string, RetiredBytes]> {
    return (
      this.#load.all(target) as Array<{ tracker: string; uploaded: number; downloaded: number }>
    ).map((row) => [row.tracker, { uploaded: row.uploaded, downloaded: row.downloaded }]);
  }

  /** Stores the current totals of the given trackers. */
  save(target: string, totals: Iterable<readonly [string, Readonly<RetiredBytes>]>): void {
    for (const [tracker, bytes] of totals) {
      this.#save.run(target, tracker, Math.round(bytes.uploaded), Math.round(bytes.downloaded));
    }
  }
}
