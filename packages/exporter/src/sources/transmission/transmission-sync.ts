// Turns torrent-get rows (full lists and recently-active answers) into torrent patches, keeping the id-to-hash table.

import { isInfoHash } from "../../model/info-hash.ts";
import { Interner } from "../../model/interner.ts";
import { unboxed } from "../../model/number-fields.ts";
import { sameList, type TableUpdate } from "../../model/patch.ts";
import type { StateMapper } from "../../model/status.ts";
import { EMPTY_TORRENT, type TorrentFields, type TorrentPatch } from "../../model/torrent.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import { snakeCase, TORRENT_FIELD_NAMES, type TorrentField, torrentFieldName } from "./dialect.ts";
import { RecordUpdate } from "./record-update.ts";
import { Kind, kindOf, RowDecoder, type RowValues, readNumber } from "./row-decoder.ts";
import { type MemoSlot, RowMemo } from "./row-memo.ts";
import { TR_ERROR, TR_STATUS, transmissionStatus } from "./states.ts";

/** A full list (every torrent), or a `recently-active` answer (active ones, plus `removed` ids). */
export type PassKind = "full" | "recent";

/** Fields a full list asks for: everything the mapping reads. */
export const FULL_FIELDS: readonly TorrentField[] = [...TORRENT_FIELD_NAMES];
/**
 * Fields a recently-active poll asks for: all but `trackerStats`, which is most of a row's bytes
 * and changes with announces, not with activity. Tracker health comes with the full lists;
 * Transmission's own `error` (a tracker refusing the torrent) comes with every row.
 * `secondsSeeding` comes last: it is the value that changes in most rows (see RowMemo).
 */
export const RECENT_FIELDS: readonly TorrentField[] = [
  ...FULL_FIELDS.filter((field) => field !== "trackerStats" && field !== "secondsSeeding"),
  "secondsSeeding",
];
/** Fields of the follow-up that completes new torrents seen in a recently-active answer. */
export const TRACKER_FOLLOW_UP_FIELDS: readonly TorrentField[] = [
  "id",
  "hashString",
  "trackerStats",
];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What `trackerStats` says about a torrent's trackers. */
interface TrackerView {
  /** Hosts, the ones whose last announce succeeded first, then in tier order. */
  readonly hosts: readonly string[];
  readonly working: boolean;
  /** The first failed announce's result, if any tracker has announced and failed. */
  readonly failure: string | undefined;
}

interface Known extends MemoSlot {
  readonly hash: string;
  id: number;
  /**
   * What was last emitted for this torrent (updated in place: no new record per changed row),
   * with its hash: a new torrent's patch is the record itself, not a copy (the table copies it).
   */
  readonly record: Mutable<TorrentFields> & { readonly hash: string };
  /** The last pass that listed it. */
  pass: number;
  /** Undefined until a row with `trackerStats` was seen. */
  view: TrackerView | undefined;
  running: boolean;
  error: number;
  errorString: string;
}

/** A field's place in TORRENT_FIELD_NAMES, the order of a row's values in a `RowView`. */
const FIELD = Object.freeze(
  Object.fromEntries(TORRENT_FIELD_NAMES.map((name, i) => [name, i])),
) as Readonly<Record<TorrentField, number>>;
/** Every field at its own place: the layout of an objects-format element's values. */
const IN_ORDER: readonly number[] = Object.freeze(TORRENT_FIELD_NAMES.map((_, i) => i));
const EMPTY: readonly string[] = Object.freeze([]);
const NO_TRACKERS: TrackerView = Object.freeze({
  hosts: EMPTY,
  working: false,
  failure: undefined,
});
const CLOSE_ARRAY = 0x5d;
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s?#]*)[^\s]*/gi;

/**
 * Keeps what was last emitted for every torrent (to send only changed fields), its tracker view
 * (recently-active rows come without `trackerStats`) and the id-to-hash table that `removed` ids
 * need. Transmission's ids are only valid for one daemon run: a row whose id and hash disagree
 * with the table makes the pass inconsistent, and the caller then starts over with a full list.
 * Announce URLs never leave this class; only their host names do.
 */
export class TransmissionSync {
  readonly #known = new Map<string, Known>();
  /**
   * Torrents by id (ids are small integers handed out in order: an array is compact). A row of a
   * torrent known under its id needs no look-up by hash, the cost of most rows of a steady poll.
   */
  readonly #byId: Array<Known | undefined> = [];
  readonly #states: StateMapper;
  readonly #shared = new Interner();
  readonly #update = new RecordUpdate();
  readonly #memo = new RowMemo();
  readonly #number = new Float64Array(1);
  #pass = 0;
  #valid = false;
  #lastKind: PassKind | undefined;

  constructor(unknownStates: StateMapper) {
    this.#states = unknownStates;
  }

  /** Number of torrents known. */
  get size(): number {
    return this.#known.size;
  }

  /** False until a full pass completed, and after `invalidate()`: the next pass must be a reset. */
  get valid(): boolean {
    return this.#valid;
  }

  /** Forgets the state's trustworthiness (a poll failed halfway): the next full pass resets. */
  invalidate(): void {
    this.#valid = false;
  }

  /** Starts a pass over one torrent-get answer. A full pass on an invalid state is a reset. */
  begin(kind: PassKind): SyncPass {
    if (kind === "recent" && !this.#valid) {
      throw new Error("a recently-active pass needs a completed full pass first");
    }
    const reset = kind === "full" && !this.#valid;
    // The rows of the last pass are worth comparing with if it was a recently-active one, applied.
    this.#memo.begin(kind === "recent" && this.#valid && this.#lastKind === "recent");
    this.#lastKind = kind;
    // The table has applied the last pass's patches: their objects can serve again.
    this.#update.recycle();
    if (reset) this.#known.clear();
    if (kind === "full") this.#byId.length = 0;
    this.#valid = false;
    this.#pass++;
    return new SyncPass(this, kind, reset, this.#pass);
  }

  /**
   * @internal Applies one parsed row. Returns the patch (undefined when nothing changed), or
   * false when the row contradicts the id table.
   */
  apply(row: RowValues, id: number, pass: SyncPass): TorrentPatch | undefined | false {
    const owner = this.#byId[id];
    let known: Known | undefined;
    let hash: string;
    if (owner !== undefined && owner.id === id && row.isString(FIELD.hashString, owner.hash)) {
      // The torrent this id stands for, its hash as it came (lower-case already).
      known = owner;
      hash = owner.hash;
    } else {
      const given = row.get(FIELD.hashString);
      hash = typeof given === "string" ? given.toLowerCase() : "";
      known = this.#known.get(hash);
      if (known === undefined && !isInfoHash(hash)) {
        throw new SourceProtocolError(`torrent-get: torrent ${id} has no valid hashString`);
      }
      if (
        pass.kind === "recent" &&
        ((known !== undefined && known.id !== id) || (owner !== undefined && owner.hash !== hash))
      ) {
        return false;
      }
    }
    // Every field is checked before anything changes.
    checkRow(row, hash);
    const status = num(row, FIELD.status, Number.NaN, hash);
    const running = status !== TR_STATUS.STOPPED;
    const error = num(row, FIELD.error, TR_ERROR.OK, hash);
    const errorString =
      known !== undefined && row.isString(FIELD.errorString, known.errorString)
        ? known.errorString
        : str(row, FIELD.errorString, hash);
    // A recently-active row has no trackerStats: keep what the last full list said.
    const view =
      this.#view(row.get(FIELD.trackerStats), hash) ??
      (pass.kind === "recent" ? known?.view : NO_TRACKERS);
    const record = known?.record ?? { hash, ...EMPTY_TORRENT };
    const update = this.#update;
    update.start(hash, record);
    this.#fill(update, row, hash, status, error);
    fillTrackerFields(update, view ?? NO_TRACKERS, running, error, errorString);
    // A torrent whose trackers are unknown may have its patch completed by the follow-up: its own.
    const patch = update.finish(known === undefined || view === undefined);
    if (known === undefined) {
      const added: Known = {
        hash,
        id,
        record,
        pass: pass.number,
        view,
        running,
        error,
        errorString,
        memoPass: -1,
        memoAt: 0,
        memoLength: 0,
      };
      this.#known.set(hash, added);
      this.#byId[id] = added;
      return record;
    }
    this.#byId[id] = known;
    known.id = id;
    known.pass = pass.number;
    known.view = view;
    known.running = running;
    known.error = error;
    known.errorString = errorString;
    return patch;
  }

  /**
   * @internal Applies a row of a recently-active answer (table format, `secondsSeeding` last)
   * that is byte for byte its torrent's row of the last pass but for that last value, without
   * decoding it: every other value is the one the record holds, so only the seconds seeding can
   * change. Returns where the row ends, or -1 when it is not such a row (decode it).
   */
  tick(chunk: Buffer, start: number, pass: SyncPass): number {
    const id = leadingId(chunk, start);
    const known = id < 0 ? undefined : this.#byId[id];
    // A torrent whose trackers are unknown goes the long way, for its follow-up.
    if (known === undefined || known.id !== id || known.view === undefined) return -1;
    const comma = this.#memo.match(known, chunk, start);
    if (comma === -1) return -1;
    const end = readNumber(chunk, comma + 1, this.#number);
    if (end === -1 || chunk[end] !== CLOSE_ARRAY) return -1;
    known.pass = pass.number;
    this.#memo.keep(known, chunk, start, comma);
    const seedingTime = Math.max(0, unboxed(this.#number[0] as number));
    if (seedingTime === known.record.seedingTime) return end + 1;
    this.#update.start(known.hash, known.record);
    this.#update.set("seedingTime", seedingTime);
    const patch = this.#update.finish();
    if (patch !== undefined) pass.add(patch);
    return end + 1;
  }

  /**
   * @internal Keeps a row of a recently-active answer just applied, `chunk[start, end)` up to
   * the comma before its last value (`secondsSeeding`), for `tick` in the next pass.
   */
  keepRow(id: number, chunk: Buffer, start: number, end: number): void {
    const known = this.#byId[id];
    if (known !== undefined && chunk[end] === 0x2c) this.#memo.keep(known, chunk, start, end);
  }

  /**
   * @internal The hash of the torrent with this id if its trackers are still unknown (no full
   * list or follow-up told them); undefined otherwise.
   */
  trackersUnknown(id: number): string | undefined {
    const known = this.#byId[id];
    return known !== undefined && known.view === undefined ? known.hash : undefined;
  }

  /**
   * @internal Gives a torrent its tracker view from a follow-up row; returns the tracker fields
   * to merge into its patch, or undefined if the row is not one of ours (removed since).
   */
  completeTrackers(row: RowValues): { hash: string; fields: Partial<TorrentFields> } | undefined {
    const id = rowId(row);
    const given = row.get(FIELD.hashString);
    const hash = typeof given === "string" ? given.toLowerCase() : "";
    const known = this.#known.get(hash);
    if (known === undefined || known.id !== id) return undefined;
    known.view = this.#view(row.get(FIELD.trackerStats), hash) ?? NO_TRACKERS;
    this.#update.start(hash, known.record);
    fillTrackerFields(this.#update, known.view, known.running, known.error, known.errorString);
    const { hash: _, ...fields } = this.#update.finish(true) ?? { hash };
    return { hash, fields };
  }

  /** @internal Ends a pass: removals by absence (full) or by id (recent). */
  finish(pass: SyncPass, removedIds: readonly number[]): string[] {
    const removed: string[] = [];
    if (pass.kind === "full") {
      for (const [hash, known] of this.#known) {
        if (known.pass !== pass.number) {
          this.#known.delete(hash);
          removed.push(hash);
        }
      }
    } else {
      for (const id of removedIds) {
        const known = this.#byId[id];
        if (known === undefined) continue;
        this.#byId[id] = undefined;
        if (this.#known.delete(known.hash)) removed.push(known.hash);
      }
    }
    this.#valid = true;
    return removed;
  }

  /**
   * Maps a checked row onto the model (the tracker fields are `fillTrackerFields'`). What the
   * record holds already (its labels, its directory) is kept as it is. Most of a steady poll's
   * rows change one field: a value the row holds as the record does (each mapping below keeps
   * what it gives as it is) is left alone, compared where it is, read by name from the record;
   * only the others are made and go to `set`.
   */
  #fill(update: RecordUpdate, row: RowValues, hash: string, status: number, error: number): void {
    const last = update.record;
    const rateDownload = num(row, FIELD.rateDownload, 0, hash);
    const rateUpload = num(row, FIELD.rateUpload, 0, hash);
    const state = transmissionStatus(status, error, rateDownload, rateUpload, this.#states);
    if (state !== last.status) update.set("status", state);
    if (!row.isString(FIELD.name, last.name)) update.set("name", str(row, FIELD.name, hash));
    if (!row.isNumber(FIELD.sizeWhenDone, last.size)) {
      update.set("size", num(row, FIELD.sizeWhenDone, 0, hash));
    }
    if (!row.isNumber(FIELD.percentDone, last.progress)) {
      update.set("progress", num(row, FIELD.percentDone, 0, hash));
    }
    if (!row.isNumber(FIELD.downloadedEver, last.downloaded)) {
      update.set("downloaded", num(row, FIELD.downloadedEver, 0, hash));
    }
    if (!row.isNumber(FIELD.uploadedEver, last.uploaded)) {
      update.set("uploaded", num(row, FIELD.uploadedEver, 0, hash));
    }
    if (rateDownload !== last.downloadRate) update.set("downloadRate", rateDownload);
    if (rateUpload !== last.uploadRate) update.set("uploadRate", rateUpload);
    if (!row.isNumber(FIELD.uploadRatio, last.ratio)) {
      // -1 "not available" and -2 "infinite" (uploaded without downloading) are both "no ratio".
      const ratio = num(row, FIELD.uploadRatio, -1, hash);
      update.set("ratio", ratio < 0 ? -1 : ratio);
    }
    const labels = row.kind(FIELD.labels);
    if (labels === Kind.Absent || labels === Kind.Null) update.set("tags", EMPTY);
    else if (!row.isStringList(FIELD.labels, last.tags)) {
      const list = row.get(FIELD.labels) as readonly string[];
      update.set("tags", this.#shared.list(list.map((label) => this.#shared.string(label))));
    }
    if (!row.isNumber(FIELD.addedDate, last.addedOn)) {
      update.set("addedOn", Math.max(0, num(row, FIELD.addedDate, 0, hash)));
    }
    if (!row.isNumber(FIELD.doneDate, last.completedOn)) {
      update.set("completedOn", Math.max(0, num(row, FIELD.doneDate, 0, hash)));
    }
    if (!row.isNumber(FIELD.secondsSeeding, last.seedingTime)) {
      update.set("seedingTime", Math.max(0, num(row, FIELD.secondsSeeding, 0, hash)));
    }
    if (!row.isString(FIELD.downloadDir, last.savePath)) {
      update.set("savePath", this.#shared.string(str(row, FIELD.downloadDir, hash)));
    }
    if (!row.isNumber(FIELD.peersSendingToUs, last.seeds)) {
      update.set("seeds", num(row, FIELD.peersSendingToUs, 0, hash));
    }
    if (!row.isNumber(FIELD.peersGettingFromUs, last.leechers)) {
      update.set("leechers", num(row, FIELD.peersGettingFromUs, 0, hash));
    }
    const started = status !== TR_STATUS.STOPPED;
    if (started !== last.started) update.set("started", started);
    if (!row.isNumber(FIELD.leftUntilDone, last.left)) {
      update.set("left", Math.max(0, num(row, FIELD.leftUntilDone, 0, hash)));
    }
    if (!row.isNumber(FIELD.fileCount, last.files)) {
      // fileCount is Transmission 4.0's; 3.x has only the file list, which is not asked for.
      update.set("files", Math.max(0, num(row, FIELD.fileCount, 0, hash)));
    }
  }

  /** What `trackerStats` says; undefined when the row has none. */
  #view(value: unknown, hash: string): TrackerView | undefined {
    if (value === undefined || value === null) return undefined;
    const where = `torrent-get: ${hash}.trackerStats`;
    if (!Array.isArray(value)) throw new SourceProtocolError(`${where} must be an array`);
    const working: string[] = [];
    const others: string[] = [];
    let failure: string | undefined;
    for (const entry of value) {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        throw new SourceProtocolError(`${where} entries must be objects`);
      }
      const stat = entry as Record<string, unknown>;
      const get = (key: string) => stat[key] ?? stat[snakeCase(key)];
      const announce = get("announce");
      const host = typeof announce === "string" ? this.#shared.host(announce) : "";
      if (host === "") continue;
      const succeeded = get("lastAnnounceSucceeded") === true;
      (succeeded ? working : others).push(host);
      if (!succeeded && get("hasAnnounced") === true && failure === undefined) {
        const result = get("lastAnnounceResult");
        failure = typeof result === "string" && result !== "" ? result : "announce failed";
      }
    }
    const hosts = [...new Set([...working, ...others])];
    if (hosts.length === 0) return NO_TRACKERS;
    return { hosts: this.#shared.list(hosts), working: working.length > 0, failure };
  }
}

/**
 * One parsed element's values by field, without building an object per row: a table row as
 * JSON.parse gave it, with where each field sits in it (from the header), or an object's values
 * laid out in field order. One view is reused for every row of an answer.
 */
class RowView implements RowValues {
  /** The values. */
  values: readonly unknown[] = EMPTY;
  /** By field (its place in TORRENT_FIELD_NAMES), its index in `values`; -1 when not there. */
  at: readonly number[] = IN_ORDER;

  /** The value of a field (its place in TORRENT_FIELD_NAMES); undefined when not there. */
  get(field: number): unknown {
    const i = this.at[field] as number;
    return i < 0 ? undefined : this.values[i];
  }

  kind(field: number): Kind {
    return kindOf(this.get(field));
  }

  number(field: number): number {
    return this.get(field) as number;
  }

  isNumber(field: number, value: number): boolean {
    return this.get(field) === value;
  }

  isString(field: number, text: string): boolean {
    return this.get(field) === text;
  }

  isStringList(field: number, list: readonly string[]): boolean {
    const value = this.get(field);
    return Array.isArray(value) && kindOf(value) === Kind.StringList && sameList(value, list);
  }
}

/** How one answer's elements are read: its header's columns (table format), and the view. */
interface Columns {
  /** Where each field sits in a row; undefined until the header came (or the objects format). */
  at: number[] | undefined;
  /** The number of values of a row. */
  width: number;
  readonly view: RowView;
}

function newColumns(): Columns {
  return { at: undefined, width: 0, view: new RowView() };
}

/**
 * One pass over a torrent-get answer, fed element by element as the answer streams in: in the
 * table format the first element is the header (field names, in either dialect), the others
 * rows; the objects format (Transmission before 3.00) gives one object per torrent.
 */
export class SyncPass {
  readonly kind: PassKind;
  readonly reset: boolean;
  readonly number: number;
  readonly #sync: TransmissionSync;
  readonly #patches: TorrentPatch[] = [];
  /** Torrents of a recently-active answer whose trackers are still unknown: id -> hash. */
  readonly #pending = new Map<number, string>();
  /** This pass's patches of those torrents, to complete. */
  readonly #pendingPatches = new Map<string, TorrentPatch>();
  readonly #columns = newColumns();
  readonly #followUpColumns = newColumns();
  /** Rows of the table format, read from the bytes once the header came. */
  readonly #decoder = new RowDecoder();
  /** Rows of this answer are compared with the last pass's and kept (see RowMemo). */
  #memo = false;
  #consistent = true;
  #removalsKnown = true;

  constructor(sync: TransmissionSync, kind: PassKind, reset: boolean, number: number) {
    this.#sync = sync;
    this.kind = kind;
    this.reset = reset;
    this.number = number;
  }

  /** False once a row contradicted the id table (the daemon restarted): start over with a full list. */
  get consistent(): boolean {
    return this.#consistent;
  }

  /** Ids of torrents whose trackers the answer did not tell: ask for TRACKER_FOLLOW_UP_FIELDS of these. */
  get pendingTrackers(): number[] {
    return [...this.#pending.keys()];
  }

  /** Takes the next element of the `torrents` array. */
  element(value: unknown): void {
    if (!this.#consistent) return;
    const row = this.#row(value, this.#columns);
    if (row === undefined) {
      const at = this.#columns.at;
      const width = this.#columns.width;
      if (at !== undefined) this.#decoder.layout(at, width);
      this.#memo = this.kind === "recent" && at?.[FIELD.secondsSeeding] === width - 1;
      return;
    }
    this.#take(row);
  }

  /**
   * Takes the next element of the `torrents` array straight from the answer's bytes, if it is a
   * row RowDecoder reads; returns where it ends, or -1 (then give it to `element`, parsed).
   */
  decode(chunk: Buffer, start: number): number {
    if (!this.#consistent) return -1;
    if (this.#memo) {
      const end = this.#sync.tick(chunk, start, this);
      if (end !== -1) return end;
    }
    const decoder = this.#decoder;
    const end = decoder.decode(chunk, start);
    if (end === -1) return -1;
    this.#take(decoder);
    if (this.#memo && this.#consistent) {
      this.#sync.keepRow(rowId(decoder), chunk, start, decoder.lastValueStart - 1);
    }
    return end;
  }

  /** @internal Adds a patch of this pass (from `TransmissionSync.tick`). */
  add(patch: TorrentPatch): void {
    this.#patches.push(patch);
  }

  #take(row: RowValues): void {
    const id = rowId(row);
    const patch = this.#sync.apply(row, id, this);
    if (patch === false) {
      this.#consistent = false;
      return;
    }
    if (patch !== undefined) this.#patches.push(patch);
    if (this.kind === "recent") {
      const hash = this.#sync.trackersUnknown(id);
      if (hash !== undefined) {
        this.#pending.set(id, hash);
        if (patch !== undefined) this.#pendingPatches.set(hash, patch);
      }
    }
  }

  /** Takes an element of the follow-up answer (TRACKER_FOLLOW_UP_FIELDS of `pendingTrackers`). */
  trackers(value: unknown): void {
    const row = this.#row(value, this.#followUpColumns);
    if (row === undefined) return;
    const id = row.get(FIELD.id);
    if (typeof id !== "number" || !this.#pending.has(id)) return;
    this.#pending.delete(id);
    const done = this.#sync.completeTrackers(row);
    if (done === undefined) return;
    const patch = this.#pendingPatches.get(done.hash);
    if (patch !== undefined) Object.assign(patch, done.fields);
    else if (Object.keys(done.fields).length > 0)
      this.#patches.push({ hash: done.hash, ...done.fields });
  }

  /**
   * False once a finished recently-active pass came without `removed` (not Transmission's
   * behaviour): its removals are unknown, only full lists can be trusted.
   */
  get removalsKnown(): boolean {
    return this.#removalsKnown;
  }

  /**
   * Ends the pass with the answer's `removed` ids (recently-active only). The patches are the
   * sync's own objects (a new torrent's record, patch objects it reuses): apply them before the
   * next pass begins, as the table does (it keeps no patch).
   */
  finish(removed: unknown): TableUpdate {
    if (!this.#consistent) throw new Error("an inconsistent pass cannot be finished");
    let ids: number[] = [];
    if (this.kind === "recent" && removed !== undefined) {
      if (!Array.isArray(removed) || !removed.every((id) => Number.isInteger(id))) {
        throw new SourceProtocolError('torrent-get: "removed" must be an array of torrent ids');
      }
      ids = removed as number[];
    }
    const gone = this.#sync.finish(this, ids);
    this.#removalsKnown = this.kind === "full" || removed !== undefined;
    return { reset: this.reset, patches: this.#patches, removed: gone };
  }

  /** The view on an element; undefined for the header of the table format. */
  #row(value: unknown, columns: Columns): RowView | undefined {
    const view = columns.view;
    if (Array.isArray(value)) {
      if (columns.at === undefined) {
        const at: number[] = new Array(TORRENT_FIELD_NAMES.length).fill(-1);
        for (let i = 0; i < value.length; i++) {
          const name: unknown = value[i];
          if (typeof name !== "string") {
            throw new SourceProtocolError(
              "torrent-get: the table's first row must name the fields",
            );
          }
          // A field named twice keeps its last value, as before.
          const legacy = torrentFieldName(name);
          if (Object.hasOwn(FIELD, legacy)) at[FIELD[legacy as TorrentField]] = i;
        }
        columns.at = at;
        columns.width = value.length;
        view.at = at;
        return undefined;
      }
      if (value.length !== columns.width) {
        throw new SourceProtocolError(
          `torrent-get: a row has ${value.length} values for ${columns.width} fields`,
        );
      }
      view.values = value;
      return view;
    }
    if (typeof value === "object" && value !== null && columns.at === undefined) {
      const values: unknown[] = new Array(TORRENT_FIELD_NAMES.length).fill(undefined);
      for (const [name, field] of Object.entries(value)) {
        const legacy = torrentFieldName(name);
        if (Object.hasOwn(FIELD, legacy)) values[FIELD[legacy as TorrentField]] = field;
      }
      view.values = values;
      view.at = IN_ORDER;
      return view;
    }
    throw new SourceProtocolError("torrent-get: torrents must be rows of a table or objects");
  }
}

/** The number fields of a row but `status` (checked apart: an integer, and no default). */
const NUMBER_FIELDS: readonly number[] = [
  FIELD.error,
  FIELD.sizeWhenDone,
  FIELD.percentDone,
  FIELD.downloadedEver,
  FIELD.uploadedEver,
  FIELD.rateDownload,
  FIELD.rateUpload,
  FIELD.uploadRatio,
  FIELD.addedDate,
  FIELD.doneDate,
  FIELD.secondsSeeding,
  FIELD.peersSendingToUs,
  FIELD.peersGettingFromUs,
  FIELD.leftUntilDone,
  FIELD.fileCount,
];
const STRING_FIELDS: readonly number[] = [FIELD.name, FIELD.errorString, FIELD.downloadDir];

/** Throws a SourceProtocolError naming the first field of a row of the wrong type. */
function checkRow(row: RowValues, hash: string): void {
  if (!Number.isInteger(num(row, FIELD.status, Number.NaN, hash))) {
    throw new SourceProtocolError(`torrent-get: ${hash}.status must be an integer`);
  }
  for (let i = 0; i < NUMBER_FIELDS.length; i++) {
    const field = NUMBER_FIELDS[i] as number;
    const kind = row.kind(field);
    if (kind !== Kind.Number && kind !== Kind.Absent && kind !== Kind.Null)
      notA(field, "number", hash);
  }
  for (let i = 0; i < STRING_FIELDS.length; i++) {
    const field = STRING_FIELDS[i] as number;
    const kind = row.kind(field);
    if (kind !== Kind.String && kind !== Kind.Absent && kind !== Kind.Null)
      notA(field, "string", hash);
  }
  const labels = row.kind(FIELD.labels);
  if (labels !== Kind.StringList && labels !== Kind.Absent && labels !== Kind.Null) {
    throw new SourceProtocolError(`torrent-get: ${hash}.labels must be an array of strings`);
  }
}

/** The id at the start of a row, `[` and digits and `,`; -1 for anything else. */
function leadingId(chunk: Buffer, start: number): number {
  let id = 0;
  let i = start + 1;
  if (chunk[start] !== 0x5b || chunk[i] === 0x30) return -1;
  for (; i < chunk.length && i < start + 11; i++) {
    const digit = (chunk[i] as number) - 0x30;
    if (digit < 0 || digit > 9) break;
    id = id * 10 + digit;
  }
  return i > start + 1 && chunk[i] === 0x2c && id <= 0x7fffffff ? id : -1;
}

/** The id of a row. */
function rowId(row: RowValues): number {
  const id = row.get(FIELD.id);
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
    throw new SourceProtocolError("torrent-get: a torrent without a valid id");
  }
  return id;
}

/** A number field of a row (`fallback` when absent or null). */
function num(row: RowValues, field: number, fallback: number, hash: string): number {
  const kind = row.kind(field);
  if (kind === Kind.Number) return row.number(field);
  if (kind !== Kind.Absent && kind !== Kind.Null) notA(field, "number", hash);
  return fallback;
}

/** A string field of a row ("" when absent or null). */
function str(row: RowValues, field: number, hash: string): string {
  const kind = row.kind(field);
  if (kind === Kind.Absent || kind === Kind.Null) return "";
  if (kind !== Kind.String) notA(field, "string", hash);
  return row.get(field) as string;
}

function notA(field: number, what: string, hash: string): never {
  throw new SourceProtocolError(
    `torrent-get: ${hash}.${TORRENT_FIELD_NAMES[field]} must be a ${what}`,
  );
}

/**
 * The tracker fields of a record: a tracker error when Transmission says a tracker refused the
 * torrent (`error` 2), or when it runs, has trackers, none works and one has failed (an
 * unreachable tracker sets no `error` in 3.00); the message is Transmission's own, else the
 * failed announce's result, with URLs cut to their host.
 */
function fillTrackerFields(
  update: RecordUpdate,
  view: TrackerView,
  running: boolean,
  errorCode: number,
  errorString: string,
): void {
  const error =
    errorCode === TR_ERROR.TRACKER_ERROR ||
    (running && view.hosts.length > 0 && !view.working && view.failure !== undefined);
  update.set("trackerHosts", view.hosts);
  update.set("trackerError", error);
  update.set(
    "message",
    errorString !== "" ? redactUrls(errorString) : error ? redactUrls(view.failure ?? "") : "",
  );
}

/** Keeps only the scheme and host of any URL in a message (trackers echo passkeys back). */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (_match, scheme: string, authority: string) => {
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    return `${scheme}${host}`;
  });
}
