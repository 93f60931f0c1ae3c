// Evaluates removal rules on a target's table of torrents: which torrents each rule selects, and why.

import { statusName } from "../model/status.ts";
import type { TorrentRow } from "../model/torrent-table.ts";
import { formatByteSize } from "./byte-size.ts";
import type { Range, RemovalRule, RuleFilters, RuleOrder } from "./rule.ts";

/** A torrent chosen for removal, with what the confirmation page and the audit log show. */
export interface SelectedTorrent {
  readonly hash: string;
  readonly name: string;
  readonly tracker: string;
  readonly category: string;
  readonly tags: readonly string[];
  readonly state: string;
  readonly size: number;
  readonly progress: number;
  readonly ratio: number;
  /** Seconds. */
  readonly seedingTime: number;
  /** Unix seconds; 0 when unknown. */
  readonly addedOn: number;
  readonly deleteData: boolean;
  /** The rule that selected it first; undefined when it was asked for by hash. */
  readonly rule: string | undefined;
}

/** What one rule did. */
export interface RuleOutcome {
  readonly rule: string;
  /** Torrents that met every condition. */
  readonly matched: number;
  /** Of those, the ones selected (after `limit` and `free_space_below`). */
  readonly selected: number;
  /** Why it selected fewer than it matched, or nothing. */
  readonly note: string | undefined;
}

/** The state a selection is made on. */
export interface SelectionInput {
  readonly rows: Iterable<TorrentRow>;
  /** The client's free space in bytes, when it reports it. */
  readonly freeSpace: number | undefined;
  /** Now, ms since the epoch. */
  readonly now: number;
}

/** Whether a torrent meets every condition of a rule (and none of its exclusions). */
export function matchesRule(row: TorrentRow, rule: RemovalRule, nowSeconds: number): boolean {
  if (!matchesFilters(row, rule)) return false;
  if (rule.complete !== undefined && row.progress >= 1 !== rule.complete) return false;
  // Unknown figures (a ratio of -1, an added time of 0) never meet a condition on them.
  if (rule.ratio !== undefined && (row.ratio < 0 || !within(row.ratio, rule.ratio))) return false;
  if (rule.seedingTime !== undefined && !within(row.seedingTime, rule.seedingTime)) return false;
  if (rule.size !== undefined && !within(row.size, rule.size)) return false;
  if (rule.age !== undefined && (row.addedOn <= 0 || !within(nowSeconds - row.addedOn, rule.age)))
    return false;
  if (rule.exclude !== undefined && matchesAnyFilter(row, rule.exclude)) return false;
  return true;
}

/**
 * Applies rules in order. Each rule sees every torrent; a torrent selected by several rules is
 * listed once, under the first, and its data is deleted when any of them says so.
 */
export function selectByRules(
  rules: readonly RemovalRule[],
  input: SelectionInput,
): { torrents: SelectedTorrent[]; outcomes: RuleOutcome[] } {
  const rows = [...input.rows];
  const nowSeconds = Math.floor(input.now / 1000);
  const chosen = new Map<string, { row: TorrentRow; rule: string; deleteData: boolean }>();
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    const matched = rows.filter((row) => matchesRule(row, rule, nowSeconds));
    matched.sort(comparator(rule.order));
    let picked = matched;
    let note: string | undefined;
    if (rule.freeSpaceBelow !== undefined) {
      const free = input.freeSpace;
      if (free === undefined) {
        picked = [];
        note = "the client does not report its free space";
      } else if (free >= rule.freeSpaceBelow) {
        picked = [];
        note = `free space ${formatByteSize(free)} is not below ${formatByteSize(rule.freeSpaceBelow)}`;
      } else {
        const needed = rule.freeSpaceBelow - free;
        let freed = 0;
        picked = [];
        for (const row of matched) {
          if (freed >= needed) break;
          picked.push(row);
          freed += onDisk(row);
        }
        note =
          freed >= needed
            ? `frees about ${formatByteSize(freed)} of the ${formatByteSize(needed)} needed`
            : `every match together frees only about ${formatByteSize(freed)} of the ${formatByteSize(needed)} needed`;
      }
    }
    if (rule.limit !== undefined && picked.length > rule.limit) {
      picked = picked.slice(0, rule.limit);
      note = note === undefined ? `limited to ${rule.limit}` : `${note}; limited to ${rule.limit}`;
    }
    for (const row of picked) {
      const earlier = chosen.get(row.hash);
      if (earlier === undefined)
        chosen.set(row.hash, { row, rule: rule.name, deleteData: rule.deleteData });
      else if (rule.deleteData) earlier.deleteData = true;
    }
    outcomes.push({ rule: rule.name, matched: matched.length, selected: picked.length, note });
  }
  return {
    torrents: [...chosen.values()].map((c) => describeTorrent(c.row, c.deleteData, c.rule)),
    outcomes,
  };
}

/** The selection entry of one row. */
export function describeTorrent(
  row: TorrentRow,
  deleteData: boolean,
  rule: string | undefined,
): SelectedTorrent {
  return {
    hash: row.hash,
    name: row.name,
    tracker: row.tracker,
    category: row.category,
    tags: row.tags,
    state: statusName(row.status),
    size: row.size,
    progress: row.progress,
    ratio: row.ratio,
    seedingTime: row.seedingTime,
    addedOn: row.addedOn,
    deleteData,
    rule,
  };
}

/**
 * Warnings about deleting data that other torrents still use: cross-seeded torrents (the same
 * files under several trackers) share a save path and a name, and deleting one's data breaks the
 * others that stay.
 */
export function sharedDataWarnings(
  selected: readonly SelectedTorrent[],
  rows: Iterable<TorrentRow>,
): string[] {
  const deleting = new Set(selected.filter((t) => t.deleteData).map((t) => t.hash));
  if (deleting.size === 0) return [];
  const removing = new Set(selected.map((t) => t.hash));
  const byFiles = new Map<string, TorrentRow[]>();
  for (const row of rows) {
    if (row.name === "") continue;
    const key = `${row.savePath}\u0000${row.name}`;
    const list = byFiles.get(key);
    if (list === undefined) byFiles.set(key, [row]);
    else list.push(row);
  }
  const warnings: string[] = [];
  for (const list of byFiles.values()) {
    if (list.length < 2) continue;
    const staying = list.filter((r) => !removing.has(r.hash));
    if (staying.length === 0) continue;
    const others = staying
      .slice(0, 3)
      .map((s) => `${s.tracker || "no tracker"} ${s.hash.slice(0, 8)}`)
      .join(", ");
    for (const r of list) {
      if (!deleting.has(r.hash)) continue;
      warnings.push(
        `${r.name} (${r.hash.slice(0, 8)}) shares its files with ${staying.length} torrent(s) that stay (${others}): deleting its data breaks them`,
      );
    }
  }
  return warnings;
}

function within(value: number, range: Range): boolean {
  return (
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max)
  );
}

/** Every set condition holds (absent ones hold). */
function matchesFilters(row: TorrentRow, filters: RuleFilters): boolean {
  if (filters.trackers !== undefined && !matchesTracker(row, filters.trackers)) return false;
  if (filters.categories !== undefined && !filters.categories.has(row.category)) return false;
  if (filters.tags !== undefined && !row.tags.some((t) => filters.tags?.has(t))) return false;
  if (filters.states !== undefined && !filters.states.has(row.status)) return false;
  return true;
}

/** At least one set condition holds (for `exclude`). */
function matchesAnyFilter(row: TorrentRow, filters: RuleFilters): boolean {
  return (
    (filters.trackers !== undefined && matchesTracker(row, filters.trackers)) ||
    filters.categories?.has(row.category) === true ||
    (filters.tags !== undefined && row.tags.some((t) => filters.tags?.has(t))) ||
    filters.states?.has(row.status) === true
  );
}

function matchesTracker(row: TorrentRow, patterns: readonly string[]): boolean {
  const names = [row.tracker, ...row.trackerHosts].map((n) => n.toLowerCase());
  return patterns.some((p) => names.some((n) => (p.startsWith(".") ? n.endsWith(p) : n === p)));
}

/** Bytes a torrent's data takes on disk, as far as the model knows. */
function onDisk(row: TorrentRow): number {
  return Math.max(0, Math.round(row.size * Math.min(1, Math.max(0, row.progress))));
}

function comparator(order: RuleOrder): (a: TorrentRow, b: TorrentRow) => number {
  const key: (r: TorrentRow) => number = {
    oldest: (r: TorrentRow) => r.addedOn,
    newest: (r: TorrentRow) => -r.addedOn,
    largest: (r: TorrentRow) => -r.size,
    smallest: (r: TorrentRow) => r.size,
    highest_ratio: (r: TorrentRow) => -r.ratio,
    lowest_ratio: (r: TorrentRow) => r.ratio,
    longest_seeding: (r: TorrentRow) => -r.seedingTime,
  }[order];
  // Ties broken by hash, so a preview and the removal that follows pick the same torrents.
  return (a, b) => key(a) - key(b) || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
}
