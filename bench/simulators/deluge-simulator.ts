// A deluged 2.0.3 daemon-RPC SIMULATOR for benchmarks: TLS, Deluge's framing and rencode, N torrents with churn.
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
import { simulatedTorrent } from "../torrent-labels.ts";

/** What to simulate. */
export interface DelugeSimulatorOptions {
  readonly torrents: number;
  /** Fraction of torrents that change before each `core.get_torrents_status` over all torrents. */
  readonly churn: number;
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
/** Keys that move on a busy box. */
const CHURN_KEYS = [
  "upload_payload_rate",
  "download_payload_rate",
  "total_uploaded",
  "total_payload_upload",
  "num_peers",
  "total_peers",
  "ratio",
  "seeding_time",
  "active_time",
  "time_since_transfer",
  "time_since_upload",
  "distributed_copies",
  "seeds_peers_ratio",
];
const PLUGIN_KEYS = new Set(["label"]);
const PIECE = 4 * 2 ** 20;
const NOW = 1_800_000_000;

interface SimTorrent {
  readonly hash: string;
  readonly name: string;
  readonly size: number;
  readonly trackerUrl: string;
  label: string;
  state: string;
  uploaded: number;
  upRate: number;
  downRate: number;
  peers: number;
  seedingTime: number;
  /** Tick of its last change, and of its last state change. */
  seq: number;
  stateSeq: number;
}

interface Session {
  authenticated: boolean;
  /** Tick of the last diff answered on this connection (undefined: none yet). */
  diffSeq: number | undefined;
}

/**
 * Answers what an exporter asks deluged, over a TLS socket with Deluge's framing
 * (`[1][u32 length][zlib(rencode(...))]`): `daemon.login` (with `client_version`),
 * `daemon.info`/`get_version`, `core.get_torrents_status` with a key list or all keys, filters
 * by id, and `diff=True` kept per connection as Deluge does (a new connection's first diff is
 * complete; then changed keys only, `{}` for unchanged torrents, the Label plugin's `label`
 * always); `core.get_session_status`, `core.get_free_space`, `core.get_libtorrent_version`,
 * `core.get_enabled_plugins`, `core.remove_torrents`. Floats go out as float32, as Deluge's do.
 */
export class DelugeSimulator {
  readonly #options: DelugeSimulatorOptions;
  readonly #torrents: SimTorrent[] = [];
  readonly #index = new Map<string, SimTorrent>();
  readonly #session: Record<string, number> = {};
  readonly #sockets = new Set<TLSSocket>();
  #server: Server | undefined;
  #seq = 1;
  #cursor = 0;
  /** Set to make every call after login answer with a broken frame. */
  misbehaviour: SimulatorMisbehaviour = "none";

  constructor(options: DelugeSimulatorOptions) {
    this.#options = options;
    for (let i = 0; i < options.torrents; i++) {
      const { hash, name, tracker, size } = simulatedTorrent(i);
      const state = STATES[i % STATES.length] as string;
      const t: SimTorrent = {
        hash,
        name,
        size,
        // A private tracker gives each user one passkey: every torrent of a tracker shares its URL.
        trackerUrl: `https://${tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`,
        label: LABELS[i % LABELS.length] as string,
        state,
        uploaded: Math.floor(size * 1.25),
        upRate: 0,
        downRate: 0,
        peers: 0,
        seedingTime: 86_400,
        seq: 1,
        stateSeq: 1,
      };
      this.#torrents.push(t);
      this.#index.set(hash, t);
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

  /** Sets a torrent's state (e.g. one no Deluge version has, to test the mapping). */
  setState(index: number, state: string): void {
    const t = this.#torrents[index];
    if (t === undefined) throw new RangeError(`no torrent ${index}`);
    t.state = state;
    t.seq = t.stateSeq = ++this.#seq;
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#server?.close();
  }

  #serve(socket: TLSSocket): void {
    this.#sockets.add(socket);
    const session: Session = { authenticated: false, diffSeq: undefined };
    let buffered: Buffer = Buffer.alloc(0);
    socket.on("error", () => {});
    socket.on("close", () => this.#sockets.delete(socket));
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
      case "core.get_libtorrent_version":
        return frame([1, id, "2.0.8.0"]);
      case "core.get_enabled_plugins":
        return frame([1, id, ["Label"]]);
      case "core.get_free_space":
        return frame([1, id, 2_000_000_000_000]);
      case "core.get_session_status":
        return frame([1, id, this.#sessionStatus(args[0] as readonly string[])]);
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
        return frame([1, id, this.#remove(args[0] as readonly string[])]);
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

  #torrentsStatus(
    session: Session,
    filter: RencodeObject,
    keys: readonly string[],
    diff: boolean,
  ): RencodeObject {
    const ids = Array.isArray(filter.id) ? (filter.id as string[]) : undefined;
    const selected =
      ids === undefined
        ? this.#torrents
        : ids.map((id) => this.#index.get(id)).filter((t) => t !== undefined);
    if (ids === undefined) this.#tick();
    const all = keys.length === 0;
    const out: Record<string, RencodeValue> = {};
    const since = session.diffSeq;
    for (const t of selected) {
      if (!diff || since === undefined) {
        out[t.hash] = all ? fullStatus(t) : statusOf(t, keys);
        continue;
      }
      const changed: string[] = [];
      if (t.seq > since) for (const key of CHURN_KEYS) if (keys.includes(key)) changed.push(key);
      if (t.stateSeq > since && keys.includes("state")) changed.push("state");
      for (const key of keys) if (PLUGIN_KEYS.has(key)) changed.push(key);
      out[t.hash] = statusOf(t, changed);
    }
    if (diff) session.diffSeq = this.#seq;
    return out;
  }

  /** Moves `churn` of the torrents (round robin), as one poll interval of a busy box would. */
  #tick(): void {
    const count = Math.round(this.#torrents.length * this.#options.churn);
    const seq = ++this.#seq;
    for (let k = 0; k < count; k++) {
      const t = this.#torrents[this.#cursor] as SimTorrent;
      this.#cursor = (this.#cursor + 1) % this.#torrents.length;
      t.upRate = t.state === "Seeding" ? (seq * 7919 + k) % 2_000_000 : 0;
      t.downRate = t.state === "Downloading" ? (seq * 104_729 + k) % 5_000_000 : 0;
      t.uploaded += t.upRate * 10;
      t.peers = (seq + k) % 7;
      t.seedingTime += 10;
      t.seq = seq;
    }
    this.#session["net.sent_payload_bytes"] =
      (this.#session["net.sent_payload_bytes"] ?? 0) + 1_000_000;
    this.#session["net.sent_bytes"] = (this.#session["net.sent_bytes"] ?? 0) + 1_050_000;
    this.#session.payload_upload_rate = (seq * 31) % 50_000_000;
  }

  #remove(ids: readonly string[]): RencodeValue[] {
    const failures: RencodeValue[] = [];
    for (const id of ids) {
      const t = this.#index.get(id);
      if (t === undefined) {
        failures.push([id, `torrent_id ${id} not in session.`]);
        continue;
      }
      this.#index.delete(id);
      this.#torrents.splice(this.#torrents.indexOf(t), 1);
    }
    return failures;
  }
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
  const seeding = t.state === "Seeding";
  const done = seeding || t.state === "Queued" ? t.size : Math.floor(t.size / 2);
  const announced = t.state === "Seeding" || t.state === "Downloading";
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
      return "OK";
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
      return announced ? t.trackerUrl : "";
    case "tracker_host":
      return t.trackerUrl.split("/")[2]?.split(".").slice(-2).join(".") ?? "";
    case "tracker_status":
      return announced ? "Announce OK" : "";
    case "trackers":
      return [announceEntry(t.trackerUrl)];
    case "time_added":
      return NOW - (t.size % 1000) * 3600;
    case "completed_time":
      return seeding ? NOW - 60 : 0;
    case "seeding_time":
      return t.seedingTime;
    case "active_time":
      return t.seedingTime + 3600;
    case "download_location":
    case "save_path":
      return "/srv/torrents";
    case "num_seeds":
      return 0;
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
