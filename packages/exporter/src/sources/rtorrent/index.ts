// The rTorrent source: one trimmed d.multicall2 per poll, diffed into patches, plus global figures and session counters.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";
import { knownFreeSpace } from "../../model/free-space.ts";
import type { PeerCounts } from "../../model/peer-counts.ts";
import { StateMapper } from "../../model/status.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import type { TlsOptions } from "../../net/http-client.ts";
import { TABLE_ANSWER_BYTES } from "../answer-limits.ts";
import type { Credentials } from "../credentials.ts";
import type { EngineStatus, PollResult, SourceContext, TorrentSource } from "../source.ts";
import { RtorrentApi, type RtorrentCall } from "./api.ts";
import { ArrayResponseStream } from "./array-stream.ts";
import { createTransport } from "./create-transport.ts";
import { ENGINE_CALLS, readEngine } from "./engine-calls.ts";
import { decodeListRow, type ListedTorrent, listParams } from "./list-query.ts";
import {
  addPeers,
  CENSUS_BATCH,
  countPeers,
  MAX_PEER_ITEMS,
  peerCensusCalls,
} from "./peer-census.ts";
import { RtorrentSync } from "./rtorrent-sync.ts";
import { RTORRENT_STATES } from "./states.ts";
import type { RtorrentTransport } from "./transport.ts";
import { encodeMethodCall } from "./xmlrpc/encoder.ts";
import { XmlRpcFaultError } from "./xmlrpc/fault.ts";
import type { XmlRpcLimits } from "./xmlrpc/limits.ts";
import { describeValue, type XmlRpcValue } from "./xmlrpc/value.ts";

/** Where and how to reach one rTorrent. */
export interface RtorrentOptions {
  /** `scgi://host:port`, `scgi:///path/to/rpc.sock` or `http(s)://host/RPC2`. */
  readonly url: string;
  /** Basic auth for `http(s)://` URLs (a web server in front of rTorrent). */
  readonly credentials?: Credentials;
  readonly tls?: TlsOptions;
  /** Bounds on each answer (default: 256 MiB, 20 million values). */
  readonly limits?: XmlRpcLimits;
}

/** The global commands of every poll, in one `system.multicall`, in this order. */
const GLOBAL_CALLS = [
  "system.client_version",
  "directory.default",
  "throttle.global_up.total",
  "throttle.global_down.total",
  "throttle.global_up.rate",
  "throttle.global_down.rate",
  "dht.statistics",
] as const;

const UNKNOWN_HASH = /Could not find info-hash/;
const LIST_PARAMS = listParams();

/**
 * Polls rTorrent with one `d.multicall2` over the `main` view asking only for the fields the model
 * uses (trackers in a nested `t.multicall`), then one `system.multicall` for global figures, and
 * emits only what changed since the previous poll (rTorrent has no change feed).
 *
 * `downloadedTotal`/`uploadedTotal` are `throttle.global_down.total`/`throttle.global_up.total`:
 * every byte exchanged with peers (protocol overhead included) since rTorrent started. rTorrent
 * keeps no all-time global total, so these restart from 0 with rTorrent (a counter reset, which
 * Prometheus handles). Summing the items' all-time `d.*.total` instead would drop whenever an item
 * is removed, which Prometheus would read as a reset and count the whole remainder again.
 * Per-tracker counters use the items' all-time figures, kept monotonic by the table.
 * Rates are `throttle.global_*.rate` (the same bytes as the totals); free space is
 * `d.free_diskspace` of an open item in rTorrent's default directory (rTorrent has no global
 * free-space command), undefined while no item is open.
 */
export class RtorrentSource implements TorrentSource {
  readonly #transport: CountingTransport;
  readonly #api: RtorrentApi;
  readonly #sync: RtorrentSync;
  readonly #context: SourceContext;
  readonly #limits: XmlRpcLimits;
  #defaultDirectory = "";
  #freeSpaceItem: string | undefined;
  /** Items of the last list with connected peers (seeds or leechers). */
  #withPeers: string[] = [];

  constructor(options: RtorrentOptions, context: SourceContext) {
    this.#transport = new CountingTransport(
      createTransport(options.url, {
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        ...(options.limits?.maxBytes === undefined
          ? {}
          : { maxResponseBytes: options.limits.maxBytes }),
      }),
    );
    this.#api = new RtorrentApi(this.#transport, options.limits ? { limits: options.limits } : {});
    this.#sync = new RtorrentSync(new StateMapper(RTORRENT_STATES, context.onUnknownState));
    this.#context = context;
    this.#limits = options.limits ?? {};
  }

  get bytesReceived(): number {
    return this.#transport.bytesReceived;
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.#transport.requests;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    this.#sync.begin();
    try {
      await this.#list(signal);
      const globals = await this.#globals(signal);
      const peers = await this.#peers(signal);
      const changes = this.#sync.end();
      fillSession(this.#context.session, globals, this.#sync);
      return {
        ...changes,
        client: {
          version: globals.version,
          downloadedTotal: globals.downloadedTotal,
          uploadedTotal: globals.uploadedTotal,
          downloadRate: globals.downloadRate,
          uploadRate: globals.uploadRate,
          freeSpace: globals.freeSpace,
          engine: globals.engine,
        },
        ...(peers === undefined ? {} : { peers }),
      };
    } catch (error) {
      this.#sync.abort();
      throw error;
    }
  }

  /** Erases items with `d.erase` (and their files when asked; see `RtorrentApi.erase`). */
  async remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    for (const hash of hashes) {
      try {
        await this.#api.erase(hash, { deleteData }, signal);
      } catch (error) {
        // Already gone is what the caller wanted.
        if (!(error instanceof XmlRpcFaultError && UNKNOWN_HASH.test(error.faultString)))
          throw error;
      }
    }
  }

  async close(): Promise<void> {
    this.#api.close();
  }

  /**
   * Streams the list: each row is decoded and diffed as soon as it has arrived, so the answer
   * (about 0.7 KB per torrent) is never held whole. Also picks the item whose
   * `d.free_diskspace` stands for the free space: an open one, in the default directory if any.
   */
  async #list(signal: AbortSignal): Promise<void> {
    const where = `${this.#transport.endpoint} d.multicall2`;
    let freeSpaceItem: string | undefined;
    let inDefault = false;
    const withPeers: string[] = [];
    const reader = new ArrayResponseStream(
      (value, index) => {
        const row = decodeListRow(value, index, where);
        this.#sync.row(row);
        if (row.peersConnected > 0) withPeers.push(row.hash);
        if (!inDefault && row.open) {
          inDefault = this.#inDefaultDirectory(row);
          if (inDefault || freeSpaceItem === undefined) freeSpaceItem = row.hash;
        }
      },
      { ...this.#limits, where },
    );
    const body = Buffer.from(encodeMethodCall("d.multicall2", LIST_PARAMS), "utf8");
    await this.#transport.stream(body, signal, (chunk) => reader.push(chunk));
    reader.end();
    this.#freeSpaceItem = freeSpaceItem;
    this.#withPeers = withPeers;
  }

  /**
   * Connected peers by kind: a `p.multicall` for each item with peers, CENSUS_BATCH items per
   * round trip; none asked when no item has peers, and no census (undefined) past MAX_PEER_ITEMS
   * such items.
   */
  async #peers(signal: AbortSignal): Promise<PeerCounts | undefined> {
    const hashes = this.#withPeers;
    if (hashes.length > MAX_PEER_ITEMS) return undefined;
    const where = `${this.#transport.endpoint} p.multicall`;
    const counts = countPeers([], where);
    for (let i = 0; i < hashes.length; i += CENSUS_BATCH) {
      const calls = peerCensusCalls(hashes.slice(i, i + CENSUS_BATCH));
      addPeers(
        counts,
        countPeers(await this.#api.multicall(calls, signal, TABLE_ANSWER_BYTES), where),
      );
    }
    return counts;
  }

  #inDefaultDirectory(row: ListedTorrent): boolean {
    const base = this.#defaultDirectory.replace(/\/+$/, "");
    return base !== "" && (row.directory === base || row.directory.startsWith(`${base}/`));
  }

  async #globals(signal: AbortSignal): Promise<Globals> {
    const calls: RtorrentCall[] = [...GLOBAL_CALLS, ...ENGINE_CALLS].map((method) => ({
      method,
      params: [""],
    }));
    const item = this.#freeSpaceItem;
    if (item !== undefined)
      calls.push({ method: "d.free_diskspace", params: [item.toUpperCase()] });
    const values = await this.#api.multicall(calls, signal);
    const where = `${this.#transport.endpoint} system.multicall`;
    const value = (i: number): XmlRpcValue => {
      const v = values[i];
      if (v instanceof Error) throw v;
      return v as XmlRpcValue;
    };
    const int = (i: number) => nonNegative(value(i), where, calls[i]?.method ?? "");
    const version = value(0);
    const directory = value(1);
    if (typeof version !== "string" || typeof directory !== "string") {
      throw new SourceProtocolError(
        `${where}: system.client_version or directory.default is not a string`,
      );
    }
    this.#defaultDirectory = directory;
    const dht = values[6];
    const free = item === undefined ? undefined : values[GLOBAL_CALLS.length + ENGINE_CALLS.length];
    const engineAnswers = values.slice(
      GLOBAL_CALLS.length,
      GLOBAL_CALLS.length + ENGINE_CALLS.length,
    );
    return {
      version,
      uploadedTotal: int(2),
      downloadedTotal: int(3),
      uploadRate: int(4),
      downloadRate: int(5),
      // A fault here means the item went away between the two calls: no figure this time.
      // 0 when rTorrent could not stat the item's files; negative, an unsigned value gone wrong.
      freeSpace: free instanceof Error ? undefined : knownFreeSpace(free, { zeroIsUnknown: true }),
      dht: dht instanceof Error ? undefined : dhtFigures(dht as XmlRpcValue),
      engine: readEngine(engineAnswers, this.#context.session, Date.now() / 1000),
    };
  }
}

interface Globals {
  readonly version: string;
  readonly uploadedTotal: number;
  readonly downloadedTotal: number;
  readonly uploadRate: number;
  readonly downloadRate: number;
  readonly freeSpace: number | undefined;
  readonly dht: DhtFigures | undefined;
  readonly engine: EngineStatus;
}

interface DhtFigures {
  readonly nodes: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/**
 * Fills the session catalog with what rTorrent reports and means what the catalog says: the
 * throttle totals and rates (all peer traffic since start), the payload rates summed over items,
 * and DHT figures while DHT is active. Nothing else is filled: rTorrent has no such counters.
 */
function fillSession(
  session: SessionCounters,
  g: Globals,
  list: { uploadRate: number; downloadRate: number },
): void {
  session.set(M.BW_TOTAL_UPLOADED, g.uploadedTotal);
  session.set(M.BW_TOTAL_DOWNLOADED, g.downloadedTotal);
  session.set(M.BW_UPLOAD_RATE, g.uploadRate);
  session.set(M.BW_DOWNLOAD_RATE, g.downloadRate);
  session.set(M.BW_PAYLOAD_UPLOAD_RATE, list.uploadRate);
  session.set(M.BW_PAYLOAD_DOWNLOAD_RATE, list.downloadRate);
  if (g.dht !== undefined) {
    session.set(M.DHT_NODES, g.dht.nodes);
    session.set(M.DHT_BYTES_IN, g.dht.bytesIn);
    session.set(M.DHT_BYTES_OUT, g.dht.bytesOut);
  }
}

/** `dht.statistics` while DHT runs (`active` 1); undefined when off (only `dht`, `active`, `throttle`). */
function dhtFigures(value: XmlRpcValue): DhtFigures | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value) || Buffer.isBuffer(value))
    return undefined;
  const s = value as Readonly<Record<string, XmlRpcValue>>;
  if (s.active !== 1) return undefined;
  const n = (v: XmlRpcValue | undefined) =>
    typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  const nodes = n(s.nodes);
  const bytesIn = n(s.bytes_read);
  const bytesOut = n(s.bytes_written);
  if (nodes === undefined || bytesIn === undefined || bytesOut === undefined) return undefined;
  return { nodes, bytesIn, bytesOut };
}

function nonNegative(value: XmlRpcValue, where: string, what: string): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new SourceProtocolError(
      `${where}: ${what} is ${describeValue(value)}, expected a non-negative integer`,
    );
  }
  return n;
}

/** Counts requests and response bytes on their way through (SCGI has no other place to see them). */
class CountingTransport implements RtorrentTransport {
  readonly #inner: RtorrentTransport;
  bytesReceived = 0;
  requests = 0;

  constructor(inner: RtorrentTransport) {
    this.#inner = inner;
  }

  get endpoint(): string {
    return this.#inner.endpoint;
  }

  async send(body: Buffer, signal: AbortSignal, maxBytes?: number): Promise<Buffer> {
    this.requests++;
    const response = await this.#inner.send(body, signal, maxBytes);
    this.bytesReceived += response.length;
    return response;
  }

  stream(body: Buffer, signal: AbortSignal, onChunk: (chunk: Buffer) => void): Promise<void> {
    this.requests++;
    return this.#inner.stream(body, signal, (chunk) => {
      this.bytesReceived += chunk.length;
      onChunk(chunk);
    });
  }

  close(): void {
    this.#inner.close();
  }
}
