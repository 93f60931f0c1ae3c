// The last known byte counters of torrents that are not in the list, and what changed since the last save.

import type { EventCounts } from "./torrent-events.ts";

/** A torrent's byte counters as last seen, and the tracker they were credited to. */
export interface KnownCounters {
  readonly tracker: string;
  readonly uploaded: number;
  readonly downloaded: number;
}

/** A torrent's counters as storage keeps them: `removedAt` (ms) once it was seen to leave. */
export interface StoredCounters extends KnownCounters {
  readonly removedAt: number | null;
}

/** Per-tracker byte totals: what `pt_tracker_*_bytes_total` exports. */
export interface TrackerBytes {
  readonly uploaded: number;
  readonly downloaded: number;
}

/** Everything storage holds of one target's counters. */
export interface CounterSnapshot {
  readonly totals: Iterable<readonly [string, TrackerBytes]>;
  readonly torrents: Iterable<readonly [string, StoredCounters]>;
  /** Per-tracker torrent event counts (none: no event counted yet). */
  readonly events?: Iterable<readonly [string, EventCounts]>;
  /**
   * Whether a poll of the target was saved before: its torrents were seen, so one not among them
   * is new. False (or absent) for a target never polled, whose first list is what was there.
   */
  readonly polledBefore?: boolean;
}

/** What to write so storage matches memory again (one transaction). */
export interface CounterChanges {
  /** Trackers whose totals changed, with their new totals. */
  readonly totals: Array<readonly [string, TrackerBytes]>;
  /** Torrents whose counters or tracker changed (listed or departed). */
  readonly torrents: Array<readonly [string, StoredCounters]>;
  /** Torrents no longer remembered at all. */
  readonly forgotten: string[];
  /** Trackers whose event counts changed, with their new counts (none when absent). */
  readonly events?: Array<readonly [string, EventCounts]>;
  /** The target's first poll was applied: storage must remember it was polled. */
  readonly firstPoll?: boolean;
}

/** Bounds on what is remembered of departed torrents. */
export interface LedgerLimits {
  /** Departed torrents remembered at most; the oldest are forgotten first. */
  readonly maxDeparted: number;
  /** A departed torrent is forgotten this long (ms) after it left. */
  readonly departedTtlMs: number;
}

/** Defaults: a week, and 100,000 torrents (about 10 MB). */
export const DEFAULT_LEDGER_LIMITS: LedgerLimits = {
  maxDeparted: 100_000,
  departedTtlMs: 7 * 24 * 3600 * 1000,
};

interface Departed extends KnownCounters {
  readonly removedAt: number;
}

/**
 * Remembers the counters of torrents that are not listed right now, so that a torrent that comes
 * back (a client that lists only part of its torrents while it starts, a re-added torrent, or any
 * torrent after seedwatch itself restarted) continues from its last counters instead of being
 * credited its whole counter a second time. Two kinds:
 * - restored: read from storage at start, not yet listed; a complete (reset) list that lacks them
 *   proves they left while seedwatch was away, and they become departed;
 * - departed: seen to leave, kept in the order they left, forgotten after `departedTtlMs` or
 *   beyond `maxDeparted` (a torrent that returns after that is credited as new).
 *
 * It also records which torrents and trackers changed since the last `markSaved`, so storage is
 * written in O(changes).
 */
export class CounterLedger {
  readonly #restored = new Map<string, KnownCounters>();
  readonly #departed = new Map<string, Departed>();
  readonly #dirtyTorrents = new Set<string>();
  readonly #dirtyTrackers = new Set<string>();
  readonly #dirtyEvents = new Set<string>();
  #firstPoll = false;
  readonly #limits: LedgerLimits;

  constructor(restored: Iterable<readonly [string, StoredCounters]>, limits: LedgerLimits) {
    this.#limits = limits;
    const departed: Array<[string, Departed]> = [];
    for (const [hash, stored] of restored) {
      const known = {
        tracker: stored.tracker,
        uploaded: stored.uploaded,
        downloaded: stored.downloaded,
      };
      if (stored.removedAt === null) this.#restored.set(hash, known);
      else departed.push([hash, { ...known, removedAt: stored.removedAt }]);
    }
    departed.sort((a, b) => a[1].removedAt - b[1].removedAt);
    for (const [hash, entry] of departed) this.#departed.set(hash, entry);
  }

  /** Torrents restored from storage and not listed since. */
  get restoredCount(): number {
    return this.#restored.size;
  }

  /** Departed torrents remembered. */
  get departedCount(): number {
    return this.#departed.size;
  }

  /** Whether the torrent was listed when seedwatch last ran and not listed since. */
  isRestored(hash: string): boolean {
    return this.#restored.has(hash);
  }

  /** A torrent is listed (again): its last known counters, which it no longer needs kept here. */
  claim(hash: string): KnownCounters | undefined {
    const restored = this.#restored.get(hash);
    if (restored !== undefined) {
      this.#restored.delete(hash);
      return restored;
    }
    const departed = this.#departed.get(hash);
    if (departed !== undefined) this.#departed.delete(hash);
    return departed;
  }

  /** A listed torrent left the list at `now` with these counters. */
  depart(hash: string, counters: KnownCounters, now: number): void {
    this.#departed.set(hash, { ...counters, removedAt: now });
    this.#dirtyTorrents.add(hash);
  }

  /**
   * A complete list was applied: restored torrents it lacked left while seedwatch was away
   * (`onGone` is told each one).
   */
  confirmRestoredGone(now: number, onGone?: (counters: KnownCounters) => void): void {
    for (const [hash, counters] of this.#restored) {
      this.depart(hash, counters, now);
      onGone?.(counters);
    }
    this.#restored.clear();
  }

  /** Forgets departed torrents past the limits. */
  prune(now: number): void {
    const oldest = now - this.#limits.departedTtlMs;
    for (const [hash, entry] of this.#departed) {
      if (this.#departed.size <= this.#limits.maxDeparted && entry.removedAt >= oldest) break;
      this.#departed.delete(hash);
      this.#dirtyTorrents.add(hash);
    }
  }

  /** A listed torrent's counters or tracker changed. */
  touchTorrent(hash: string): void {
    this.#dirtyTorrents.add(hash);
  }

  /** A tracker's totals changed. */
  touchTracker(tracker: string): void {
    this.#dirtyTrackers.add(tracker);
  }

  /** A tracker's event counts changed. */
  touchEvents(tracker: string): void {
    this.#dirtyEvents.add(tracker);
  }

  /** The target's first poll was applied. */
  touchFirstPoll(): void {
    this.#firstPoll = true;
  }

  /**
   * What changed since the last `markSaved`, given the listed torrents (their counters as storage
   * keeps them, `removedAt` null; taken as they are) and the tracker totals. Nothing is cleared:
   * call `markSaved` once storage has it, so a failed write is retried.
   */
  changes(
    listed: (hash: string) => StoredCounters | undefined,
    totals: (tracker: string) => TrackerBytes,
    events: (tracker: string) => EventCounts,
  ): CounterChanges {
    const torrents: Array<readonly [string, StoredCounters]> = [];
    const forgotten: string[] = [];
    for (const hash of this.#dirtyTorrents) {
      const live = listed(hash);
      if (live !== undefined) {
        torrents.push([hash, live]);
        continue;
      }
      const departed = this.#departed.get(hash);
      if (departed !== undefined) torrents.push([hash, departed]);
      else if (!this.#restored.has(hash)) forgotten.push(hash);
    }
    const trackerTotals = [...this.#dirtyTrackers].map(
      (tracker) => [tracker, totals(tracker)] as const,
    );
    const eventCounts = [...this.#dirtyEvents].map(
      (tracker) => [tracker, { ...events(tracker) }] as const,
    );
    return {
      totals: trackerTotals,
      torrents,
      forgotten,
      events: eventCounts,
      firstPoll: this.#firstPoll,
    };
  }

  /** Storage now holds everything `changes` returned. */
  markSaved(): void {
    this.#dirtyTorrents.clear();
    this.#dirtyTrackers.clear();
    this.#dirtyEvents.clear();
    this.#firstPoll = false;
  }

  /** Whether anything changed since the last `markSaved`. */
  get dirty(): boolean {
    return (
      this.#dirtyTorrents.size > 0 ||
      this.#dirtyTrackers.size > 0 ||
      this.#dirtyEvents.size > 0 ||
      this.#firstPoll
    );
  }
}
