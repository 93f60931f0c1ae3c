// Typed calls to rTorrent 0.9.8's XML-RPC: the torrent list with trackers, globals, versions, labels, removal.

import { SourceProtocolError } from "../../net/errors.ts";
import { HELD_LIST_BYTES, STATUS_ANSWER_BYTES, TABLE_ANSWER_BYTES } from "../answer-limits.ts";
import type { RtorrentTransport } from "./transport.ts";
import { encodeMethodCall } from "./xmlrpc/encoder.ts";
import type { XmlRpcFaultError } from "./xmlrpc/fault.ts";
import type { XmlRpcLimits } from "./xmlrpc/limits.ts";
import { multicallResults } from "./xmlrpc/multicall.ts";
import { parseMethodResponse } from "./xmlrpc/reader.ts";
import { describeValue, type XmlRpcParam, type XmlRpcValue } from "./xmlrpc/value.ts";

type Kind = "string" | "int" | "bool" | "ratio" | "label" | "epoch-text";

interface KindTypes {
  string: string;
  int: number;
  bool: boolean;
  ratio: number;
  label: string;
  "epoch-text": number;
}

/**
 * Per-item fields (rTorrent calls a torrent an item, or a download), each one `d.*` command of
 * `d.multicall2`. Meanings as checked on Debian's rTorrent 0.9.8 ([verified] = observed in this
 * repository's contract tests or by hand on the real daemon, including a real transfer between
 * two rTorrents).
 */
export const ITEM_FIELDS = {
  /** `d.name`: the torrent's name (its file, or top directory for multi-file torrents). */
  name: { command: "d.name=", kind: "string" },
  /** `d.size_bytes`: payload size of all files, bytes. [verified] */
  sizeBytes: { command: "d.size_bytes=", kind: "int" },
  /** `d.completed_bytes`: bytes of the chunks verified on disk. [verified] */
  completedBytes: { command: "d.completed_bytes=", kind: "int" },
  /** `d.left_bytes`: bytes still to download. */
  leftBytes: { command: "d.left_bytes=", kind: "int" },
  /** `d.size_files`: files in the torrent. */
  sizeFiles: { command: "d.size_files=", kind: "int" },
  /** `d.skip.rate`: bytes per second received but not wanted (unwanted or duplicate chunks). */
  skipRate: { command: "d.skip.rate=", kind: "int" },
  /** `d.size_chunks` / `d.completed_chunks` / `d.chunk_size` (bytes per chunk). */
  sizeChunks: { command: "d.size_chunks=", kind: "int" },
  completedChunks: { command: "d.completed_chunks=", kind: "int" },
  chunkSize: { command: "d.chunk_size=", kind: "int" },
  /**
   * `d.up.total`: payload bytes uploaded for this item, all-time: kept in the session file and
   * still there after a restart. Protocol overhead is not counted. [verified]
   */
  uploadedBytes: { command: "d.up.total=", kind: "int" },
  /** `d.down.total`: payload bytes downloaded for this item, all-time like `d.up.total`. [verified] */
  downloadedBytes: { command: "d.down.total=", kind: "int" },
  /** `d.up.rate`: current payload upload rate, bytes per second. */
  uploadRate: { command: "d.up.rate=", kind: "int" },
  /** `d.down.rate`: current payload download rate, bytes per second. */
  downloadRate: { command: "d.down.rate=", kind: "int" },
  /**
   * `d.ratio` divided by 1000: uploaded over completed bytes (a seeder that uploaded its whole
   * payload once has ratio 1 without downloading anything). rTorrent sends ratio x 1000. [verified]
   */
  ratio: { command: "d.ratio=", kind: "ratio" },
  /** `d.state`: true when started (`d.start`), false when stopped. [verified] */
  started: { command: "d.state=", kind: "bool" },
  /** `d.is_open`: files open (false after `d.close` and for items loaded stopped). [verified] */
  open: { command: "d.is_open=", kind: "bool" },
  /** `d.is_active`: false when paused (`d.pause`) or stopped. [verified] */
  active: { command: "d.is_active=", kind: "bool" },
  /** `d.complete`: every chunk is there. [verified] */
  complete: { command: "d.complete=", kind: "bool" },
  /** `d.is_hash_checking`: a hash check is running. */
  hashChecking: { command: "d.is_hash_checking=", kind: "bool" },
  /** `d.hashing`: 0 none, 1 initial check, 2 check of the last chunks, 3 forced re-check. */
  hashing: { command: "d.hashing=", kind: "int" },
  /** `d.message`: last error or tracker message, e.g. `Tracker: [Couldn't connect to server]`. [verified] */
  message: { command: "d.message=", kind: "string" },
  /** `d.custom1`, ruTorrent's label, URL-decoded (ruTorrent stores it rawurlencode'd). [verified] */
  label: { command: "d.custom1=", kind: "label" },
  /** `d.directory`: save path (for multi-file torrents, the torrent's own directory). */
  directory: { command: "d.directory=", kind: "string" },
  /** `d.base_path`: path of the file or directory; empty while the item is closed. */
  basePath: { command: "d.base_path=", kind: "string" },
  /** `d.is_multi_file`. */
  multiFile: { command: "d.is_multi_file=", kind: "bool" },
  /** `d.is_private`: the torrent's private flag. [verified] */
  private: { command: "d.is_private=", kind: "bool" },
  /** `d.priority`: 0 off, 1 low, 2 normal, 3 high. */
  priority: { command: "d.priority=", kind: "int" },
  /** `d.peers_connected`: connected peers. */
  peersConnected: { command: "d.peers_connected=", kind: "int" },
  /** `d.peers_complete`: connected seeds. */
  peersComplete: { command: "d.peers_complete=", kind: "int" },
  /** `d.peers_accounted`: connected leechers. */
  peersAccounted: { command: "d.peers_accounted=", kind: "int" },
  /** `d.peers_not_connected`: known but unconnected peers. */
  peersNotConnected: { command: "d.peers_not_connected=", kind: "int" },
  /** `d.creation_date`: the .torrent's creation date, Unix seconds. */
  creationDate: { command: "d.creation_date=", kind: "int" },
  /** `d.load_date`: when this process loaded the item, Unix seconds (resets on restart). */
  loadDate: { command: "d.load_date=", kind: "int" },
  /** `d.timestamp.started`: first start, Unix seconds, persisted (0 if never started). */
  startedAt: { command: "d.timestamp.started=", kind: "int" },
  /** `d.timestamp.finished`: completion, Unix seconds, persisted (0 if never finished). */
  finishedAt: { command: "d.timestamp.finished=", kind: "int" },
  /** `d.custom=addtime`: ruTorrent's add time, Unix seconds; 0 when nobody set it. [verified] */
  addedAt: { command: "d.custom=addtime", kind: "epoch-text" },
  /** `d.state_changed`: last start/stop, Unix seconds. */
  stateChanged: { command: "d.state_changed=", kind: "int" },
  /** `d.free_diskspace`: free bytes on the item's file system; 0 for closed items. [verified] */
  freeDiskspace: { command: "d.free_diskspace=", kind: "int" },
} as const satisfies Record<string, { command: string; kind: Kind }>;

/**
 * Per-tracker fields, each one `t.*` command of the `t.multicall` nested in `d.multicall2`.
 * Counters are for this process's lifetime (they start at 0 after a restart).
 */
export const TRACKER_FIELDS = {
  /** `t.url`: the announce URL, passkey included: never log it or use it as a label. */
  url: { command: "t.url=", kind: "string" },
  /** `t.is_enabled`. */
  enabled: { command: "t.is_enabled=", kind: "bool" },
  /** `t.type`: 1 HTTP, 2 UDP, 3 DHT. */
  type: { command: "t.type=", kind: "int" },
  /** `t.group`: the tier. */
  group: { command: "t.group=", kind: "int" },
  /** `t.is_open`: a request is in flight. */
  open: { command: "t.is_open=", kind: "bool" },
  /** `t.is_busy`. */
  busy: { command: "t.is_busy=", kind: "bool" },
  /** `t.success_counter`: successful announces since start. */
  successCount: { command: "t.success_counter=", kind: "int" },
  /** `t.failed_counter`: failed announces since the last success. [verified: 1 after one refused connection] */
  failedCount: { command: "t.failed_counter=", kind: "int" },
  /** `t.scrape_complete` / `t.scrape_incomplete` / `t.scrape_downloaded`: swarm seeds, leechers, snatches. */
  scrapeComplete: { command: "t.scrape_complete=", kind: "int" },
  scrapeIncomplete: { command: "t.scrape_incomplete=", kind: "int" },
  scrapeDownloaded: { command: "t.scrape_downloaded=", kind: "int" },
  /** `t.scrape_counter`: successful scrapes since start. */
  scrapeCount: { command: "t.scrape_counter=", kind: "int" },
  /** `t.success_time_last` / `t.failed_time_last` / `t.activity_time_last`: Unix seconds, 0 = never. */
  lastSuccess: { command: "t.success_time_last=", kind: "int" },
  lastFailure: { command: "t.failed_time_last=", kind: "int" },
  lastActivity: { command: "t.activity_time_last=", kind: "int" },
  /** `t.normal_interval` / `t.min_interval`: announce intervals the tracker asked for, seconds. */
  normalInterval: { command: "t.normal_interval=", kind: "int" },
  minInterval: { command: "t.min_interval=", kind: "int" },
} as const satisfies Record<string, { command: string; kind: Kind }>;

/** A field name of ITEM_FIELDS. */
export type ItemField = keyof typeof ITEM_FIELDS;
/** A field name of TRACKER_FIELDS. */
export type TrackerField = keyof typeof TRACKER_FIELDS;

/** One tracker of an item, with the fields asked for. */
export type ItemTrackerRow<T extends TrackerField> = {
  readonly [K in T]: KindTypes[(typeof TRACKER_FIELDS)[K]["kind"]];
};

/** One item (torrent): its lower-case info-hash, the fields asked for, and trackers when asked for. */
export type ItemRow<F extends ItemField, T extends TrackerField = never> = {
  /** v1 info-hash, lower-case hex (rTorrent sends upper case). */
  readonly hash: string;
} & { readonly [K in F]: KindTypes[(typeof ITEM_FIELDS)[K]["kind"]] } & ([T] extends [never]
    ? unknown
    : { readonly trackers: readonly ItemTrackerRow<T>[] });

/** What `torrents()` fetches. */
export interface ItemQuery<F extends ItemField, T extends TrackerField> {
  readonly fields: readonly F[];
  /** Tracker fields; when given, each row has `trackers` (one nested `t.multicall`). */
  readonly trackers?: readonly T[];
  /** The view to list (default `main`, every item; also `started`, `stopped`, `complete`, ...). */
  readonly view?: string;
}

/** Versions and identity of the daemon. */
export interface RtorrentInfo {
  /** `system.client_version`, e.g. `0.9.8`. */
  readonly clientVersion: string;
  /** `system.library_version` (libtorrent), e.g. `0.13.8`. */
  readonly libraryVersion: string;
  /** `system.api_version`, e.g. 10 (0.9.8 sends it as a string). [verified] */
  readonly apiVersion: number;
  /** `system.hostname`. */
  readonly hostname: string;
  /** `system.pid`. */
  readonly pid: number;
  /** `session.path` (empty when sessions are off). */
  readonly sessionPath: string;
  /** `directory.default`: where items go without `d.directory.set`. */
  readonly defaultDirectory: string;
}

/** Global transfer figures, all in bytes or bytes per second. */
export interface RtorrentGlobals {
  /**
   * `throttle.global_up.total`: every byte sent to peers since the process started, protocol
   * overhead included; back to ~0 after a restart (not all-time). [verified]
   */
  readonly uploadedBytes: number;
  /** `throttle.global_down.total`: likewise for bytes received. [verified] */
  readonly downloadedBytes: number;
  /** `throttle.global_up.rate` / `throttle.global_down.rate`: bytes per second. */
  readonly uploadRate: number;
  readonly downloadRate: number;
  /** `throttle.global_up.max_rate` / `..._down.max_rate`: limits in bytes/s, 0 = unlimited. */
  readonly uploadLimit: number;
  readonly downloadLimit: number;
  /** `network.open_sockets` / `network.max_open_sockets`: peer sockets. */
  readonly openSockets: number;
  readonly maxOpenSockets: number;
  /** `network.http.current_open`: tracker (HTTP) requests in flight. */
  readonly openHttpRequests: number;
  /** `network.listen.port`: the peer port. */
  readonly listenPort: number;
  /** `pieces.memory.current` / `pieces.memory.max`: chunk memory in use and its cap, bytes. */
  readonly memoryBytes: number;
  readonly memoryMaxBytes: number;
}

/** What `erase()` did. */
export interface EraseResult {
  /** Data files removed on rTorrent's host (0 unless `deleteData`). */
  readonly deletedFiles: number;
}

/** One call of a `system.multicall`. */
export interface RtorrentCall {
  readonly method: string;
  readonly params: readonly XmlRpcParam[];
}

/** Options of the API. */
export interface RtorrentApiOptions {
  /** Bounds on each response (size, depth, number of values). */
  readonly limits?: XmlRpcLimits;
}

const HASH = /^[0-9A-Fa-f]{40}$/;
const VIEW = /^[A-Za-z0-9_.-]{1,64}$/;
const EXECUTE_BATCH = 200;

const GLOBAL_COMMANDS = [
  "throttle.global_up.total",
  "throttle.global_down.total",
  "throttle.global_up.rate",
  "throttle.global_down.rate",
  "throttle.global_up.max_rate",
  "throttle.global_down.max_rate",
  "network.open_sockets",
  "network.max_open_sockets",
  "network.http.current_open",
  "network.listen.port",
  "pieces.memory.current",
  "pieces.memory.max",
] as const;

const INFO_COMMANDS = [
  "system.client_version",
  "system.library_version",
  "system.api_version",
  "system.hostname",
  "system.pid",
  "session.path",
  "directory.default",
] as const;

/**
 * rTorrent's XML-RPC over any transport (SCGI over TCP or a Unix socket, or HTTP through a web
 * server). Every call takes an AbortSignal; failures are SourceErrors, faults XmlRpcFaultError.
 * Hashes go out upper-case (rTorrent's own form; its lookup ignores case) and come back lower-case.
 */
export class RtorrentApi {
  readonly transport: RtorrentTransport;
  readonly #limits: XmlRpcLimits;

  constructor(transport: RtorrentTransport, options: RtorrentApiOptions = {}) {
    this.transport = transport;
    this.#limits = options.limits ?? {};
  }

  /**
   * Calls one method and returns its decoded value. The answer may be at most `maxBytes` (a
   * status answer's size by default; lists ask for more).
   */
  async call(
    method: string,
    params: readonly XmlRpcParam[],
    signal: AbortSignal,
    maxBytes = STATUS_ANSWER_BYTES,
  ): Promise<XmlRpcValue> {
    const body = Buffer.from(encodeMethodCall(method, params), "utf8");
    const response = await this.transport.send(body, signal, maxBytes);
    return parseMethodResponse(response, {
      ...this.#limits,
      where: `${this.transport.endpoint} ${method}`,
    });
  }

  /** Calls several methods in one `system.multicall`; a failed call is an XmlRpcFaultError in its slot. */
  async multicall(
    calls: readonly RtorrentCall[],
    signal: AbortSignal,
    maxBytes = STATUS_ANSWER_BYTES,
  ): Promise<(XmlRpcValue | XmlRpcFaultError)[]> {
    const value = await this.call(
      "system.multicall",
      [calls.map((c) => ({ methodName: c.method, params: c.params }))],
      signal,
      maxBytes,
    );
    return multicallResults(value, calls.length, `${this.transport.endpoint} system.multicall`);
  }

  /** Versions, host name, pid, session path and default directory, in one round trip. */
  async info(signal: AbortSignal): Promise<RtorrentInfo> {
    const values = await this.#globalValues(INFO_COMMANDS, signal);
    const where = this.transport.endpoint;
    return {
      clientVersion: asString(values[0], where, INFO_COMMANDS[0]),
      libraryVersion: asString(values[1], where, INFO_COMMANDS[1]),
      // 0.9.8 sends this one as a string ("10").
      apiVersion: asInt(
        typeof values[2] === "string" && /^\d{1,9}$/.test(values[2])
          ? Number(values[2])
          : values[2],
        where,
        INFO_COMMANDS[2],
      ),
      hostname: asString(values[3], where, INFO_COMMANDS[3]),
      pid: asInt(values[4], where, INFO_COMMANDS[4]),
      sessionPath: asString(values[5], where, INFO_COMMANDS[5]),
      defaultDirectory: asString(values[6], where, INFO_COMMANDS[6]),
    };
  }

  /** Global totals, rates, limits, sockets and memory, in one round trip. */
  async globals(signal: AbortSignal): Promise<RtorrentGlobals> {
    const v = await this.#globalValues(GLOBAL_COMMANDS, signal);
    const where = this.transport.endpoint;
    const int = (i: number) => asInt(v[i], where, GLOBAL_COMMANDS[i] as string);
    return {
      uploadedBytes: int(0),
      downloadedBytes: int(1),
      uploadRate: int(2),
      downloadRate: int(3),
      uploadLimit: int(4),
      downloadLimit: int(5),
      openSockets: int(6),
      maxOpenSockets: int(7),
      openHttpRequests: int(8),
      listenPort: int(9),
      memoryBytes: int(10),
      memoryMaxBytes: int(11),
    };
  }

  /**
   * Lists the torrents of a view with one `d.multicall2("", view, "d.hash=", ...)` asking only
   * for the fields given, and, when tracker fields are given, one nested `t.multicall` per row.
   * rTorrent holds its global lock while it answers: ask for what you need.
   */
  async torrents<F extends ItemField, T extends TrackerField = never>(
    query: ItemQuery<F, T>,
    signal: AbortSignal,
  ): Promise<ItemRow<F, T>[]> {
    const view = query.view ?? "main";
    if (!VIEW.test(view)) throw new TypeError(`rTorrent view name must match ${VIEW}`);
    const fields = [...new Set(query.fields)];
    const trackers = query.trackers === undefined ? undefined : [...new Set(query.trackers)];
    for (const f of fields) {
      if (!Object.hasOwn(ITEM_FIELDS, f)) throw new TypeError(`unknown torrent field ${String(f)}`);
    }
    for (const t of trackers ?? []) {
      if (!Object.hasOwn(TRACKER_FIELDS, t))
        throw new TypeError(`unknown tracker field ${String(t)}`);
    }
    const params: string[] = ["", view, "d.hash="];
    for (const f of fields) params.push(ITEM_FIELDS[f].command);
    if (trackers) {
      params.push(`t.multicall=,${trackers.map((t) => TRACKER_FIELDS[t].command).join(",")}`);
    }
    const value = await this.call("d.multicall2", params, signal, HELD_LIST_BYTES);
    const where = `${this.transport.endpoint} d.multicall2`;
    if (!Array.isArray(value)) {
      throw new SourceProtocolError(
        `${where}: got ${describeValue(value)}, expected an array of rows`,
      );
    }
    const width = params.length - 2;
    const kinds = fields.map((f) => ITEM_FIELDS[f].kind);
    const trackerKinds = trackers?.map((t) => TRACKER_FIELDS[t].kind);
    const rows: ItemRow<F, T>[] = new Array(value.length);
    for (let r = 0; r < value.length; r++) {
      const cells = value[r] as XmlRpcValue;
      if (!Array.isArray(cells) || cells.length !== width) {
        throw new SourceProtocolError(
          `${where}: row ${r} is ${describeValue(cells)}, expected ${width} cells`,
        );
      }
      const hash = cells[0];
      if (typeof hash !== "string" || !HASH.test(hash)) {
        throw new SourceProtocolError(`${where}: row ${r} has no 40-hex d.hash`);
      }
      const row: Record<string, unknown> = { hash: hash.toLowerCase() };
      for (let i = 0; i < fields.length; i++) {
        row[fields[i] as string] = decode(
          cells[i + 1],
          kinds[i] as Kind,
          where,
          fields[i] as string,
        );
      }
      if (trackers && trackerKinds) {
        row.trackers = decodeTrackers(cells[width - 1], trackers, trackerKinds, where);
      }
      rows[r] = row as ItemRow<F, T>;
    }
    return rows;
  }

  /**
   * Free space where rTorrent writes, as rTorrent sees it: the largest `d.free_diskspace` among
   * started items (rTorrent has no global free-space command, and reports 0 for closed items).
   * Undefined when no item is started; then only a statfs of `info().defaultDirectory` on
   * rTorrent's host can tell.
   */
  async freeDiskSpace(signal: AbortSignal): Promise<number | undefined> {
    const value = await this.call(
      "d.multicall2",
      ["", "started", "d.free_diskspace="],
      signal,
      TABLE_ANSWER_BYTES,
    );
    const where = `${this.transport.endpoint} d.multicall2 d.free_diskspace`;
    if (!Array.isArray(value)) throw new SourceProtocolError(`${where}: expected an array`);
    let best: number | undefined;
    for (const row of value as readonly XmlRpcValue[]) {
      if (!Array.isArray(row) || row.length !== 1)
        throw new SourceProtocolError(`${where}: malformed row`);
      const bytes = asInt(row[0], where, "d.free_diskspace");
      if (bytes > 0 && (best === undefined || bytes > best)) best = bytes;
    }
    return best;
  }

  /** Sets ruTorrent's label (`d.custom1`, URL-encoded as ruTorrent stores it; "" clears it). */
  async setLabel(hash: string, label: string, signal: AbortSignal): Promise<void> {
    await this.call("d.custom1.set", [target(hash), encodeURIComponent(label)], signal);
  }

  /**
   * Removes a torrent. `d.erase` drops the item and its session files but never touches data.
   * With `deleteData`, the item's files (`d.directory` + each `f.path`, checked to stay inside
   * it) are then removed on rTorrent's host with `execute.throw=rm,-f,--,<files>` (no shell; as
   * rTorrent's user; needs `execute` to be allowed), and, for multi-file torrents, the
   * directories left empty with `execute.nothrow=rmdir,...`. Files the torrent does not list
   * are never removed. rTorrent has no other way to delete data.
   */
  async erase(
    hash: string,
    options: { readonly deleteData: boolean },
    signal: AbortSignal,
  ): Promise<EraseResult> {
    const id = target(hash);
    if (!options.deleteData) {
      await this.call("d.erase", [id], signal);
      return { deletedFiles: 0 };
    }
    const [directory, multiFile, files] = await this.multicall(
      [
        { method: "d.directory", params: [id] },
        { method: "d.is_multi_file", params: [id] },
        { method: "f.multicall", params: [id, "", "f.path="] },
      ],
      signal,
      TABLE_ANSWER_BYTES,
    );
    const where = `${this.transport.endpoint} erase`;
    for (const v of [directory, multiFile, files]) if (v instanceof Error) throw v;
    const base = asString(directory as XmlRpcValue, where, "d.directory").replace(/\/+$/, "");
    if (!base.startsWith("/") || base.split("/").includes("..")) {
      throw new SourceProtocolError(`${where}: d.directory is not an absolute path`);
    }
    if (!Array.isArray(files))
      throw new SourceProtocolError(`${where}: f.multicall is not an array`);
    const relative = (files as readonly XmlRpcValue[]).map((row) => {
      const path = Array.isArray(row) ? row[0] : undefined;
      if (typeof path !== "string" || !safeRelative(path)) {
        throw new SourceProtocolError(`${where}: f.path is not a relative path inside the torrent`);
      }
      return path;
    });
    await this.call("d.erase", [id], signal);
    for (let i = 0; i < relative.length; i += EXECUTE_BATCH) {
      const batch = relative.slice(i, i + EXECUTE_BATCH).map((p) => `${base}/${p}`);
      await this.call("execute.throw", ["", "rm", "-f", "--", ...batch], signal);
    }
    if (asInt(multiFile as XmlRpcValue, where, "d.is_multi_file") !== 0) {
      const dirs = new Set<string>();
      for (const p of relative) {
        const parts = p.split("/");
        for (let depth = parts.length - 1; depth > 0; depth--)
          dirs.add(parts.slice(0, depth).join("/"));
      }
      const deepestFirst = [...dirs].sort((a, b) => b.split("/").length - a.split("/").length);
      await this.call(
        "execute.nothrow",
        ["", "rmdir", "--", ...deepestFirst.map((d) => `${base}/${d}`), base],
        signal,
      );
    }
    return { deletedFiles: relative.length };
  }

  /** Closes the transport's pooled connections. */
  close(): void {
    this.transport.close();
  }

  async #globalValues(commands: readonly string[], signal: AbortSignal): Promise<XmlRpcValue[]> {
    const results = await this.multicall(
      commands.map((method) => ({ method, params: [""] })),
      signal,
    );
    return results.map((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
  }
}

/** A hash as rTorrent's target argument: validated, upper-case. */
function target(hash: string): string {
  if (!HASH.test(hash)) throw new TypeError("expected a 40-hex-digit info-hash");
  return hash.toUpperCase();
}

function safeRelative(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\0")) return false;
  return path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

function decode(value: XmlRpcValue | undefined, kind: Kind, where: string, field: string): unknown {
  switch (kind) {
    case "string":
      return asString(value, where, field);
    case "int":
      return asInt(value, where, field);
    case "bool":
      return asInt(value, where, field) !== 0;
    case "ratio":
      return asInt(value, where, field) / 1000;
    case "label":
      return decodeLabel(asString(value, where, field));
    case "epoch-text": {
      const text = asString(value, where, field).trim();
      return /^\d{1,12}$/.test(text) ? Number(text) : 0;
    }
  }
}

function decodeTrackers(
  value: XmlRpcValue | undefined,
  fields: readonly TrackerField[],
  kinds: readonly Kind[],
  where: string,
): Record<string, unknown>[] {
  if (!Array.isArray(value)) {
    throw new SourceProtocolError(
      `${where}: t.multicall gave ${describeValue(value)}, expected an array`,
    );
  }
  return (value as readonly XmlRpcValue[]).map((cells) => {
    if (!Array.isArray(cells) || cells.length !== fields.length) {
      throw new SourceProtocolError(
        `${where}: tracker row is ${describeValue(cells)}, expected ${fields.length} cells`,
      );
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      row[fields[i] as string] = decode(cells[i], kinds[i] as Kind, where, fields[i] as string);
    }
    return row;
  });
}

/** ruTorrent's labels are rawurlencode'd; anything that is not valid percent-encoding is kept as is. */
export function decodeLabel(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function asString(value: XmlRpcValue | undefined, where: string, field: string): string {
  if (typeof value !== "string") {
    throw new SourceProtocolError(
      `${where}: ${field} is ${describeValue(value)}, expected a string`,
    );
  }
  return value;
}

function asInt(value: XmlRpcValue | undefined, where: string, field: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  // Beyond 2^53 (9 PB) precision is lost, never the order of magnitude.
  if (typeof value === "bigint") return Number(value);
  throw new SourceProtocolError(
    `${where}: ${field} is ${describeValue(value)}, expected an integer`,
  );
}
