// The round-robin archive in the state database: one transaction per sample, consolidated incrementally, bounded by construction.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  type ArchiveLevel,
  archiveLevels,
  DEFAULT_LEVEL_SHAPE,
  type LevelShape,
} from "./levels.ts";
import type { SeriesKey, SeriesSample } from "./series.ts";

/** One stored point: samples in the period starting at `t`. */
export interface StoredPoint {
  /** Period start, ms since the epoch. */
  readonly t: number;
  /** Samples merged into it. */
  readonly n: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** Options of an ArchiveStore. */
export interface ArchiveStoreOptions {
  /** Sample period, ms (whole seconds). */
  readonly resolutionMs: number;
  /** Level shapes (default: 1x2880, 5x4032, 60x9504). Tests use small ones. */
  readonly levels?: readonly LevelShape[];
}

interface SeriesEntry {
  readonly id: number;
  /** First sample, s. */
  readonly since: number;
  /** Last sample as stored, s (written about once per coarsest step). */
  lastSeen: number;
}

// Adds one sample to a point: the same period merges (count, sum, min, max); a newer period takes
// the slot over (round-robin); an older one is ignored (the clock went back). min and max are
// stored as NULL when they equal the average, which a constant series always does.
const UPSERT = `INSERT INTO history_points (level, slot, series, t, n, sum, min, max)
  VALUES (?, ?, ?, ?, 1, ?, NULL, NULL)
  ON CONFLICT (level, slot, series) DO UPDATE SET
    n = CASE WHEN t = excluded.t THEN n + 1 ELSE 1 END,
    sum = CASE WHEN t = excluded.t THEN sum + excluded.sum ELSE excluded.sum END,
    min = CASE WHEN t = excluded.t
      THEN NULLIF(MIN(COALESCE(min, sum / n), excluded.sum), (sum + excluded.sum) / (n + 1)) END,
    max = CASE WHEN t = excluded.t
      THEN NULLIF(MAX(COALESCE(max, sum / n), excluded.sum), (sum + excluded.sum) / (n + 1)) END,
    t = excluded.t
  WHERE excluded.t >= t`;

// One primary-key lookup per period of the range (the periods generated, each mapped to its slot),
// so reading one series never scans the others.
const READ = `WITH RECURSIVE period(t) AS (
    SELECT ? UNION ALL SELECT t + ? FROM period WHERE t + ? <= ?
  )
  SELECT h.t AS t, h.n AS n, h.sum AS sum, COALESCE(h.min, h.sum / h.n) AS min,
    COALESCE(h.max, h.sum / h.n) AS max
  FROM period JOIN history_points h
    ON h.level = ? AND h.slot = (period.t / ?) % ? AND h.series = ? AND h.t = period.t
  WHERE h.t >= ?
  ORDER BY h.t`;

/**
 * The archive on node:sqlite. Every series instance (target, series, tracker or path) has a fixed
 * number of rows per level (`slots`), addressed by `(level, slot, series)` with
 * `slot = (t / step) mod slots`: a sample overwrites the slot of the period it falls in, so the
 * archive never grows past `Σ slots` rows per series instance and never needs a clean-up scan.
 * A sample updates the point of its period on every level (count, sum, min, max), so coarse
 * levels are consolidated incrementally. Rows are keyed by time before series, so one sample of
 * every series touches a few adjacent pages per level, not one page per series.
 *
 * An instance unseen for longer than the coarsest level's retention gives its id to the next new
 * instance, whose reads ignore the rows from before it began: ids, hence rows, are bounded by the
 * series instances seen within the retention.
 */
export class ArchiveStore {
  readonly levels: readonly ArchiveLevel[];
  readonly #db: DatabaseSync;
  readonly #series = new Map<string, SeriesEntry>();
  readonly #upsert: StatementSync;
  readonly #read: StatementSync;
  readonly #insertSeries: StatementSync;
  readonly #reusable: StatementSync;
  readonly #reuse: StatementSync;
  readonly #touch: StatementSync;
  readonly #coarsestStep: number;
  readonly #maxRetention: number;
  /** Whether opening found another layout (resolution or levels) and cleared the archive. */
  readonly reset: boolean;

  constructor(db: DatabaseSync, options: ArchiveStoreOptions) {
    this.levels = archiveLevels(options.resolutionMs, options.levels ?? DEFAULT_LEVEL_SHAPE);
    this.#db = db;
    const last = this.levels[this.levels.length - 1] as ArchiveLevel;
    this.#coarsestStep = last.stepMs / 1000;
    this.#maxRetention = Math.max(...this.levels.map((l) => l.retentionMs)) / 1000;
    this.reset = this.#checkLayout();
    this.#upsert = db.prepare(UPSERT);
    this.#read = db.prepare(READ);
    this.#insertSeries = db.prepare(
      "INSERT INTO history_series (target, series, key, since, last_seen) VALUES (?, ?, ?, ?, ?) RETURNING id",
    );
    this.#reusable = db.prepare(
      "SELECT id, target, series, key FROM history_series WHERE last_seen < ? ORDER BY last_seen LIMIT 1",
    );
    this.#reuse = db.prepare(
      "UPDATE history_series SET target = ?, series = ?, key = ?, since = ?, last_seen = ? WHERE id = ?",
    );
    this.#touch = db.prepare("UPDATE history_series SET last_seen = ? WHERE id = ?");
    const rows = db
      .prepare("SELECT id, target, series, key, since, last_seen FROM history_series")
      .all() as Array<{
      id: number;
      target: string;
      series: string;
      key: string;
      since: number;
      last_seen: number;
    }>;
    for (const row of rows) {
      this.#series.set(keyOf(row), { id: row.id, since: row.since, lastSeen: row.last_seen });
    }
  }

  /** Series instances known to the archive (stored, possibly aged out of every level). */
  get size(): number {
    return this.#series.size;
  }

  /** Whether the archive holds anything of this target. */
  hasTarget(target: string): boolean {
    for (const key of this.#series.keys()) if (key.startsWith(`${target}\u0000`)) return true;
    return false;
  }

  /** The tracker or path keys the archive holds for a series of a target ("" for host series). */
  keys(target: string, series: string): string[] {
    const prefix = `${target}\u0000${series}\u0000`;
    return [...this.#series.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
  }

  /**
   * Stores one sample of every series taken at `atMs`, in one transaction: all of it or, if the
   * process dies first, none of it. Non-finite values are skipped (a gap).
   */
  record(atMs: number, samples: Iterable<SeriesSample>): number {
    const at = Math.floor(atMs / 1000);
    const changes: Changes = { created: [], displaced: [], touched: [] };
    let written = 0;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      for (const sample of samples) {
        if (!Number.isFinite(sample.value)) continue;
        const id = this.#idFor(sample, at, changes);
        for (const level of this.levels) {
          const step = level.stepMs / 1000;
          const period = Math.floor(at / step);
          this.#upsert.run(level.index, period % level.slots, id, period * step, sample.value);
        }
        written++;
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      // The memory of the series table follows the database back.
      for (const name of changes.created) this.#series.delete(name);
      for (const [name, entry] of changes.displaced) this.#series.set(name, entry);
      throw error;
    }
    for (const entry of changes.touched) entry.lastSeen = at;
    return written;
  }

  /** The stored points of one series instance on one level whose period starts in [fromMs, toMs]. */
  read(key: SeriesKey, level: ArchiveLevel, fromMs: number, toMs: number): StoredPoint[] {
    const entry = this.#series.get(keyOf(key));
    if (entry === undefined) return [];
    const step = level.stepMs / 1000;
    // Stored points of this instance lie between `slots` periods before its last_seen (older ones
    // gave their slots to newer ones) and a coarsest step after it (last_seen lags that much).
    const seen = Math.floor(entry.lastSeen / step) * step;
    const newest = Math.floor((entry.lastSeen + this.#coarsestStep) / step) * step;
    const last = Math.min(Math.floor(toMs / level.stepMs) * step, newest);
    const first = Math.max(
      Math.ceil(fromMs / level.stepMs) * step,
      seen - (level.slots - 1) * step,
    );
    if (first > last) return [];
    const since = Math.floor(entry.since / this.#coarsestStep) * this.#coarsestStep;
    const rows = this.#read.all(
      first,
      step,
      step,
      last,
      level.index,
      step,
      level.slots,
      entry.id,
      since,
    ) as Array<{ t: number; n: number; sum: number; min: number; max: number }>;
    return rows.map((r) => ({ t: r.t * 1000, n: r.n, sum: r.sum, min: r.min, max: r.max }));
  }

  /** The id of a series instance, created or taken over inside the current transaction. */
  #idFor(key: SeriesKey, at: number, changes: Changes): number {
    const name = keyOf(key);
    const entry = this.#series.get(name);
    if (entry !== undefined) {
      if (at - entry.lastSeen >= this.#coarsestStep) {
        this.#touch.run(at, entry.id);
        changes.touched.push(entry);
      }
      return entry.id;
    }
    const old = this.#reusable.get(at - this.#maxRetention - this.#coarsestStep) as
      | { id: number; target: string; series: string; key: string }
      | undefined;
    let id: number;
    if (old !== undefined) {
      this.#reuse.run(key.target, key.series, key.key, at, at, old.id);
      const oldName = keyOf(old);
      const oldEntry = this.#series.get(oldName);
      if (oldEntry !== undefined) changes.displaced.push([oldName, oldEntry]);
      this.#series.delete(oldName);
      id = old.id;
    } else {
      id = (this.#insertSeries.get(key.target, key.series, key.key, at, at) as { id: number }).id;
    }
    this.#series.set(name, { id, since: at, lastSeen: at });
    changes.created.push(name);
    return id;
  }

  /** Clears the archive when it was written with another resolution or level layout. */
  #checkLayout(): boolean {
    const layout = this.levels.map((l) => `${l.stepMs / 1000}sx${l.slots}`).join(",");
    const stored = this.#db.prepare("SELECT value FROM history_meta WHERE name = 'layout'").get() as
      | { value: string }
      | undefined;
    if (stored?.value === layout) return false;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const cleared = stored !== undefined;
      if (cleared) this.#db.exec("DELETE FROM history_points; DELETE FROM history_series;");
      this.#db
        .prepare(
          "INSERT INTO history_meta (name, value) VALUES ('layout', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .run(layout);
      this.#db.exec("COMMIT");
      return cleared;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** What a transaction changed in the in-memory series table, to undo on rollback. */
interface Changes {
  readonly created: string[];
  readonly displaced: Array<[string, SeriesEntry]>;
  readonly touched: SeriesEntry[];
}

function keyOf(key: SeriesKey): string {
  return `${key.target}\u0000${key.series}\u0000${key.key}`;
}
