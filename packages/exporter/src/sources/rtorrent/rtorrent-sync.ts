// Turns rTorrent's full d.multicall2 list into torrent patches: diffs every row against what was sent last time.

import { Interner } from "../../model/interner.ts";
import { diffFields, sameList, type TableUpdate, TORRENT_FIELD_KEYS } from "../../model/patch.ts";
import type { StateMapper } from "../../model/status.ts";
import type { TorrentFields, TorrentPatch } from "../../model/torrent.ts";
import type { ListedTorrent } from "./list-query.ts";
import { isTrackerMessage, rtorrentStatus } from "./states.ts";

/** The record's fields rTorrent has: all but tags and seeding time. */
type Fields = Omit<TorrentFields, "tags" | "seedingTime">;
const KEYS = TORRENT_FIELD_KEYS.filter(
  (key): key is keyof Fields => key !== "tags" && key !== "seedingTime",
);

/** What was last sent for one torrent, and the poll that last listed it. */
type Sent = Fields & { seen: number };

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Keeps what was sent for every torrent and, for each poll's list, emits only what changed:
 * all fields for a torrent not seen before, the changed fields of a known one, the hashes no
 * longer listed. rTorrent has no change feed, so this is how a poll costs the table O(changes).
 *
 * A poll is `begin()`, `row()` for each item (rows can be fed as they are parsed), then `end()`.
 * If a poll fails half-way, `abort()`: the next one is then a full resync (`reset`), since the
 * state kept here may have moved ahead of what the table received.
 */
export class RtorrentSync {
  readonly #sent = new Map<string, Sent>();
  readonly #states: StateMapper;
  readonly #shared = new Interner();
  #epoch = 0;
  #reset = true;
  #open = false;
  #patches: TorrentPatch[] = [];
  /** Distinct hashes listed in the poll in progress. */
  #listed = 0;
  #uploadRate = 0;
  #downloadRate = 0;

  constructor(states: StateMapper) {
    this.#states = states;
  }

  /** Number of torrents as of the last completed poll. */
  get size(): number {
    return this.#sent.size;
  }

  /** Sum of `d.up.rate` over every item of the last poll: payload bytes per second. */
  get uploadRate(): number {
    return this.#uploadRate;
  }

  /** Sum of `d.down.rate` over every item of the last poll: payload bytes per second. */
  get downloadRate(): number {
    return this.#downloadRate;
  }

  /** Starts a poll. */
  begin(): void {
    if (this.#open) this.abort();
    this.#open = true;
    this.#epoch++;
    this.#patches = [];
    this.#listed = 0;
    this.#uploadRate = 0;
    this.#downloadRate = 0;
  }

  /** Takes one listed torrent. A hash listed twice in one poll counts once. */
  row(t: ListedTorrent): void {
    if (!this.#open) throw new Error("RtorrentSync.row() outside begin()/end()");
    const fields = this.#map(t);
    this.#uploadRate += fields.uploadRate;
    this.#downloadRate += fields.downloadRate;
    const sent = this.#sent.get(t.hash);
    if (sent === undefined) {
      this.#listed++;
      fields.seen = this.#epoch;
      this.#sent.set(t.hash, fields);
      this.#patches.push(full(t.hash, fields));
      return;
    }
    if (sent.seen === this.#epoch) {
      this.#uploadRate -= fields.uploadRate;
      this.#downloadRate -= fields.downloadRate;
      return;
    }
    sent.seen = this.#epoch;
    this.#listed++;
    if (this.#reset) {
      fields.seen = this.#epoch;
      this.#sent.set(t.hash, fields);
      this.#patches.push(full(t.hash, fields));
      return;
    }
    if (same(sent, fields)) return;
    const patch = diffFields(t.hash, sent, fields, KEYS);
    if (patch !== undefined) this.#patches.push(patch);
    // Update the kept object rather than keep the new one: the kept ones are long-lived, and
    // replacing them would leave garbage in the old generation on every poll.
    Object.assign(sent, fields);
    sent.seen = this.#epoch;
  }

  /** Ends a poll: the changes since the previous one, and every hash no longer listed. */
  end(): TableUpdate {
    if (!this.#open) throw new Error("RtorrentSync.end() without begin()");
    this.#open = false;
    const removed: string[] = [];
    // Every kept torrent listed again (the usual poll): nothing to look for.
    if (this.#listed < this.#sent.size) {
      for (const [hash, sent] of this.#sent) {
        if (sent.seen !== this.#epoch) {
          removed.push(hash);
          this.#sent.delete(hash);
        }
      }
    }
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
    this.#reset = true;
  }

  /** The exported fields of a listed torrent, in the shape kept per torrent (`seen` left at 0). */
  #map(t: ListedTorrent): Sent {
    const hosts = this.#hostsOf(t.trackers);
    return {
      name: t.name,
      status: rtorrentStatus(t, this.#states),
      size: t.sizeBytes,
      progress: t.complete ? 1 : t.sizeBytes > 0 ? Math.min(1, t.completedBytes / t.sizeBytes) : 0,
      downloaded: t.downloadedBytes,
      uploaded: t.uploadedBytes,
      downloadRate: t.downloadRate,
      uploadRate: t.uploadRate,
      ratio: t.ratio,
      category: this.#shared.string(t.label),
      trackerHosts: hosts,
      // rTorrent puts a failed announce in d.message ("Tracker: [...]") and clears it on success;
      // only items that announce (started and open) count, as a stale message may linger.
      trackerError: t.started && t.open && hosts.length > 0 && isTrackerMessage(t.message),
      message: this.#shared.string(t.message),
      // ruTorrent's add time when set, else the persisted first start (d.load_date resets).
      addedOn: t.addedAt > 0 ? t.addedAt : t.startedAt,
      completedOn: t.finishedAt,
      savePath: this.#shared.string(t.directory),
      seeds: t.peersComplete,
      leechers: t.peersAccounted,
      started: t.started,
      left: t.leftBytes,
      files: t.sizeFiles,
      skipRate: t.skipRate,
      seen: 0,
    };
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

/**
 * Whether no exported field changed: what most torrents of most polls answer. Spelled out field
 * by field because it runs for every torrent of every poll, and a loop over KEYS reads 18
 * property names through one (megamorphic, several times slower) keyed access site.
 */
function same(sent: Sent, f: Fields): boolean {
  return (
    f.name === sent.name &&
    f.status === sent.status &&
    f.size === sent.size &&
    f.progress === sent.progress &&
    f.downloaded === sent.downloaded &&
    f.uploaded === sent.uploaded &&
    f.downloadRate === sent.downloadRate &&
    f.uploadRate === sent.uploadRate &&
    f.ratio === sent.ratio &&
    f.category === sent.category &&
    (f.trackerHosts === sent.trackerHosts || sameList(f.trackerHosts, sent.trackerHosts)) &&
    f.trackerError === sent.trackerError &&
    f.message === sent.message &&
    f.addedOn === sent.addedOn &&
    f.completedOn === sent.completedOn &&
    f.savePath === sent.savePath &&
    f.seeds === sent.seeds &&
    f.leechers === sent.leechers &&
    f.started === sent.started &&
    f.left === sent.left &&
    f.files === sent.files &&
    f.skipRate === sent.skipRate
  );
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
