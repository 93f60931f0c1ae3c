// An rTorrent 0.9.8 XML-RPC-over-SCGI SIMULATOR for benchmarks: N torrents, views, filters, event handlers, d.multicall2 / t.multicall / cat / globals, quiet and active torrents.
// It exists only because 100,000 real torrents cannot be had here; the contract tests use the real rtorrent.

import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { simulatedTorrent } from "../torrent-labels.ts";

/** What to simulate. */
export interface RtorrentSimulatorOptions {
  readonly torrents: number;
  /**
   * Fraction of torrents that change after each request for the global figures (one poll):
   * nine in ten of them transfer (torrents of the moving set, about twice the churn), one in ten
   * is an event on a quiet torrent (stopped, started, paused, resumed, errored, error cleared,
   * finished, erased with a new one added). 0: nothing changes but through the methods below.
   */
  readonly churn: number;
  /** Seed of the choices churn makes (default 1). */
  readonly seed?: number;
}

const LABELS = ["movies", "tv", "music", "games", ""];
const CRLF = "\r\n";

/** One torrent of the simulator; its fields are what the d.* commands answer. */
export interface SimTorrent {
  readonly hash: string;
  name: string;
  readonly size: number;
  completed: number;
  upTotal: number;
  downTotal: number;
  upRate: number;
  downRate: number;
  state: number;
  open: number;
  active: number;
  complete: number;
  message: string;
  label: string;
  readonly directory: string;
  readonly addtime: string;
  readonly createdAt: number;
  startedAt: number;
  finishedAt: number;
  hashing: number;
  /** The poll count when it last moved bytes. */
  movedAt: number;
  peersComplete: number;
  peersAccounted: number;
  url: string;
  trackerSuccess: number;
  trackerFailed: number;
}

type Getter = (t: SimTorrent) => number | string;
type TrackerGetter = (t: SimTorrent) => number | string;

const CHUNK = 32_768;

/** The value of each `d.*` command the exporter (ours or the naive path) may ask for. */
const D: Readonly<Record<string, Getter>> = {
  "d.hash": (t) => t.hash,
  "d.name": (t) => t.name,
  "d.size_bytes": (t) => t.size,
  "d.completed_bytes": (t) => t.completed,
  "d.left_bytes": (t) => t.size - t.completed,
  "d.size_files": () => 1,
  "d.skip.rate": () => 0,
  "d.size_chunks": (t) => Math.ceil(t.size / CHUNK),
  "d.completed_chunks": (t) => Math.floor(t.completed / CHUNK),
  "d.chunk_size": () => CHUNK,
  "d.up.total": (t) => t.upTotal,
  "d.down.total": (t) => t.downTotal,
  "d.up.rate": (t) => t.upRate,
  "d.down.rate": (t) => t.downRate,
  "d.ratio": (t) => (t.completed === 0 ? 0 : Math.floor((t.upTotal * 1000) / t.completed)),
  "d.state": (t) => t.state,
  "d.is_open": (t) => t.open,
  "d.is_active": (t) => t.active,
  "d.complete": (t) => t.complete,
  "d.is_hash_checking": (t) => (t.hashing !== 0 ? 1 : 0),
  "d.hashing": (t) => t.hashing,
  "d.message": (t) => t.message,
  "d.custom1": (t) => t.label,
  "d.directory": (t) => t.directory,
  "d.base_path": (t) => (t.open ? `${t.directory}/${t.name}` : ""),
  "d.is_multi_file": () => 0,
  "d.is_private": () => 1,
  "d.priority": () => 2,
  "d.peers_connected": (t) => t.peersComplete + t.peersAccounted,
  "d.peers_complete": (t) => t.peersComplete,
  "d.peers_accounted": (t) => t.peersAccounted,
  "d.peers_not_connected": () => 0,
  "d.creation_date": (t) => t.createdAt,
  "d.load_date": () => 1_800_000_000,
  "d.timestamp.started": (t) => t.startedAt,
  "d.timestamp.finished": (t) => t.finishedAt,
  "d.custom=addtime": (t) => t.addtime,
  "d.state_changed": (t) => t.startedAt,
  "d.free_diskspace": (t) => (t.open ? 2_000_000_000_000 : 0),
};

/** The value of each `t.*` command; every torrent has one tracker (its site's, with a passkey). */
const T: Readonly<Record<string, TrackerGetter>> = {
  "t.url": (t) => t.url,
  "t.is_enabled": () => 1,
  "t.type": () => 1,
  "t.group": () => 0,
  "t.is_open": () => 0,
  "t.is_busy": () => 0,
  "t.success_counter": (t) => t.trackerSuccess,
  "t.failed_counter": (t) => t.trackerFailed,
  "t.scrape_complete": () => 12,
  "t.scrape_incomplete": () => 1,
  "t.scrape_downloaded": () => 40,
  "t.scrape_counter": () => 3,
  "t.success_time_last": () => 1_800_000_000,
  "t.failed_time_last": () => 0,
  "t.activity_time_last": () => 1_800_000_000,
  "t.normal_interval": () => 1800,
  "t.min_interval": () => 900,
};

/** A view: rTorrent's built-in ones follow the torrents' flags; ours hold what their filter last kept. */
interface SimView {
  /** Undefined: no filter (everything); else the filter command's truth for a torrent. */
  filter: ((t: SimTorrent) => boolean) | undefined;
  readonly members: Set<SimTorrent>;
}

/** rTorrent's built-in views, as its own filters and events keep them (src/main.cc, core/download_list.cc). */
const BUILT_IN: Readonly<Record<string, (t: SimTorrent) => boolean>> = {
  main: () => true,
  default: () => true,
  name: () => true,
  started: (t) => t.state === 1,
  stopped: (t) => t.state === 0,
  complete: (t) => t.complete === 1,
  incomplete: (t) => t.complete === 0,
  hashing: (t) => t.hashing !== 0,
  seeding: (t) => t.state === 1 && t.complete === 1,
  leeching: (t) => t.state === 1 && t.complete === 0,
  // Every resumed torrent (view.set_visible=active on resume), whatever its rates.
  active: (t) => t.active === 1,
};

/** A fault answer, as the simulator cannot do what was asked. */
class Fault extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Speaks rTorrent 0.9.8's XML-RPC over SCGI the way the real one does: one request per
 * connection, `CONTENT_LENGTH` first, a CGI-style `Status`/`Content-Length` header, xmlrpc-c's
 * document with CRLF line ends, every integer as `<i8>`. Answers `d.multicall2("", view, ...)`
 * with any `d.*` command of the exporter's tables, `cat=$cmd=,text,...` (the string of their values,
 * as rTorrent's `cat` gives) and a nested `t.multicall=,t.*=...`; `system.multicall`; and the
 * global commands (`throttle.global_*`, `system.client_version`, `directory.default`,
 * `dht.statistics`, `d.free_diskspace`, `network.*`, `pieces.memory.*`). Unknown methods get
 * fault -506 as from rTorrent.
 */
export class RtorrentSimulator {
  /** In `main`'s order (insertion). */
  readonly #byHash = new Map<string, SimTorrent>();
  readonly #options: RtorrentSimulatorOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #views = new Map<string, SimView>();
  /** `method.set_key` handlers: event -> key -> action on the torrent. */
  readonly #handlers = new Map<string, Map<string, (t: SimTorrent) => void>>();
  /** `method.insert` string variables. */
  readonly #strings = new Map<string, string>();
  /** Torrents transferring now (rates and peers not zero): a few percent of a real box. */
  readonly #moving = new Set<SimTorrent>();
  #random: () => number;
  #next: number;
  #seq = 0;
  /** Polls so far (requests for the global figures, which end every poll). */
  #lists = 0;
  #upTotal = 5_000_000_000;
  #downTotal = 1_000_000_000;
  /** Requests answered, and the `d.multicall2` rows sent (the simulator's own work). */
  requests = 0;
  /** `p.multicall` calls answered so far (one per item a peer census asks about). */
  peerCalls = 0;
  rows = 0;

  constructor(options: RtorrentSimulatorOptions) {
    this.#options = options;
    this.#random = prng(options.seed ?? 1);
    for (let i = 0; i < options.torrents; i++) this.#add(i);
    this.#next = options.torrents;
    // rTorrent reads the request to its end, then writes the whole answer: the client's half-close
    // must not end our side before that.
    this.#server = createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
  }

  /** Every torrent, in `main`'s order. */
  get torrents(): readonly SimTorrent[] {
    return [...this.#byHash.values()];
  }

  /** A new torrent, as `load.raw` adds one: the `inserted` handlers run. */
  add(): SimTorrent {
    const t = this.#add(this.#next++);
    this.#fire("event.download.inserted", t);
    return t;
  }

  /** Removes every handler of an event, as `method.set_key = <event>,<key>,` for each key would. */
  dropHandlers(event: string): void {
    this.#handlers.delete(event);
  }

  /** `d.stop`: stopped and closed (paused first if active). */
  stop(t: SimTorrent): void {
    if (t.active === 1) this.pause(t);
    t.state = 0;
    if (t.open === 1) {
      t.open = 0;
      this.#fire("event.download.closed", t);
    }
  }

  /** `d.start`: started, opened and resumed. */
  start(t: SimTorrent): void {
    t.state = 1;
    if (t.open === 0) {
      t.open = 1;
      this.#fire("event.download.opened", t);
    }
    this.resume(t);
  }

  /** `d.pause`: inactive, no transfer; the `paused` event when it was active. */
  pause(t: SimTorrent): void {
    this.#moving.delete(t);
    t.upRate = 0;
    t.downRate = 0;
    t.peersComplete = 0;
    t.peersAccounted = 0;
    if (t.active === 0) return;
    t.active = 0;
    this.#fire("event.download.paused", t);
  }

  /** `d.resume`: active again (if started and open). */
  resume(t: SimTorrent): void {
    if (t.active === 1 || t.state === 0 || t.open === 0) return;
    t.active = 1;
    this.#fire("event.download.resumed", t);
  }

  /** A tracker's failed announce (or a local error): `d.message`, no event. */
  setMessage(t: SimTorrent, message: string): void {
    t.message = message;
  }

  /** ruTorrent's label (`d.custom1.set`): no event; only a full list shows it. */
  setLabel(t: SimTorrent, label: string): void {
    t.label = encodeURIComponent(label);
  }

  /** The last chunk in: complete, the `finished` event. */
  finish(t: SimTorrent): void {
    if (t.complete === 1) return;
    t.completed = t.size;
    t.complete = 1;
    t.finishedAt = 1_800_000_000 + this.#seq;
    this.#fire("event.download.finished", t);
  }

  /** A hash check starts (`d.check_hash`): queued, then checking; `hash_queued`. */
  checkHash(t: SimTorrent): void {
    t.hashing = 3;
    this.#fire("event.download.hash_queued", t);
  }

  /** The hash check ends: `hash_done`. */
  hashDone(t: SimTorrent): void {
    if (t.hashing === 0) return;
    t.hashing = 0;
    this.#fire("event.download.hash_done", t);
  }

  /**
   * Moves bytes for `seconds`: rates and peers not zero (rTorrent's rates cover the last 60 s,
   * so a torrent that moved bytes since the last poll has a rate), totals up.
   */
  transfer(t: SimTorrent, upRate: number, downRate: number, seconds = 10): void {
    if (t.state === 0 || t.active === 0) return;
    this.#moving.add(t);
    t.movedAt = this.#lists;
    t.upRate = Math.max(1, upRate);
    t.upTotal += t.upRate * seconds;
    t.peersAccounted = 1 + (upRate % 5);
    if (t.complete === 0) {
      t.downRate = Math.max(1, downRate);
      const got = Math.min(t.size - t.completed, t.downRate * seconds);
      t.completed += got;
      t.downTotal += got;
      t.peersComplete = 1 + (downRate % 3);
      this.#downTotal += got;
    }
    this.#upTotal += t.upRate * seconds;
  }

  /**
   * More than a minute without moving a byte: rates and peers back to 0, totals as they are. Not
   * for a torrent that moved bytes since the last poll: rTorrent's rates cover the last 60 s, and
   * polls are closer than that, so its rate is not 0 yet.
   */
  idle(t: SimTorrent): void {
    if (t.movedAt === this.#lists) return;
    this.#moving.delete(t);
    t.upRate = 0;
    t.downRate = 0;
    t.peersComplete = 0;
    t.peersAccounted = 0;
  }

  /** `d.erase`: the `erased` handlers run, then it leaves every view. */
  erase(t: SimTorrent): void {
    this.#fire("event.download.erased", t);
    this.#moving.delete(t);
    this.#byHash.delete(t.hash);
    for (const view of this.#views.values()) view.members.delete(t);
  }

  #add(i: number): SimTorrent {
    const now = 1_800_000_000;
    {
      const { hash, name, tracker, size } = simulatedTorrent(i);
      // Most of a seedbox seeds; some items are stopped, a few still download.
      const kind = i % 10;
      const stopped = kind === 7;
      const leeching = kind === 9;
      const t: SimTorrent = {
        hash: hash.toUpperCase(),
        name,
        size,
        completed: leeching ? Math.floor(size / 2) : size,
        upTotal: Math.floor(size * 1.25),
        downTotal: leeching ? Math.floor(size / 2) : size,
        upRate: 0,
        downRate: 0,
        state: stopped ? 0 : 1,
        open: stopped ? 0 : 1,
        active: stopped ? 0 : 1,
        complete: leeching ? 0 : 1,
        message: i % 50 === 0 ? "Tracker: [Timeout was reached]" : "",
        label: encodeURIComponent(LABELS[i % LABELS.length] as string),
        directory: "/srv/rtorrent/download",
        addtime: String(now - (i % 1000) * 3600),
        createdAt: now - 10_000_000,
        startedAt: now - (i % 1000) * 3600,
        finishedAt: leeching ? 0 : now - i,
        hashing: 0,
        movedAt: -1,
        peersComplete: 0,
        peersAccounted: 0,
        // A private tracker gives each user one passkey: every torrent of a site shares its URL.
        url: `https://${tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`,
        trackerSuccess: 3,
        trackerFailed: 0,
      };
      this.#byHash.set(t.hash, t);
      // A new torrent is filtered into every view of ours, as rTorrent's View::insert does.
      for (const view of this.#views.values()) {
        if (view.filter === undefined || view.filter(t)) view.members.add(t);
      }
      return t;
    }
  }

  /** Runs the `method.set_key` handlers of an event on a torrent. */
  #fire(event: string, t: SimTorrent): void {
    for (const action of this.#handlers.get(event)?.values() ?? []) action(t);
  }

  /** Listens on a free loopback port; resolves with the `scgi://` URL. */
  async listen(): Promise<string> {
    this.#server.listen(0, "127.0.0.1");
    await once(this.#server, "listening");
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    return `scgi://127.0.0.1:${address.port}`;
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#server.close();
  }

  /**
   * One poll interval of a busy box: `churn` of the torrents change. The moving set (about twice
   * the churn) loses a tenth of its torrents to idleness and gains as many started ones; nine in
   * ten changes are transfers within it; one in ten is an event on a quiet torrent.
   */
  #tick(): void {
    const n = this.#byHash.size;
    const count = Math.round(n * this.#options.churn);
    if (count === 0) return;
    const seq = ++this.#seq;
    const all = [...this.#byHash.values()];
    const pick = () => all[Math.floor(this.#random() * all.length)] as SimTorrent;
    const target = count * 2;
    const events = Math.max(1, Math.round(count / 10));
    // Those that go idle and those that start moving are changes too: the rest of the churn moves.
    const leaving = Math.ceil(this.#moving.size / 10);
    let left = 0;
    for (const t of this.#moving) {
      if (left++ >= leaving) break;
      this.idle(t);
    }
    let joined = 0;
    for (let tries = 0; this.#moving.size < target && tries < target * 4; tries++) {
      const t = pick();
      if (t.active === 1 && !this.#moving.has(t)) {
        this.transfer(
          t,
          1 + ((seq * 7919 + tries) % 2_000_000),
          1 + ((seq * 104_729 + tries) % 5_000_000),
        );
        joined++;
      }
    }
    let moves = count - events - leaving - joined;
    for (const t of this.#moving) {
      if (moves-- <= 0) break;
      this.transfer(
        t,
        1 + ((seq * 7919 + moves) % 2_000_000),
        1 + ((seq * 104_729 + moves) % 5_000_000),
      );
    }
    for (let e = 0; e < events; e++) {
      const t = pick();
      if (this.#moving.has(t)) continue;
      switch ((seq + e) % 8) {
        case 0:
          this.stop(t);
          break;
        case 1:
          this.start(t);
          break;
        case 2:
          this.pause(t);
          break;
        case 3:
          this.resume(t);
          break;
        case 4:
          this.setMessage(t, 'Tracker: [Failure reason "Unregistered torrent"]');
          break;
        case 5:
          this.setMessage(t, "");
          break;
        case 6:
          this.finish(t);
          break;
        case 7:
          this.erase(t);
          this.add();
          break;
      }
    }
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => {});
    const chunks: Buffer[] = [];
    let size = 0;
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const request = Buffer.concat(chunks, size);
      const body = scgiBody(request);
      if (body === undefined) return;
      socket.removeAllListeners("data");
      const call = body.toString("utf8");
      let xml: string;
      try {
        xml = this.#answer(call);
      } catch (error) {
        xml = error instanceof Fault ? faultXml(error) : faultXml(new Fault(-500, String(error)));
      }
      // Every approach ends a poll with the global figures: the churn of an interval follows.
      if (call.includes("throttle.global_up.total")) {
        this.#lists++;
        this.#tick();
      }
      // A client that hangs up mid-answer (its poll timed out) fails the write, as rTorrent's does,
      // and must not take the simulator down.
      this.#send(socket, xml).catch(() => socket.destroy());
    });
  }

  /** Writes the answer in 1 MiB pieces, as a socket takes them. */
  async #send(socket: Socket, xml: string): Promise<void> {
    const body = Buffer.from(xml, "utf8");
    socket.write(
      `Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    for (let i = 0; i < body.length; i += 2 ** 20) {
      if (!socket.write(body.subarray(i, i + 2 ** 20))) await once(socket, "drain");
    }
    socket.end();
  }

  #answer(call: string): string {
    this.requests++;
    const method = /<methodName>([^<]*)<\/methodName>/.exec(call)?.[1] ?? "";

    if (method === "system.multicall") {
      const results = call
        .split("<struct>")
        .slice(1)
        .map((part) => {
          const name =
            /<name>methodName<\/name><value><string>([^<]*)<\/string>/.exec(part)?.[1] ?? "";
          try {
            const params = stringParams(part.slice(part.indexOf("<name>params</name>")));
            return `<value><array><data>${CRLF}${this.#value(name, params)}${CRLF}</data></array></value>`;
          } catch (error) {
            if (!(error instanceof Fault)) throw error;
            return faultStruct(error);
          }
        });
      return respond(
        `<value><array><data>${CRLF}${results.join(CRLF)}${CRLF}</data></array></value>`,
      );
    }
    const params = stringParams(call.slice(call.indexOf("<params>")));
    return respond(this.#value(method, params));
  }

  /** One command's `<value>`: a list, a view or variable command, a global, or a single item's. */
  #value(method: string, params: readonly string[]): string {
    const target = params[0] ?? "";
    const arg = params[1] ?? "";
    if (method === "d.multicall2") return this.#multicall(params);
    if (this.#strings.has(method)) return str(this.#strings.get(method) as string);
    if (method.endsWith(".set") && this.#strings.has(method.slice(0, -4))) {
      this.#strings.set(method.slice(0, -4), arg);
      return i8(0);
    }
    switch (method) {
      case "view.add":
        if (this.#views.has(arg) || arg in BUILT_IN)
          throw new Fault(-503, "View with same name already inserted.");
        this.#views.set(arg, { filter: undefined, members: new Set(this.#byHash.values()) });
        return i8(0);
      case "view.filter": {
        const view = this.#view(arg);
        view.filter = filterOf(params[2] ?? "");
        this.#refilter(view);
        return i8(0);
      }
      case "view.filter_all":
        this.#refilter(this.#view(arg));
        return i8(0);
      case "view.size": {
        const builtIn = BUILT_IN[arg];
        if (builtIn === undefined) return i8(this.#view(arg).members.size);
        let size = 0;
        for (const t of this.#byHash.values()) if (builtIn(t)) size++;
        return i8(size);
      }
      case "method.insert":
        if (params[2] !== "string") throw new Fault(-503, "simulator: only string variables");
        if (this.#strings.has(arg)) throw new Fault(-503, "Key already exists in object_storage.");
        this.#strings.set(arg, params[3] ?? "");
        return i8(0);
      case "method.set_key": {
        const [, event = "", key = "", action = ""] = params;
        const handlers = this.#handlers.get(event) ?? new Map<string, (t: SimTorrent) => void>();
        this.#handlers.set(event, handlers);
        if (action === "") handlers.delete(key);
        else handlers.set(key, this.#action(action));
        return i8(0);
      }
    }
    switch (method) {
      case "system.client_version":
        return str("0.9.8");
      case "system.library_version":
        return str("0.13.8");
      case "system.api_version":
        return str("10");
      case "system.hostname":
        return str("seedbox");
      case "system.pid":
        return i8(4242);
      case "session.path":
        return str("/srv/rtorrent/session/");
      case "directory.default":
        return str("/srv/rtorrent/download");
      case "throttle.global_up.total":
        return i8(this.#upTotal);
      case "throttle.global_down.total":
        return i8(this.#downTotal);
      case "throttle.global_up.rate":
        return i8(this.#byHash.size * 10);
      case "throttle.global_down.rate":
        return i8(0);
      case "throttle.global_up.max_rate":
      case "throttle.global_down.max_rate":
        return i8(0);
      case "network.open_sockets":
        return i8(40);
      case "network.max_open_sockets":
        return i8(65_023);
      case "network.http.current_open":
        return i8(0);
      case "network.listen.port":
        return i8(51_413);
      case "pieces.memory.current":
        return i8(100_000_000);
      case "pieces.memory.max":
        return i8(3_435_973_836);
      case "dht.statistics":
        return `<value><struct>${CRLF}<member><name>active</name>${CRLF}${i8(0)}</member>${CRLF}<member><name>dht</name>${CRLF}${str("disable")}</member>${CRLF}<member><name>throttle</name>${CRLF}${str("")}</member>${CRLF}</struct></value>`;
    }
    if (method === "p.multicall") return this.#peers(target, params.slice(2));
    const getter = D[method];
    if (getter !== undefined) {
      const t = this.#byHash.get(target.toUpperCase());
      if (t === undefined) throw new Fault(-501, "Could not find info-hash.");
      return cell(getter(t));
    }
    throw new Fault(-506, `Method '${method}' not defined`);
  }

  /**
   * `p.multicall(hash, "", commands...)`: one row per connected peer, every other one encrypted
   * (`p.is_encrypted` 1, the other flags 0); a `cat=$p.*=,...` command gives them as one string.
   */
  #peers(target: string, commands: readonly string[]): string {
    this.peerCalls++;
    const t = this.#byHash.get(target.toUpperCase());
    if (t === undefined) throw new Fault(-501, "Could not find info-hash.");
    const rows: string[] = [];
    for (let p = 0; p < t.peersComplete + t.peersAccounted; p++) {
      const flag = (command: string) => (command.startsWith("$p.is_encrypted") ? p % 2 : 0);
      const cells = commands.map((command) =>
        command.startsWith("cat=")
          ? str(
              command
                .slice(4)
                .split(",")
                .map((part) => String(flag(part)))
                .join(""),
            )
          : i8(flag(`$${command}`)),
      );
      rows.push(`<value><array><data>${CRLF}${cells.join(CRLF)}${CRLF}</data></array></value>`);
    }
    return `<value><array><data>${CRLF}${rows.join(CRLF)}${CRLF}</data></array></value>`;
  }

  #multicall(params: readonly string[]): string {
    const [target, view = "", ...commands] = params;
    if (target !== "") throw new Fault(-501, "Unsupported target type found.");
    const builtIn = BUILT_IN[view];
    const members = builtIn
      ? [...this.#byHash.values()].filter(builtIn)
      : [...this.#view(view).members].filter((t) => this.#byHash.has(t.hash));
    const columns = commands.map(column);
    const rows: string[] = new Array(members.length);
    for (let i = 0; i < members.length; i++) {
      const t = members[i] as SimTorrent;
      rows[i] =
        `<value><array><data>${CRLF}${columns.map((c) => c(t)).join(CRLF)}${CRLF}</data></array></value>`;
    }
    this.rows += rows.length;
    // xmlrpc-c writes an empty array as <data/>... as one line with nothing in it.
    return rows.length === 0
      ? "<value><array><data>\r\n</data></array></value>"
      : `<value><array><data>${CRLF}${rows.join(CRLF)}${CRLF}</data></array></value>`;
  }

  #view(name: string): SimView {
    const view = this.#views.get(name);
    if (view === undefined) throw new Fault(-503, "Could not find view.");
    return view;
  }

  /** `view.filter_all`: keeps the torrents the filter passes now (in `main`'s order). */
  #refilter(view: SimView): void {
    view.members.clear();
    for (const t of this.#byHash.values()) {
      if (view.filter === undefined || view.filter(t)) view.members.add(t);
    }
  }

  /** A handler's action: the two forms the exporter installs, as rTorrent runs them. */
  #action(action: string): (t: SimTorrent) => void {
    const visible = /^view\.set_visible=([A-Za-z0-9_.-]+)$/.exec(action);
    if (visible) {
      const name = visible[1] as string;
      return (t) => this.#views.get(name)?.members.add(t);
    }
    const append = /^([A-Za-z0-9_.-]+)\.set=\(cat,\(\1\),\(d\.hash\)\)$/.exec(action);
    if (append) {
      const name = append[1] as string;
      return (t) => this.#strings.set(name, `${this.#strings.get(name) ?? ""}${t.hash}`);
    }
    throw new Fault(-503, `simulator: handler ${action} not simulated`);
  }
}

/**
 * A view filter as rTorrent evaluates one given over XML-RPC: `cmd=` (true when the value is a
 * non-zero integer or a non-empty string), `or={a=,b=,...}`, `not=$cmd=`, `false=`. Others are
 * refused (the simulator does not pretend to run them).
 */
function filterOf(text: string): (t: SimTorrent) => boolean {
  const truth = (v: number | string) => (typeof v === "number" ? v !== 0 : v !== "");
  const getter = (cmd: string) => D[cmd.replace(/=$/, "")] ?? unknown(cmd);
  if (text === "false=") return () => false;
  const or = /^or=\{(.*)\}$/.exec(text);
  if (or) {
    const getters = (or[1] as string).split(",").map(getter);
    return (t) => getters.some((g) => truth(g(t)));
  }
  const not = /^not=\$(.*)$/.exec(text);
  if (not) {
    const g = getter(not[1] as string);
    return (t) => !truth(g(t));
  }
  const g = getter(text);
  return (t) => truth(g(t));
}

/** Deterministic choices (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A column of `d.multicall2`: a `d.*=` command, `cat=$...`, or `t.multicall=,t.*=...`. */
function column(command: string): (t: SimTorrent) => string {
  if (command.startsWith("t.multicall=")) {
    const getters = command
      .slice("t.multicall=".length)
      .split(",")
      .filter((c) => c !== "")
      .map((c) => T[c.replace(/=$/, "")] ?? unknown(c));
    return (t) =>
      `<value><array><data>${CRLF}<value><array><data>${CRLF}${getters.map((g) => cell(g(t))).join(CRLF)}${CRLF}</data></array></value>${CRLF}</data></array></value>`;
  }
  if (command.startsWith("cat=")) {
    const parts = command
      .slice(4)
      .split(",")
      .map((part): Getter => {
        if (!part.startsWith("$")) return () => part;
        return D[part.slice(1).replace(/=$/, "")] ?? unknown(part);
      });
    return (t) => str(parts.map((g) => String(g(t))).join(""));
  }
  const getter = D[command.endsWith("=") ? command.slice(0, -1) : command] ?? unknown(command);
  return (t) => cell(getter(t));
}

function unknown(command: string): never {
  throw new Fault(-506, `Method '${command.replace(/^\$/, "").replace(/=.*$/, "")}' not defined`);
}

/** The body of an SCGI request once all of it is in: `<len>:<headers>,<body>`, CONTENT_LENGTH first. */
function scgiBody(request: Buffer): Buffer | undefined {
  const colon = request.indexOf(":");
  if (colon === -1) return undefined;
  const headerLength = Number(request.toString("latin1", 0, colon));
  const headersEnd = colon + 1 + headerLength;
  if (request.length <= headersEnd) return undefined;
  const headers = request.toString("latin1", colon + 1, headersEnd).split("\0");
  if (headers[0] !== "CONTENT_LENGTH") throw new Error("CONTENT_LENGTH must come first");
  const length = Number(headers[1]);
  const start = headersEnd + 1;
  return request.length >= start + length ? request.subarray(start, start + length) : undefined;
}

/** Every `<string>` parameter, in order (the only kind the exporter sends to rTorrent). */
function stringParams(xml: string): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(/<value><string>([^<]*)<\/string><\/value>/g))
    out.push(unescapeXml(m[1] as string));
  return out;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, ref: string) => {
    switch (ref) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    return String.fromCodePoint(
      ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)),
    );
  });
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function cell(value: number | string): string {
  return typeof value === "number" ? i8(value) : str(value);
}

function str(text: string): string {
  return `<value><string>${escapeXml(text)}</string></value>`;
}

function i8(n: number): string {
  return `<value><i8>${n}</i8></value>`;
}

function respond(value: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${CRLF}<methodResponse>${CRLF}<params>${CRLF}<param>${value}</param>${CRLF}</params>${CRLF}</methodResponse>${CRLF}`;
}

function faultStruct(fault: Fault): string {
  return `<value><struct>${CRLF}<member><name>faultCode</name>${CRLF}<value><i4>${fault.code}</i4></value></member>${CRLF}<member><name>faultString</name>${CRLF}${str(fault.message)}</member>${CRLF}</struct></value>`;
}

function faultXml(fault: Fault): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${CRLF}<methodResponse>${CRLF}<fault>${CRLF}${faultStruct(fault)}${CRLF}</fault>${CRLF}</methodResponse>${CRLF}`;
}
