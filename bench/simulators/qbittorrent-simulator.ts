// A qBittorrent 4.5.2 Web API SIMULATOR for benchmarks: N torrents with real field shapes and churn per poll.
// It exists only because 100,000 real torrents cannot be had here; tests use the real qbittorrent-nox.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { simulatedTorrent } from "../torrent-labels.ts";

/** What to simulate. */
export interface SimulatorOptions {
  readonly torrents: number;
  /** Fraction of torrents that change before each poll (maindata or torrents/info request). */
  readonly churn: number;
  /**
   * Fraction of torrents removed before each poll, each replaced by a new one (default 0): the
   * diff then lists them in `torrents_removed`, the new ones with every field, and the whole
   * hash list of each announce URL whose torrents changed, as qBittorrent's does.
   */
  readonly replace?: number;
}

const CATEGORIES = ["movies", "tv", "music", "games", ""];
const STATES = ["uploading", "stalledUP", "pausedUP", "downloading", "stalledDL", "queuedUP"];
/** Fields that move on a busy box (rates, counters, peers, activity). */
const CHURN_FIELDS = [
  "upspeed",
  "dlspeed",
  "uploaded",
  "uploaded_session",
  "num_leechs",
  "last_activity",
  "ratio",
  "time_active",
];

interface SimTorrent {
  readonly fields: Record<string, string | number | boolean>;
  /** Sequence number of its last change. */
  seq: number;
  stateChangedAt: number;
  /** Sequence number of the tick that added it (1: there from the start). */
  addedAt: number;
}

/** Ticks a removal is remembered; a session asking from further back gets a full update. */
const REMOVALS_KEPT_TICKS = 1000;

interface Session {
  /** rid -> global sequence number when that rid was sent. */
  readonly sent: Map<number, number>;
  lastRid: number;
}

/**
 * Answers exactly the calls an exporter makes, in qBittorrent 4.5.2's wire format: login with a
 * SID cookie, app/version, sync/maindata with its rid semantics (full update for rid 0 or an
 * unknown rid; otherwise only changed fields of changed torrents, changed server_state keys),
 * torrents/info (the full list with every field), transfer/info; gzip above 1 KiB as qBittorrent
 * does. Sessions are separate, as qBittorrent's SyncControllers are.
 */
export class QbittorrentSimulator {
  readonly #torrents: SimTorrent[] = [];
  readonly #hashes: string[] = [];
  readonly #sessions = new Map<string, Session>();
  readonly #server: Server;
  readonly #options: SimulatorOptions;
  #seq = 1;
  #serverState: Record<string, number | string | boolean>;
  #serverSeq = new Map<string, number>();
  #cursor = 0;
  /** The index `simulatedTorrent` gives the next added torrent. */
  #next = 0;
  /** Removed hashes with the tick that removed them, oldest first. */
  #removals: Array<{ readonly hash: string; readonly seq: number }> = [];
  /** Announce URL -> tick its hash list last changed. */
  readonly #urlSeq = new Map<string, number>();

  constructor(options: SimulatorOptions) {
    this.#options = options;
    for (let i = 0; i < options.torrents; i++) this.#add(i, 1);
    this.#next = options.torrents;
    this.#serverState = {
      alltime_dl: 9_000_000_000_000,
      alltime_ul: 40_000_000_000_000,
      average_time_queue: 0,
      connection_status: "connected",
      dht_nodes: 312,
      dl_info_data: 1_000_000,
      dl_info_speed: 0,
      dl_rate_limit: 0,
      free_space_on_disk: 2_000_000_000_000,
      global_ratio: "4.44",
      queued_io_jobs: 0,
      queueing: false,
      read_cache_hits: "0",
      read_cache_overload: "0",
      refresh_interval: 1500,
      total_buffers_size: 0,
      total_peer_connections: 40,
      total_queued_size: 0,
      total_wasted_session: 0,
      up_info_data: 5_000_000,
      up_info_speed: 0,
      up_rate_limit: 0,
      use_alt_speed_limits: false,
      write_cache_overload: "0",
    };
    for (const key of Object.keys(this.#serverState)) this.#serverSeq.set(key, 1);
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  /** Adds torrent `i` (its hash, name and tracker from `simulatedTorrent`) at tick `seq`. */
  #add(i: number, seq: number): void {
    const { hash, name, tracker, size } = simulatedTorrent(i);
    // A private tracker gives each user one passkey: every torrent of a tracker shares its URL.
    const announce = `https://${tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`;
    const state = STATES[i % STATES.length] as string;
    const done = !state.endsWith("DL");
    const now = 1_800_000_000;
    this.#hashes.push(hash);
    this.#torrents.push({
      seq,
      stateChangedAt: seq,
      addedAt: seq,
      fields: {
        added_on: now - (i % 1000) * 3600,
        amount_left: done ? 0 : Math.floor(size / 2),
        auto_tmm: false,
        availability: done ? -1 : 1.5,
        category: CATEGORIES[i % CATEGORIES.length] as string,
        completed: done ? size : Math.floor(size / 2),
        completion_on: done ? now - i : -1,
        content_path: `/srv/torrents/${name}`,
        dl_limit: -1,
        dlspeed: 0,
        download_path: "",
        downloaded: done ? size : Math.floor(size / 2),
        downloaded_session: 0,
        eta: 8640000,
        f_l_piece_prio: false,
        force_start: false,
        infohash_v1: hash,
        infohash_v2: "",
        last_activity: now - i,
        magnet_uri: `magnet:?xt=urn:btih:${hash}&dn=${encodeURIComponent(name)}&tr=${encodeURIComponent(announce)}`,
        max_ratio: -1,
        max_seeding_time: -1,
        name,
        num_complete: 12,
        num_incomplete: 1,
        num_leechs: 0,
        num_seeds: 0,
        priority: 0,
        progress: done ? 1 : 0.5,
        ratio: 1.25,
        ratio_limit: -2,
        save_path: "/srv/torrents/",
        seeding_time: 86400,
        seeding_time_limit: -2,
        seen_complete: now - 60,
        seq_dl: false,
        size,
        state,
        super_seeding: false,
        tags: i % 3 === 0 ? "keep, hd" : "",
        time_active: 90000,
        total_size: size,
        tracker: announce,
        trackers_count: 1,
        up_limit: -1,
        uploaded: Math.floor(size * 1.25),
        uploaded_session: 0,
        upspeed: 0,
      },
    });
    this.#urlSeq.set(announce, seq);
  }

  /** Listens on a free loopback port; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    return `http://127.0.0.1:${address.port}`;
  }

  /** The hashes of the torrents it has now, and each one's announce URL (for tests). */
  torrents(): Map<string, string> {
    return new Map(
      this.#hashes.map((hash, i) => [hash, this.#torrents[i]?.fields.tracker as string]),
    );
  }

  close(): void {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  /** Moves `churn` of the torrents (round robin), as one poll interval of a busy box would. */
  #tick(): void {
    const count = Math.round(this.#torrents.length * this.#options.churn);
    const seq = ++this.#seq;
    for (let k = 0; k < count; k++) {
      const t = this.#torrents[this.#cursor] as SimTorrent;
      this.#cursor = (this.#cursor + 1) % this.#torrents.length;
      const f = t.fields;
      f.upspeed = (seq * 7919 + k) % 2_000_000;
      f.dlspeed = f.state === "downloading" ? (seq * 104_729 + k) % 5_000_000 : 0;
      f.uploaded = (f.uploaded as number) + (f.upspeed as number) * 10;
      f.uploaded_session = (f.uploaded_session as number) + (f.upspeed as number) * 10;
      f.num_leechs = (seq + k) % 7;
      f.last_activity = 1_800_000_000 + seq;
      f.ratio = Math.round(((f.uploaded as number) / (f.size as number)) * 1000) / 1000;
      f.time_active = (f.time_active as number) + 10;
      if (k % 10 === 0 && (f.state === "uploading" || f.state === "stalledUP")) {
        f.state = f.state === "uploading" ? "stalledUP" : "uploading";
        t.stateChangedAt = seq;
      }
      t.seq = seq;
    }
    this.#replace(seq);
    this.#serverState.alltime_ul = (this.#serverState.alltime_ul as number) + 1_000_000;
    this.#serverState.up_info_speed = (seq * 31) % 50_000_000;
    this.#serverSeq.set("alltime_ul", seq);
    this.#serverSeq.set("up_info_speed", seq);
  }

  /** Removes `replace` of the torrents (spread over the list) and adds as many new ones. */
  #replace(seq: number): void {
    const count = Math.round(this.#torrents.length * (this.#options.replace ?? 0));
    for (let k = 0; k < count; k++) {
      const at = (seq * 7919 + k * 104_729) % this.#torrents.length;
      const gone = this.#torrents[at] as SimTorrent;
      const hash = this.#hashes[at] as string;
      // The order of maindata's torrents means nothing: the last one takes the removed one's place.
      this.#torrents[at] = this.#torrents[this.#torrents.length - 1] as SimTorrent;
      this.#hashes[at] = this.#hashes[this.#hashes.length - 1] as string;
      this.#torrents.pop();
      this.#hashes.pop();
      this.#removals.push({ hash, seq });
      this.#urlSeq.set(gone.fields.tracker as string, seq);
      this.#add(this.#next++, seq);
    }
    const oldest = this.#removals.findIndex((r) => r.seq > seq - REMOVALS_KEPT_TICKS);
    if (oldest > 0) this.#removals = this.#removals.slice(oldest);
  }

  #handle(req: IncomingMessage, res: ServerResponse): unknown {
    const url = new URL(req.url ?? "/", "http://sim");
    const sid = /SID=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (url.pathname === "/api/v2/auth/login") {
      const id = `sim${this.#sessions.size + 1}`;
      this.#sessions.set(id, { sent: new Map(), lastRid: 0 });
      res.writeHead(200, { "set-cookie": `SID=${id}; HttpOnly; path=/` }).end("Ok.");
      return;
    }
    const session = sid === undefined ? undefined : this.#sessions.get(sid);
    if (session === undefined) {
      res.writeHead(403).end("Forbidden");
      return;
    }
    if (url.pathname === "/api/v2/app/version") return send(req, res, "v4.5.2", "text/plain");
    if (url.pathname === "/api/v2/transfer/info") {
      const s = this.#serverState;
      return send(
        req,
        res,
        JSON.stringify({
          connection_status: s.connection_status,
          dht_nodes: s.dht_nodes,
          dl_info_data: s.dl_info_data,
          dl_info_speed: s.dl_info_speed,
          dl_rate_limit: 0,
          up_info_data: s.up_info_data,
          up_info_speed: s.up_info_speed,
          up_rate_limit: 0,
        }),
        "application/json",
      );
    }
    if (url.pathname === "/api/v2/torrents/info") {
      this.#tick();
      const list = this.#torrents.map((t, i) => ({ ...t.fields, hash: this.#hashes[i] }));
      return send(req, res, JSON.stringify(list), "application/json");
    }
    if (url.pathname === "/api/v2/sync/maindata") {
      this.#tick();
      return send(
        req,
        res,
        JSON.stringify(this.#maindata(session, Number(url.searchParams.get("rid") ?? 0))),
        "application/json",
      );
    }
    res.writeHead(404).end("Not Found");
  }

  #maindata(session: Session, rid: number): Record<string, unknown> {
    const since = rid === 0 ? undefined : session.sent.get(rid);
    const nextRid = session.lastRid + 1;
    session.lastRid = nextRid;
    // qBittorrent keeps the last sent and the last accepted state; two entries are enough here.
    session.sent.clear();
    if (since !== undefined) session.sent.set(rid, since);
    session.sent.set(nextRid, this.#seq);
    if (since === undefined || since <= this.#seq - REMOVALS_KEPT_TICKS) {
      const torrents: Record<string, unknown> = {};
      const trackers: Record<string, string[]> = {};
      this.#torrents.forEach((t, i) => {
        const hash = this.#hashes[i] as string;
        torrents[hash] = t.fields;
        const url = t.fields.tracker as string;
        const list = trackers[url] ?? [];
        list.push(hash);
        trackers[url] = list;
      });
      return {
        rid: nextRid,
        full_update: true,
        server_state: this.#serverState,
        torrents,
        trackers,
        categories: Object.fromEntries(
          CATEGORIES.filter(Boolean).map((c) => [c, { name: c, savePath: "" }]),
        ),
        tags: ["keep", "hd"],
      };
    }
    const torrents: Record<string, unknown> = {};
    const urls = new Set<string>();
    for (const [url, seq] of this.#urlSeq) if (seq > since) urls.add(url);
    const trackers: Record<string, string[]> = {};
    for (const url of urls) trackers[url] = [];
    this.#torrents.forEach((t, i) => {
      trackers[t.fields.tracker as string]?.push(this.#hashes[i] as string);
      if (t.addedAt > since) {
        torrents[this.#hashes[i] as string] = t.fields;
        return;
      }
      if (t.seq <= since) return;
      const patch: Record<string, unknown> = {};
      for (const field of CHURN_FIELDS) patch[field] = t.fields[field];
      if (t.stateChangedAt > since) patch.state = t.fields.state;
      torrents[this.#hashes[i] as string] = patch;
    });
    const server: Record<string, unknown> = {};
    for (const [key, seq] of this.#serverSeq) if (seq > since) server[key] = this.#serverState[key];
    const removed = this.#removals.filter((r) => r.seq > since).map((r) => r.hash);
    return {
      rid: nextRid,
      server_state: server,
      torrents,
      ...(removed.length > 0 ? { torrents_removed: removed } : {}),
      ...(urls.size > 0 ? { trackers } : {}),
    };
  }
}

function send(req: IncomingMessage, res: ServerResponse, body: string, type: string): void {
  const raw = Buffer.from(body);
  if (raw.length > 1024 && /gzip/.test(req.headers["accept-encoding"] ?? "")) {
    const zipped = gzipSync(raw);
    res
      .writeHead(200, {
        "content-type": type,
        "content-encoding": "gzip",
        "content-length": zipped.length,
      })
      .end(zipped);
  } else {
    res.writeHead(200, { "content-type": type, "content-length": raw.length }).end(raw);
  }
}
