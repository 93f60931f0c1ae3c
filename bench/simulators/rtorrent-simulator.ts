// An rTorrent 0.9.8 XML-RPC-over-SCGI SIMULATOR for benchmarks: N torrents, d.multicall2 / t.multicall / cat / globals, churn per poll.
// It exists only because 100,000 real torrents cannot be had here; tests use the real rtorrent.

import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { simulatedTorrent } from "../torrent-labels.ts";

/** What to simulate. */
export interface RtorrentSimulatorOptions {
  readonly torrents: number;
  /** Fraction of torrents that change before each `d.multicall2` over a view. */
  readonly churn: number;
}

const LABELS = ["movies", "tv", "music", "games", ""];
const CRLF = "\r\n";

interface SimTorrent {
  readonly hash: string;
  readonly name: string;
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
  readonly label: string;
  readonly directory: string;
  readonly addtime: string;
  readonly createdAt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  peersComplete: number;
  peersAccounted: number;
  readonly url: string;
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
  "d.is_hash_checking": () => 0,
  "d.hashing": () => 0,
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
  readonly #torrents: SimTorrent[] = [];
  readonly #byHash = new Map<string, SimTorrent>();
  readonly #options: RtorrentSimulatorOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cursor = 0;
  #seq = 0;
  #upTotal = 5_000_000_000;
  #downTotal = 1_000_000_000;

  constructor(options: RtorrentSimulatorOptions) {
    this.#options = options;
    const now = 1_800_000_000;
    for (let i = 0; i < options.torrents; i++) {
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
        // One torrent in twenty has peers (a seed and two leechers): what the peer census asks about.
        peersComplete: i % 20 === 0 ? 1 : 0,
        peersAccounted: i % 20 === 0 ? 2 : 0,
        // A private tracker gives each user one passkey: every torrent of a site shares its URL.
        url: `https://${tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`,
        trackerSuccess: 3,
        trackerFailed: 0,
      };
      this.#torrents.push(t);
      this.#byHash.set(t.hash, t);
    }
    // rTorrent reads the request to its end, then writes the whole answer: the client's half-close
    // must not end our side before that.
    this.#server = createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
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

  /** Moves `churn` of the torrents (round robin), as one poll interval of a busy box would. */
  #tick(): void {
    const count = Math.round(this.#torrents.length * this.#options.churn);
    const seq = ++this.#seq;
    for (let k = 0; k < count; k++) {
      const t = this.#torrents[this.#cursor] as SimTorrent;
      this.#cursor = (this.#cursor + 1) % this.#torrents.length;
      if (t.state === 0) continue;
      t.upRate = (seq * 7919 + k) % 2_000_000;
      t.upTotal += t.upRate * 10;
      t.peersAccounted = (seq + k) % 7;
      if (t.complete === 0) {
        t.downRate = (seq * 104_729 + k) % 5_000_000;
        t.completed = Math.min(t.size - 1, t.completed + t.downRate * 10);
        t.downTotal += t.downRate * 10;
      }
      this.#upTotal += t.upRate * 10;
      this.#downTotal += t.downRate * 10;
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
      let xml: string;
      try {
        xml = this.#answer(body.toString("utf8"));
      } catch (error) {
        xml = error instanceof Fault ? faultXml(error) : faultXml(new Fault(-500, String(error)));
      }
      void this.#send(socket, xml);
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
    if (method === "d.multicall2") return respond(this.#multicall(params));
    return respond(this.#value(method, params));
  }

  /** One global (or single-item) command's `<value>`. */
  #value(method: string, params: readonly string[]): string {
    const target = params[0] ?? "";
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
        return i8(this.#torrents.length * 10);
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
    const [target, view, ...commands] = params;
    if (target !== "" || view === undefined)
      throw new Fault(-501, "Unsupported target type found.");
    if (view !== "main" && view !== "default") throw new Fault(-503, "Could not find view.");
    this.#tick();
    const columns = commands.map(column);
    const rows: string[] = new Array(this.#torrents.length);
    for (let i = 0; i < this.#torrents.length; i++) {
      const t = this.#torrents[i] as SimTorrent;
      rows[i] =
        `<value><array><data>${CRLF}${columns.map((c) => c(t)).join(CRLF)}${CRLF}</data></array></value>`;
    }
    return `<value><array><data>${CRLF}${rows.join(CRLF)}${CRLF}</data></array></value>`;
  }
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
