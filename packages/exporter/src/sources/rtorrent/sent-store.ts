// What RtorrentSync last sent for each torrent, kept in columns (typed arrays for the numbers) rather than one object per torrent.

import { sameList } from "../../model/patch.ts";
import type { StatusCode } from "../../model/status.ts";
import type { TorrentFields, TorrentPatch } from "../../model/torrent.ts";
import { HashIndex } from "./hash-index.ts";
import type { ListedNumbers } from "./list-query.ts";

/**
 * What is kept of one torrent: the record's fields rTorrent has (all but tags and seeding time),
 * the inputs they are derived from besides themselves (so that a narrow read, the integers only
 * or the message only, can re-derive status and tracker error), and the poll that last listed it.
 */
export type Sent = Omit<TorrentFields, "tags" | "seedingTime"> & {
  addedAt: number;
  startedAt: number;
  completedBytes: number;
  active: boolean;
  complete: boolean;
  hashChecking: boolean;
  hashing: number;
  seen: number;
};

/** A Sent whose fields can be written (`SentStore.read` fills one). */
export type MutableSent = { -readonly [K in keyof Sent]: Sent[K] };

const FIRST_CAPACITY = 1024;
const NO_HOSTS: readonly string[] = Object.freeze([]);

/** The numbers kept per torrent, each in a Float64Array column (exact up to 2^53). */
const NUMBER_FIELDS = [
  "size",
  "progress",
  "downloaded",
  "uploaded",
  "downloadRate",
  "uploadRate",
  "ratio",
  "addedOn",
  "completedOn",
  "seeds",
  "leechers",
  "left",
  "files",
  "skipRate",
  "addedAt",
  "startedAt",
  "completedBytes",
  "hashing",
] as const satisfies readonly (keyof Sent)[];

type Columns = { readonly [K in (typeof NUMBER_FIELDS)[number]]: Float64Array };

/** The booleans kept per torrent, one bit each. */
const FLAG = {
  trackerError: 1,
  started: 2,
  open: 4,
  active: 8,
  complete: 16,
  hashChecking: 32,
} as const;

/** The flag bits of a torrent's fields. */
function flagsOf(f: Sent): number {
  return (
    (f.trackerError ? FLAG.trackerError : 0) |
    (f.started ? FLAG.started : 0) |
    (f.open ? FLAG.open : 0) |
    (f.active ? FLAG.active : 0) |
    (f.complete ? FLAG.complete : 0) |
    (f.hashChecking ? FLAG.hashChecking : 0)
  );
}

/**
 * One slot per torrent in columns: numbers in Float64Arrays, flags as bits, the status and the
 * epoch in small typed arrays, strings and tracker lists in plain arrays (shared instances from
 * the sync's interner). An object per torrent costs V8 a boxed heap number for most numeric
 * fields (16 bytes each plus the pointer): at 100,000 torrents such objects took 54 MB, these
 * columns about 25 MB. Slots of removed torrents are reused.
 *
 * `get` builds an object, for the few torrents that changed; the checks every listed torrent
 * goes through (`same`, `sameNumbers`) read the columns in place. Fields are spelled out one by
 * one because these run for every torrent of a whole list: a loop over field names would read
 * them through one megamorphic keyed access, several times slower.
 *
 * Keys are info-hashes (40 hex digits), found through a HashIndex, which takes either case and
 * can read the hash straight from an answer's bytes; each slot keeps its hash as put ("" when
 * free).
 */
export class SentStore {
  readonly #index = new HashIndex();
  readonly #hash: string[] = [];
  readonly #free: number[] = [];
  #capacity = 0;
  #used = 0;
  #c: Columns = newColumns(0);
  #flags = new Uint8Array(0);
  #status = new Uint8Array(0);
  #seen = new Uint32Array(0);
  /** The poll that last listed the torrent among those with a message (not part of `Sent`). */
  #messageSeen = new Uint32Array(0);
  readonly #name: string[] = [];
  readonly #message: string[] = [];
  readonly #category: string[] = [];
  readonly #savePath: string[] = [];
  readonly #trackerHosts: (readonly string[])[] = [];

  constructor() {
    this.#grow(FIRST_CAPACITY);
  }

  /** Number of torrents kept. */
  get size(): number {
    return this.#index.size;
  }

  /** The slot of a torrent (its hash in either case), or -1 when none is kept. */
  slot(hash: string): number {
    return this.#index.get(hash);
  }

  /** The slot of the torrent whose hash is written (40 hex digits) at `at` in `bytes`, or -1. */
  slotAt(bytes: Uint8Array, at: number): number {
    return this.#index.getAt(bytes, at);
  }

  /** The hash of the torrent in a slot, as it was put. */
  hash(slot: number): string {
    return this.#hash[slot] as string;
  }

  /**
   * Every kept torrent's hash and slot, in slot order (deleting the current one while iterating
   * is allowed).
   */
  *entries(): IterableIterator<[string, number]> {
    for (let slot = 0; slot < this.#used; slot++) {
      const hash = this.#hash[slot] as string;
      if (hash !== "") yield [hash, slot];
    }
  }

  /**
   * Keeps `fields` for a torrent (`hash`: 40 hex digits, a TypeError otherwise), in its slot if it
   * has one (its hash in either case), else in a new one; returns the slot.
   */
  put(hash: string, fields: Sent): number {
    let slot = this.#index.get(hash);
    if (slot < 0) {
      slot = this.#free.pop() ?? this.#used++;
      if (slot >= this.#capacity) this.#grow(this.#capacity * 2);
      this.#index.set(hash, slot);
      this.#hash[slot] = hash;
    }
    this.write(slot, fields);
    return slot;
  }

  /** Forgets a torrent (its hash in either case); its slot is reused. */
  delete(hash: string): void {
    const slot = this.#index.get(hash);
    if (slot < 0) return;
    this.#index.delete(hash);
    // Drop the references: a free slot keeps no removed torrent's name alive.
    this.#messageSeen[slot] = 0;
    this.#hash[slot] = "";
    this.#name[slot] = "";
    this.#message[slot] = "";
    this.#category[slot] = "";
    this.#savePath[slot] = "";
    this.#trackerHosts[slot] = EMPTY;
    this.#free.push(slot);
  }

  /** Overwrites a slot with `fields`. */
  write(slot: number, f: Sent): void {
    const c = this.#c;
    c.size[slot] = f.size;
    c.progress[slot] = f.progress;
    c.downloaded[slot] = f.downloaded;
    c.uploaded[slot] = f.uploaded;
    c.downloadRate[slot] = f.downloadRate;
    c.uploadRate[slot] = f.uploadRate;
    c.ratio[slot] = f.ratio;
    c.addedOn[slot] = f.addedOn;
    c.completedOn[slot] = f.completedOn;
    c.seeds[slot] = f.seeds;
    c.leechers[slot] = f.leechers;
    c.left[slot] = f.left;
    c.files[slot] = f.files;
    c.skipRate[slot] = f.skipRate;
    c.addedAt[slot] = f.addedAt;
    c.startedAt[slot] = f.startedAt;
    c.completedBytes[slot] = f.completedBytes;
    c.hashing[slot] = f.hashing;
    this.#flags[slot] = flagsOf(f);
    this.#status[slot] = f.status;
    this.#seen[slot] = f.seen;
    this.#name[slot] = f.name;
    this.#message[slot] = f.message;
    this.#category[slot] = f.category;
    this.#savePath[slot] = f.savePath;
    this.#trackerHosts[slot] = f.trackerHosts;
  }

  /** What is kept in a slot, written over `into` (no new object); returns `into`. */
  read(slot: number, into: MutableSent): Sent {
    const c = this.#c;
    const flags = this.#flags[slot] as number;
    into.name = this.#name[slot] as string;
    into.status = this.#status[slot] as StatusCode;
    into.size = c.size[slot] as number;
    into.progress = c.progress[slot] as number;
    into.downloaded = c.downloaded[slot] as number;
    into.uploaded = c.uploaded[slot] as number;
    into.downloadRate = c.downloadRate[slot] as number;
    into.uploadRate = c.uploadRate[slot] as number;
    into.ratio = c.ratio[slot] as number;
    into.category = this.#category[slot] as string;
    into.trackerHosts = this.#trackerHosts[slot] as readonly string[];
    into.trackerError = (flags & FLAG.trackerError) !== 0;
    into.message = this.#message[slot] as string;
    into.addedOn = c.addedOn[slot] as number;
    into.completedOn = c.completedOn[slot] as number;
    into.savePath = this.#savePath[slot] as string;
    into.seeds = c.seeds[slot] as number;
    into.leechers = c.leechers[slot] as number;
    into.started = (flags & FLAG.started) !== 0;
    into.left = c.left[slot] as number;
    into.files = c.files[slot] as number;
    into.skipRate = c.skipRate[slot] as number;
    into.addedAt = c.addedAt[slot] as number;
    into.startedAt = c.startedAt[slot] as number;
    into.completedBytes = c.completedBytes[slot] as number;
    into.open = (flags & FLAG.open) !== 0;
    into.active = (flags & FLAG.active) !== 0;
    into.complete = (flags & FLAG.complete) !== 0;
    into.hashChecking = (flags & FLAG.hashChecking) !== 0;
    into.hashing = c.hashing[slot] as number;
    into.seen = this.#seen[slot] as number;
    return into;
  }

  /** The poll that last listed the torrent in this slot. */
  seen(slot: number): number {
    return this.#seen[slot] as number;
  }

  setSeen(slot: number, epoch: number): void {
    this.#seen[slot] = epoch;
  }

  /** The poll that last listed the torrent in this slot among those with a message. */
  messageSeen(slot: number): number {
    return this.#messageSeen[slot] as number;
  }

  setMessageSeen(slot: number, epoch: number): void {
    this.#messageSeen[slot] = epoch;
  }

  uploadRate(slot: number): number {
    return this.#c.uploadRate[slot] as number;
  }

  downloadRate(slot: number): number {
    return this.#c.downloadRate[slot] as number;
  }

  name(slot: number): string {
    return this.#name[slot] as string;
  }

  message(slot: number): string {
    return this.#message[slot] as string;
  }

  category(slot: number): string {
    return this.#category[slot] as string;
  }

  trackerHosts(slot: number): readonly string[] {
    return this.#trackerHosts[slot] as readonly string[];
  }

  addedAt(slot: number): number {
    return this.#c.addedAt[slot] as number;
  }

  started(slot: number): boolean {
    return ((this.#flags[slot] as number) & FLAG.started) !== 0;
  }

  complete(slot: number): boolean {
    return ((this.#flags[slot] as number) & FLAG.complete) !== 0;
  }

  savePath(slot: number): string {
    return this.#savePath[slot] as string;
  }

  open(slot: number): boolean {
    return ((this.#flags[slot] as number) & FLAG.open) !== 0;
  }

  /**
   * Whether every field of `f` equals the slot's (the tracker list item by item) but `seen`: what
   * most torrents of a whole list answer.
   */
  same(slot: number, f: Sent): boolean {
    const c = this.#c;
    const hosts = this.#trackerHosts[slot] as readonly string[];
    return (
      f.name === this.#name[slot] &&
      f.status === this.#status[slot] &&
      f.size === c.size[slot] &&
      f.progress === c.progress[slot] &&
      f.downloaded === c.downloaded[slot] &&
      f.uploaded === c.uploaded[slot] &&
      f.downloadRate === c.downloadRate[slot] &&
      f.uploadRate === c.uploadRate[slot] &&
      f.ratio === c.ratio[slot] &&
      f.category === this.#category[slot] &&
      (f.trackerHosts === hosts || sameList(f.trackerHosts, hosts)) &&
      f.message === this.#message[slot] &&
      f.addedOn === c.addedOn[slot] &&
      f.completedOn === c.completedOn[slot] &&
      f.savePath === this.#savePath[slot] &&
      f.seeds === c.seeds[slot] &&
      f.leechers === c.leechers[slot] &&
      f.left === c.left[slot] &&
      f.files === c.files[slot] &&
      f.skipRate === c.skipRate[slot] &&
      f.addedAt === c.addedAt[slot] &&
      f.startedAt === c.startedAt[slot] &&
      f.completedBytes === c.completedBytes[slot] &&
      f.hashing === c.hashing[slot] &&
      flagsOf(f) === this.#flags[slot]
    );
  }

  /**
   * The patch of torrent `hash` that turns the slot's record fields into those of `f`: the fields
   * that differ (the tracker list item by item); undefined when none does. The inputs that are not
   * record fields (`addedAt`, `active`, ...) are not compared.
   */
  diff(slot: number, hash: string, f: Sent): TorrentPatch | undefined {
    const c = this.#c;
    const flags = this.#flags[slot] as number;
    const hosts = this.#trackerHosts[slot] as readonly string[];
    const p: { -readonly [K in keyof TorrentPatch]: TorrentPatch[K] } = { hash };
    let changed = false;
    if (f.name !== this.#name[slot]) {
      p.name = f.name;
      changed = true;
    }
    if (f.status !== this.#status[slot]) {
      p.status = f.status;
      changed = true;
    }
    if (f.size !== c.size[slot]) {
      p.size = f.size;
      changed = true;
    }
    if (f.progress !== c.progress[slot]) {
      p.progress = f.progress;
      changed = true;
    }
    if (f.downloaded !== c.downloaded[slot]) {
      p.downloaded = f.downloaded;
      changed = true;
    }
    if (f.uploaded !== c.uploaded[slot]) {
      p.uploaded = f.uploaded;
      changed = true;
    }
    if (f.downloadRate !== c.downloadRate[slot]) {
      p.downloadRate = f.downloadRate;
      changed = true;
    }
    if (f.uploadRate !== c.uploadRate[slot]) {
      p.uploadRate = f.uploadRate;
      changed = true;
    }
    if (f.ratio !== c.ratio[slot]) {
      p.ratio = f.ratio;
      changed = true;
    }
    if (f.category !== this.#category[slot]) {
      p.category = f.category;
      changed = true;
    }
    if (f.trackerHosts !== hosts && !sameList(f.trackerHosts, hosts)) {
      p.trackerHosts = f.trackerHosts;
      changed = true;
    }
    if (f.trackerError !== ((flags & FLAG.trackerError) !== 0)) {
      p.trackerError = f.trackerError;
      changed = true;
    }
    if (f.message !== this.#message[slot]) {
      p.message = f.message;
      changed = true;
    }
    if (f.addedOn !== c.addedOn[slot]) {
      p.addedOn = f.addedOn;
      changed = true;
    }
    if (f.completedOn !== c.completedOn[slot]) {
      p.completedOn = f.completedOn;
      changed = true;
    }
    if (f.savePath !== this.#savePath[slot]) {
      p.savePath = f.savePath;
      changed = true;
    }
    if (f.seeds !== c.seeds[slot]) {
      p.seeds = f.seeds;
      changed = true;
    }
    if (f.leechers !== c.leechers[slot]) {
      p.leechers = f.leechers;
      changed = true;
    }
    if (f.started !== ((flags & FLAG.started) !== 0)) {
      p.started = f.started;
      changed = true;
    }
    if (f.left !== c.left[slot]) {
      p.left = f.left;
      changed = true;
    }
    if (f.files !== c.files[slot]) {
      p.files = f.files;
      changed = true;
    }
    if (f.skipRate !== c.skipRate[slot]) {
      p.skipRate = f.skipRate;
      changed = true;
    }
    if (f.open !== ((flags & FLAG.open) !== 0)) {
      p.open = f.open;
      changed = true;
    }
    return changed ? p : undefined;
  }

  /** Whether the slot was read from these very integers (then nothing derived from them changed). */
  sameNumbers(slot: number, n: ListedNumbers): boolean {
    const c = this.#c;
    const flags = this.#flags[slot] as number;
    return (
      n.uploadedBytes === c.uploaded[slot] &&
      n.uploadRate === c.uploadRate[slot] &&
      n.downloadRate === c.downloadRate[slot] &&
      n.peersAccounted === c.leechers[slot] &&
      n.peersComplete === c.seeds[slot] &&
      n.downloadedBytes === c.downloaded[slot] &&
      n.completedBytes === c.completedBytes[slot] &&
      n.sizeBytes === c.size[slot] &&
      n.ratio === c.ratio[slot] &&
      n.hashing === c.hashing[slot] &&
      n.startedAt === c.startedAt[slot] &&
      n.finishedAt === c.completedOn[slot] &&
      n.leftBytes === c.left[slot] &&
      n.skipRate === c.skipRate[slot] &&
      n.sizeFiles === c.files[slot] &&
      n.started === ((flags & FLAG.started) !== 0) &&
      n.open === ((flags & FLAG.open) !== 0) &&
      n.active === ((flags & FLAG.active) !== 0) &&
      n.complete === ((flags & FLAG.complete) !== 0) &&
      n.hashChecking === ((flags & FLAG.hashChecking) !== 0)
    );
  }

  #grow(capacity: number): void {
    const next = newColumns(capacity);
    for (const field of NUMBER_FIELDS) next[field].set(this.#c[field]);
    this.#c = next;
    this.#flags = grown(this.#flags, new Uint8Array(capacity));
    this.#status = grown(this.#status, new Uint8Array(capacity));
    this.#seen = grown(this.#seen, new Uint32Array(capacity));
    this.#messageSeen = grown(this.#messageSeen, new Uint32Array(capacity));
    this.#capacity = capacity;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

function newColumns(n: number): Columns {
  return {
    size: new Float64Array(n),
    progress: new Float64Array(n),
    downloaded: new Float64Array(n),
    uploaded: new Float64Array(n),
    downloadRate: new Float64Array(n),
    uploadRate: new Float64Array(n),
    ratio: new Float64Array(n),
    addedOn: new Float64Array(n),
    completedOn: new Float64Array(n),
    seeds: new Float64Array(n),
    leechers: new Float64Array(n),
    left: new Float64Array(n),
    files: new Float64Array(n),
    skipRate: new Float64Array(n),
    addedAt: new Float64Array(n),
    startedAt: new Float64Array(n),
    completedBytes: new Float64Array(n),
    hashing: new Float64Array(n),
  };
}

function grown<T extends Uint8Array | Uint32Array>(old: T, next: T): T {
  next.set(old);
  return next;
}

/** A row of zeros and empty strings, the shape of every Sent: what `SentStore.read` fills. */
export function emptySent(): MutableSent {
  return {
    name: "",
    status: 0 as Sent["status"],
    size: 0,
    progress: 0,
    downloaded: 0,
    uploaded: 0,
    downloadRate: 0,
    uploadRate: 0,
    ratio: 0,
    category: "",
    trackerHosts: NO_HOSTS,
    trackerError: false,
    message: "",
    addedOn: 0,
    completedOn: 0,
    savePath: "",
    seeds: 0,
    leechers: 0,
    started: false,
    left: 0,
    files: 0,
    skipRate: 0,
    addedAt: 0,
    startedAt: 0,
    completedBytes: 0,
    open: false,
    active: false,
    complete: false,
    hashChecking: false,
    hashing: 0,
    seen: 0,
  };
}
