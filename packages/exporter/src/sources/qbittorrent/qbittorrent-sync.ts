// Turns qBittorrent's incremental /sync/maindata answers into torrent patches, keeping the rid and the tracker map.

import { isInfoHash } from "../../model/info-hash.ts";
import { Interner } from "../../model/interner.ts";
import { sameList, type TableUpdate } from "../../model/patch.ts";
import type { StateMapper } from "../../model/status.ts";
import { type StatusCode, TorrentStatus } from "../../model/status.ts";
import { SourceProtocolError } from "../../net/errors.ts";

/** The global figures of `server_state`, merged across partial updates. */
export interface ServerState {
  readonly [key: string]: unknown;
}

/** A patch being built (fields are added as the answer is read). */
type MutablePatch = { hash: string; status?: StatusCode } & Record<string, unknown>;

/** What we remember per torrent to derive fields that depend on several qBittorrent fields. */
interface Derivation {
  /** The torrent's hash: the one instance the table and this class key it by. */
  readonly hash: string;
  status: StatusCode;
  /** Host of the tracker qBittorrent currently announces to ("" when none works). */
  workingHost: string;
  addedOn: number;
  hasTrackerError: boolean | undefined;
  /** Announce URLs, a list shared by every torrent with the same ones. */
  urls: readonly string[];
  trackerHosts: readonly string[];
  trackerError: boolean;
}

const EMPTY: readonly string[] = Object.freeze([]);
const ACTIVE = new Set<StatusCode>([
  TorrentStatus.Downloading,
  TorrentStatus.Uploading,
  TorrentStatus.Stalled,
]);
/** URL lists (and working hosts per list) whose tracker hosts are remembered. */
const HOST_LISTS_LIMIT = 10_000;
/** How long a running torrent may go without a working tracker before that counts as an error. */
const GRACE_SECONDS = 300;

/**
 * Keeps the state of one maindata session: the rid to send next, `server_state` merged across
 * partial answers, and the announce-URL map (`trackers`: URL -> hashes, since 4.5.0) from which
 * every torrent's tracker hosts come. URLs never leave this class: only host names do.
 */
export class QbittorrentSync {
  #rid = 0;
  #server: Record<string, unknown> = {};
  readonly #urlHashes = new Map<string, readonly string[]>();
  readonly #torrents = new Map<string, Derivation>();
  readonly #states: StateMapper;
  #patches = new Map<string, MutablePatch>();
  readonly #shared = new Interner();
  /** Hosts per (URL list, working host): torrents share a few of each, and a full update asks for every one. */
  readonly #hostLists = new Map<readonly string[], Map<string, readonly string[]>>();

  constructor(states: StateMapper) {
    this.#states = states;
  }

  /** The rid to send with the next request. */
  get rid(): number {
    return this.#rid;
  }

  /** `server_state` as of the last answer. */
  get serverState(): ServerState {
    return this.#server;
  }

  /** Forgets everything: the next request asks for a full update (after a new login). */
  restart(): void {
    this.#rid = 0;
  }

  /** Applies one parsed maindata answer and returns the torrent changes it means. */
  apply(answer: unknown, nowSeconds: number): TableUpdate {
    if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
      throw new SourceProtocolError("maindata: expected a JSON object");
    }
    const { torrents, ...rest } = answer as Record<string, unknown>;
    this.begin();
    for (const [hash, fields] of Object.entries(objectOf(torrents, "torrents") ?? {}))
      this.torrent(hash, fields);
    return this.finish(rest, nowSeconds);
  }

  /** Starts reading an answer whose torrents arrive one by one (as it streams in). */
  begin(): void {
    this.#patches = new Map();
  }

  /** One entry of the answer's `torrents` object, mapped at once (the raw object can go). */
  torrent(hash: string, fields: unknown): void {
    if (!this.#torrents.has(hash) && !isInfoHash(hash))
      throw new SourceProtocolError("maindata: a torrent's key is not an info-hash");
    this.#patches.set(
      hash,
      this.#mapTorrent(hash, objectOf(fields, `torrents.${hash.slice(0, 40)}`) ?? {}),
    );
  }

  /** Finishes the answer with its other members: rid, full_update, server_state, trackers, removals. */
  finish(data: Record<string, unknown>, nowSeconds: number): TableUpdate {
    const rid = data.rid;
    if (typeof rid !== "number" || !Number.isInteger(rid)) {
      throw new SourceProtocolError("maindata: missing or non-integer rid");
    }
    const patches = this.#patches;
    this.#patches = new Map();
    const reset = data.full_update === true || this.#rid === 0;
    if (reset) {
      // A full update lists every torrent: forget the others, and rebuild the tracker map.
      this.#server = {};
      this.#urlHashes.clear();
      this.#hostLists.clear();
      for (const [hash, derived] of this.#torrents) {
        if (patches.has(hash)) derived.urls = EMPTY;
        else this.#torrents.delete(hash);
      }
      for (const patch of patches.values()) patch.status ??= TorrentStatus.Unknown;
    }
    const server = objectOf(data.server_state, "server_state");
    if (server !== undefined) Object.assign(this.#server, server);

    const touched = new Set<string>(patches.keys());
    const urls = objectOf(data.trackers, "trackers") ?? {};
    for (const [url, hashes] of Object.entries(urls)) {
      if (!Array.isArray(hashes))
        throw new SourceProtocolError("maindata: trackers values must be arrays");
      this.#setUrl(
        url,
        hashes.filter((h): h is string => typeof h === "string"),
        touched,
      );
    }
    for (const url of arrayOf(data.trackers_removed)) this.#setUrl(url, [], touched);

    const removed = arrayOf(data.torrents_removed).filter((hash) => this.#torrents.delete(hash));
    for (const hash of removed) {
      touched.delete(hash);
      patches.delete(hash);
    }
    for (const hash of touched) {
      const derived = this.#torrents.get(hash);
      if (derived === undefined) continue;
      const hosts = this.#hostsOf(derived);
      const error = derived.hasTrackerError ?? inferTrackerError(derived, nowSeconds);
      const patch = patches.get(hash);
      if (patch !== undefined) {
        patch.trackerHosts = hosts;
        patch.trackerError = error;
      } else if (!sameList(hosts, derived.trackerHosts) || error !== derived.trackerError) {
        patches.set(hash, { hash, trackerHosts: hosts, trackerError: error });
      }
      derived.trackerHosts = hosts;
      derived.trackerError = error;
    }
    this.#rid = rid;
    return { reset, patches: [...patches.values()], removed };
  }

  #mapTorrent(hash: string, f: Record<string, unknown>): MutablePatch {
    let derived = this.#torrents.get(hash);
    if (derived === undefined) {
      derived = {
        hash,
        status: TorrentStatus.Unknown,
        workingHost: "",
        addedOn: 0,
        hasTrackerError: undefined,
        urls: EMPTY,
        trackerHosts: EMPTY,
        trackerError: false,
      };
      this.#torrents.set(hash, derived);
    }
    const patch: Record<string, unknown> = { hash };
    const num = (key: string) => numberOf(f[key], hash, key);
    if ("name" in f) patch.name = stringOf(f.name);
    if ("state" in f) {
      derived.status = this.#states.map(stringOf(f.state));
      patch.status = derived.status;
      patch.started = derived.status !== TorrentStatus.Paused;
    }
    if ("size" in f) patch.size = num("size");
    if ("progress" in f) patch.progress = num("progress");
    if ("downloaded" in f) patch.downloaded = num("downloaded");
    if ("uploaded" in f) patch.uploaded = num("uploaded");
    if ("dlspeed" in f) patch.downloadRate = num("dlspeed");
    if ("upspeed" in f) patch.uploadRate = num("upspeed");
    if ("ratio" in f) patch.ratio = num("ratio");
    if ("category" in f) patch.category = this.#shared.string(stringOf(f.category));
    if ("tags" in f) patch.tags = this.#tags(stringOf(f.tags));
    if ("added_on" in f) {
      derived.addedOn = timestamp(num("added_on"));
      patch.addedOn = derived.addedOn;
    }
    if ("completion_on" in f) patch.completedOn = timestamp(num("completion_on"));
    if ("seeding_time" in f) patch.seedingTime = Math.max(0, num("seeding_time"));
    if ("save_path" in f) patch.savePath = this.#shared.string(stringOf(f.save_path));
    if ("num_seeds" in f) patch.seeds = num("num_seeds");
    if ("num_leechs" in f) patch.leechers = num("num_leechs");
    if ("amount_left" in f) patch.left = Math.max(0, num("amount_left"));
    if ("tracker" in f) derived.workingHost = this.#shared.host(stringOf(f.tracker));
    // qBittorrent 5.2 (WebAPI 2.11.7) tells tracker health per torrent; older ones do not.
    if ("has_tracker_error" in f) derived.hasTrackerError = f.has_tracker_error === true;
    return patch as MutablePatch;
  }

  /** Tracker hosts of a torrent: the working tracker's host first, then the others sorted. */
  #hostsOf(derived: Derivation): readonly string[] {
    let byWorking = this.#hostLists.get(derived.urls);
    const known = byWorking?.get(derived.workingHost);
    if (known !== undefined) return known;
    const hosts = this.#hostsFrom(derived);
    // Bounded like the interner: URL lists past its bound are not shared, so not worth keeping.
    if (byWorking === undefined && this.#hostLists.size < HOST_LISTS_LIMIT) {
      byWorking = new Map();
      this.#hostLists.set(derived.urls, byWorking);
    }
    if (byWorking !== undefined && byWorking.size < HOST_LISTS_LIMIT)
      byWorking.set(derived.workingHost, hosts);
    return hosts;
  }

  #hostsFrom(derived: Derivation): readonly string[] {
    const hosts = new Set<string>();
    if (derived.workingHost !== "") hosts.add(derived.workingHost);
    const others = derived.urls.map((url) => this.#shared.host(url)).filter((h) => h !== "");
    for (const host of others.sort()) hosts.add(host);
    return this.#shared.list([...hosts]);
  }

  /** Tag lists are shared too: most torrents have one of a few combinations. */
  #tags(joined: string): readonly string[] {
    return this.#shared.list(splitTags(joined));
  }

  #setUrl(url: string, hashes: readonly string[], touched: Set<string>): void {
    for (const hash of this.#urlHashes.get(url) ?? []) {
      const derived = this.#torrents.get(hash);
      if (derived !== undefined)
        derived.urls = this.#shared.list(derived.urls.filter((u) => u !== url));
      touched.add(hash);
    }
    // The answer's hashes are new strings: keep the instances already held (about 5 MB at 100,000).
    const held: string[] = [];
    for (const hash of hashes) {
      const derived = this.#torrents.get(hash);
      if (derived !== undefined && !derived.urls.includes(url)) {
        derived.urls = this.#shared.list([...derived.urls, url]);
      }
      const kept = derived?.hash ?? hash;
      held.push(kept);
      touched.add(kept);
    }
    if (held.length === 0) this.#urlHashes.delete(url);
    else this.#urlHashes.set(url, held);
  }
}

/**
 * Without qBittorrent 5.2's flag: a running torrent with trackers but no working one, past a
 * grace period after being added, counts as a tracker error.
 */
function inferTrackerError(derived: Derivation, nowSeconds: number): boolean {
  return (
    ACTIVE.has(derived.status) &&
    derived.workingHost === "" &&
    derived.urls.length > 0 &&
    derived.addedOn > 0 &&
    nowSeconds - derived.addedOn > GRACE_SECONDS
  );
}

function splitTags(tags: string): string[] {
  return tags === ""
    ? []
    : tags
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "");
}

/** qBittorrent uses -1 and 0xFFFFFFFF for "never"; both become 0. */
function timestamp(value: number): number {
  return value > 0 && value < 0xffffffff ? value : 0;
}

function objectOf(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new SourceProtocolError(`maindata: ${what} must be an object`);
  }
  return value as Record<string, unknown>;
}

function arrayOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function stringOf(value: unknown): string {
  return typeof value === "string"
    ? value
    : value === null || value === undefined
      ? ""
      : String(value);
}

/** `hash` and `key` name the field in the error (joined only then: this runs for every field read). */
function numberOf(value: unknown, hash: string, key: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  throw new SourceProtocolError(`maindata: ${hash}.${key} must be a number`);
}
