// Turns rTorrent's lists (the full one, or a poll's few changed rows) into torrent patches: diffs each row against what was sent last time.

import { Interner } from "../../model/interner.ts";
import type { TableUpdate } from "../../model/patch.ts";
import type { StateMapper } from "../../model/status.ts";
import type { TorrentFields, TorrentPatch } from "../../model/torrent.ts";
import type { ListedNumbers, ListedTorrent } from "./list-query.ts";
import { emptySent, type MutableSent, type Sent, SentStore } from "./sent-store.ts";
import { isTrackerMessage, rtorrentStatus } from "./states.ts";

/** The record's fields rTorrent has: all but tags and seeding time. */
type Fields = Omit<TorrentFields, "tags" | "seedingTime">;

/** A row's inputs without its trackers (the hosts are passed as they are kept). */
type RowInputs = Omit<ListedTorrent, "hash" | "trackers">;
/** A RowInputs filled in place (`fillInputs`). */
type MutableInputs = { -readonly [K in keyof RowInputs]: RowInputs[K] };

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Keeps what was sent for every torrent and, for each poll's list, emits only what changed:
 * all fields for a torrent not seen before, the changed fields of a known one, the hashes no
 * longer listed. rTorrent has no change feed, so this is how a poll costs the table O(changes).
 *
 * A full poll is `begin()`, `row()` for each item (rows can be fed as they are parsed), then
 * `end()`: what is not listed is gone. A partial poll is `begin(true)`, then any of `row()` (a
 * whole row), `numbers()` or `numbersAt()` (the integers of a known torrent), `listMessage()`
 * and `listSameMessage()` (the torrents with a message) then `clearUnlistedMessages()`, `remove()`, then
 * `end()`: only those torrents change, and every "warm" torrent (one whose rates, peers or hash
 * check were not zero) not read in this poll is `cooled`: its rates and peers set to 0 and its
 * hash check to none. The caller guarantees that is the client's answer (it lists every torrent
 * where one of them is not zero). If a poll fails half-way, `abort()`: the next one is then a
 * full resync (`reset`), since the state kept here may have moved ahead of what the table
 * received.
 */
export class RtorrentSync {
  readonly #sent = new SentStore();
  readonly #states: StateMapper;
  readonly #shared = new Interner();
  /**
   * Slots of the torrents whose rates, peers or hash check were not zero when last read (slots,
   * not hashes: walking them needs no lookup by hash).
   */
  readonly #warm = new Set<number>();
  /** Slots of the torrents whose `d.message` was not empty when last read. */
  readonly #messaged = new Set<number>();
  /** Known torrents with `d.state` 1 and with `d.complete` 1, kept as rows come and go. */
  #started = 0;
  #complete = 0;
  #epoch = 0;
  #reset = true;
  #open = false;
  #partial = false;
  #removed: string[] = [];
  #patches: TorrentPatch[] = [];
  /** Distinct hashes listed in the poll in progress. */
  #listed = 0;
  #uploadRate = 0;
  #downloadRate = 0;
  /**
   * The inputs of the row `numbers()` takes, filled in place: most of a poll's rows go that way,
   * and `#map` keeps nothing of them.
   */
  readonly #inputs: MutableInputs = inputsOf(emptySent());
  /** What `#map` returns, overwritten by each call: `#take` and `#update` copy what they keep. */
  readonly #mapped: MutableSent = emptySent();
  /** A kept row read back (`#keptInputs`), overwritten by each read. */
  readonly #kept: MutableSent = emptySent();

  constructor(states: StateMapper) {
    this.#states = states;
  }

  /** Number of torrents as of the last completed poll. */
  get size(): number {
    return this.#sent.size;
  }

  /** Sum of `d.up.rate` over every item as of the last poll: payload bytes per second. */
  get uploadRate(): number {
    return this.#uploadRate;
  }

  /** Sum of `d.down.rate` over every item as of the last poll: payload bytes per second. */
  get downloadRate(): number {
    return this.#downloadRate;
  }

  /** Whether the next poll must be a full one (the first, or the one after a failure). */
  get needsFull(): boolean {
    return this.#reset;
  }

  /** Whether a torrent is known (as of the last completed poll, or listed in this one). */
  has(hash: string): boolean {
    return this.#sent.slot(hash) >= 0;
  }

  /** How many known torrents are started (`d.state` 1) and complete (`d.complete` 1). */
  counts(): { readonly started: number; readonly complete: number } {
    return { started: this.#started, complete: this.#complete };
  }

  /** The hash of a known torrent that is open, in `directory` (or under it) if any is. */
  openItem(directory: string): string | undefined {
    const base = directory.replace(/\/+$/, "");
    let any: string | undefined;
    for (const [hash, slot] of this.#sent.entries()) {
      if (!this.#sent.open(slot)) continue;
      const path = this.#sent.savePath(slot);
      if (base !== "" && (path === base || path.startsWith(`${base}/`))) return hash;
      any ??= hash;
    }
    return any;
  }

  /** Whether a known torrent is open (`d.is_open`). */
  isOpen(hash: string): boolean {
    const slot = this.#sent.slot(hash);
    return slot >= 0 && this.#sent.open(slot);
  }

  /**
   * Starts a poll: a full one (everything not listed is gone), or with `partial` one that only
   * reads what may have changed. A partial poll is refused while a full one is due.
   */
  begin(partial = false): void {
    if (this.#open) this.abort();
    if (partial && this.#reset)
      throw new Error("RtorrentSync: a partial poll while a full one is due");
    this.#open = true;
    this.#partial = partial;
    this.#epoch++;
    this.#patches = [];
    this.#removed = [];
    this.#listed = 0;
  }

  /** The slot of a known torrent (as of the last completed poll, or listed in this one), or -1. */
  slot(hash: string): number {
    return this.#sent.slot(hash);
  }

  /** The slot of the known torrent whose hash is written at `at` in `bytes` (40 hex digits), or -1. */
  slotAt(bytes: Uint8Array, at: number): number {
    return this.#sent.slotAt(bytes, at);
  }

  /** The hash of the known torrent in `slot`, lower-case. */
  hashOf(slot: number): string {
    return this.#sent.hash(slot);
  }

  /** Takes one listed torrent. A hash listed twice in one poll counts once. */
  row(t: ListedTorrent): void {
    if (!this.#open) throw new Error("RtorrentSync.row() outside begin()/end()");
    const slot = this.#sent.slot(t.hash);
    if (slot >= 0 && this.#sent.seen(slot) === this.#epoch) return;
    this.#take(t.hash, slot, this.#map(t, this.#hostsOf(t.trackers)));
  }

  /**
   * Takes the integers of a known torrent (its text fields and trackers as last read). False,
   * and nothing done, for a hash not known: the caller must then read its whole row.
   */
  numbers(hash: string, n: ListedNumbers): boolean {
    const slot = this.#sent.slot(hash);
    if (slot < 0) {
      if (!this.#open) throw new Error("RtorrentSync.numbers() outside begin()/end()");
      return false;
    }
    this.numbersAt(slot, n);
    return true;
  }

  /** `numbers()` for the known torrent in `slot` (from `slot()` or `slotAt()` in this poll). */
  numbersAt(slot: number, n: ListedNumbers): void {
    if (!this.#open) throw new Error("RtorrentSync.numbers() outside begin()/end()");
    const store = this.#sent;
    if (store.seen(slot) === this.#epoch) return;
    // Most hot torrents of a poll moved nothing since the last one (peers, but no bytes).
    if (store.sameNumbers(slot, n)) {
      store.setSeen(slot, this.#epoch);
      this.#listed++;
      return;
    }
    const inputs = this.#inputs;
    inputs.name = store.name(slot);
    inputs.message = store.message(slot);
    inputs.label = store.category(slot);
    inputs.directory = store.savePath(slot);
    inputs.addedAt = store.addedAt(slot);
    inputs.sizeBytes = n.sizeBytes;
    inputs.completedBytes = n.completedBytes;
    inputs.uploadedBytes = n.uploadedBytes;
    inputs.downloadedBytes = n.downloadedBytes;
    inputs.uploadRate = n.uploadRate;
    inputs.downloadRate = n.downloadRate;
    inputs.ratio = n.ratio;
    inputs.started = n.started;
    inputs.open = n.open;
    inputs.active = n.active;
    inputs.complete = n.complete;
    inputs.hashChecking = n.hashChecking;
    inputs.hashing = n.hashing;
    inputs.startedAt = n.startedAt;
    inputs.finishedAt = n.finishedAt;
    inputs.peersComplete = n.peersComplete;
    inputs.peersAccounted = n.peersAccounted;
    inputs.leftBytes = n.leftBytes;
    inputs.sizeFiles = n.sizeFiles;
    inputs.skipRate = n.skipRate;
    inputs.peersConnected = n.peersConnected;
    const fields = this.#map(inputs, store.trackerHosts(slot));
    if (this.#reset) {
      this.#take(store.hash(slot), slot, fields);
      return;
    }
    // The integers moved, and most record fields with them: straight to the diff, no `same()`.
    this.#listed++;
    store.setSeen(slot, this.#epoch);
    this.#update(store.hash(slot), slot, fields);
  }

  /**
   * Takes `d.message` of the known torrent in `slot`, listed in this poll among those that have
   * one; `clearUnlistedMessages()` then empties the others'.
   */
  listMessage(slot: number, message: string): void {
    if (!this.#open) throw new Error("RtorrentSync.listMessage() outside begin()/end()");
    this.#sent.setMessageSeen(slot, this.#epoch);
    this.#messageAt(slot, message);
  }

  /** Marks the known torrent in `slot` listed with the message it has (what most listed ones say). */
  listSameMessage(slot: number): void {
    this.#sent.setMessageSeen(slot, this.#epoch);
  }

  /** The message kept for the known torrent in `slot`. */
  messageOf(slot: number): string {
    return this.#sent.message(slot);
  }

  /**
   * Empties the message of every torrent that had one but was not listed by `listMessage()` in
   * this poll, but those of `fresh` (slots read whole later in this poll, left as that read them).
   */
  clearUnlistedMessages(fresh: ReadonlySet<number>): void {
    if (!this.#open) throw new Error("RtorrentSync.clearUnlistedMessages() outside begin()/end()");
    const store = this.#sent;
    // Cleared ones leave `#messaged` as they go: collect them first.
    const cleared: number[] = [];
    // forEach, not for-of, here and over `#warm`: no iterator result per entry (thousands per poll).
    this.#messaged.forEach((slot) => {
      if (store.messageSeen(slot) !== this.#epoch && !fresh.has(slot)) cleared.push(slot);
    });
    for (const slot of cleared) this.#messageAt(slot, "");
  }

  #messageAt(slot: number, message: string): void {
    const store = this.#sent;
    if (store.message(slot) === message) return;
    const inputs = this.#keptInputs(slot);
    inputs.message = message;
    this.#update(store.hash(slot), slot, this.#map(inputs, store.trackerHosts(slot)));
  }

  /** Turns the partial poll in progress into a full one: what it does not list is gone. */
  widen(): void {
    if (!this.#open) throw new Error("RtorrentSync.widen() outside begin()/end()");
    this.#partial = false;
  }

  /** Drops a torrent the client no longer has (a partial poll's removals). */
  remove(hash: string): void {
    if (!this.#open) throw new Error("RtorrentSync.remove() outside begin()/end()");
    const slot = this.#sent.slot(hash);
    if (slot < 0) return;
    this.#uncount(slot);
    this.#warm.delete(slot);
    this.#messaged.delete(slot);
    this.#removed.push(this.#sent.hash(slot));
    this.#sent.delete(this.#sent.hash(slot));
  }

  /** Ends a poll: the changes since the previous one, and every hash no longer there. */
  end(): TableUpdate {
    if (!this.#open) throw new Error("RtorrentSync.end() without begin()");
    this.#open = false;
    const removed = this.#removed;
    this.#removed = [];
    const store = this.#sent;
    if (this.#partial) {
      // Cooling a torrent takes it out of `#warm` as this goes, as for-of would allow too.
      this.#warm.forEach((slot) => {
        if (store.seen(slot) !== this.#epoch) this.#cool(slot);
      });
    } else if (this.#listed < store.size) {
      // Every kept torrent listed again (the usual full poll): nothing to look for.
      for (const [hash, slot] of store.entries()) {
        if (store.seen(slot) !== this.#epoch) {
          removed.push(hash);
          this.#uncount(slot);
          this.#warm.delete(slot);
          this.#messaged.delete(slot);
          store.delete(hash);
        }
      }
    }
    let up = 0;
    let down = 0;
    this.#warm.forEach((slot) => {
      up += store.uploadRate(slot);
      down += store.downloadRate(slot);
    });
    this.#uploadRate = up;
    this.#downloadRate = down;
    const reset = this.#reset;
    this.#reset = false;
    const patches = this.#patches;
    this.#patches = [];
    return { reset, patches, removed: reset ? [] : removed };
  }

  /** Gives up the poll in progress: the next poll is a full resync. */
  abort(): void {
    this.#open = false;
    this.#patches = [];
    this.#removed = [];
    this.#reset = true;
  }

  /** Keeps a read row (`slot` -1 for a torrent not kept): new, or changed fields of a known one. */
  #take(hash: string, slot: number, fields: Sent): void {
    this.#listed++;
    fields.seen = this.#epoch;
    if (slot < 0 || this.#reset) {
      if (slot >= 0) this.#uncount(slot);
      this.#count(fields);
      const kept = this.#sent.put(hash, fields);
      this.#patches.push(full(hash, fields));
      this.#classify(kept, fields);
      return;
    }
    this.#sent.setSeen(slot, this.#epoch);
    if (!this.#sent.same(slot, fields)) this.#update(hash, slot, fields);
  }

  /** Emits what differs between the kept row of `slot` and `fields`, and keeps `fields`. */
  #update(hash: string, slot: number, fields: Sent): void {
    const store = this.#sent;
    const patch = store.diff(slot, hash, fields);
    if (patch !== undefined) this.#patches.push(patch);
    this.#uncount(slot);
    this.#count(fields);
    fields.seen = store.seen(slot);
    store.write(slot, fields);
    this.#classify(slot, fields);
  }

  /** Adds a row to the started and complete counts. */
  #count(sent: Sent): void {
    if (sent.started) this.#started++;
    if (sent.complete) this.#complete++;
  }

  /** Takes the kept row of `slot` out of the started and complete counts. */
  #uncount(slot: number): void {
    if (this.#sent.started(slot)) this.#started--;
    if (this.#sent.complete(slot)) this.#complete--;
  }

  #classify(slot: number, sent: Sent): void {
    if (isWarm(sent)) this.#warm.add(slot);
    else this.#warm.delete(slot);
    if (sent.message !== "") this.#messaged.add(slot);
    else this.#messaged.delete(slot);
  }

  /** A warm torrent the caller's list says is quiet now: no rates, no peers, no hash check. */
  #cool(slot: number): void {
    const inputs = this.#keptInputs(slot);
    inputs.uploadRate = 0;
    inputs.downloadRate = 0;
    inputs.peersComplete = 0;
    inputs.peersAccounted = 0;
    inputs.peersConnected = 0;
    inputs.skipRate = 0;
    inputs.hashChecking = false;
    inputs.hashing = 0;
    const store = this.#sent;
    this.#update(store.hash(slot), slot, this.#map(inputs, store.trackerHosts(slot)));
  }

  /** The kept row of `slot` as inputs, in `#inputs` (overwritten by the next call). */
  #keptInputs(slot: number): MutableInputs {
    return fillInputs(this.#inputs, this.#sent.read(slot, this.#kept));
  }

  /**
   * The exported fields of a listed torrent, in the shape kept per torrent (`seen` left at 0),
   * in one object that the next call overwrites.
   */
  #map(t: RowInputs, hosts: readonly string[]): Sent {
    const s = this.#mapped;
    s.name = t.name;
    s.status = rtorrentStatus(t, this.#states);
    s.size = t.sizeBytes;
    s.progress = t.complete ? 1 : t.sizeBytes > 0 ? Math.min(1, t.completedBytes / t.sizeBytes) : 0;
    s.downloaded = t.downloadedBytes;
    s.uploaded = t.uploadedBytes;
    s.downloadRate = t.downloadRate;
    s.uploadRate = t.uploadRate;
    s.ratio = t.ratio;
    s.category = this.#shared.string(t.label);
    s.trackerHosts = hosts;
    // rTorrent puts a failed announce in d.message ("Tracker: [...]") and clears it on success;
    // only items that announce (started and open) count, as a stale message may linger.
    s.trackerError = t.started && t.open && hosts.length > 0 && isTrackerMessage(t.message);
    s.message = this.#shared.string(t.message);
    // ruTorrent's add time when set, else the persisted first start (d.load_date resets).
    s.addedOn = t.addedAt > 0 ? t.addedAt : t.startedAt;
    s.completedOn = t.finishedAt;
    s.savePath = this.#shared.string(t.directory);
    s.seeds = t.peersComplete;
    s.leechers = t.peersAccounted;
    s.started = t.started;
    s.left = t.leftBytes;
    s.files = t.sizeFiles;
    s.skipRate = t.skipRate;
    s.addedAt = t.addedAt;
    s.startedAt = t.startedAt;
    s.completedBytes = t.completedBytes;
    s.open = t.open;
    s.active = t.active;
    s.complete = t.complete;
    s.hashChecking = t.hashChecking;
    s.hashing = t.hashing;
    s.seen = 0;
    return s;
  }

  /**
   * Tracker hosts in rTorrent's order (tier order: the one it announces to first leads), enabled
   * trackers before disabled ones, duplicates and URLs without a host (DHT) left out. Only host
   * names leave this method; the URLs, which carry passkeys, are dropped here.
   */
  #hostsOf(trackers: ListedTorrent["trackers"]): readonly string[] {
    if (trackers.length === 0) return EMPTY;
    if (trackers.length === 1) {
      const only = trackers[0] as (typeof trackers)[number];
      const host = this.#shared.host(only.url);
      return host === "" ? EMPTY : this.#shared.list([host]);
    }
    const enabled: string[] = [];
    const disabled: string[] = [];
    for (const t of trackers) {
      const host = this.#shared.host(t.url);
      if (host !== "") (t.enabled ? enabled : disabled).push(host);
    }
    const hosts = [...new Set([...enabled, ...disabled])];
    return hosts.length === 0 ? EMPTY : this.#shared.list(hosts);
  }
}

/** Whether a torrent is one a quiet (unlisted) poll must cool: rates, peers or a hash check. */
function isWarm(s: Sent): boolean {
  return (
    s.uploadRate !== 0 ||
    s.downloadRate !== 0 ||
    s.seeds !== 0 ||
    s.leechers !== 0 ||
    s.hashChecking ||
    s.hashing !== 0 ||
    s.skipRate !== 0
  );
}

/**
 * A kept row's inputs, as last read: its integers as far as they are kept. Completed and
 * downloaded bytes come back from progress and the total, the ratio as sent. Called once, for
 * the object `fillInputs` then rewrites in place: written as one literal, every field sits in
 * the object itself (the same fields added one by one to `{}` would not).
 */
function inputsOf(s: Sent): RowInputs {
  return {
    name: s.name,
    message: s.message,
    label: s.category,
    directory: s.savePath,
    addedAt: s.addedAt,
    sizeBytes: s.size,
    completedBytes: s.completedBytes,
    uploadedBytes: s.uploaded,
    downloadedBytes: s.downloaded,
    uploadRate: s.uploadRate,
    downloadRate: s.downloadRate,
    ratio: s.ratio,
    started: s.started,
    open: s.open,
    active: s.active,
    complete: s.complete,
    hashChecking: s.hashChecking,
    hashing: s.hashing,
    startedAt: s.startedAt,
    finishedAt: s.completedOn,
    peersComplete: s.seeds,
    peersAccounted: s.leechers,
    leftBytes: s.left,
    sizeFiles: s.files,
    skipRate: s.skipRate,
    // Not kept: only the peer census reads it, from the rows of the poll that lists the item.
    peersConnected: 0,
  };
}

/** Overwrites `into` with a kept row's inputs, as `inputsOf` gives them; returns `into`. */
function fillInputs(into: MutableInputs, s: Sent): MutableInputs {
  into.name = s.name;
  into.message = s.message;
  into.label = s.category;
  into.directory = s.savePath;
  into.addedAt = s.addedAt;
  into.sizeBytes = s.size;
  into.completedBytes = s.completedBytes;
  into.uploadedBytes = s.uploaded;
  into.downloadedBytes = s.downloaded;
  into.uploadRate = s.uploadRate;
  into.downloadRate = s.downloadRate;
  into.ratio = s.ratio;
  into.started = s.started;
  into.open = s.open;
  into.active = s.active;
  into.complete = s.complete;
  into.hashChecking = s.hashChecking;
  into.hashing = s.hashing;
  into.startedAt = s.startedAt;
  into.finishedAt = s.completedOn;
  into.peersComplete = s.seeds;
  into.peersAccounted = s.leechers;
  into.leftBytes = s.left;
  into.sizeFiles = s.files;
  into.skipRate = s.skipRate;
  into.peersConnected = 0;
  return into;
}

/** Every field of the record: what rTorrent does not have (tags, seeding time) at its empty value. */
function full(hash: string, f: Fields): TorrentPatch {
  return {
    hash,
    name: f.name,
    status: f.status,
    size: f.size,
    progress: f.progress,
    downloaded: f.downloaded,
    uploaded: f.uploaded,
    downloadRate: f.downloadRate,
    uploadRate: f.uploadRate,
    ratio: f.ratio,
    category: f.category,
    tags: EMPTY,
    trackerHosts: f.trackerHosts,
    trackerError: f.trackerError,
    message: f.message,
    addedOn: f.addedOn,
    completedOn: f.completedOn,
    seedingTime: 0,
    savePath: f.savePath,
    seeds: f.seeds,
    leechers: f.leechers,
    started: f.started,
    left: f.left,
    files: f.files,
    skipRate: f.skipRate,
  };
}
