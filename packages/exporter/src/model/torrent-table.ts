// One target's torrents, with per-tracker, per-category, per-tag, per-state and per-class aggregates kept up to date on every change.

import {
  type CounterChanges,
  CounterLedger,
  type CounterSnapshot,
  DEFAULT_LEDGER_LIMITS,
  type LedgerLimits,
} from "./counter-ledger.ts";
import { keepNumberFieldsTagged, unboxed } from "./number-fields.ts";
import { sameValue, type TableUpdate, TORRENT_NUMBER_KEYS } from "./patch.ts";
import { RATIO_BUCKETS, ratioBucket, ratioSumPart } from "./ratio-buckets.ts";
import { STATUS_COUNT, type StatusCode } from "./status.ts";
import { EMPTY_TORRENT, type TorrentPatch, type TorrentRecord } from "./torrent.ts";
import {
  type ClassCounts,
  ClassFlag,
  classify,
  countClasses,
  emptyClasses,
} from "./torrent-classes.ts";
import { type EventCounts, emptyEvents, type TorrentEvent } from "./torrent-events.ts";
import type { TrackerNamer } from "./tracker.ts";

/** A torrent as the table holds it: the record, its tracker identity and its counter bases. */
export interface TorrentRow extends TorrentRecord {
  /** Tracker identity (the `tracker` label). */
  readonly tracker: string;
}

/** Per-tracker figures. `uploaded`/`downloaded` are monotonic: bytes of removed torrents stay in. */
export interface TrackerStats {
  torrents: number;
  size: number;
  /** Bytes credited to this tracker, each once: listed torrents' and those retired (removed, moved away, rolled back). */
  uploaded: number;
  downloaded: number;
  uploadRate: number;
  downloadRate: number;
  /** Torrents whose tracker reports an error. */
  errors: number;
}

/** Per-category and per-tag figures. */
export interface GroupStats {
  torrents: number;
  size: number;
  uploadRate: number;
  downloadRate: number;
}

/** A (status, tracker, category) cell of `pt_torrents_count`. */
export interface StateCell {
  readonly status: StatusCode;
  readonly tracker: string;
  readonly category: string;
  torrents: number;
}

export type { ClassCounts } from "./torrent-classes.ts";

/** Per-tracker figures of the torrents listed now: classes, bytes left, the share-ratio distribution. */
export interface TrackerFigures {
  readonly classes: ClassCounts;
  /** Bytes still to download. */
  left: number;
  /** Torrents per ratio bucket (RATIO_BOUNDS, then +Inf; not cumulative); unknown ratios in none. */
  readonly ratioBuckets: number[];
  /** Sum of the finite ratios the buckets count. */
  ratioSum: number;
}

/** Target-wide sums of the torrents listed now. */
export interface SizeTotals {
  /** Bytes still to download. */
  left: number;
  /** Files in all torrents. */
  files: number;
  /** Bytes per second received but not wanted. */
  skipRate: number;
}

/** Options of a table. */
export interface TorrentTableOptions {
  /** What storage held of the counters when the target started (none: a first start). */
  readonly restored?: CounterSnapshot;
  /** Bounds on the memory of departed torrents. */
  readonly limits?: LedgerLimits;
  /** The clock (ms), for when torrents departed. */
  readonly now?: () => number;
}

/** The mutable row behind TorrentRow. */
type Row = { -readonly [K in keyof TorrentRow]: TorrentRow[K] };

interface RowState {
  row: Row;
  /** Bytes already credited elsewhere: this row's contribution is `uploaded - baseUploaded`. */
  baseUploaded: number;
  baseDownloaded: number;
  /**
   * Added complete with nothing downloaded yet: finished if bytes downloaded show up while it stays
   * complete (qBittorrent can list a torrent that just finished before its byte count catches up).
   */
  finishPending: boolean;
  /** The state cell the row is counted in (set by `#add`). */
  cell: StateCell | undefined;
}

/**
 * Applies source updates in O(changed torrents) and keeps every aggregate current, so scraping
 * the aggregates costs O(trackers + categories + tags), never O(torrents).
 *
 * Per-tracker byte counters count every byte once and never go down. A torrent's counter is
 * credited by how much it rose since it was last seen (its whole value the first time). When it
 * drops (a client restored from older resume data, a re-added torrent) nothing is taken back and
 * the lower value becomes the new starting point; when the torrent is removed or moves to another
 * tracker, what it was credited stays with the tracker. The last counters of torrents not listed
 * right now are remembered (CounterLedger), so a torrent that comes back, or every torrent after
 * a restart (given `restored`), continues from where it was instead of being credited again.
 *
 * Invariant: for every tracker, `uploaded` = restored total + the sum over every torrent ever seen
 * of the rises of its counter (its first value counting as a rise from 0) while it was credited to
 * that tracker; same for `downloaded`. The ledger's changes keep storage equal to this state.
 *
 * Class counts, bytes left and ratio buckets (target-wide and per tracker) always equal those
 * figures summed over the listed rows: every change subtracts a row's old contribution and adds
 * its new one.
 *
 * Events are counted from the table's own transitions, once each: `added` when a torrent is
 * listed that was neither listed before nor listed when seedwatch last stopped (the first list of
 * a target never polled is what was there, not added; a removed torrent that comes back is added
 * again); `removed` when it leaves the list, or when the first complete list after a restart lacks
 * it; `finished` when a listed torrent becomes complete, or an added one is complete with bytes
 * downloaded (it finished between two polls); `errored` when it enters an error. Their
 * counts are saved with the counters, in the same changes, so a restart (or a kill -9) neither
 * loses nor repeats one that storage holds.
 */
export class TorrentTable {
  readonly #rows = new Map<string, RowState>();
  readonly #trackers = new Map<string, TrackerStats>();
  readonly #ledger: CounterLedger;
  readonly #now: () => number;
  readonly #categories = new Map<string, GroupStats>();
  readonly #tags = new Map<string, GroupStats>();
  readonly #cells = new Map<string, StateCell>();
  readonly #statuses = new Array<number>(STATUS_COUNT).fill(0);
  readonly #classes: ClassCounts = emptyClasses();
  readonly #figures = new Map<string, TrackerFigures>();
  readonly #sizes: SizeTotals = { left: 0, files: 0, skipRate: 0 };
  readonly #events = new Map<string, EventCounts>();
  readonly #eventTotals: EventCounts = emptyEvents();
  /** Whether the next update is the first a never-polled target gives (its torrents are not added). */
  #firstPoll: boolean;
  #namer: TrackerNamer;
  #version = 0;

  constructor(namer: TrackerNamer, options: TorrentTableOptions = {}) {
    this.#namer = namer;
    this.#now = options.now ?? Date.now;
    this.#ledger = new CounterLedger(
      options.restored?.torrents ?? [],
      options.limits ?? DEFAULT_LEDGER_LIMITS,
    );
    this.#firstPoll = options.restored?.polledBefore !== true;
    for (const [tracker, counts] of options.restored?.events ?? []) {
      const mine = this.#eventsOf(tracker);
      for (const event of Object.keys(mine) as TorrentEvent[]) {
        const n = counts[event] ?? 0;
        mine[event] += n;
        this.#eventTotals[event] += n;
      }
    }
    for (const [tracker, bytes] of options.restored?.totals ?? []) {
      if (bytes.uploaded === 0 && bytes.downloaded === 0) continue;
      const stats = this.#tracker(tracker);
      stats.uploaded += bytes.uploaded;
      stats.downloaded += bytes.downloaded;
    }
  }

  /**
   * Increases when an update changes what the table holds (a torrent added, removed, or a field
   * of one changed); an update that changes nothing leaves it as it was, so renderers and views
   * that cache on it keep their copy across polls of an idle client.
   */
  get version(): number {
    return this.#version;
  }

  /** Number of torrents. */
  get size(): number {
    return this.#rows.size;
  }

  /** Applies one poll's changes. */
  apply(update: TableUpdate): void {
    const patches = update.patches;
    let changed = false;
    if (update.reset) {
      const present = new Set(patches.map((p) => p.hash));
      for (const [hash, state] of this.#rows) {
        if (present.has(hash)) continue;
        this.#remove(hash, state);
        changed = true;
      }
    }
    for (const patch of patches) {
      const state = this.#rows.get(patch.hash);
      if (state === undefined) {
        this.#insert(patch);
        changed = true;
      } else if (changes(state.row, patch)) {
        if (rowOnly(patch)) assign(state.row, patch);
        else this.#modify(state, patch);
        changed = true;
      }
    }
    for (const hash of update.removed) {
      const state = this.#rows.get(hash);
      if (state === undefined) continue;
      this.#remove(hash, state);
      changed = true;
    }
    const now = this.#now();
    if (update.reset) {
      this.#ledger.confirmRestoredGone(now, (gone) => {
        this.#count(gone.tracker, "removed");
        changed = true;
      });
    }
    this.#ledger.prune(now);
    if (this.#firstPoll) {
      this.#firstPoll = false;
      this.#ledger.touchFirstPoll();
    }
    if (changed) this.#version++;
  }

  /** The torrent with this hash. */
  get(hash: string): TorrentRow | undefined {
    return this.#rows.get(hash)?.row;
  }

  /** Every torrent, in the order they were first seen. */
  *rows(): IterableIterator<TorrentRow> {
    for (const state of this.#rows.values()) yield state.row;
  }

  /** Per-tracker figures, including trackers that only have retired bytes left. */
  get trackers(): ReadonlyMap<string, Readonly<TrackerStats>> {
    return this.#trackers;
  }

  /**
   * What storage must write to hold this table's counters (tracker totals, last counters of
   * changed torrents), in O(changes). Call `markCountersSaved` once written; until then the
   * same changes (and newer ones) are returned again.
   */
  counterChanges(): CounterChanges {
    return this.#ledger.changes(
      (hash) => {
        const row = this.#rows.get(hash)?.row;
        return row === undefined
          ? undefined
          : {
              tracker: row.tracker,
              uploaded: row.uploaded,
              downloaded: row.downloaded,
              removedAt: null,
            };
      },
      (tracker) => {
        const stats = this.#trackers.get(tracker);
        return { uploaded: stats?.uploaded ?? 0, downloaded: stats?.downloaded ?? 0 };
      },
      (tracker) => this.#eventsOf(tracker),
    );
  }

  /** Storage holds every change `counterChanges` returned. */
  markCountersSaved(): void {
    this.#ledger.markSaved();
  }

  /** Torrents whose counters are remembered while they are not listed (restored, departed). */
  get rememberedCount(): number {
    return this.#ledger.restoredCount + this.#ledger.departedCount;
  }

  get categories(): ReadonlyMap<string, Readonly<GroupStats>> {
    return this.#categories;
  }

  get tags(): ReadonlyMap<string, Readonly<GroupStats>> {
    return this.#tags;
  }

  /** Torrent counts per (status, tracker, category). */
  get stateCells(): Iterable<Readonly<StateCell>> {
    return this.#cells.values();
  }

  /** Torrent counts per status code (index = code). */
  get statuses(): readonly number[] {
    return this.#statuses;
  }

  get classes(): Readonly<ClassCounts> {
    return this.#classes;
  }

  /** Classes, bytes left and ratio buckets per tracker with listed torrents. */
  get trackerFigures(): ReadonlyMap<string, Readonly<TrackerFigures>> {
    return this.#figures;
  }

  /** Bytes left, files and skip rate over every listed torrent. */
  get sizes(): Readonly<SizeTotals> {
    return this.#sizes;
  }

  /** Torrent events per tracker (trackers keep their counts when their torrents are gone). */
  get trackerEvents(): ReadonlyMap<string, Readonly<EventCounts>> {
    return this.#events;
  }

  /** Torrent events over every tracker. */
  get events(): Readonly<EventCounts> {
    return this.#eventTotals;
  }

  #insert(patch: TorrentPatch): void {
    const row = newRow(patch);
    row.tracker = this.#namer.identify(row.trackerHosts, row.category, undefined);
    // Listed when seedwatch last stopped: not new. A departed one that returns was added again.
    const added = !this.#firstPoll && !this.#ledger.isRestored(row.hash);
    // A torrent seen before is credited only what it gained since (nothing if it dropped).
    const known = this.#ledger.claim(row.hash);
    const state: RowState = {
      row,
      baseUploaded: known === undefined ? 0 : Math.min(known.uploaded, row.uploaded),
      baseDownloaded: known === undefined ? 0 : Math.min(known.downloaded, row.downloaded),
      finishPending: false,
      cell: undefined,
    };
    this.#rows.set(row.hash, state);
    const classes = this.#add(state);
    if (added) {
      this.#count(row.tracker, "added");
      // Added and downloaded to the end between two polls (a small torrent on a fast link): it
      // finished, though never seen unfinished. One added on complete data downloaded nothing.
      if (classes & ClassFlag.Complete) {
        if (row.downloaded > 0) this.#count(row.tracker, "finished");
        else state.finishPending = true;
      }
    }
    this.#ledger.touchTorrent(row.hash);
    if (row.uploaded > state.baseUploaded || row.downloaded > state.baseDownloaded)
      this.#ledger.touchTracker(row.tracker);
  }

  #modify(state: RowState, patch: TorrentPatch): void {
    const row = state.row;
    const oldTracker = row.tracker;
    const oldUploaded = row.uploaded;
    const oldDownloaded = row.downloaded;
    const wasOpen = row.open;
    const before = classify(row);
    if (!this.#shift(state, patch, before)) this.#move(state, patch);
    const after = classify(row);
    const moved = row.tracker !== oldTracker;
    if (after & ~before & ClassFlag.Complete) this.#count(row.tracker, "finished");
    else if (state.finishPending && after & ClassFlag.Complete && row.downloaded > 0)
      this.#count(row.tracker, "finished");
    if (state.finishPending && (row.downloaded > 0 || !(after & ClassFlag.Complete)))
      state.finishPending = false;
    if (after & ~before & ClassFlag.Errored) this.#count(row.tracker, "errored");
    if (row.open !== wasOpen) this.#count(row.tracker, row.open ? "opened" : "closed");
    if (moved || row.uploaded !== oldUploaded || row.downloaded !== oldDownloaded) {
      this.#ledger.touchTorrent(row.hash);
      if (moved || row.uploaded > oldUploaded || row.downloaded > oldDownloaded)
        this.#ledger.touchTracker(row.tracker);
    }
  }

  /** Changes a row the long way: its whole contribution out, the patch in, its contribution back. */
  #move(state: RowState, patch: TorrentPatch): void {
    const row = state.row;
    this.#subtract(state);
    const oldTracker = row.tracker;
    const oldUploaded = row.uploaded;
    const oldDownloaded = row.downloaded;
    assign(row, patch);
    row.tracker = this.#namer.identify(row.trackerHosts, row.category, oldTracker);
    const moved = row.tracker !== oldTracker;
    if (moved || row.uploaded < oldUploaded) {
      this.#retire(oldTracker, oldUploaded - state.baseUploaded, 0);
      state.baseUploaded = Math.min(oldUploaded, row.uploaded);
    }
    if (moved || row.downloaded < oldDownloaded) {
      this.#retire(oldTracker, 0, oldDownloaded - state.baseDownloaded);
      state.baseDownloaded = Math.min(oldDownloaded, row.downloaded);
    }
    this.#add(state);
  }

  /**
   * Changes a row in place when the patch keeps it in every group it is counted in (same status,
   * category, tags and trackers, counters not dropping) and it is not the last of any of them:
   * each sum then takes the row's old value away and adds its new one, the very two operations
   * (in the same order) `#move` makes, without looking up and rebuilding every group's key twice.
   * The result is the same to the last bit, map order included (`#move` deletes a group it
   * empties and adds it again at the end). False, and nothing done, when the patch does not fit.
   * `before` is the row's classes now.
   */
  #shift(state: RowState, patch: TorrentPatch, before: number): boolean {
    const row = state.row;
    if (
      (patch.status !== undefined && patch.status !== row.status) ||
      (patch.category !== undefined && patch.category !== row.category) ||
      (patch.tags !== undefined && !sameValue(patch.tags, row.tags)) ||
      (patch.trackerHosts !== undefined && !sameValue(patch.trackerHosts, row.trackerHosts)) ||
      (patch.uploaded !== undefined && patch.uploaded < row.uploaded) ||
      (patch.downloaded !== undefined && patch.downloaded < row.downloaded) ||
      row.tags.length > 1
    )
      return false;
    const tracker = this.#trackers.get(row.tracker);
    const figures = this.#figures.get(row.tracker);
    const category = this.#categories.get(row.category);
    const tag = row.tags.length === 1 ? this.#tags.get(row.tags[0] as string) : undefined;
    if (
      tracker === undefined ||
      tracker.torrents < 2 ||
      figures === undefined ||
      figures.classes.total < 2 ||
      category === undefined ||
      category.torrents < 2 ||
      (row.tags.length === 1 && (tag === undefined || tag.torrents < 2)) ||
      state.cell === undefined ||
      state.cell.torrents < 2
    )
      return false;
    const size = row.size;
    const uploaded = row.uploaded - state.baseUploaded;
    const downloaded = row.downloaded - state.baseDownloaded;
    const uploadRate = row.uploadRate;
    const downloadRate = row.downloadRate;
    const trackerError = row.trackerError;
    const left = row.left;
    const files = row.files;
    const skipRate = row.skipRate;
    const ratio = row.ratio;
    assign(row, patch);
    tracker.size = tracker.size - size + row.size;
    tracker.uploaded = tracker.uploaded - uploaded + (row.uploaded - state.baseUploaded);
    tracker.downloaded = tracker.downloaded - downloaded + (row.downloaded - state.baseDownloaded);
    tracker.uploadRate = tracker.uploadRate - uploadRate + row.uploadRate;
    tracker.downloadRate = tracker.downloadRate - downloadRate + row.downloadRate;
    if (trackerError !== row.trackerError) tracker.errors += row.trackerError ? 1 : -1;
    shiftGroup(category, size, uploadRate, downloadRate, row);
    if (tag !== undefined) shiftGroup(tag, size, uploadRate, downloadRate, row);
    const after = classify(row);
    if (after !== before) {
      countClasses(this.#classes, before, -1);
      countClasses(this.#classes, after, 1);
      countClasses(figures.classes, before, -1);
      countClasses(figures.classes, after, 1);
    }
    const sizes = this.#sizes;
    sizes.left = sizes.left - left + row.left;
    sizes.files = sizes.files - files + row.files;
    sizes.skipRate = sizes.skipRate - skipRate + row.skipRate;
    figures.left = figures.left - left + row.left;
    const oldBucket = ratioBucket(ratio);
    if (oldBucket >= 0) {
      figures.ratioBuckets[oldBucket] = (figures.ratioBuckets[oldBucket] as number) - 1;
      figures.ratioSum -= ratioSumPart(ratio);
    }
    const bucket = ratioBucket(row.ratio);
    if (bucket >= 0) {
      figures.ratioBuckets[bucket] = (figures.ratioBuckets[bucket] as number) + 1;
      figures.ratioSum += ratioSumPart(row.ratio);
    }
    return true;
  }

  #remove(hash: string, state: RowState): void {
    this.#subtract(state);
    const row = state.row;
    this.#retire(
      row.tracker,
      row.uploaded - state.baseUploaded,
      row.downloaded - state.baseDownloaded,
    );
    this.#rows.delete(hash);
    this.#count(row.tracker, "removed");
    this.#ledger.depart(
      hash,
      { tracker: row.tracker, uploaded: row.uploaded, downloaded: row.downloaded },
      this.#now(),
    );
  }

  /** Keeps bytes a torrent no longer contributes in its tracker's totals. */
  #retire(tracker: string, uploaded: number, downloaded: number): void {
    if (uploaded <= 0 && downloaded <= 0) return;
    const stats = this.#tracker(tracker);
    stats.uploaded += Math.max(0, uploaded);
    stats.downloaded += Math.max(0, downloaded);
    this.#ledger.touchTracker(tracker);
  }

  /** Adds a row's contribution to every aggregate; returns its classes. */
  #add(state: RowState): number {
    return this.#account(state, 1);
  }

  /** Takes a row's contribution away from every aggregate; returns its classes. */
  #subtract(state: RowState): number {
    return this.#account(state, -1);
  }

  /** Counts one event of a torrent of `tracker`. */
  #count(tracker: string, event: TorrentEvent): void {
    this.#eventsOf(tracker)[event]++;
    this.#eventTotals[event]++;
    this.#ledger.touchEvents(tracker);
  }

  #eventsOf(tracker: string): EventCounts {
    let counts = this.#events.get(tracker);
    if (counts === undefined) {
      counts = emptyEvents();
      this.#events.set(tracker, counts);
    }
    return counts;
  }

  /** Adds (sign 1) or takes away (sign -1) one row's contribution to every aggregate. */
  #account(state: RowState, sign: 1 | -1): number {
    const row = state.row;
    const tracker = this.#tracker(row.tracker);
    tracker.torrents += sign;
    tracker.size += sign * row.size;
    tracker.uploaded += sign * (row.uploaded - state.baseUploaded);
    tracker.downloaded += sign * (row.downloaded - state.baseDownloaded);
    tracker.uploadRate += sign * row.uploadRate;
    tracker.downloadRate += sign * row.downloadRate;
    if (row.trackerError) tracker.errors += sign;
    if (tracker.torrents === 0 && tracker.uploaded === 0 && tracker.downloaded === 0)
      this.#trackers.delete(row.tracker);
    this.#group(this.#categories, row.category, row, sign);
    // A Set only where a tag could repeat: this runs twice for every changed torrent.
    const tags = row.tags;
    if (tags.length === 1) this.#group(this.#tags, tags[0] as string, row, sign);
    else if (tags.length > 1)
      for (const tag of new Set(tags)) this.#group(this.#tags, tag, row, sign);
    this.#statuses[row.status] = (this.#statuses[row.status] ?? 0) + sign;
    const cell = this.#cell(row, sign);
    if (sign === 1) state.cell = cell;
    const mask = classify(row);
    countClasses(this.#classes, mask, sign);
    const sizes = this.#sizes;
    sizes.left += sign * row.left;
    sizes.files += sign * row.files;
    sizes.skipRate += sign * row.skipRate;
    this.#figure(row, mask, sign);
    return mask;
  }

  #figure(row: Row, mask: number, sign: 1 | -1): void {
    let figures = this.#figures.get(row.tracker);
    if (figures === undefined) {
      figures = {
        classes: emptyClasses(),
        left: 0,
        ratioBuckets: new Array<number>(RATIO_BUCKETS).fill(0),
        ratioSum: 0,
      };
      this.#figures.set(row.tracker, figures);
    }
    countClasses(figures.classes, mask, sign);
    figures.left += sign * row.left;
    const bucket = ratioBucket(row.ratio);
    if (bucket >= 0) {
      figures.ratioBuckets[bucket] = (figures.ratioBuckets[bucket] as number) + sign;
      figures.ratioSum += sign * ratioSumPart(row.ratio);
    }
    if (figures.classes.total === 0) this.#figures.delete(row.tracker);
  }

  #tracker(name: string): TrackerStats {
    let stats = this.#trackers.get(name);
    if (stats === undefined) {
      stats = {
        torrents: 0,
        size: 0,
        uploaded: 0,
        downloaded: 0,
        uploadRate: 0,
        downloadRate: 0,
        errors: 0,
      };
      this.#trackers.set(name, stats);
    }
    return stats;
  }

  #group(groups: Map<string, GroupStats>, key: string, row: Row, sign: 1 | -1): void {
    let stats = groups.get(key);
    if (stats === undefined) {
      stats = { torrents: 0, size: 0, uploadRate: 0, downloadRate: 0 };
      groups.set(key, stats);
    }
    stats.torrents += sign;
    stats.size += sign * row.size;
    stats.uploadRate += sign * row.uploadRate;
    stats.downloadRate += sign * row.downloadRate;
    if (stats.torrents === 0) groups.delete(key);
  }

  /** Counts a row in (sign 1) or out of (sign -1) its state cell; returns the cell. */
  #cell(row: Row, sign: 1 | -1): StateCell {
    const key = `${row.status}\u0000${row.tracker}\u0000${row.category}`;
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      cell = { status: row.status, tracker: row.tracker, category: row.category, torrents: 0 };
      this.#cells.set(key, cell);
    }
    cell.torrents += sign;
    if (cell.torrents === 0) this.#cells.delete(key);
    return cell;
  }
}

/** `#shift` for one group: the row's old figures (given) out, its new ones (in `row`) in. */
function shiftGroup(
  group: GroupStats,
  size: number,
  uploadRate: number,
  downloadRate: number,
  row: Row,
): void {
  group.size = group.size - size + row.size;
  group.uploadRate = group.uploadRate - uploadRate + row.uploadRate;
  group.downloadRate = group.downloadRate - downloadRate + row.downloadRate;
}

/**
 * A new torrent's row: every field of the record, in its order, then the tracker, in one object
 * literal. Every row of every table then has one shape with all fields in the object itself.
 * Taking the patch as the row instead, and adding the fields a source leaves out (qBittorrent and
 * Deluge have no skip rate or open state) one by one, made V8 turn each row into a hash table
 * (dictionary mode): about 1.5 KB more per torrent, 150 MB at 100,000 torrents.
 */
function newRow(p: TorrentPatch): Row {
  const e = EMPTY_TORRENT;
  return {
    hash: p.hash,
    name: p.name ?? e.name,
    status: p.status ?? e.status,
    size: unboxed(p.size ?? e.size),
    progress: unboxed(p.progress ?? e.progress),
    downloaded: unboxed(p.downloaded ?? e.downloaded),
    uploaded: unboxed(p.uploaded ?? e.uploaded),
    downloadRate: unboxed(p.downloadRate ?? e.downloadRate),
    uploadRate: unboxed(p.uploadRate ?? e.uploadRate),
    ratio: unboxed(p.ratio ?? e.ratio),
    category: p.category ?? e.category,
    tags: p.tags ?? e.tags,
    trackerHosts: p.trackerHosts ?? e.trackerHosts,
    trackerError: p.trackerError ?? e.trackerError,
    message: p.message ?? e.message,
    addedOn: unboxed(p.addedOn ?? e.addedOn),
    completedOn: unboxed(p.completedOn ?? e.completedOn),
    seedingTime: unboxed(p.seedingTime ?? e.seedingTime),
    savePath: p.savePath ?? e.savePath,
    seeds: unboxed(p.seeds ?? e.seeds),
    leechers: unboxed(p.leechers ?? e.leechers),
    started: p.started ?? e.started,
    left: unboxed(p.left ?? e.left),
    files: unboxed(p.files ?? e.files),
    skipRate: unboxed(p.skipRate ?? e.skipRate),
    open: p.open ?? e.open,
    tracker: "",
  };
}

// Every number field of every row stays tagged (see number-fields.ts).
keepNumberFieldsTagged(newRow({ hash: "" }), TORRENT_NUMBER_KEYS);

/**
 * Fields that no aggregate, class, event or counter reads. A patch of only these (a seed's seeding
 * time, which Transmission counts up every second, its peers) changes the row and nothing else,
 * without taking its contribution out of every aggregate and putting it back.
 */
const ROW_ONLY: ReadonlySet<string> = new Set<keyof TorrentRecord>([
  "hash",
  "name",
  "addedOn",
  "completedOn",
  "seedingTime",
  "savePath",
  "seeds",
  "leechers",
]);

/** Whether a patch changes only fields of ROW_ONLY. */
function rowOnly(patch: TorrentPatch): boolean {
  for (const key in patch) if (!ROW_ONLY.has(key)) return false;
  return true;
}

/** Sets a row's fields to a patch's values, numbers unboxed. */
function assign(row: Row, patch: TorrentPatch): void {
  const fields = row as unknown as Record<string, unknown>;
  for (const key in patch) {
    const value = patch[key as keyof TorrentPatch];
    fields[key] = typeof value === "number" ? unboxed(value) : value;
  }
}

/** Whether a patch sets any field of the row to another value (lists compared item by item). */
function changes(row: Row, patch: TorrentPatch): boolean {
  for (const key in patch) {
    if (!sameValue(patch[key as keyof TorrentPatch], row[key as keyof Row])) return true;
  }
  return false;
}
