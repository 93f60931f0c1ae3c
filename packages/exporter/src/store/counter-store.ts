// Persists per-tracker byte totals, every torrent's last counters and torrent event counts, so they survive restarts exactly.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type {
  CounterChanges,
  CounterSnapshot,
  StoredCounters,
  TrackerBytes,
} from "../model/counter-ledger.ts";
import { type EventCounts, emptyEvents, TORRENT_EVENTS } from "../model/torrent-events.ts";

/** When the journal is folded into the torrent table. */
export interface CounterStoreOptions {
  /** Saves journaled between two compactions at most (default 60: ten minutes at a 10 s poll). */
  readonly compactAfterSaves?: number;
  /** Distinct torrents waiting in the journal at most (default 20,000). */
  readonly compactAfterTorrents?: number;
  /** A save that changes more torrents than this is written to the table at once (default 5,000). */
  readonly journalMaxTorrents?: number;
}

/** One journal entry: torrents as [hash, tracker, uploaded, downloaded, removedAt], forgotten hashes. */
interface JournalEntry {
  readonly t: Array<[string, string, number, number, number | null]>;
  readonly f: string[];
}

/** A torrent's counters in the pending journal: the store's own record, rewritten in place. */
type Held = { -readonly [K in keyof StoredCounters]: StoredCounters[K] };

/** What a target has journaled since its last compaction: the latest of each torrent (null: forgotten). */
interface Pending {
  readonly torrents: Map<string, Held | null>;
  saves: number;
}

/** A record of `counters` for the pending journal, one literal so that every record has one shape. */
function held(counters: StoredCounters): Held {
  return {
    tracker: counters.tracker,
    uploaded: counters.uploaded,
    downloaded: counters.downloaded,
    removedAt: counters.removedAt,
  };
}

/**
 * Reads and writes the counter state of every target. Each save is one transaction holding the
 * changed event counts (`tracker_events`), whether the target was polled (`counter_targets`), the
 * changed tracker totals (`tracker_totals`) and the changed torrents' last counters, so after a
 * kill -9 storage holds exactly the state of the last poll whose figures could have been
 * exported, never a mix of two.
 *
 * Torrents whose counters rise on every poll would rewrite the same pages of `torrent_counters`
 * every few seconds (megabytes per poll on a big box). Instead a save appends one compact
 * journal row (`counter_journal`); the journal is folded into the table every
 * `compactAfterSaves` saves, and a load replays it over the table.
 */
export class CounterStore {
  readonly #db: DatabaseSync;
  readonly #options: Required<CounterStoreOptions>;
  readonly #pending = new Map<string, Pending>();
  readonly #statements: {
    readonly loadTotals: StatementSync;
    readonly loadTorrents: StatementSync;
    readonly loadJournal: StatementSync;
    readonly saveTotal: StatementSync;
    readonly saveTorrent: StatementSync;
    readonly forget: StatementSync;
    readonly journal: StatementSync;
    readonly clearJournal: StatementSync;
    readonly loadEvents: StatementSync;
    readonly saveEvent: StatementSync;
    readonly polled: StatementSync;
    readonly markPolled: StatementSync;
  };

  constructor(db: DatabaseSync, options: CounterStoreOptions = {}) {
    this.#db = db;
    this.#options = {
      compactAfterSaves: options.compactAfterSaves ?? 60,
      compactAfterTorrents: options.compactAfterTorrents ?? 20_000,
      journalMaxTorrents: options.journalMaxTorrents ?? 5_000,
    };
    this.#statements = {
      loadTotals: db.prepare(
        "SELECT tracker, uploaded, downloaded FROM tracker_totals WHERE target = ?",
      ),
      loadTorrents: db.prepare(
        "SELECT hash, tracker, uploaded, downloaded, removed_at FROM torrent_counters WHERE target = ?",
      ),
      loadJournal: db.prepare("SELECT entry FROM counter_journal WHERE target = ? ORDER BY id"),
      saveTotal: db.prepare(
        `INSERT INTO tracker_totals (target, tracker, uploaded, downloaded) VALUES (?, ?, ?, ?)
         ON CONFLICT (target, tracker) DO UPDATE SET uploaded = excluded.uploaded, downloaded = excluded.downloaded`,
      ),
      saveTorrent: db.prepare(
        `INSERT INTO torrent_counters (target, hash, tracker, uploaded, downloaded, removed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (target, hash) DO UPDATE SET tracker = excluded.tracker, uploaded = excluded.uploaded,
           downloaded = excluded.downloaded, removed_at = excluded.removed_at`,
      ),
      forget: db.prepare("DELETE FROM torrent_counters WHERE target = ? AND hash = ?"),
      journal: db.prepare("INSERT INTO counter_journal (target, entry) VALUES (?, ?)"),
      clearJournal: db.prepare("DELETE FROM counter_journal WHERE target = ?"),
      loadEvents: db.prepare("SELECT tracker, event, count FROM tracker_events WHERE target = ?"),
      saveEvent: db.prepare(
        `INSERT INTO tracker_events (target, tracker, event, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (target, tracker, event) DO UPDATE SET count = excluded.count`,
      ),
      polled: db.prepare("SELECT 1 AS polled FROM counter_targets WHERE target = ?"),
      markPolled: db.prepare("INSERT OR IGNORE INTO counter_targets (target) VALUES (?)"),
    };
  }

  /** What is stored for a target (empty for a target never seen): the table, then the journal over it. */
  load(target: string): CounterSnapshot {
    const s = this.#statements;
    const totals = (
      s.loadTotals.all(target) as Array<{ tracker: string; uploaded: number; downloaded: number }>
    ).map((row): [string, TrackerBytes] => [
      row.tracker,
      { uploaded: row.uploaded, downloaded: row.downloaded },
    ]);
    // Tracker names repeat across rows: keep one string per name.
    const names = new Map<string, string>();
    const intern = (name: string): string => {
      const known = names.get(name);
      if (known !== undefined) return known;
      names.set(name, name);
      return name;
    };
    const torrents = new Map<string, StoredCounters>();
    for (const row of s.loadTorrents.iterate(target) as Iterable<{
      hash: string;
      tracker: string;
      uploaded: number;
      downloaded: number;
      removed_at: number | null;
    }>) {
      torrents.set(row.hash, {
        tracker: intern(row.tracker),
        uploaded: row.uploaded,
        downloaded: row.downloaded,
        removedAt: row.removed_at,
      });
    }
    const pending: Pending = { torrents: new Map(), saves: 0 };
    for (const { entry } of s.loadJournal.iterate(target) as Iterable<{ entry: string }>) {
      const parsed = JSON.parse(entry) as JournalEntry;
      for (const [hash, tracker, uploaded, downloaded, removedAt] of parsed.t) {
        const counters = { tracker: intern(tracker), uploaded, downloaded, removedAt };
        torrents.set(hash, counters);
        pending.torrents.set(hash, held(counters));
      }
      for (const hash of parsed.f) {
        torrents.delete(hash);
        pending.torrents.set(hash, null);
      }
      pending.saves++;
    }
    this.#pending.set(target, pending);
    const events = new Map<string, EventCounts>();
    const known = new Set<string>(TORRENT_EVENTS);
    for (const row of s.loadEvents.iterate(target) as Iterable<{
      tracker: string;
      event: string;
      count: number;
    }>) {
      // An event name this version does not count (a newer one's) is left in storage, unread.
      if (!known.has(row.event)) continue;
      let counts = events.get(row.tracker);
      if (counts === undefined) {
        counts = emptyEvents();
        events.set(intern(row.tracker), counts);
      }
      counts[row.event as keyof EventCounts] = row.count;
    }
    const polledBefore = s.polled.get(target) !== undefined;
    return { totals, torrents, events, polledBefore };
  }

  /** Writes a table's changes in one transaction; on failure nothing is written and it throws. */
  save(target: string, changes: CounterChanges): void {
    const events = changes.events ?? [];
    if (
      changes.totals.length + changes.torrents.length + changes.forgotten.length + events.length ===
        0 &&
      changes.firstPoll !== true
    )
      return;
    const s = this.#statements;
    const pending = this.#pending.get(target) ?? { torrents: new Map(), saves: 0 };
    const merged = pending.torrents;
    const direct =
      changes.torrents.length + changes.forgotten.length > this.#options.journalMaxTorrents;
    // Hashes this save adds to the pending journal (few: new and departed torrents).
    const fresh = new Set<string>();
    for (const [hash] of changes.torrents) if (!merged.has(hash)) fresh.add(hash);
    for (const hash of changes.forgotten) if (!merged.has(hash)) fresh.add(hash);
    const compact =
      direct ||
      pending.saves + 1 >= this.#options.compactAfterSaves ||
      merged.size + fresh.size >= this.#options.compactAfterTorrents;
    // A compaction writes the pending journal with this save's changes in it: they go in first,
    // with what they replace kept to undo a failed save. A journal entry is written from the
    // changes alone, and they go into the pending journal once it is committed.
    const undo: Undo = [];
    if (compact) mergeInto(merged, changes, undo);
    this.#db.exec("BEGIN");
    try {
      for (const [tracker, bytes] of changes.totals)
        s.saveTotal.run(target, tracker, Math.round(bytes.uploaded), Math.round(bytes.downloaded));
      for (const [tracker, counts] of events)
        for (const event of TORRENT_EVENTS) s.saveEvent.run(target, tracker, event, counts[event]);
      if (changes.firstPoll === true) s.markPolled.run(target);
      if (compact) {
        for (const [hash, c] of merged) {
          if (c === null) s.forget.run(target, hash);
          else
            s.saveTorrent.run(
              target,
              hash,
              c.tracker,
              Math.round(c.uploaded),
              Math.round(c.downloaded),
              c.removedAt,
            );
        }
        s.clearJournal.run(target);
      } else if (changes.torrents.length + changes.forgotten.length > 0) {
        const entry: JournalEntry = {
          t: changes.torrents.map(([hash, c]) => [
            hash,
            c.tracker,
            Math.round(c.uploaded),
            Math.round(c.downloaded),
            c.removedAt,
          ]),
          f: changes.forgotten,
        };
        s.journal.run(target, JSON.stringify(entry));
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      for (let i = undo.length - 1; i >= 0; i--) {
        const [hash, before] = undo[i] as Undo[number];
        if (before === undefined) merged.delete(hash);
        else merged.set(hash, before);
      }
      throw error;
    }
    if (!compact) mergeInto(merged, changes, undefined);
    this.#pending.set(
      target,
      compact ? { torrents: new Map(), saves: 0 } : { torrents: merged, saves: pending.saves + 1 },
    );
  }
}

/** What a merge replaced, in order: [hash, the record before (undefined: none)]. */
type Undo = Array<[string, Held | null | undefined]>;

/**
 * Puts a save's changes into the pending journal, noting in `undo` (when given) what each one
 * replaced. A torrent already pending has its record rewritten, not replaced: the records outlive
 * many polls, and a new one per changed torrent per poll was old-generation garbage that brought
 * full garbage collections (of the whole table's heap) every few polls.
 */
function mergeInto(
  merged: Map<string, Held | null>,
  changes: CounterChanges,
  undo: Undo | undefined,
): void {
  const put = (hash: string, counters: StoredCounters | null) => {
    const before = merged.get(hash);
    if (counters === null || before === undefined || before === null) {
      undo?.push([hash, before]);
      merged.set(hash, counters === null ? null : held(counters));
      return;
    }
    undo?.push([hash, held(before)]);
    before.tracker = counters.tracker;
    before.uploaded = counters.uploaded;
    before.downloaded = counters.downloaded;
    before.removedAt = counters.removedAt;
  };
  for (const [hash, counters] of changes.torrents) put(hash, counters);
  for (const hash of changes.forgotten) put(hash, null);
}
