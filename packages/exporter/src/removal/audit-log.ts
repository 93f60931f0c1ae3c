// The removal audit log in the state database: every removal and dry run, who asked, what, and how it went.

import type { DatabaseSync, StatementSync } from "node:sqlite";
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
  readonly user: string | null;
  readonly remote: string;
  readonly via: AuditVia;
  readonly target: string;
  readonly dryRun: boolean;
  /** Whether any torrent's data was (or would be) deleted. */
  readonly deleteData: boolean;
  readonly rules: readonly string[];
  readonly torrents: readonly AuditTorrent[];
  readonly missing: readonly string[];
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

/** Dry runs kept (the oldest go first, up to PRUNE_EVERY more between prunes); real removals are never dropped. */
export const MAX_DRY_RUNS_KEPT = 10_000;

/** Dry runs recorded between two prunes (a prune walks the kept ones' index). */
const PRUNE_EVERY = 100;

interface Row {
  id: number;
  at: number;
  actor: string | null;
  remote: string;
  via: string;
  target: string;
  dry_run: number;
  delete_data: number;
  rules: string;
  torrents: string;
  missing: string;
  result: string;
  error: string | null;
}

/**
 * Appends to and reads the `removal_audit` table. Real removals are kept for good (the state
 * database is the archive); dry runs, which a dashboard may ask for often, are capped.
 */
export class AuditLog {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #prune: StatementSync;
  readonly #now: () => number;
  #dryRunsSincePrune = PRUNE_EVERY;

  constructor(db: DatabaseSync, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      `INSERT INTO removal_audit
         (at, actor, remote, via, target, dry_run, delete_data, rules, torrents, missing, result, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#prune = db.prepare(
      `DELETE FROM removal_audit WHERE dry_run = 1 AND id <= (
         SELECT id FROM removal_audit WHERE dry_run = 1 ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
  }

  /** Appends one entry; returns its id. */
  record(entry: AuditRecord): number {
    const torrents: AuditTorrent[] = entry.torrents.map((t) => ({
      hash: t.hash,
      name: t.name,
      tracker: t.tracker,
      size: t.size,
      deleteData: t.deleteData,
      rule: t.rule ?? null,
    }));
    const result = this.#insert.run(
      this.#now(),
      entry.user ?? null,
      entry.remote,
      entry.via,
      entry.target,
      entry.dryRun ? 1 : 0,
      torrents.some((t) => t.deleteData) ? 1 : 0,
      JSON.stringify(entry.rules),
      JSON.stringify(torrents),
      JSON.stringify(entry.missing),
      entry.result,
      entry.error ?? null,
    );
    if (entry.dryRun && ++this.#dryRunsSincePrune >= PRUNE_EVERY) {
      this.#dryRunsSincePrune = 0;
      this.#prune.run(MAX_DRY_RUNS_KEPT);
    }
    return Number(result.lastInsertRowid);
  }

  /** Entries, newest first, and the `before` of the next page (null at the end). */
  list(query: AuditQuery): { entries: AuditEntry[]; next: number | null } {
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
    const sql = `SELECT * FROM removal_audit ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, query.limit + 1) as unknown as Row[];
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map(toEntry);
    return { entries: page, next: more ? (page.at(-1)?.id ?? null) : null };
  }

  /** One entry by id. */
  get(id: number): AuditEntry | undefined {
    const row = this.#db.prepare("SELECT * FROM removal_audit WHERE id = ?").get(id) as
      | Row
      | undefined;
    return row === undefined ? undefined : toEntry(row);
  }
}

function toEntry(row: Row): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    user: row.actor,
    remote: row.remote,
    via: row.via as AuditVia,
    target: row.target,
    dryRun: row.dry_run === 1,
    deleteData: row.delete_data === 1,
    rules: JSON.parse(row.rules) as string[],
    torrents: JSON.parse(row.torrents) as AuditTorrent[],
    missing: JSON.parse(row.missing) as string[],
    result: row.result as AuditResult,
    error: row.error,
  };
}
