// The Deluge calls the source needs, typed and checked, over either transport (daemon RPC or deluge-web).

import { knownFreeSpace } from "../../model/free-space.ts";
import { SourceConnectionError, SourceProtocolError } from "../../net/errors.ts";
import { CallQueue } from "./call-queue.ts";
import type { RencodeValue } from "./rencode.ts";

/*
 * Facts checked against Debian 12's deluged 2.0.3 (libtorrent 2.0.8) in the contract tests:
 *
 * Torrent keys (`core.get_torrents_status`; `[]` would mean *all* keys, including heavy ones):
 *   - all-time, persisted across daemon restarts in the resume data: `all_time_download`,
 *     `total_uploaded` (libtorrent all_time_upload), `active_time`, `seeding_time` (seconds),
 *     `time_added`, `completed_time` (epoch seconds; completed_time 0 = never).
 *   - this daemon session only (reset to 0 by a restart): `total_payload_download`,
 *     `total_payload_upload`.
 *   - `total_done` = bytes of the torrent on disk and verified; `total_wanted` = selected size;
 *     `total_size` = whole torrent; `progress` is a percentage 0..100 (float32) of the current
 *     task: download, check or move (100 in `Error`).
 *   - `ratio` = total_uploaded / total_done, -1 when nothing is done.
 *   - rates (`download_payload_rate`, `upload_payload_rate`) are bytes/s, float32 on the wire.
 *   - `tracker_host` is Deluge's shortened host (`a.b.example.org` -> `example.org`; an IP as is;
 *     "" without trackers); `tracker` is the URL of the tracker that last answered, "" until one
 *     did, and carries the passkey: never log it. `tracker_status` is `"Announce OK"`, or
 *     `"Error: …"`/`"Warning: …"` with the tracker's message.
 *   - `message` is "OK" or libtorrent's error for the torrent (state `Error`).
 *   - `label` exists only while the Label plugin is enabled: a missing plugin key is dropped
 *     silently (check `enabledPlugins()`).
 *
 * Session status (`core.get_session_status`) takes libtorrent 2.0 counter names (`net.recv_bytes`,
 * `dht.dht_nodes`, …: 291 counters) plus Deluge's rates (`payload_download_rate`, … recomputed
 * every 2 s) and `read_hit_ratio`/`write_hit_ratio`: 303 keys. Counters count since the daemon
 * started. Unknown names are left out of the answer without an error; the deprecated 1.3 names
 * (`num_peers`, `dht_nodes`, `total_download`, …) are still answered.
 *
 * Auth levels: every `core.*` call needs level 5 (NORMAL); a level-1 (READONLY) account can log
 * in but not read torrents (NotAuthorizedError -> SourceAuthError).
 *
 * Caveats for the mapping:
 *   - deluged opens its RPC port before it has loaded its torrents: right after a (re)start a
 *     poll can see none or some of them for about a second. A shrinking list just after a
 *     reconnect is not a removal to trust at once.
 *   - diff state: Deluge 2.0.3 picks the diff base when the deferred answer fires, from
 *     `rpcserver.get_session_id()`, i.e. whichever connection dispatched a call last
 *     (`torrentmanager.handle_torrents_status_callback` -> `torrent.get_status`). While other
 *     clients (deluge-web, GTK) call at the same moment, a diff can be computed against their
 *     snapshot and miss a change. Call `resync()` now and then (read from the source, not
 *     reproduced here).
 */

/** The result of one transport call and the daemon-side session that answered it. */
export interface TransportResult {
  readonly result: unknown;
  /**
   * Which diff session answered: with the daemon RPC, the connection (a new one starts a new
   * diff state); deluge-web's shared connection is always session 0.
   */
  readonly session: number;
}

/** Options of one transport call. */
export interface TransportRequestOptions {
  /**
   * The result is a dict keyed by torrent id: the daemon RPC may give it as a `Map` (its values
   * as usual), far cheaper than an object of 100,000 keys. deluge-web gives a plain object.
   */
  readonly resultAsMap?: boolean;
}

/** How calls reach the daemon: directly (daemon-rpc.ts) or through deluge-web (web-rpc.ts). */
export interface DelugeTransport {
  readonly kind: "daemon" | "web";
  /** Whether the daemon-side session is ours alone, so `diff=True` is safe. */
  readonly dedicated: boolean;
  /** Where calls go, fit for messages (no credentials). */
  readonly endpoint: string;
  /** Bytes received so far, on the wire. */
  readonly bytesReceived: number;
  /**
   * Calls a daemon method. Rejects with a SourceError; DelugeRemoteError when the method raised.
   * deluge-web takes positional arguments only: `kwargs` must be empty there.
   */
  request(
    method: string,
    args: readonly RencodeValue[],
    kwargs: Readonly<Record<string, RencodeValue>>,
    signal?: AbortSignal,
    options?: TransportRequestOptions,
  ): Promise<TransportResult>;
  /** Drops the session; the next call starts a new one. */
  reset(): void;
  close(): void;
}

/** A method raised an exception in the daemon (e.g. InvalidTorrentError, AddTorrentError). */
export class DelugeRemoteError extends SourceProtocolError {
  override name = "DelugeRemoteError";
  /** The RPC method, e.g. `core.remove_torrent`. */
  readonly method: string;
  /** Deluge's exception class name, e.g. `InvalidTorrentError`, `WrappedException`. */
  readonly exceptionType: string;
  /** The exception's message (its first argument). */
  readonly exceptionMessage: string;

  constructor(
    endpoint: string,
    method: string,
    exceptionType: string,
    exceptionMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${endpoint}: ${method}: ${exceptionType}: ${exceptionMessage.slice(0, 200)}`, options);
    this.method = method;
    this.exceptionType = exceptionType;
    this.exceptionMessage = exceptionMessage;
  }
}

/** The torrent keys the exporter reads, with the type each has on the wire. */
export const TORRENT_KEY_TYPES = {
  hash: "string",
  name: "string",
  state: "string",
  message: "string",
  progress: "number",
  total_size: "number",
  total_wanted: "number",
  total_done: "number",
  total_remaining: "number",
  all_time_download: "number",
  total_uploaded: "number",
  total_payload_download: "number",
  total_payload_upload: "number",
  download_payload_rate: "number",
  upload_payload_rate: "number",
  ratio: "number",
  label: "string",
  tracker_host: "string",
  tracker: "string",
  tracker_status: "string",
  time_added: "number",
  completed_time: "number",
  seeding_time: "number",
  active_time: "number",
  download_location: "string",
  num_seeds: "number",
  num_peers: "number",
  num_files: "number",
  total_seeds: "number",
  total_peers: "number",
  is_finished: "boolean",
  paused: "boolean",
  queue: "number",
  eta: "number",
  private: "boolean",
  owner: "string",
} as const;

/** A torrent key this module knows the type of. */
export type TorrentKey = keyof typeof TORRENT_KEY_TYPES;

type WireType<T> = T extends "string" ? string : T extends "number" ? number : boolean;

/** One torrent's status; in a diff only the keys that changed are present. */
export type DelugeTorrentStatus = {
  -readonly [K in TorrentKey]: WireType<(typeof TORRENT_KEY_TYPES)[K]>;
};

/**
 * The keys a poll asks for: everything in TORRENT_KEY_TYPES. Left out on purpose: `trackers`
 * (every announce entry with per-endpoint data, the heaviest key), `peers`, `files`,
 * `file_progress`, `pieces` (per-torrent libtorrent calls), and aliases (`save_path`).
 */
export const TORRENT_KEYS: readonly TorrentKey[] = Object.keys(TORRENT_KEY_TYPES) as TorrentKey[];

/**
 * Session keys worth exporting (all answered by 2.0.3): transfer counters (since daemon start),
 * peers, torrents by state, disk, DHT, and Deluge's own rates in bytes/s.
 */
export const SESSION_KEYS: readonly string[] = [
  "net.sent_bytes",
  "net.recv_bytes",
  "net.sent_payload_bytes",
  "net.recv_payload_bytes",
  "net.sent_ip_overhead_bytes",
  "net.recv_ip_overhead_bytes",
  "net.sent_tracker_bytes",
  "net.recv_tracker_bytes",
  "net.recv_failed_bytes",
  "net.recv_redundant_bytes",
  "net.has_incoming_connections",
  "net.limiter_up_bytes",
  "net.limiter_down_bytes",
  "peer.num_peers_connected",
  "peer.num_peers_half_open",
  "peer.num_tcp_peers",
  "peer.num_utp_peers",
  "peer.num_peers_up_unchoked",
  "peer.num_peers_down_unchoked",
  "peer.num_peers_up_interested",
  "peer.num_peers_down_interested",
  "peer.num_banned_peers",
  "peer.connection_attempts",
  "peer.incoming_connections",
  "peer.piece_requests",
  "peer.piece_rejects",
  "ses.num_checking_torrents",
  "ses.num_stopped_torrents",
  "ses.num_upload_only_torrents",
  "ses.num_downloading_torrents",
  "ses.num_seeding_torrents",
  "ses.num_queued_seeding_torrents",
  "ses.num_queued_download_torrents",
  "ses.num_error_torrents",
  "ses.num_piece_passed",
  "ses.num_piece_failed",
  "ses.num_incoming_pex",
  "ses.num_outgoing_pex",
  "ses.num_incoming_metadata",
  "disk.num_blocks_read",
  "disk.num_blocks_written",
  "disk.num_read_ops",
  "disk.num_write_ops",
  "disk.num_blocks_hashed",
  "disk.queued_disk_jobs",
  "disk.queued_write_bytes",
  "disk.disk_job_time",
  "dht.dht_nodes",
  "dht.dht_node_cache",
  "dht.dht_torrents",
  "dht.dht_bytes_in",
  "dht.dht_bytes_out",
  "tracker.num_queued_tracker_announces",
  "payload_download_rate",
  "payload_upload_rate",
  "download_rate",
  "upload_rate",
  "dht_download_rate",
  "dht_upload_rate",
  "ip_overhead_download_rate",
  "ip_overhead_upload_rate",
  "tracker_download_rate",
  "tracker_upload_rate",
];

/** The answer of `torrentsStatus`. */
export interface TorrentsStatus {
  /**
   * True when every torrent carries every requested key: no diff was asked, the transport is
   * shared (deluge-web), or this diff was the first on a new daemon connection.
   */
  readonly full: boolean;
  /**
   * Every torrent now in the session. In a diff, each holds only the keys whose value changed
   * since the previous diff on the same connection (`{}` when none; plugin keys such as
   * `label` are never diffed and always present); a torrent added since then has all keys.
   */
  readonly torrents: ReadonlyMap<string, Partial<DelugeTorrentStatus>>;
  /**
   * Torrents in the previous answer of this DelugeApi that are gone. Deluge itself reports a
   * removal only by the torrent's absence, in a diff as in a full answer.
   */
  readonly removed: readonly string[];
  /** The daemon-side session that answered (the connection; always 0 through deluge-web). */
  readonly session: number;
}

/** The answer of `torrentsStatusWhere`: some torrents, and the session that answered. */
export interface FilteredStatus {
  /**
   * The torrents the filter selected (unknown ids are left out); in a diff, changed keys only.
   * A new Map for each answer, the caller's to change.
   */
  readonly torrents: ReadonlyMap<string, Partial<DelugeTorrentStatus>>;
  /** The daemon-side session that answered: a diff is only ours if it is the one we listen to. */
  readonly session: number;
}

/**
 * A `core.get_torrents_status` filter as Deluge 2.0.3's `FilterManager.filter_torrent_ids` reads
 * it: `id` (torrent ids; unknown ones are skipped), `state` ("Active": a payload rate above 0,
 * read from the status libtorrent last posted, before the call refreshes it; any other value: that
 * state). Several fields select the torrents that match all of them; `{"state": ["Active",
 * "Paused"]}` is Active AND Paused, not either.
 */
export interface StatusFilter {
  readonly id?: readonly string[];
  readonly state?: string;
}

/**
 * How `torrentsStatus` asks for a whole list in parts. A single answer of 100,000 torrents is
 * one frame that the daemon builds whole before sending a byte and that is decoded at once; in
 * parts, the daemon builds the next while we decode this one, and progress shows as it goes.
 */
export interface ChunkedStatusOptions {
  /** Torrents per call (daemon RPC only; deluge-web gets one call). */
  readonly chunk?: number;
  /** Told after each part: torrents so far, of how many the daemon listed. */
  readonly onProgress?: (loaded: number, total: number) => void;
}

/** Calls of a chunked list in flight at once: the daemon works on one while we decode another. */
const CHUNKS_IN_FLIGHT = 2;

/** A torrent `removeTorrents` could not remove. */
export interface RemoveFailure {
  readonly id: string;
  readonly error: string;
}

/** The calls the Deluge source makes. */
export interface DelugeApi {
  /** Where calls go, fit for messages. */
  readonly endpoint: string;
  /** Bytes received so far, on the wire. */
  readonly bytesReceived: number;
  /**
   * `core.get_torrents_status({}, keys, diff)`. `diff` is honoured only on a dedicated daemon
   * connection; deluge-web always gets full answers (its daemon connection is shared, and
   * Deluge keeps one diff state per connection). Calls are serialized. With `chunk`, on the
   * daemon RPC: the ids first (`core.get_session_state`), then their status by id, `chunk` at a
   * time, a few calls in flight (see `ChunkedStatusOptions`).
   */
  torrentsStatus(
    keys: readonly TorrentKey[],
    options: { readonly diff?: boolean; readonly signal?: AbortSignal } & ChunkedStatusOptions,
  ): Promise<TorrentsStatus>;
  /**
   * `core.get_torrents_status(filter, keys, diff)` for some torrents. Unlike `torrentsStatus` it
   * leaves the previous full answer (and what `removed` is computed against) alone. Daemon RPC
   * only for `diff`: through deluge-web the answer is complete for the torrents it names.
   */
  torrentsStatusWhere(
    filter: StatusFilter,
    keys: readonly TorrentKey[],
    options: { readonly diff?: boolean; readonly signal?: AbortSignal },
  ): Promise<FilteredStatus>;
  /**
   * `daemon.set_event_interest(names)` on the daemon RPC connection (opening one if needed);
   * resolves to the session (connection) that now sends those events.
   */
  setEventInterest(names: readonly string[], signal?: AbortSignal): Promise<number>;
  /** Makes the next `torrentsStatus` full (a new daemon connection, so a fresh diff state). */
  resync(): void;
  /** `core.get_session_status(keys)`: the keys the daemon knows, as numbers. */
  sessionStatus(keys: readonly string[], signal?: AbortSignal): Promise<Record<string, number>>;
  /** `core.get_free_space(path)`: free bytes at `path` (default download location), undefined if invalid. */
  freeSpace(path: string | undefined, signal?: AbortSignal): Promise<number | undefined>;
  /** `daemon.get_version`, e.g. `2.0.3`. */
  daemonVersion(signal?: AbortSignal): Promise<string>;
  /** `core.get_libtorrent_version`, e.g. `2.0.8.0`. */
  libtorrentVersion(signal?: AbortSignal): Promise<string>;
  /** `core.get_enabled_plugins`, e.g. `["Label"]`. */
  enabledPlugins(signal?: AbortSignal): Promise<string[]>;
  /** `core.get_filter_tree()`: torrent counts by `state`, `tracker_host`, `owner` (and `label`). */
  filterTree(signal?: AbortSignal): Promise<Record<string, Array<[string, number]>>>;
  /** `core.remove_torrents(ids, remove_data)`: the ones that failed (unknown ids). */
  removeTorrents(
    ids: readonly string[],
    removeData: boolean,
    signal?: AbortSignal,
  ): Promise<RemoveFailure[]>;
  close(): void;
}

/** The calls of DelugeApi over any transport. */
export class RpcDelugeApi implements DelugeApi {
  readonly #transport: DelugeTransport;
  #previousIds: ReadonlySet<string> = new Set();
  #diffSession: number | undefined;
  readonly #statusCalls = new CallQueue();

  constructor(transport: DelugeTransport) {
    this.#transport = transport;
  }

  get endpoint(): string {
    return this.#transport.endpoint;
  }

  get bytesReceived(): number {
    return this.#transport.bytesReceived;
  }

  torrentsStatus(
    keys: readonly TorrentKey[],
    options: { readonly diff?: boolean; readonly signal?: AbortSignal } & ChunkedStatusOptions,
  ): Promise<TorrentsStatus> {
    if (keys.length === 0) {
      // Deluge reads [] as "every key", files and peers included.
      return Promise.reject(new TypeError("torrentsStatus needs at least one key"));
    }
    const run = () => this.#torrentsStatus(keys, options);
    return this.#statusCalls.run(run);
  }

  async #torrentsStatus(
    keys: readonly TorrentKey[],
    options: { readonly diff?: boolean; readonly signal?: AbortSignal } & ChunkedStatusOptions,
  ): Promise<TorrentsStatus> {
    const diff = (options.diff ?? false) && this.#transport.dedicated;
    const chunk = this.#transport.kind === "daemon" ? options.chunk : undefined;
    let answer: { readonly session: number; readonly torrents: TorrentMap };
    try {
      answer =
        chunk === undefined
          ? await this.#wholeStatus(keys, diff, options.signal)
          : await this.#chunkedStatus(keys, diff, chunk, options);
    } catch (error) {
      // The daemon may have advanced its diff state without our seeing the answer.
      if (diff) this.resync();
      throw error;
    }
    try {
      const full = !diff || answer.session !== this.#diffSession;
      const torrents = answer.torrents;
      const previous = this.#previousIds;
      // Its ids only: keeping the answer itself would keep every torrent's status dict (100 MB
      // at 100,000 torrents) until the next whole list, minutes later.
      this.#previousIds = new Set(torrents.keys());
      if (diff) this.#diffSession = answer.session;
      let removed: string[] | undefined;
      // Worked out only when read: the source's sync finds removals itself.
      return {
        full,
        torrents,
        session: answer.session,
        get removed() {
          removed ??= [...previous].filter((id) => !torrents.has(id));
          return removed;
        },
      };
    } catch (error) {
      if (diff) this.resync();
      throw error;
    }
  }

  async #wholeStatus(
    keys: readonly TorrentKey[],
    diff: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ session: number; torrents: TorrentMap }> {
    const answer = await this.#transport.request(STATUS_METHOD, [{}, keys, diff], {}, signal, {
      resultAsMap: true,
    });
    return { session: answer.session, torrents: parseTorrents(this.endpoint, answer.result) };
  }

  /**
   * Every torrent's status by id, `chunk` ids a call, all on one connection (else the diff
   * states of the parts differ: SourceConnectionError). A torrent added after the id list is
   * not in the answer (its TorrentAddedEvent names it); one removed is skipped by the daemon.
   */
  async #chunkedStatus(
    keys: readonly TorrentKey[],
    diff: boolean,
    chunk: number,
    options: { readonly signal?: AbortSignal } & ChunkedStatusOptions,
  ): Promise<{ session: number; torrents: TorrentMap }> {
    if (!Number.isSafeInteger(chunk) || chunk < 1)
      throw new TypeError(`chunk must be a whole number of at least 1, got ${chunk}`);
    const { signal, onProgress } = options;
    const listed = await this.#transport.request(SESSION_STATE_METHOD, [], {}, signal);
    const ids = expectIds(this.endpoint, listed.result);
    const torrents: TorrentMap = new Map();
    const part = async (from: number) => {
      const answer = await this.#transport.request(
        STATUS_METHOD,
        [{ id: ids.slice(from, from + chunk) }, keys, diff],
        {},
        signal,
        { resultAsMap: true },
      );
      if (answer.session !== listed.session)
        throw new SourceConnectionError(
          `${this.endpoint}: ${STATUS_METHOD}: the connection to the daemon dropped during a list in parts`,
        );
      return answer.result;
    };
    // The calls go out ahead; their answers are taken in order.
    const inFlight: Array<Promise<unknown>> = [];
    let next = 0;
    const send = () => {
      if (next >= ids.length) return;
      const call = part(next);
      call.catch(() => {}); // awaited below, or abandoned after an earlier part failed
      inFlight.push(call);
      next += chunk;
    };
    for (let i = 0; i < CHUNKS_IN_FLIGHT; i++) send();
    while (inFlight.length > 0) {
      const result = await (inFlight.shift() as Promise<unknown>);
      send();
      parseTorrents(this.endpoint, result).forEach((status, id) => {
        torrents.set(id, status);
      });
      onProgress?.(torrents.size, ids.length);
    }
    return { session: listed.session, torrents };
  }

  torrentsStatusWhere(
    filter: StatusFilter,
    keys: readonly TorrentKey[],
    options: { readonly diff?: boolean; readonly signal?: AbortSignal },
  ): Promise<FilteredStatus> {
    if (keys.length === 0)
      return Promise.reject(new TypeError("torrentsStatusWhere needs at least one key"));
    const run = async (): Promise<FilteredStatus> => {
      const diff = (options.diff ?? false) && this.#transport.dedicated;
      const wire: Record<string, RencodeValue> = {};
      if (filter.id !== undefined) wire.id = [...filter.id];
      if (filter.state !== undefined) wire.state = filter.state;
      let answer: TransportResult;
      try {
        answer = await this.#transport.request(
          STATUS_METHOD,
          [wire, keys, diff],
          {},
          options.signal,
          { resultAsMap: true },
        );
        return { torrents: parseTorrents(this.endpoint, answer.result), session: answer.session };
      } catch (error) {
        if (diff) this.resync();
        throw error;
      }
    };
    return this.#statusCalls.run(run);
  }

  async setEventInterest(names: readonly string[], signal?: AbortSignal): Promise<number> {
    const method = "daemon.set_event_interest";
    const { result, session } = await this.#transport.request(method, [[...names]], {}, signal);
    if (result !== true) throw shapeError(this.endpoint, method, `True, got ${describe(result)}`);
    return session;
  }

  resync(): void {
    this.#diffSession = undefined;
    if (this.#transport.dedicated) this.#transport.reset();
  }

  async sessionStatus(keys: readonly string[], signal?: AbortSignal) {
    if (keys.length === 0) throw new TypeError("sessionStatus needs at least one key");
    const method = "core.get_session_status";
    const result = await this.#call(method, [keys], signal);
    const dict = expectDict(this.endpoint, method, result);
    const out: Record<string, number> = {};
    for (const key of keys) {
      if (!Object.hasOwn(dict, key)) continue;
      out[key] = expectNumber(this.endpoint, method, key, dict[key]);
    }
    return out;
  }

  async freeSpace(path: string | undefined, signal?: AbortSignal) {
    const method = "core.get_free_space";
    const result = await this.#call(method, path === undefined ? [] : [path], signal);
    // Deluge answers -1 for a path it cannot stat.
    return knownFreeSpace(expectNumber(this.endpoint, method, "result", result));
  }

  async daemonVersion(signal?: AbortSignal) {
    return expectString(
      this.endpoint,
      "daemon.get_version",
      await this.#call("daemon.get_version", [], signal),
    );
  }

  async libtorrentVersion(signal?: AbortSignal) {
    const method = "core.get_libtorrent_version";
    return expectString(this.endpoint, method, await this.#call(method, [], signal));
  }

  async enabledPlugins(signal?: AbortSignal) {
    const method = "core.get_enabled_plugins";
    const result = await this.#call(method, [], signal);
    if (!Array.isArray(result) || !result.every((p) => typeof p === "string"))
      throw shapeError(this.endpoint, method, "a list of plugin names");
    return result as string[];
  }

  async filterTree(signal?: AbortSignal) {
    const method = "core.get_filter_tree";
    const dict = expectDict(this.endpoint, method, await this.#call(method, [], signal));
    const out: Record<string, Array<[string, number]>> = {};
    for (const [field, entries] of Object.entries(dict)) {
      if (!Array.isArray(entries)) throw shapeError(this.endpoint, method, `a list for ${field}`);
      out[field] = entries.map((entry) => {
        if (!Array.isArray(entry) || typeof entry[0] !== "string")
          throw shapeError(this.endpoint, method, `(value, count) pairs for ${field}`);
        return [entry[0], expectNumber(this.endpoint, method, field, entry[1])];
      });
    }
    return out;
  }

  async removeTorrents(ids: readonly string[], removeData: boolean, signal?: AbortSignal) {
    const method = "core.remove_torrents";
    const result = await this.#call(method, [ids, removeData], signal);
    if (!Array.isArray(result)) throw shapeError(this.endpoint, method, "a list of failures");
    return result.map((entry): RemoveFailure => {
      if (!Array.isArray(entry) || typeof entry[0] !== "string")
        throw shapeError(this.endpoint, method, "(torrent id, error) pairs");
      return { id: entry[0], error: String(entry[1]) };
    });
  }

  close(): void {
    this.#transport.close();
  }

  async #call(method: string, args: readonly RencodeValue[], signal?: AbortSignal) {
    return (await this.#transport.request(method, args, {}, signal)).result;
  }
}

const STATUS_METHOD = "core.get_torrents_status";
/** The ids of the torrents the account sees (Deluge 2.0.3: `TorrentManager.get_torrent_list`). */
const SESSION_STATE_METHOD = "core.get_session_state";

type TorrentMap = Map<string, Partial<DelugeTorrentStatus>>;

/** The answer of `core.get_session_state`: torrent ids. */
function expectIds(endpoint: string, result: unknown): string[] {
  if (!Array.isArray(result) || !result.every((id) => typeof id === "string"))
    throw shapeError(endpoint, SESSION_STATE_METHOD, "a list of torrent ids");
  return result as string[];
}

/**
 * The torrents of a `core.get_torrents_status` answer: a Map from the daemon RPC (checked and
 * kept, no copy) or a plain object from deluge-web.
 */
function parseTorrents(
  endpoint: string,
  result: unknown,
): Map<string, Partial<DelugeTorrentStatus>> {
  if (result instanceof Map) {
    const torrents = result as Map<unknown, unknown>;
    for (const id of torrents.keys()) {
      const status = torrents.get(id);
      if (typeof id !== "string")
        throw shapeError(endpoint, STATUS_METHOD, `torrent ids as strings, got ${describe(id)}`);
      const checked = torrentStatus(endpoint, id, status);
      // Replacing the value of a key already visited is safe while iterating.
      if (checked !== status) torrents.set(id, checked);
    }
    return torrents as Map<string, Partial<DelugeTorrentStatus>>;
  }
  const dict = expectDict(endpoint, STATUS_METHOD, result);
  const torrents = new Map<string, Partial<DelugeTorrentStatus>>();
  for (const id of Object.keys(dict)) torrents.set(id, torrentStatus(endpoint, id, dict[id]));
  return torrents;
}

/** One torrent's status dict, as it is when fit (every unchanged torrent of a diff), else a checked copy. */
function torrentStatus(
  endpoint: string,
  id: string,
  status: unknown,
): Partial<DelugeTorrentStatus> {
  if (
    status === null ||
    typeof status !== "object" ||
    Array.isArray(status) ||
    status instanceof Map
  )
    throw shapeError(endpoint, STATUS_METHOD, `a status dict for torrent ${id.slice(0, 40)}`);
  if (wellTyped(status as Record<string, unknown>)) return status as Partial<DelugeTorrentStatus>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(status)) {
    const type = TORRENT_KEY_TYPES[key as TorrentKey] as string | undefined;
    if (type === undefined) continue;
    if (type === "number") out[key] = expectNumber(endpoint, STATUS_METHOD, key, value);
    else if (typeof value === type) out[key] = value;
    else throw shapeError(endpoint, STATUS_METHOD, `a ${type} for ${key}, got ${describe(value)}`);
  }
  return out as Partial<DelugeTorrentStatus>;
}

/** Whether every key of a status dict is one we know, with the type we expect. */
function wellTyped(status: Record<string, unknown>): boolean {
  for (const key in status) {
    if (!Object.hasOwn(TORRENT_KEY_TYPES, key)) return false;
    if (typeof status[key] !== TORRENT_KEY_TYPES[key as TorrentKey]) return false;
  }
  return true;
}

function expectDict(endpoint: string, method: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Map)
    throw shapeError(endpoint, method, `a dict with string keys, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function expectNumber(endpoint: string, method: string, key: string, value: unknown): number {
  // Counters beyond 2^53 arrive as bigint; a double is precise enough for an exporter.
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  throw shapeError(endpoint, method, `a number for ${key}, got ${describe(value)}`);
}

function expectString(endpoint: string, method: string, value: unknown): string {
  if (typeof value !== "string")
    throw shapeError(endpoint, method, `a string, got ${describe(value)}`);
  return value;
}

function shapeError(endpoint: string, method: string, expected: string): SourceProtocolError {
  return new SourceProtocolError(`${endpoint}: ${method}: expected ${expected}`);
}

function describe(value: unknown): string {
  if (value === null) return "None";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Map) return "a dict with non-string keys";
  if (value instanceof Uint8Array) return "bytes";
  return typeof value;
}
