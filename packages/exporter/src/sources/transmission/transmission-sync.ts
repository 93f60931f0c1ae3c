// Turns torrent-get rows (full lists and recently-active answers) into torrent patches, keeping the id-to-hash table.

import { isInfoHash } from "../../model/info-hash.ts";
import { Interner } from "../../model/interner.ts";
import { diffFields, type TableUpdate, TORRENT_FIELD_KEYS } from "../../model/patch.ts";
import type { StateMapper } from "../../model/status.ts";
import type { TorrentFields, TorrentPatch } from "../../model/torrent.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import { snakeCase, TORRENT_FIELD_NAMES, type TorrentField, torrentFieldName } from "./dialect.ts";
import { TR_ERROR, TR_STATUS, transmissionStatus } from "./states.ts";

/** A full list (every torrent), or a `recently-active` answer (active ones, plus `removed` ids). */
export type PassKind = "full" | "recent";

/** Fields a full list asks for: everything the mapping reads. */
export const FULL_FIELDS: readonly TorrentField[] = [...TORRENT_FIELD_NAMES];
/**
 * Fields a recently-active poll asks for: all but `trackerStats`, which is most of a row's bytes
 * and changes with announces, not with activity. Tracker health comes with the full lists;
 * Transmission's own `error` (a tracker refusing the torrent) comes with every row.
 */
export const RECENT_FIELDS: readonly TorrentField[] = FULL_FIELDS.filter(
  (field) => field !== "trackerStats",
);
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

/** What a row says, before the tracker fields are filled in. */
interface Parsed {
  readonly id: number;
  readonly hash: string;
  readonly record: Mutable<TorrentFields>;
  /** Undefined when the row had no `trackerStats` (a recently-active poll). */
  readonly view: TrackerView | undefined;
  readonly running: boolean;
  readonly error: number;
  readonly errorString: string;
}

interface Known {
  id: number;
  /** What was last emitted for this torrent. */
  record: TorrentFields;
  /** The last pass that listed it. */
  pass: number;
  /** Undefined until a row with `trackerStats` was seen. */
  view: TrackerView | undefined;
  running: boolean;
  error: number;
  errorString: string;
}

const FIELD_SET: ReadonlySet<string> = new Set(TORRENT_FIELD_NAMES);
const EMPTY: readonly string[] = Object.freeze([]);
const NO_TRACKERS: TrackerView = Object.freeze({
  hosts: EMPTY,
  working: false,
  failure: undefined,
});
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
  /** Hash by torrent id (ids are small integers handed out in order: an array is compact). */
  readonly #hashById: Array<string | undefined> = [];
  readonly #states: StateMapper;
  readonly #shared = new Interner();
  #pass = 0;
  #valid = false;

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
    if (reset) this.#known.clear();
    if (kind === "full") this.#hashById.length = 0;
    this.#valid = false;
    this.#pass++;
    return new SyncPass(this, kind, reset, this.#pass);
  }

  /**
   * @internal Applies one parsed row. Returns the patch (undefined when nothing changed), or
   * false when the row contradicts the id table.
   */
  apply(parsed: Parsed, pass: SyncPass): TorrentPatch | undefined | false {
    const { id, hash, record } = parsed;
    const known = this.#known.get(hash);
    if (pass.kind === "recent") {
      const owner = this.#hashById[id];
      if ((known !== undefined && known.id !== id) || (owner !== undefined && owner !== hash)) {
        return false;
      }
    }
    this.#hashById[id] = hash;
    // A recently-active row has no trackerStats: keep what the last full list said.
    const view = parsed.view ?? (pass.kind === "recent" ? known?.view : NO_TRACKERS);
    fillTrackerFields(record, view ?? NO_TRACKERS, parsed);
    if (known === undefined) {
      this.#known.set(hash, {
        id,
        record,
        pass: pass.number,
        view,
        running: parsed.running,
        error: parsed.error,
        errorString: parsed.errorString,
      });
      return { hash, ...record };
    }
    known.id = id;
    known.pass = pass.number;
    known.view = view;
    known.running = parsed.running;
    known.error = parsed.error;
    known.errorString = parsed.errorString;
    const patch = diffFields(hash, known.record, record, TORRENT_FIELD_KEYS);
    known.record = record;
    return patch;
  }

  /** @internal Whether a torrent's trackers are known (a full list or a follow-up told them). */
  knowsTrackers(hash: string): boolean {
    return this.#known.get(hash)?.view !== undefined;
  }

  /**
   * @internal Gives a torrent its tracker view from a follow-up row; returns the tracker fields
   * to merge into its patch, or undefined if the row is not one of ours (removed since).
   */
  completeTrackers(raw: RawRow): { hash: string; fields: Partial<TorrentFields> } | undefined {
    const { id, hash } = identity(raw);
    const known = this.#known.get(hash);
    if (known === undefined || known.id !== id) return undefined;
    known.view = this.#view(raw.trackerStats, `torrent-get: ${hash}.trackerStats`) ?? NO_TRACKERS;
    const record = { ...known.record };
    fillTrackerFields(record, known.view, known);
    const { hash: _, ...fields } = diffFields(hash, known.record, record, TORRENT_FIELD_KEYS) ?? {
      hash,
    };
    known.record = record;
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
        const hash = this.#hashById[id];
        if (hash === undefined) continue;
        this.#hashById[id] = undefined;
        if (this.#known.delete(hash)) removed.push(hash);
      }
    }
    this.#valid = true;
    return removed;
  }

  /** @internal Maps one row's fields onto the model (tracker fields are filled in by `apply`). */
  parse(raw: RawRow): Parsed {
    const { id, hash } = identity(raw);
    const where = (field: string) => `torrent-get: ${hash}.${field}`;
    const num = (field: TorrentField, fallback: number): number => {
      const value = raw[field];
      if (value === undefined || value === null) return fallback;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new SourceProtocolError(`${where(field)} must be a number`);
      }
      return value;
    };
    const str = (field: TorrentField): string => {
      const value = raw[field];
      if (value === undefined || value === null) return "";
      if (typeof value !== "string") {
        throw new SourceProtocolError(`${where(field)} must be a string`);
      }
      return value;
    };
    const status = num("status", Number.NaN);
    if (!Number.isInteger(status)) {
      throw new SourceProtocolError(`${where("status")} must be an integer`);
    }
    const error = num("error", TR_ERROR.OK);
    const rateDownload = num("rateDownload", 0);
    const rateUpload = num("rateUpload", 0);
    const ratio = num("uploadRatio", -1);
    const record: Mutable<TorrentFields> = {
      name: str("name"),
      status: transmissionStatus(status, error, rateDownload, rateUpload, this.#states),
      size: num("sizeWhenDone", 0),
      progress: num("percentDone", 0),
      downloaded: num("downloadedEver", 0),
      uploaded: num("uploadedEver", 0),
      downloadRate: rateDownload,
      uploadRate: rateUpload,
      // -1 "not available" and -2 "infinite" (uploaded without downloading) are both "no ratio".
      ratio: ratio < 0 ? -1 : ratio,
      category: "",
      tags: this.#labels(raw.labels, where("labels")),
      trackerHosts: EMPTY,
      trackerError: false,
      message: "",
      addedOn: Math.max(0, num("addedDate", 0)),
      completedOn: Math.max(0, num("doneDate", 0)),
      seedingTime: Math.max(0, num("secondsSeeding", 0)),
      savePath: this.#shared.string(str("downloadDir")),
      seeds: num("peersSendingToUs", 0),
      leechers: num("peersGettingFromUs", 0),
      started: status !== TR_STATUS.STOPPED,
      left: Math.max(0, num("leftUntilDone", 0)),
      // fileCount is Transmission 4.0's; 3.x has only the file list, which is not asked for.
      files: Math.max(0, num("fileCount", 0)),
      skipRate: 0,
      open: true,
    };
    return {
      id,
      hash,
      record,
      view: this.#view(raw.trackerStats, where("trackerStats")),
      running: status !== TR_STATUS.STOPPED,
      error,
      errorString: str("errorString"),
    };
  }

  /** What `trackerStats` says; undefined when the row has none. */
  #view(value: unknown, where: string): TrackerView | undefined {
    if (value === undefined || value === null) return undefined;
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

  #labels(value: unknown, where: string): readonly string[] {
    if (value === undefined || value === null) return EMPTY;
    if (!Array.isArray(value) || !value.every((label) => typeof label === "string")) {
      throw new SourceProtocolError(`${where} must be an array of strings`);
    }
    return this.#shared.list((value as string[]).map((label) => this.#shared.string(label)));
  }
}

/** A row's values by legacy field name. */
export type RawRow = Partial<Record<TorrentField, unknown>>;

/** The field names of a table answer, from its first row. */
interface Columns {
  fields: Array<TorrentField | undefined> | undefined;
  /**
   * A fast-mode object with those fields, copied for each row: an object given 20-odd keys one
   * by one becomes a slow V8 dictionary, for every one of thousands of rows a poll.
   */
  template: Readonly<Record<string, unknown>> | undefined;
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
  readonly #columns: Columns = { fields: undefined, template: undefined };
  readonly #followUpColumns: Columns = { fields: undefined, template: undefined };
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
    const raw = this.#raw(value, this.#columns);
    if (raw === undefined) return;
    const parsed = this.#sync.parse(raw);
    const patch = this.#sync.apply(parsed, this);
    if (patch === false) {
      this.#consistent = false;
      return;
    }
    if (patch !== undefined) this.#patches.push(patch);
    if (this.kind === "recent" && !this.#sync.knowsTrackers(parsed.hash)) {
      this.#pending.set(parsed.id, parsed.hash);
      if (patch !== undefined) this.#pendingPatches.set(parsed.hash, patch);
    }
  }

  /** Takes an element of the follow-up answer (TRACKER_FOLLOW_UP_FIELDS of `pendingTrackers`). */
  trackers(value: unknown): void {
    const raw = this.#raw(value, this.#followUpColumns);
    if (raw === undefined) return;
    const id = raw.id;
    if (typeof id !== "number" || !this.#pending.has(id)) return;
    this.#pending.delete(id);
    const done = this.#sync.completeTrackers(raw);
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

  /** Ends the pass with the answer's `removed` ids (recently-active only). */
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

  /** A row by legacy field names; undefined for the header of the table format. */
  #raw(value: unknown, columns: Columns): RawRow | undefined {
    if (Array.isArray(value)) {
      if (columns.fields === undefined) {
        columns.fields = value.map((name) => {
          if (typeof name !== "string") {
            throw new SourceProtocolError(
              "torrent-get: the table's first row must name the fields",
            );
          }
          const field = torrentFieldName(name);
          return FIELD_SET.has(field) ? (field as TorrentField) : undefined;
        });
        const shape: Record<string, null> = {};
        for (const field of columns.fields) if (field !== undefined) shape[field] = null;
        // JSON.parse builds fast-mode objects whatever their number of keys.
        columns.template = JSON.parse(JSON.stringify(shape)) as Record<string, unknown>;
        return undefined;
      }
      const fields = columns.fields;
      if (value.length !== fields.length) {
        throw new SourceProtocolError(
          `torrent-get: a row has ${value.length} values for ${fields.length} fields`,
        );
      }
      // A field named twice keeps its last value, as before; one never named stays undefined.
      const raw: Record<string, unknown> = { ...columns.template };
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i];
        if (field !== undefined) raw[field] = value[i];
      }
      return raw;
    }
    if (typeof value === "object" && value !== null && columns.fields === undefined) {
      const raw: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(value)) {
        const legacy = torrentFieldName(name);
        if (FIELD_SET.has(legacy)) raw[legacy] = field;
      }
      return raw;
    }
    throw new SourceProtocolError("torrent-get: torrents must be rows of a table or objects");
  }
}

/** The id and (lower-case) hash of a row. */
function identity(raw: RawRow): { id: number; hash: string } {
  const id = raw.id;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
    throw new SourceProtocolError("torrent-get: a torrent without a valid id");
  }
  const hash = typeof raw.hashString === "string" ? raw.hashString.toLowerCase() : "";
  if (!isInfoHash(hash)) {
    throw new SourceProtocolError(`torrent-get: torrent ${id} has no valid hashString`);
  }
  return { id, hash };
}

/**
 * The tracker fields of a record: a tracker error when Transmission says a tracker refused the
 * torrent (`error` 2), or when it runs, has trackers, none works and one has failed (an
 * unreachable tracker sets no `error` in 3.00); the message is Transmission's own, else the
 * failed announce's result, with URLs cut to their host.
 */
function fillTrackerFields(
  record: Mutable<TorrentFields>,
  view: TrackerView,
  facts: { readonly running: boolean; readonly error: number; readonly errorString: string },
): void {
  const error =
    facts.error === TR_ERROR.TRACKER_ERROR ||
    (facts.running && view.hosts.length > 0 && !view.working && view.failure !== undefined);
  record.trackerHosts = view.hosts;
  record.trackerError = error;
  record.message =
    facts.errorString !== ""
      ? redactUrls(facts.errorString)
      : error
        ? redactUrls(view.failure ?? "")
        : "";
}

/** Keeps only the scheme and host of any URL in a message (trackers echo passkeys back). */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (_match, scheme: string, authority: string) => {
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    return `${scheme}${host}`;
  });
}
