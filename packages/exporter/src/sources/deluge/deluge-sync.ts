// Turns Deluge's torrent status answers (diffs or full lists) into torrent patches, tracker identity and removals.

import { isInfoHash } from "../../model/info-hash.ts";
import { Interner } from "../../model/interner.ts";
import type { TableUpdate } from "../../model/patch.ts";
import type { StateMapper, StatusCode } from "../../model/status.ts";
import { TorrentStatus } from "../../model/status.ts";
import type { TorrentPatch } from "../../model/torrent.ts";
import { trackerHost } from "../../model/tracker.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import type { DelugeTorrentStatus, TorrentKey } from "./api.ts";
import { delugeStatus } from "./states.ts";

/**
 * The torrent keys a poll asks for: only what the mapping reads. `label` is the Label plugin's
 * key (silently left out when the plugin is off); `trackers` is not here, it is fetched only for
 * the few torrents that need it (see `announceNeeded`).
 */
export const SYNC_KEYS: readonly TorrentKey[] = [
  "name",
  "state",
  "message",
  "progress",
  "total_wanted",
  "all_time_download",
  "total_uploaded",
  "download_payload_rate",
  "upload_payload_rate",
  "ratio",
  "label",
  "tracker",
  "tracker_host",
  "tracker_status",
  "time_added",
  "completed_time",
  "seeding_time",
  "download_location",
  "num_seeds",
  "num_peers",
  "total_remaining",
  "num_files",
];

/** Keys a torrent new to us must carry: a diff against another client's base may lack them. */
const REQUIRED_KEYS = ["name", "state"] as const;

/** One `core.get_torrents_status` answer (or several merged), as `DelugeApi` gives it. */
export interface StatusAnswer {
  /** Every torrent carries every key (not a diff). */
  readonly full: boolean;
  /**
   * Every torrent in the session; in a diff, each with only its changed keys. In a partial
   * answer, only some torrents: absence then says nothing.
   */
  readonly torrents: ReadonlyMap<string, Partial<DelugeTorrentStatus>>;
  /**
   * Set for an answer filtered to some torrents (`{"state": "Active"}`, `{"id": [...]}`): the
   * torrents removed since the last answer, as the daemon's TorrentRemovedEvents named them.
   * They are removed before the torrents of the answer are applied (a torrent removed and added
   * again comes back whole).
   */
  readonly partial?: { readonly removed: Iterable<string> };
}

/** What the source knows about the circumstances of an answer. */
export interface AnswerContext {
  /**
   * The answer is the first since the daemon connection was (re)opened or a poll failed: the
   * daemon may have just restarted, and deluged serves its RPC before it has loaded every
   * torrent, so torrents missing from it are held, not removed, until the list settles.
   */
  readonly reconnected: boolean;
  /** Milliseconds, monotonic. */
  readonly now: number;
}

/** Options of the sync. */
export interface DelugeSyncOptions {
  /**
   * After a reconnect, missing torrents are removed only once the list stopped growing for a
   * poll and at least this long has passed (default 10 s).
   */
  readonly settleMs?: number;
}

/** What we keep per torrent to derive fields that depend on several Deluge keys. */
interface Known {
  state: string;
  downloadRate: number;
  uploadRate: number;
  status: StatusCode;
  /** Not paused. */
  started: boolean;
  /** Host of Deluge's `tracker` (the tracker that last answered); kept while `tracker` is "". */
  working: string;
  /** Whether Deluge's `tracker` is non-empty now. */
  current: boolean;
  /** Deluge's shortened `tracker_host`: only a signal that the tracker list may have changed. */
  delugeHost: string;
  /** Hosts of the announce list in tier order; undefined until fetched. */
  announce: readonly string[] | undefined;
  /** `message` when it is not "OK" (a torrent error), else "". */
  torrentError: string;
  /** `tracker_status` when it is an error or a warning, else "". */
  trackerNote: string;
  trackerError: boolean;
  trackerHosts: readonly string[];
  message: string;
  category: string;
}

const EMPTY: readonly string[] = Object.freeze([]);

type MutablePatch = { -readonly [K in keyof TorrentPatch]: TorrentPatch[K] };
const MAX_MESSAGE = 300;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi;

/**
 * Keeps what one Deluge target's answers have said so far and turns each new answer into
 * patches: all fields for a torrent new to us (or in a full answer), changed fields for a known
 * one. Tracker identity comes from host names only: Deluge's `tracker` (the URL of the tracker
 * that last answered, "" until one did) and, when that is empty, the torrent's announce list,
 * fetched once through `announceNeeded`. URLs never stay in this class: they carry passkeys.
 */
export class DelugeSync {
  readonly #known = new Map<string, Known>();
  readonly #states: StateMapper;
  readonly #settleMs: number;
  readonly #shared = new Interner();
  /** Torrents whose last known payload rates are not both 0: what Deluge's "Active" filter selects. */
  readonly #moving = new Set<string>();
  #settling: { since: number; count: number } | undefined;
  #resyncWanted = false;

  constructor(states: StateMapper, options: DelugeSyncOptions = {}) {
    this.#states = states;
    this.#settleMs = options.settleMs ?? 10_000;
  }

  /** Number of torrents known. */
  get size(): number {
    return this.#known.size;
  }

  /** Whether removals are being held back after a reconnect. */
  get settling(): boolean {
    return this.#settling !== undefined;
  }

  /**
   * Torrents we last saw moving payload (a rate above 0), as Deluge's `{"state": "Active"}`
   * filter selects them (`filtermanager.filter_state_active`). One that is not in the next
   * Active answer stopped: it must be asked for by id, or its rates would stay as they were.
   */
  get moving(): ReadonlySet<string> {
    return this.#moving;
  }

  /**
   * Whether a TorrentTrackerStatusEvent with this status can change what we show of the
   * torrent: an error or a warning, one that clears ours, or the first answer of a tracker
   * (`tracker` then names it). "Announce Sent"/"Announce OK" of an identified torrent cannot.
   */
  trackerEventMatters(hash: string, status: string): boolean {
    const known = this.#known.get(hash);
    if (known === undefined) return true;
    if (status.startsWith("Error") || status.startsWith("Warning")) return true;
    return known.trackerError || known.trackerNote !== "" || !known.current;
  }

  /**
   * True once after an answer that cannot be trusted whole (a torrent new to us without its
   * name or state: a diff computed against another client's base). The source then asks for a
   * full answer.
   */
  takeResyncWanted(): boolean {
    const wanted = this.#resyncWanted;
    this.#resyncWanted = false;
    return wanted;
  }

  /**
   * Torrents of `answer` whose announce list must be fetched (the `trackers` key) before
   * `apply`: no tracker has answered them while we watched and we never saw their list, or
   * Deluge's `tracker_host` changed (the list was edited).
   */
  announceNeeded(answer: StatusAnswer): string[] {
    const out: string[] = [];
    // forEach, not for-of: no entry array (or iterator result) allocated per torrent.
    answer.torrents.forEach((f, hash) => {
      const known = this.#known.get(hash);
      if (known === undefined && !hasRequired(f)) return;
      const answered = typeof f.tracker === "string" && f.tracker !== "";
      const identified = answered || (known !== undefined && known.working !== "");
      const hostChanged =
        known !== undefined &&
        typeof f.tracker_host === "string" &&
        f.tracker_host !== known.delugeHost;
      if ((known?.announce === undefined && !identified) || hostChanged) out.push(hash);
    });
    return out;
  }

  /**
   * Applies one answer. `announces` holds the announce URLs (tier order) fetched for the
   * torrents `announceNeeded` named; they are reduced to host names at once.
   */
  apply(
    answer: StatusAnswer,
    announces: ReadonlyMap<string, readonly string[]>,
    context: AnswerContext,
  ): TableUpdate {
    if (context.reconnected && this.#known.size > 0) {
      this.#settling = { since: context.now, count: -1 };
    }
    const patches: TorrentPatch[] = [];
    const partialRemoved: string[] = [];
    if (answer.partial !== undefined) {
      for (const hash of answer.partial.removed) {
        if (this.#known.delete(hash)) partialRemoved.push(hash);
        this.#moving.delete(hash);
      }
    }
    let present = 0;
    let garbled = false;
    answer.torrents.forEach((f, hash) => {
      const known = this.#known.get(hash);
      if (known === undefined && !isInfoHash(hash)) {
        garbled = true;
        return;
      }
      if (known === undefined && !hasRequired(f)) {
        this.#resyncWanted = true;
        return;
      }
      present++;
      const urls = announces.get(hash);
      // Most torrents of a diff did not change: `{}`, or only the (never diffed) label.
      if (!answer.full && known !== undefined && urls === undefined && unchanged(f, known)) return;
      const patch = this.#map(hash, f, known, known === undefined || answer.full, urls);
      if (patch !== undefined) patches.push(patch);
    });

    if (garbled) {
      // Some of this answer went into what we know: the next answer is a full one.
      this.#resyncWanted = true;
      throw new SourceProtocolError(
        "core.get_torrents_status: a torrent id that is not an info-hash",
      );
    }
    if (answer.partial !== undefined) {
      // The table removes after it patches: a torrent added again comes back as a whole patch.
      const removed = partialRemoved.filter((hash) => !this.#known.has(hash));
      return { reset: false, patches, removed };
    }
    let removed: string[] = [];
    const held = this.#known.size > present ? this.#missing(answer) : [];
    if (held.length > 0) {
      const settling = this.#settling;
      if (settling === undefined) {
        removed = held;
      } else if (
        answer.torrents.size <= settling.count &&
        context.now - settling.since >= this.#settleMs
      ) {
        removed = held;
        this.#settling = undefined;
      } else {
        settling.count = Math.max(settling.count, answer.torrents.size);
      }
    } else {
      this.#settling = undefined;
    }
    for (const hash of removed) {
      this.#known.delete(hash);
      this.#moving.delete(hash);
    }
    const reset = answer.full && removed.length === held.length;
    return { reset, patches, removed };
  }

  /** Known torrents absent from the answer. */
  #missing(answer: StatusAnswer): string[] {
    const out: string[] = [];
    for (const hash of this.#known.keys()) if (!answer.torrents.has(hash)) out.push(hash);
    return out;
  }

  #map(
    hash: string,
    f: Partial<DelugeTorrentStatus>,
    old: Known | undefined,
    fresh: boolean,
    announceUrls: readonly string[] | undefined,
  ): TorrentPatch | undefined {
    const k: Known = old ?? {
      state: "",
      downloadRate: 0,
      uploadRate: 0,
      status: TorrentStatus.Unknown,
      started: false,
      working: "",
      current: false,
      delugeHost: "",
      announce: undefined,
      torrentError: "",
      trackerNote: "",
      trackerError: false,
      trackerHosts: EMPTY,
      message: "",
      category: "",
    };
    if (old === undefined) this.#known.set(hash, k);
    if (fresh && complete(f)) return this.#whole(hash, f, k, announceUrls);
    const patch: MutablePatch = { hash };
    let changed = fresh;

    if (f.name !== undefined) patch.name = f.name;
    else if (fresh) patch.name = "";
    if (f.total_wanted !== undefined) patch.size = count(f.total_wanted);
    if (f.progress !== undefined) patch.progress = clamp01(f.progress / 100);
    if (f.all_time_download !== undefined) patch.downloaded = count(f.all_time_download);
    if (f.total_uploaded !== undefined) patch.uploaded = count(f.total_uploaded);
    if (f.download_payload_rate !== undefined) {
      k.downloadRate = count(f.download_payload_rate);
      patch.downloadRate = k.downloadRate;
    }
    if (f.upload_payload_rate !== undefined) {
      k.uploadRate = count(f.upload_payload_rate);
      patch.uploadRate = k.uploadRate;
    }
    if (f.ratio !== undefined) patch.ratio = Number.isFinite(f.ratio) ? f.ratio : -1;
    if (f.time_added !== undefined) patch.addedOn = timestamp(f.time_added);
    if (f.completed_time !== undefined) patch.completedOn = timestamp(f.completed_time);
    if (f.seeding_time !== undefined) patch.seedingTime = count(f.seeding_time);
    if (f.download_location !== undefined)
      patch.savePath = this.#shared.string(f.download_location);
    if (f.num_seeds !== undefined) patch.seeds = count(f.num_seeds);
    if (f.num_peers !== undefined) patch.leechers = count(f.num_peers);
    if (f.total_remaining !== undefined) patch.left = count(f.total_remaining);
    if (f.num_files !== undefined) patch.files = count(f.num_files);
    changed ||= patched(f);

    return this.#derived(hash, f, k, fresh, announceUrls, patch, changed);
  }

  /**
   * The patch of a torrent new to us (or in a full answer) with every key: one object of every
   * field at once. The table keeps a new torrent's patch as its row, so this is the row's final
   * shape, not one grown a field at a time (a copy per field added, 100,000 times in a first
   * sync). Only `skipRate` and `open`, which Deluge does not tell, are left to the table.
   */
  #whole(
    hash: string,
    f: Required<Pick<DelugeTorrentStatus, (typeof MAPPED_KEYS)[number]>> &
      Partial<DelugeTorrentStatus>,
    k: Known,
    announceUrls: readonly string[] | undefined,
  ): TorrentPatch | undefined {
    k.downloadRate = count(f.download_payload_rate);
    k.uploadRate = count(f.upload_payload_rate);
    const patch: MutablePatch = {
      hash,
      name: f.name,
      status: TorrentStatus.Unknown,
      size: count(f.total_wanted),
      progress: clamp01(f.progress / 100),
      downloaded: count(f.all_time_download),
      uploaded: count(f.total_uploaded),
      downloadRate: k.downloadRate,
      uploadRate: k.uploadRate,
      ratio: Number.isFinite(f.ratio) ? f.ratio : -1,
      category: "",
      tags: EMPTY,
      trackerHosts: EMPTY,
      trackerError: false,
      message: "",
      addedOn: timestamp(f.time_added),
      completedOn: timestamp(f.completed_time),
      seedingTime: count(f.seeding_time),
      savePath: this.#shared.string(f.download_location),
      seeds: count(f.num_seeds),
      leechers: count(f.num_peers),
      started: false,
      left: count(f.total_remaining),
      files: count(f.num_files),
    };
    return this.#derived(hash, f, k, true, announceUrls, patch, true);
  }

  /** Fills in what derives from several keys (status, started, category, trackers, message). */
  #derived(
    hash: string,
    f: Partial<DelugeTorrentStatus>,
    k: Known,
    fresh: boolean,
    announceUrls: readonly string[] | undefined,
    patch: MutablePatch,
    changedSoFar: boolean,
  ): TorrentPatch | undefined {
    let changed = changedSoFar;
    if (k.downloadRate > 0 || k.uploadRate > 0) this.#moving.add(hash);
    else this.#moving.delete(hash);

    if (f.state !== undefined) k.state = this.#shared.string(f.state);
    const status = delugeStatus(this.#states, k.state, k.downloadRate, k.uploadRate);
    if (status !== k.status || fresh) {
      k.status = status;
      patch.status = status;
      changed = true;
    }
    const started = status !== TorrentStatus.Paused;
    if (started !== k.started || fresh) {
      k.started = started;
      patch.started = started;
      changed = true;
    }

    // The Label plugin's key comes with every answer while the plugin is on, diff or not.
    const category = this.#shared.string(f.label ?? "");
    if (category !== k.category || fresh) {
      k.category = category;
      patch.category = category;
      changed = true;
    }
    if (fresh) patch.tags = EMPTY;

    const trackerKeys =
      fresh ||
      announceUrls !== undefined ||
      f.tracker !== undefined ||
      f.tracker_host !== undefined ||
      f.tracker_status !== undefined ||
      f.message !== undefined;
    if ((trackerKeys && this.#trackers(k, f, announceUrls)) || fresh) {
      patch.trackerHosts = k.trackerHosts;
      patch.trackerError = k.trackerError;
      patch.message = k.message;
      changed = true;
    }
    return changed ? patch : undefined;
  }

  /** Updates tracker identity, tracker error and message; true when any of them changed. */
  #trackers(
    k: Known,
    f: Partial<DelugeTorrentStatus>,
    announceUrls: readonly string[] | undefined,
  ): boolean {
    const before = { hosts: k.trackerHosts, error: k.trackerError, message: k.message };
    if (f.tracker !== undefined) {
      k.current = f.tracker !== "";
      if (k.current) k.working = this.#shared.host(f.tracker);
    }
    if (f.tracker_host !== undefined) k.delugeHost = this.#shared.string(f.tracker_host);
    if (announceUrls !== undefined) {
      const hosts = [...new Set(announceUrls.map((url) => this.#shared.host(url)))].filter(Boolean);
      k.announce = this.#shared.list(hosts);
      // A remembered tracker that is no longer in the list and not answering now is gone.
      if (!k.current && !k.announce.includes(k.working)) k.working = "";
    }
    if (f.tracker_status !== undefined) {
      const status = f.tracker_status;
      k.trackerError = status.startsWith("Error");
      k.trackerNote =
        k.trackerError || status.startsWith("Warning") ? this.#shared.string(clean(status)) : "";
    }
    if (f.message !== undefined) {
      k.torrentError =
        f.message === "OK" || f.message === "" ? "" : this.#shared.string(clean(f.message));
    }
    const hosts = this.#shared.list(
      k.working === ""
        ? (k.announce ?? EMPTY)
        : [k.working, ...(k.announce ?? EMPTY).filter((h) => h !== k.working)],
    );
    k.trackerHosts = hosts;
    k.message = k.torrentError !== "" ? k.torrentError : k.trackerNote;
    return (
      hosts !== before.hosts || k.trackerError !== before.error || k.message !== before.message
    );
  }
}

/**
 * Whether a diff entry says nothing new: no key but a label equal to the known category (a
 * missing label means the Label plugin is off: the category becomes "").
 */
function unchanged(f: Partial<DelugeTorrentStatus>, known: Known): boolean {
  let labelled = false;
  for (const key in f) {
    if (key !== "label" || f.label !== known.category) return false;
    labelled = true;
  }
  return labelled || known.category === "";
}

/** The keys `#map` copies into the patch (each to one field), and `state`. */
const MAPPED_KEYS = [
  "name",
  "state",
  "total_wanted",
  "progress",
  "all_time_download",
  "total_uploaded",
  "download_payload_rate",
  "upload_payload_rate",
  "ratio",
  "time_added",
  "completed_time",
  "seeding_time",
  "download_location",
  "num_seeds",
  "num_peers",
  "total_remaining",
  "num_files",
] as const satisfies readonly TorrentKey[];

/** Whether `f` has every key of MAPPED_KEYS (a full answer's torrent always has). */
function complete(
  f: Partial<DelugeTorrentStatus>,
): f is Required<Pick<DelugeTorrentStatus, (typeof MAPPED_KEYS)[number]>> &
  Partial<DelugeTorrentStatus> {
  for (const key of MAPPED_KEYS) if (f[key] === undefined) return false;
  return true;
}

/** Whether `#map` puts any of `f`'s keys in the patch as they are (so the patch has more than the hash). */
function patched(f: Partial<DelugeTorrentStatus>): boolean {
  return (
    f.name !== undefined ||
    f.total_wanted !== undefined ||
    f.progress !== undefined ||
    f.all_time_download !== undefined ||
    f.total_uploaded !== undefined ||
    f.download_payload_rate !== undefined ||
    f.upload_payload_rate !== undefined ||
    f.ratio !== undefined ||
    f.time_added !== undefined ||
    f.completed_time !== undefined ||
    f.seeding_time !== undefined ||
    f.download_location !== undefined ||
    f.num_seeds !== undefined ||
    f.num_peers !== undefined ||
    f.total_remaining !== undefined ||
    f.num_files !== undefined
  );
}

function hasRequired(f: Partial<DelugeTorrentStatus>): boolean {
  return REQUIRED_KEYS.every((key) => f[key] !== undefined);
}

/** A non-negative finite number (byte counts, rates, seconds), else 0. */
function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function clamp01(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return value >= 1 ? 1 : value;
}

/** Deluge uses 0 (and libtorrent sometimes -1) for "never". */
function timestamp(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

/**
 * A message fit to keep: a tracker can echo its announce URL, which carries the passkey, so
 * every URL in it is cut down to its host; bounded in length.
 */
function clean(text: string): string {
  const safe = text.replace(URL_IN_TEXT, (url) => {
    const host = trackerHost(url);
    return host === "" ? "<url>" : `<${host}>`;
  });
  return safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE)}…` : safe;
}
