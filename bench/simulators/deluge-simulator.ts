// A deluged 2.0.3 daemon-RPC SIMULATOR for benchmarks: TLS, Deluge's framing and rencode, N torrents, most quiet, a few moving.
// It exists only because 100,000 real torrents cannot be had here; tests use the real deluged.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { deflateSync, inflateSync } from "node:zlib";
import {
  type RencodeObject,
  type RencodeValue,
  rdecode,
  rencode,
} from "../../packages/exporter/src/sources/deluge/rencode.ts";
import { mulberry32, type Random } from "../../packages/testbed/src/prng.ts";
import { simulatedTorrent } from "../torrent-labels.ts";

/** What to simulate. */
export interface DelugeSimulatorOptions {
  readonly torrents: number;
  /**
   * Share of torrents moving payload (a rate above 0) at any time; each tick every one of them
   * moves (rates, totals, peers), a tenth of them go quiet and as many quiet ones start moving.
   */
  readonly churn: number;
  /**
   * Changes to QUIET torrents per tick, as a share of all torrents (default 0.0005: 50 a tick at
   * 100,000): paused, resumed, errored, finished, removed, added, a tracker error, and (with
   * `silent`) changes Deluge emits no event for.
   */
  readonly quietChanges?: number;
  /**
   * Also make changes to quiet torrents that no event announces and no payload rate shows: peers
   * connected without payload moving (`num_seeds`/`num_peers`), a label set (default true).
   */
  readonly silent?: boolean;
  /**
   * Ticks only when `advance` is called (tests); by default one tick per
   * `core.get_session_status` call: every exporter poll makes exactly one, after its torrent calls.
   */
  readonly manualTicks?: boolean;
  /** Seed of the changes (default 1). */
  readonly seed?: number;
  /** Milliseconds, monotonic (default `performance.now`): when libtorrent last posted status. */
  readonly now?: () => number;
  /** The account `daemon.login` accepts (default seedwatch / sim-password), auth level 10. */
  readonly username?: string;
  readonly password?: string;
}

/** What the simulator does with requests after login, to stand in for a broken daemon in tests. */
export type SimulatorMisbehaviour = "none" | "garbage-frame" | "wrong-version";

const LABELS = ["movies", "tv", "music", "games", ""];
const STATES = [
  "Seeding",
  "Seeding",
  "Seeding",
  "Seeding",
  "Seeding",
  "Seeding",
  "Seeding",
  "Downloading",
  "Paused",
  "Queued",
];
const PLUGIN_KEYS = new Set(["label"]);
const PIECE = 4 * 2 ** 20;
const NOW = 1_800_000_000;
/** `torrentmanager.torrents_status_update`: status younger than this is served from the cache. */
const STATUS_CACHE_MS = 1500;

interface SimTorrent {
  readonly hash: string;
  readonly name: string;
  readonly size: number;
  readonly trackerUrl: string;
  label: string;
  state: string;
  done: number;
  uploaded: number;
  upRate: number;
  downRate: number;
  peers: number;
  seeds: number;
  seedingTime: number;
  completedTime: number;
  message: string;
  trackerStatus: string;
  /** A tracker answered since the torrent started (Deluge's `tracker` is "" until then). */
  announced: boolean;
}

interface Session {
  readonly id: number;
  readonly socket: TLSSocket;
  authenticated: boolean;
  /** `Torrent.prev_status[session_id]`: what the last diff on this connection said, by torrent. */
  readonly prev: Map<string, Record<string, RencodeValue>>;
  /** `daemon.set_event_interest`. */
  interest: Set<string>;
}

/**
 * Answers what an exporter asks deluged, over a TLS socket with Deluge's framing
 * (`[1][u32 length][zlib(rencode(...))]`): `daemon.login` (with `client_version`),
 * `daemon.info`/`get_version`, `daemon.set_event_interest` (then RPC_EVENTs `[3, name, args]` on
 * that connection), `core.get_torrents_status(filter, keys, diff)`, `core.get_session_state`,
 * `core.get_session_status`,
 * `core.get_free_space`, `core.get_libtorrent_version`, `core.get_enabled_plugins`,
 * `core.remove_torrents`. Floats go out as float32, as Deluge's do.
 *
 * As Deluge 2.0.3 does (read in its source, checked on the real daemon in the contract tests):
 * - filters (`FilterManager.filter_torrent_ids`): `id` (unknown ids skipped); `state: "Active"`
 *   selects torrents with a payload rate above 0 *in the status libtorrent last posted*, which is
 *   refreshed only after filtering and only if older than 1.5 s; other fields select by value;
 *   several fields (or "Active" with another state) intersect.
 * - `diff=True` (`Torrent.get_status`): per torrent and per connection, the keys whose value
 *   differs from what the last diff on this connection said of that torrent (all of them the
 *   first time); the Label plugin's `label` always.
 * - events: TorrentStateChangedEvent on every state change, TorrentAddedEvent,
 *   TorrentRemovedEvent, TorrentFinishedEvent, TorrentTrackerStatusEvent on every change of
 *   `tracker_status`.
 * - a quiet torrent's status does not move (libtorrent posts no update for it: checked on the
 *   real daemon, `seeding_time` stands still), except where `silent` says.
 * Time moves one tick per `core.get_session_status` call (every exporter poll makes exactly one,
 * after its torrent calls), or per `advance` call; values answered are the live ones.
 */
export class DelugeSimulator {
  readonly #options: DelugeSimulatorOptions;
  readonly #torrents = new Map<string, SimTorrent>();
  /** Torrents moving payload now, and as of the status libtorrent last posted. */
  readonly #moving = new Set<string>();
  #postedMoving = new Set<string>();
  #postedAt = Number.NEGATIVE_INFINITY;
  readonly #session: Record<string, number> = {};
  readonly #sessions = new Set<Session>();
  readonly #random: Random;
  readonly #now: () => number;
  #server: Server | undefined;
  #sessionIds = 0;
  #added = 0;
  #tick = 0;
  /** Set to make every call after login answer with a broken frame. */
  misbehaviour: SimulatorMisbehaviour = "none";

  constructor(options: DelugeSimulatorOptions) {
    this.#options = options;
    this.#random = mulberry32(options.seed ?? 1);
    this.#now = options.now ?? (() => performance.now());
    for (let i = 0; i < options.torrents; i++) this.#add(i, STATES[i % STATES.length] as string);
    this.#added = options.torrents;
    // The moving ones are spread over the started torrents.
    const started = [...this.#torrents.values()].filter(isStarted);
    const want = Math.min(started.length, Math.round(options.torrents * options.churn));
    for (let k = 0; k < want; k++) {
      const t = started[Math.floor((k * started.length) / Math.max(1, want))] as SimTorrent;
      this.#startMoving(t);
    }
    for (const key of SESSION_COUNTERS) this.#session[key] = 0;
    Object.assign(this.#session, {
      "net.sent_bytes": 41_000_000_000_000,
      "net.recv_bytes": 9_100_000_000_000,
      "net.sent_payload_bytes": 40_000_000_000_000,
      "net.recv_payload_bytes": 9_000_000_000_000,
      "peer.num_peers_connected": 40,
      "peer.num_tcp_peers": 30,
      "peer.num_utp_peers": 10,
      "dht.dht_nodes": 312,
    });
  }

  /** Makes a TLS certificate with openssl, as deluged does on first start, and listens on a loopback port. */
  async listen(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "deluge-sim-"));
    try {
      await promisify(execFile)("openssl", [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Deluge"],
        ...["-keyout", join(dir, "daemon.pkey"), "-out", join(dir, "daemon.cert")],
      ]);
      const key = await readFile(join(dir, "daemon.pkey"));
      const cert = await readFile(join(dir, "daemon.cert"));
      this.#server = createServer({ key, cert, minVersion: "TLSv1.2" }, (socket) =>
        this.#serve(socket),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    return `deluge://127.0.0.1:${address.port}`;
  }

  /** Sets the state of the `index`-th torrent (e.g. one no Deluge version has, to test the mapping). */
  setState(index: number, state: string): void {
    const t = [...this.#torrents.values()][index];
    if (t === undefined) throw new RangeError(`no torrent ${index}`);
    this.#setState(t, state);
  }

  /** `core.pause_torrent` of every torrent, as "Pause all" in Deluge's UIs does. */
  pauseAll(): void {
    for (const t of this.#torrents.values()) this.#setState(t, "Paused");
  }

  /** What `core.get_torrents_status({}, keys)` would answer now (no diff), for tests. */
  truth(keys: readonly string[]): Map<string, RencodeObject> {
    const out = new Map<string, RencodeObject>();
    for (const t of this.#torrents.values()) out.set(t.hash, statusOf(t, keys));
    return out;
  }

  /** Torrents now; events sent so far. */
  get size(): number {
    return this.#torrents.size;
  }

  eventsSent = 0;

  close(): void {
    for (const { socket } of this.#sessions) socket.destroy();
    this.#server?.close();
  }

  #serve(socket: TLSSocket): void {
    const session: Session = {
      id: ++this.#sessionIds,
      socket,
      authenticated: false,
      prev: new Map(),
      interest: new Set(),
    };
    this.#sessions.add(session);
    let buffered: Buffer = Buffer.alloc(0);
    socket.on("error", () => {});
    socket.on("close", () => this.#sessions.delete(session));
    socket.on("data", (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 5) {
        const length = buffered.readUInt32BE(1);
        if (buffered.length < 5 + length) return;
        const body = buffered.subarray(5, 5 + length);
        buffered = buffered.subarray(5 + length);
        let calls: RencodeValue;
        try {
          calls = rdecode(inflateSync(body));
        } catch {
          socket.destroy();
          return;
        }
        for (const call of calls as RencodeValue[][]) {
          const [id, method, args, kwargs] = call as [
            number,
            string,
            RencodeValue[],
            RencodeObject,
          ];
          socket.write(this.#answer(session, id, method, args, kwargs));
          if (
            method === "core.get_session_status" &&
            session.authenticated &&
            this.#options.manualTicks !== true
          )
            this.advance();
        }
      }
    });
  }

  #answer(
    session: Session,
    id: number,
    method: string,
    args: readonly RencodeValue[],
    kwargs: RencodeObject,
  ): Buffer {
    const error = (type: string, message: string) =>
      frame([2, id, type, [message], {}, `Traceback: ${type}`]);
    if (method === "daemon.login") {
      if (kwargs.client_version === undefined)
        return error("IncompatibleClient", "Your deluge client is not compatible with the daemon.");
      const [user, password] = args;
      if (user !== (this.#options.username ?? "seedwatch"))
        return error("BadLoginError", "Username does not exist");
      if (password !== (this.#options.password ?? "sim-password"))
        return error("BadLoginError", "Password does not match");
      session.authenticated = true;
      return frame([1, id, 10]);
    }
    if (method === "daemon.info") return frame([1, id, "2.0.3"]);
    if (!session.authenticated) return error("NotAuthorizedError", "Not authenticated");
    if (this.misbehaviour === "garbage-frame") {
      const junk = Buffer.from("this is not zlib at all");
      const head = Buffer.alloc(5);
      head[0] = 1;
      head.writeUInt32BE(junk.length, 1);
      return Buffer.concat([head, junk]);
    }
    if (this.misbehaviour === "wrong-version") return frame([1, id, 0], 2);
    switch (method) {
      case "daemon.get_version":
        return frame([1, id, "2.0.3"]);
      case "daemon.set_event_interest":
        for (const name of args[0] as string[]) session.interest.add(name);
        return frame([1, id, true]);
      case "core.get_libtorrent_version":
        return frame([1, id, "2.0.8.0"]);
      case "core.get_enabled_plugins":
        return frame([1, id, ["Label"]]);
      case "core.get_free_space":
        return frame([1, id, 2_000_000_000_000]);
      case "core.get_session_status":
        return frame([1, id, this.#sessionStatus(args[0] as readonly string[])]);
      case "core.get_session_state":
        // `TorrentManager.get_torrent_list`: every id, for an admin account (ours is one).
        return frame([1, id, [...this.#torrents.keys()]]);
      case "core.get_torrents_status":
        return frame([
          1,
          id,
          this.#torrentsStatus(
            session,
            (args[0] ?? {}) as RencodeObject,
            (args[1] ?? []) as readonly string[],
            (args[2] ?? kwargs.diff ?? false) === true,
          ),
        ]);
      case "core.remove_torrents":
        return frame([1, id, this.#removeTorrents(args[0] as readonly string[])]);
      default:
        return error("WrappedException", `RPC call on invalid function: ${method}`);
    }
  }

  #sessionStatus(keys: readonly string[]): RencodeObject {
    const out: Record<string, RencodeValue> = {};
    for (const key of keys.length === 0 ? Object.keys(this.#session) : keys) {
      const value = this.#session[key];
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** `Core.get_torrents_status`: filter, then refresh the posted status if stale, then answer. */
  #torrentsStatus(
    session: Session,
    filter: RencodeObject,
    keys: readonly string[],
    diff: boolean,
  ): RencodeObject {
    const ids = this.#filter(filter);
    if (this.#now() - this.#postedAt >= STATUS_CACHE_MS) {
      this.#postedMoving = new Set(this.#moving);
      this.#postedAt = this.#now();
    }
    const all = keys.length === 0;
    const torrentKeys = keys.filter((key) => !PLUGIN_KEYS.has(key));
    const pluginKeys = keys.filter((key) => PLUGIN_KEYS.has(key));
    const out: Record<string, RencodeValue> = {};
    for (const hash of ids) {
      const t = this.#torrents.get(hash);
      if (t === undefined) continue; // `handle_torrents_status_callback` skips unknown ids
      const status = (all ? fullStatus(t) : statusOf(t, torrentKeys)) as Record<
        string,
        RencodeValue
      >;
      let answer: Record<string, RencodeValue> = { ...status };
      if (diff) {
        const prev = session.prev.get(hash);
        if (prev !== undefined) {
          answer = {};
          for (const key in status)
            if (status[key] !== prev[key]) answer[key] = status[key] as RencodeValue;
        }
        session.prev.set(hash, status);
      }
      if (!all) for (const key of pluginKeys) answer[key] = keyValue(t, key) as RencodeValue;
      out[hash] = answer;
    }
    return out;
  }

  /** `FilterManager.filter_torrent_ids`. */
  #filter(filter: RencodeObject): Iterable<string> {
    const fields = new Map<string, RencodeValue[]>();
    for (const [key, value] of Object.entries(filter))
      fields.set(key, typeof value === "string" ? [value] : [...(value as RencodeValue[])]);
    if (fields.size === 0) return this.#torrents.keys();
    let ids: string[] = fields.has("id")
      ? (fields.get("id") as string[])
      : [...this.#torrents.keys()];
    fields.delete("id");
    const states = fields.get("state");
    if (states?.includes("Active")) {
      states.splice(states.indexOf("Active"), 1);
      if (states.length === 0) fields.delete("state");
      ids = ids.filter((hash) => this.#postedMoving.has(hash));
    }
    for (const [field, values] of fields) {
      ids = ids.filter((hash) => {
        const t = this.#torrents.get(hash);
        return t !== undefined && values.includes(keyValue(t, field) as RencodeValue);
      });
    }
    return ids;
  }

  /** One poll interval of a big box: the moving torrents move, a few quiet ones change. */
  advance(): void {
    const seq = ++this.#tick;
    const rotate = Math.round(this.#moving.size / 10);
    const stopping = [...this.#moving].slice(0, rotate);
    for (const hash of stopping) this.#stopMoving(this.#torrents.get(hash) as SimTorrent);
    for (let k = 0, tries = 0; k < rotate && tries < rotate * 20; tries++) {
      const t = this.#pick();
      if (t === undefined || !isStarted(t) || this.#moving.has(t.hash)) continue;
      this.#startMoving(t);
      k++;
    }
    let k = 0;
    for (const hash of this.#moving) {
      const t = this.#torrents.get(hash) as SimTorrent;
      k++;
      t.upRate = 1 + ((seq * 7919 + k) % 2_000_000);
      t.uploaded += t.upRate * 10;
      t.peers = 1 + ((seq + k) % 7);
      if (t.state === "Downloading") {
        t.downRate = 1 + ((seq * 104_729 + k) % 5_000_000);
        t.done = Math.min(t.size, t.done + t.downRate * 10);
        if (t.done === t.size) this.#finish(t);
      } else {
        t.seedingTime += 10;
      }
    }
    const changes = Math.round(this.#options.torrents * (this.#options.quietChanges ?? 0.0005));
    for (let c = 0; c < changes; c++) this.#quietChange();
    this.#session["net.sent_payload_bytes"] =
      (this.#session["net.sent_payload_bytes"] ?? 0) + 1_000_000;
    this.#session["net.sent_bytes"] = (this.#session["net.sent_bytes"] ?? 0) + 1_050_000;
    this.#session.payload_upload_rate = (seq * 31) % 50_000_000;
  }

  /** One change to a quiet torrent, of a kind drawn at random. */
  #quietChange(): void {
    const kinds = this.#options.silent === false ? 7 : 9;
    const kind = Math.floor(this.#random() * kinds);
    if (kind === 5) {
      const t = this.#add(this.#added++, this.#random() < 0.5 ? "Seeding" : "Paused");
      this.#emit("TorrentAddedEvent", [t.hash, false]);
      this.#emit("TorrentStateChangedEvent", [t.hash, t.state]);
      return;
    }
    const t = this.#pick();
    if (t === undefined) return;
    // Most changes go to quiet torrents, as most torrents are; the silent ones only can.
    if (this.#moving.has(t.hash) && (kind >= 6 || kind === 3)) return;
    switch (kind) {
      case 0: // paused
        if (isStarted(t) || t.state === "Error") this.#setState(t, "Paused");
        return;
      case 1: // resumed (or an error cleared by a resume)
        if (t.state === "Paused" || t.state === "Error" || t.state === "Queued") {
          t.message = "OK";
          this.#setState(t, t.done === t.size ? "Seeding" : "Downloading");
        }
        return;
      case 2: // a storage error
        t.message = "No such file or directory";
        this.#setState(t, "Error");
        return;
      case 3: // finished while nothing was moving at poll time
        if (t.state === "Downloading") this.#finish(t);
        return;
      case 4:
        this.#removeTorrents([t.hash]);
        return;
      case 6: // a tracker error, or the tracker answering again
        this.#setTrackerStatus(
          t,
          t.trackerStatus.startsWith("Error") ? "Announce OK" : "Error: unregistered torrent",
        );
        return;
      case 7: // peers connected, no payload moving: libtorrent posts it, no event
        t.seeds = (t.seeds + 1) % 4;
        t.peers = (t.peers + 1) % 3;
        return;
      case 8: // a label set: the Label plugin emits nothing
        t.label = LABELS[Math.floor(this.#random() * LABELS.length)] as string;
        return;
    }
  }

  #pick(): SimTorrent | undefined {
    // Torrents are picked by their index in the initial list (or later additions).
    const index = Math.floor(this.#random() * this.#added);
    return this.#torrents.get(simulatedTorrent(index).hash);
  }

  #add(index: number, state: string): SimTorrent {
    const { hash, name, tracker, size } = simulatedTorrent(index);
    const seeding = state === "Seeding" || state === "Queued";
    const t: SimTorrent = {
      hash,
      name,
      size,
      // A private tracker gives each user one passkey: every torrent of a tracker shares its URL.
      trackerUrl: `https://${tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`,
      label: LABELS[index % LABELS.length] as string,
      state,
      done: seeding ? size : Math.floor(size / 2),
      uploaded: Math.floor(size * 1.25),
      upRate: 0,
      downRate: 0,
      peers: 0,
      seeds: 0,
      seedingTime: seeding ? 86_400 : 0,
      completedTime: seeding ? NOW - 60 : 0,
      message: "OK",
      trackerStatus: isStarted({ state } as SimTorrent) ? "Announce OK" : "",
      announced: isStarted({ state } as SimTorrent),
    };
    this.#torrents.set(hash, t);
    return t;
  }

  #startMoving(t: SimTorrent): void {
    this.#moving.add(t.hash);
    t.upRate = 1 + (t.size % 100_000);
    if (t.state === "Downloading") t.downRate = 1 + (t.size % 300_000);
  }

  #stopMoving(t: SimTorrent): void {
    this.#moving.delete(t.hash);
    t.upRate = 0;
    t.downRate = 0;
    t.peers = 0;
  }

  #finish(t: SimTorrent): void {
    t.done = t.size;
    t.completedTime = NOW + this.#tick * 10;
    t.downRate = 0;
    this.#emit("TorrentFinishedEvent", [t.hash]);
    this.#setState(t, "Seeding");
  }

  #setState(t: SimTorrent, state: string): void {
    if (t.state === state) return;
    t.state = state;
    if (!isStarted(t)) this.#stopMoving(t);
    this.#emit("TorrentStateChangedEvent", [t.hash, state]);
  }

  #setTrackerStatus(t: SimTorrent, status: string): void {
    if (t.trackerStatus === status) return;
    t.trackerStatus = status;
    t.announced ||= status === "Announce OK";
    this.#emit("TorrentTrackerStatusEvent", [t.hash, status]);
  }

  #emit(name: string, args: RencodeValue[]): void {
    for (const session of this.#sessions) {
      if (!session.interest.has(name)) continue;
      session.socket.write(frame([3, name, args]));
      this.eventsSent++;
    }
  }

  #removeTorrents(ids: readonly string[]): RencodeValue[] {
    const failures: RencodeValue[] = [];
    for (const id of ids) {
      const t = this.#torrents.get(id);
      if (t === undefined) {
        failures.push([id, `torrent_id ${id} not in session.`]);
        continue;
      }
      this.#torrents.delete(id);
      this.#moving.delete(id);
      for (const session of this.#sessions) session.prev.delete(id);
      this.#emit("TorrentRemovedEvent", [id]);
    }
    return failures;
  }
}

function isStarted(t: SimTorrent): boolean {
  return t.state === "Seeding" || t.state === "Downloading";
}

/** The status keys as Deluge 2.0.3 names them, for a key list. */
function statusOf(t: SimTorrent, keys: readonly string[]): RencodeObject {
  const out: Record<string, RencodeValue> = {};
  for (const key of keys) {
    const value = keyValue(t, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Every key `core.get_torrents_status` gives for an empty key list (73 in 2.0.3; no plugin keys). */
function fullStatus(t: SimTorrent): RencodeObject {
  return statusOf(t, ALL_KEYS);
}

function keyValue(t: SimTorrent, key: string): RencodeValue | undefined {
  const seeding = t.done === t.size;
  const done = t.done;
  const pieces = Math.ceil(t.size / PIECE);
  switch (key) {
    case "hash":
      return t.hash;
    case "name":
      return t.name;
    case "state":
      return t.state;
    case "label":
      return t.label;
    case "message":
      return t.message;
    case "progress":
      return (done / t.size) * 100;
    case "total_size":
    case "total_wanted":
      return t.size;
    case "total_done":
    case "all_time_download":
      return done;
    case "total_remaining":
      return t.size - done;
    case "total_uploaded":
      return t.uploaded;
    case "total_payload_upload":
      return Math.floor(t.uploaded / 10);
    case "total_payload_download":
      return 0;
    case "upload_payload_rate":
      return t.upRate;
    case "download_payload_rate":
      return t.downRate;
    case "ratio":
      return done > 0 ? t.uploaded / done : -1;
    case "tracker":
      // "" until a tracker answered: paused and queued torrents have not announced.
      return t.announced ? t.trackerUrl : "";
    case "tracker_host":
      return t.trackerUrl.split("/")[2]?.split(".").slice(-2).join(".") ?? "";
    case "tracker_status":
      return t.trackerStatus;
    case "trackers":
      return [announceEntry(t.trackerUrl)];
    case "time_added":
      return NOW - (t.size % 1000) * 3600;
    case "completed_time":
      return t.completedTime;
    case "seeding_time":
      return t.seedingTime;
    case "active_time":
      return t.seedingTime + 3600;
    case "download_location":
    case "save_path":
      return "/srv/torrents";
    case "num_seeds":
      return t.seeds;
    case "num_peers":
      return t.peers;
    case "total_seeds":
      return 12;
    case "total_peers":
      return t.peers + 1;
    case "is_finished":
    case "is_seed":
      return seeding;
    case "paused":
      return t.state === "Paused";
    case "queue":
      return seeding ? -1 : 0;
    case "eta":
      return 0;
    case "private":
      return true;
    case "owner":
      return "seedwatch";
    case "files":
      return [{ index: 0, path: `${t.name}/${t.name}.mkv`, size: t.size, offset: 0 }];
    case "orig_files":
      return [{ index: 0, path: `${t.name}/${t.name}.mkv`, size: t.size, offset: 0 }];
    case "file_progress":
      return [done / t.size];
    case "file_priorities":
      return [1];
    case "peers":
      return Array.from({ length: t.peers }, (_, i) => ({
        client: "qBittorrent 4.5.2",
        country: "  ",
        down_speed: 0,
        ip: `10.0.${i}.${(t.size + i) % 250}:51413`,
        progress: 0.5,
        seed: 0,
        up_speed: Math.floor(t.upRate / Math.max(1, t.peers)),
      }));
    case "pieces":
      // Deluge gives piece states only while downloading.
      return t.state === "Downloading"
        ? Array.from({ length: Math.min(pieces, 2000) }, (_, i) => (i % 3 === 0 ? 3 : 0))
        : null;
    case "num_pieces":
      return pieces;
    case "piece_length":
      return PIECE;
    case "num_files":
      return 1;
    case "comment":
    case "creator":
      return "";
    case "distributed_copies":
      return 12.5;
    case "seeds_peers_ratio":
      return 12 / (t.peers + 1);
    case "next_announce":
      return 1800;
    case "seed_rank":
      return 1000;
    case "time_since_transfer":
    case "time_since_upload":
      return t.upRate > 0 ? 0 : 600;
    case "time_since_download":
      return -1;
    case "last_seen_complete":
      return NOW - 60;
    case "finished_time":
      return t.seedingTime;
    case "storage_mode":
      return "sparse";
    case "move_completed_path":
    case "move_on_completed_path":
      return "/srv/done";
    case "max_connections":
    case "max_upload_slots":
    case "max_download_speed":
    case "max_upload_speed":
      return -1;
    case "stop_ratio":
      return 2;
    case "auto_managed":
    case "is_auto_managed":
      return true;
    case "move_completed":
    case "move_on_completed":
    case "prioritize_first_last":
    case "prioritize_first_last_pieces":
    case "remove_at_ratio":
    case "seed_mode":
    case "sequential_download":
    case "shared":
    case "stop_at_ratio":
    case "super_seeding":
      return false;
    default:
      return undefined;
  }
}

/** One libtorrent announce entry as Deluge 2.0.3 sends it (recorded shape). */
function announceEntry(url: string): RencodeObject {
  return {
    url,
    trackerid: "",
    tier: 0,
    fail_limit: 0,
    source: 1,
    verified: true,
    message: "",
    last_error: { value: 0, category: "" },
    next_announce: null,
    min_announce: null,
    scrape_incomplete: 0,
    scrape_complete: 12,
    scrape_downloaded: 340,
    fails: 0,
    updating: false,
    start_sent: true,
    complete_sent: false,
    endpoints: [],
    send_stats: true,
  };
}

/** The 73 keys deluged 2.0.3 answers for an empty key list (recorded). */
const ALL_KEYS: readonly string[] = [
  "active_time",
  "all_time_download",
  "auto_managed",
  "comment",
  "completed_time",
  "creator",
  "distributed_copies",
  "download_location",
  "download_payload_rate",
  "eta",
  "file_priorities",
  "file_progress",
  "files",
  "finished_time",
  "hash",
  "is_auto_managed",
  "is_finished",
  "is_seed",
  "last_seen_complete",
  "max_connections",
  "max_download_speed",
  "max_upload_slots",
  "max_upload_speed",
  "message",
  "move_completed",
  "move_completed_path",
  "move_on_completed",
  "move_on_completed_path",
  "name",
  "next_announce",
  "num_files",
  "num_peers",
  "num_pieces",
  "num_seeds",
  "orig_files",
  "owner",
  "paused",
  "peers",
  "piece_length",
  "pieces",
  "prioritize_first_last",
  "prioritize_first_last_pieces",
  "private",
  "progress",
  "queue",
  "ratio",
  "remove_at_ratio",
  "save_path",
  "seed_mode",
  "seed_rank",
  "seeding_time",
  "seeds_peers_ratio",
  "sequential_download",
  "shared",
  "state",
  "stop_at_ratio",
  "stop_ratio",
  "storage_mode",
  "super_seeding",
  "time_added",
  "time_since_download",
  "time_since_transfer",
  "time_since_upload",
  "total_done",
  "total_payload_download",
  "total_payload_upload",
  "total_peers",
  "total_remaining",
  "total_seeds",
  "total_size",
  "total_uploaded",
  "total_wanted",
  "tracker",
  "tracker_host",
  "tracker_status",
  "trackers",
  "upload_payload_rate",
];

/** Session status keys the simulator answers (a subset of the 303 of 2.0.3; unknown ones are omitted, as there). */
const SESSION_COUNTERS: readonly string[] = [
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
  "peer.num_peers_connected",
  "peer.num_peers_half_open",
  "peer.num_tcp_peers",
  "peer.num_utp_peers",
  "peer.num_peers_up_unchoked_all",
  "peer.num_peers_up_interested",
  "peer.num_peers_up_requests",
  "peer.num_peers_down_requests",
  "peer.num_banned_peers",
  "ses.num_piece_failed",
  "ses.num_outgoing_request",
  "ses.num_incoming_reject",
  "ses.num_incoming_pex",
  "ses.num_outgoing_pex",
  "disk.num_read_ops",
  "disk.num_write_ops",
  "disk.queued_disk_jobs",
  "disk.disk_job_time",
  "disk.queued_write_bytes",
  "dht.dht_nodes",
  "dht.dht_bytes_in",
  "dht.dht_bytes_out",
  "payload_download_rate",
  "payload_upload_rate",
  "download_rate",
  "upload_rate",
];

function frame(message: RencodeValue, version = 1): Buffer {
  const body = deflateSync(rencode(message));
  const head = Buffer.alloc(5);
  head[0] = version;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}
