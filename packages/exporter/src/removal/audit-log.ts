// The removal audit log in the state database: every removal and dry run, who asked, what, and how it went; bounded and pruned.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  AUDIT_KINDS,
  AUDIT_RETENTION_DEFAULTS,
  type AuditKind,
  type AuditRetention,
} from "./audit-retention.ts";
import type { SelectedTorrent } from "./select.ts";

/** How a removal ended. */
export const AUDIT_RESULTS = [
  "dry-run",
  "removed",
  "partial",
  "failed",
  "refused",
  "nothing",
] as const;

/** One result. */
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** Where a removal was asked from. */
export type AuditVia = "api" | "confirm";

/** A torrent as the audit log keeps it. */
export interface AuditTorrent {
  readonly hash: string;
  readonly name: string;
  readonly tracker: string;
  readonly size: number;
  readonly deleteData: boolean;
  readonly rule: string | null;
}

/** What to record. */
export interface AuditRecord {
  /** The web-config.yml user; undefined when nobody had to log in. */
  readonly user: string | undefined;
  /** The client's address. */
  readonly remote: string;
  readonly via: AuditVia;
  readonly target: string;
  readonly dryRun: boolean;
  /** Names of the rules applied (empty when asked by hash). */
  readonly rules: readonly string[];
  readonly torrents: readonly SelectedTorrent[];
  /** Hashes asked for that the target does not have. */
  readonly missing: readonly string[];
  readonly result: AuditResult;
  readonly error: string | undefined;
}

/** One entry as read back. */
export interface AuditEntry {
  readonly id: number;
  /** ISO 8601. */
  readonly at: string;
  readonly kind: AuditKind;
  readonly user: string | null;
  readonly remote: string;
  readonly via: AuditVia;
  readonly target: string;
  readonly dryRun: boolean;
  /** Whether any torrent's data was (or would be) deleted. */
  readonly deleteData: boolean;
  readonly rules: readonly string[];
  /** How many torrents the request selected. */
  readonly torrentCount: number;
  /** The first AUDIT_SAMPLE_SIZE of them (a real removal's full list: `AuditLog.torrents`). */
  readonly torrents: readonly AuditTorrent[];
  /** How many hashes asked for were not on the target. */
  readonly missingCount: number;
  /** The first AUDIT_SAMPLE_SIZE of them. */
  readonly missing: readonly string[];
  /** Whether `torrents` or `missing` is shorter than its count. */
  readonly truncated: boolean;
  readonly result: AuditResult;
  readonly error: string | null;
}

/** Which entries to list, newest first. */
export interface AuditQuery {
  readonly target: string | undefined;
  /** Only dry runs (true), only real removals (false), or both. */
  readonly dryRun: boolean | undefined;
  /** Entries with an id below this (the previous page's `next`). */
  readonly before: number | undefined;
  readonly limit: number;
}

/** A page of entries. */
export interface AuditPage {
  readonly entries: AuditEntry[];
  /** The `before` of the next page; null at the end. */
  readonly next: number | null;
  /** Whether there are more entries (the row limit or the byte budget ended the page). */
  readonly more: boolean;
}

/** A page of the torrents of one entry. */
export interface AuditTorrentPage {
  readonly id: number;
  readonly kind: AuditKind;
  readonly torrentCount: number;
  /** Torrents from position `from` on. */
  readonly torrents: AuditTorrent[];
  /** The `from` of the next page; null at the end. */
  readonly next: number | null;
  /**
   * True when only a sample is kept: dry runs and requests that removed nothing keep the first
   * AUDIT_SAMPLE_SIZE torrents; real removals keep every one.
   */
  readonly sample: boolean;
}

/** Torrents and unknown hashes an entry keeps inline; the rest are counted. */
export const AUDIT_SAMPLE_SIZE = 20;

/** Most bytes of JSON one page of the audit API carries (at least one entry always fits). */
export const AUDIT_PAGE_MAX_BYTES = 1024 * 1024;

/** Longest torrent name, tracker name and error message kept (characters). */
export const AUDIT_MAX_NAME = 256;
const MAX_TRACKER = 128;
const MAX_ERROR = 1000;
const MAX_RULES = 50;
const MAX_RULE_NAME = 64;

/** Entries one prune step deletes at most (each with its torrents), so no step holds the loop long. */
export const PRUNE_BATCH = 500;

/** Torrents of real removals one prune step deletes at most (one removal more may go over). */
const PRUNE_TORRENT_BATCH = 5000;

/** Entries deleted per write at most; the timer (AuditPruner) catches up on the rest. */
const PRUNE_ON_WRITE = 50;

const COLUMNS =
  "id, at, kind, actor, remote, via, target, dry_run, delete_data, rules, torrents, torrent_count, missing, missing_count, result, error";

interface Row {
  id: number;
  at: number;
  kind: string;
  actor: string | null;
  remote: string;
  via: string;
  target: string;
  dry_run: number;
  delete_data: number;
  rules: string;
  torrents: string;
  torrent_count: number;
  missing: string;
  missing_count: number;
  result: string;
  error: string | null;
}

interface TorrentRow {
  seq: number;
  hash: string;
  name: string;
  tracker: string;
  size: number;
  delete_data: number;
  rule: string | null;
}

/** What the log needs besides the database. */
export interface AuditLogOptions {
  /** The retention (read on every prune, so a reload applies). */
  readonly retention?: () => AuditRetention;
  readonly now?: () => number;
  /**
   * Called after a write whose prune step could not delete all that is due (a big removal over
   * the torrent limit, a lowered limit): the daemon runs the AuditPruner, which yields between steps.
   */
  readonly onBacklog?: () => void;
}

/** The kind of an entry: whether something was (or may have been) removed, nothing was, or it was a dry run. */
export function auditKind(dryRun: boolean, result: AuditResult): AuditKind {
  if (dryRun) return "dry-run";
  return result === "removed" || result === "partial" || result === "failed"
    ? "removal"
    : "nothing-removed";
}

/**
 * Appends to and reads the `removal_audit` table. What one request writes is bounded: an entry
 * holds counts and the first AUDIT_SAMPLE_SIZE torrents and unknown hashes (the latter are
 * whatever the client sent); a real removal also lists every torrent it touched, one row each in
 * `removal_audit_torrents`, so each removed torrent stays identifiable. Each kind is pruned by age
 * and count, oldest first, a bounded batch on every write and the rest by `pruneStep` on a timer.
 */
export class AuditLog {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #retention: () => AuditRetention;
  readonly #insert: StatementSync;
  readonly #insertTorrent: StatementSync;
  readonly #olderThan: StatementSync;
  readonly #oldest: StatementSync;
  readonly #oldestRemovals: StatementSync;
  readonly #deleteEntry: StatementSync;
  readonly #deleteTorrents: StatementSync;
  readonly #selectTorrents: StatementSync;
  readonly #lists = new Map<string, StatementSync>();
  /** Entries per kind, and rows of `removal_audit_torrents`: counted once, then kept up to date. */
  readonly #counts: Record<AuditKind, number> = { removal: 0, "nothing-removed": 0, "dry-run": 0 };
  #removedTorrents = 0;
  readonly #onBacklog: (() => void) | undefined;
  /** Whether the last prune step ran out of budget (more may be due). */
  #backlog = false;

  constructor(db: DatabaseSync, options: AuditLogOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#retention = options.retention ?? (() => AUDIT_RETENTION_DEFAULTS);
    this.#onBacklog = options.onBacklog;
    this.#insert = db.prepare(
      `INSERT INTO removal_audit
         (at, kind, actor, remote, via, target, dry_run, delete_data, rules, torrents, torrent_count, missing, missing_count, result, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertTorrent = db.prepare(
      `INSERT INTO removal_audit_torrents (audit_id, seq, hash, name, tracker, size, delete_data, rule)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#olderThan = db.prepare(
      "SELECT id, kind, torrent_count FROM removal_audit WHERE kind = ? AND at < ? ORDER BY at LIMIT ?",
    );
    this.#oldest = db.prepare(
      "SELECT id, kind, torrent_count FROM removal_audit WHERE kind = ? ORDER BY id LIMIT ?",
    );
    // The newest removal stays whatever it lists: its answer named its audit entry.
    this.#oldestRemovals = db.prepare(
      `SELECT id, kind, torrent_count FROM removal_audit WHERE kind = 'removal'
         AND id < (SELECT max(id) FROM removal_audit WHERE kind = 'removal') ORDER BY id LIMIT 100`,
    );
    this.#deleteEntry = db.prepare("DELETE FROM removal_audit WHERE id = ?");
    this.#deleteTorrents = db.prepare("DELETE FROM removal_audit_torrents WHERE audit_id = ?");
    this.#selectTorrents = db.prepare(
      `SELECT seq, hash, name, tracker, size, delete_data, rule FROM removal_audit_torrents
       WHERE audit_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    );
    const counted = db
      .prepare("SELECT kind, count(*) AS n FROM removal_audit GROUP BY kind")
      .all() as unknown as Array<{ kind: string; n: number }>;
    for (const { kind, n } of counted)
      if (kind in this.#counts) this.#counts[kind as AuditKind] = n;
    this.#removedTorrents = (
      db.prepare("SELECT count(*) AS n FROM removal_audit_torrents").get() as { n: number }
    ).n;
  }

  /** Entries kept per kind, and torrents listed across the kept real removals. */
  get size(): {
    readonly entries: Readonly<Record<AuditKind, number>>;
    readonly removedTorrents: number;
  } {
    return { entries: { ...this.#counts }, removedTorrents: this.#removedTorrents };
  }

  /** Appends one entry (bounded, see the class); returns its id. */
  record(entry: AuditRecord): number {
    const kind = auditKind(entry.dryRun, entry.result);
    const torrents = entry.torrents.map(auditTorrent);
    const rules = entry.rules.slice(0, MAX_RULES).map((r) => r.slice(0, MAX_RULE_NAME));
    let id = 0;
    this.#transaction(() => {
      id = Number(
        this.#insert.run(
          this.#now(),
          kind,
          entry.user ?? null,
          entry.remote,
          entry.via,
          entry.target,
          entry.dryRun ? 1 : 0,
          torrents.some((t) => t.deleteData) ? 1 : 0,
          JSON.stringify(rules),
          JSON.stringify(torrents.slice(0, AUDIT_SAMPLE_SIZE)),
          torrents.length,
          JSON.stringify(entry.missing.slice(0, AUDIT_SAMPLE_SIZE)),
          entry.missing.length,
          entry.result,
          entry.error === undefined ? null : entry.error.slice(0, MAX_ERROR),
        ).lastInsertRowid,
      );
      // Only a real removal lists every torrent: those are the ones that may be gone.
      if (kind === "removal") {
        torrents.forEach((t, seq) => {
          this.#insertTorrent.run(
            id,
            seq,
            t.hash,
            t.name,
            t.tracker,
            t.size,
            t.deleteData ? 1 : 0,
            t.rule,
          );
        });
      }
    });
    this.#counts[kind]++;
    if (kind === "removal") this.#removedTorrents += torrents.length;
    this.pruneStep(PRUNE_ON_WRITE);
    if (this.#backlog) this.#onBacklog?.();
    return id;
  }

  /**
   * Deletes what the retention no longer keeps, oldest first: entries past their kind's age, then
   * past its count, then real removals past the torrent limit. At most `batch` entries and about
   * PRUNE_TORRENT_BATCH listed torrents per call (one removal more may go over); returns how many
   * entries went (0: nothing left to do).
   */
  pruneStep(batch: number = PRUNE_BATCH): number {
    const retention = this.#retention();
    const now = this.#now();
    let entries = batch;
    let torrents = PRUNE_TORRENT_BATCH;
    let deleted = 0;
    const take = (rows: readonly Doomed[], enough = Number.POSITIVE_INFINITY): number => {
      const chosen: Doomed[] = [];
      let freed = 0;
      for (const row of rows) {
        if (entries <= 0 || torrents <= 0 || freed >= enough) break;
        const listed = row.kind === "removal" ? row.torrent_count : 0;
        chosen.push(row);
        entries--;
        torrents -= listed;
        freed += listed;
      }
      this.#delete(chosen);
      deleted += chosen.length;
      return chosen.length;
    };
    for (const kind of AUDIT_KINDS) {
      const keep = retention.kinds[kind];
      if (entries > 0 && torrents > 0)
        take(this.#olderThan.all(kind, now - keep.maxAge, entries) as unknown as Doomed[]);
      const excess = this.#counts[kind] - keep.maxEntries;
      if (excess > 0 && entries > 0 && torrents > 0)
        take(this.#oldest.all(kind, Math.min(excess, entries)) as unknown as Doomed[]);
    }
    while (this.#removedTorrents > retention.maxRemovedTorrents && entries > 0 && torrents > 0) {
      const excess = this.#removedTorrents - retention.maxRemovedTorrents;
      if (take(this.#oldestRemovals.all() as unknown as Doomed[], excess) === 0) break;
    }
    this.#backlog = entries <= 0 || torrents <= 0;
    return deleted;
  }

  /** Entries, newest first, up to `query.limit` and about `maxBytes` of JSON (at least one). */
  list(query: AuditQuery, maxBytes: number = AUDIT_PAGE_MAX_BYTES): AuditPage {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.target !== undefined) {
      where.push("target = ?");
      params.push(query.target);
    }
    if (query.dryRun !== undefined) {
      where.push("dry_run = ?");
      params.push(query.dryRun ? 1 : 0);
    }
    if (query.before !== undefined) {
      where.push("id < ?");
      params.push(query.before);
    }
    const sql = `SELECT ${COLUMNS} FROM removal_audit ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    let statement = this.#lists.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#lists.set(sql, statement);
    }
    const entries: AuditEntry[] = [];
    // The array's brackets, and a comma or a bracket per entry.
    let bytes = 1;
    let more = false;
    for (const row of statement.iterate(...params, query.limit + 1) as Iterable<Row>) {
      if (entries.length === query.limit) {
        more = true;
        break;
      }
      const entry = toEntry(row);
      bytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
      if (entries.length > 0 && bytes > maxBytes) {
        more = true;
        break;
      }
      entries.push(entry);
    }
    return { entries, next: more ? (entries.at(-1)?.id ?? null) : null, more };
  }

  /** One entry by id. */
  get(id: number): AuditEntry | undefined {
    const row = this.#db.prepare(`SELECT ${COLUMNS} FROM removal_audit WHERE id = ?`).get(id) as
      | Row
      | undefined;
    return row === undefined ? undefined : toEntry(row);
  }

  /**
   * The torrents of one entry from position `from`, up to `limit` and about `maxBytes` of JSON:
   * every torrent of a real removal, the sample of other kinds. Undefined when there is no entry.
   */
  torrents(
    id: number,
    from: number,
    limit: number,
    maxBytes: number = AUDIT_PAGE_MAX_BYTES,
  ): AuditTorrentPage | undefined {
    const entry = this.get(id);
    if (entry === undefined) return undefined;
    const base = { id, kind: entry.kind, torrentCount: entry.torrentCount };
    if (entry.kind !== "removal") {
      const torrents = entry.torrents.slice(from, from + limit);
      const next = from + torrents.length < entry.torrents.length ? from + torrents.length : null;
      return { ...base, torrents, next, sample: entry.torrents.length < entry.torrentCount };
    }
    const torrents: AuditTorrent[] = [];
    let bytes = 1;
    let next: number | null = null;
    for (const row of this.#selectTorrents.iterate(id, from, limit + 1) as Iterable<TorrentRow>) {
      const torrent: AuditTorrent = {
        hash: row.hash,
        name: row.name,
        tracker: row.tracker,
        size: row.size,
        deleteData: row.delete_data === 1,
        rule: row.rule,
      };
      bytes += Buffer.byteLength(JSON.stringify(torrent)) + 1;
      if (torrents.length === limit || (torrents.length > 0 && bytes > maxBytes)) {
        next = row.seq;
        break;
      }
      torrents.push(torrent);
    }
    return { ...base, torrents, next, sample: false };
  }

  /** Deletes entries (and a removal's torrents); returns how many torrent rows went. */
  #delete(doomed: readonly Doomed[]): number {
    if (doomed.length === 0) return 0;
    let torrents = 0;
    this.#transaction(() => {
      for (const { id, kind } of doomed) {
        if (kind === "removal") torrents += Number(this.#deleteTorrents.run(id).changes);
        this.#deleteEntry.run(id);
      }
    });
    for (const { kind } of doomed) if (kind in this.#counts) this.#counts[kind as AuditKind]--;
    this.#removedTorrents -= torrents;
    return torrents;
  }

  /** Runs `work` atomically, inside a caller's transaction or not (a savepoint nests either way). */
  #transaction(work: () => void): void {
    this.#db.exec("SAVEPOINT audit_log");
    try {
      work();
    } catch (error) {
      this.#db.exec("ROLLBACK TO audit_log; RELEASE audit_log");
      throw error;
    }
    this.#db.exec("RELEASE audit_log");
  }
}

interface Doomed {
  id: number;
  kind: string;
  torrent_count: number;
}

function auditTorrent(t: SelectedTorrent): AuditTorrent {
  return {
    hash: t.hash,
    name: t.name.slice(0, AUDIT_MAX_NAME),
    tracker: t.tracker.slice(0, MAX_TRACKER),
    // STRICT INTEGER column: a client reporting a fraction or nothing must not lose the entry.
    size: Number.isFinite(t.size) ? Math.max(0, Math.round(t.size)) : 0,
    deleteData: t.deleteData,
    rule: t.rule === undefined ? null : t.rule.slice(0, MAX_RULE_NAME),
  };
}

function toEntry(row: Row): AuditEntry {
  const torrents = JSON.parse(row.torrents) as AuditTorrent[];
  const missing = JSON.parse(row.missing) as string[];
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    kind: row.kind as AuditKind,
    user: row.actor,
    remote: row.remote,
    via: row.via as AuditVia,
    target: row.target,
    dryRun: row.dry_run === 1,
    deleteData: row.delete_data === 1,
    rules: JSON.parse(row.rules) as string[],
    torrentCount: row.torrent_count,
    torrents,
    missingCount: row.missing_count,
    missing,
    truncated: torrents.length < row.torrent_count || missing.length < row.missing_count,
    result: row.result as AuditResult,
    error: row.error,
  };
}
