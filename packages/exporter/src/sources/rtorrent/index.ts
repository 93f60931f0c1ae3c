// The rTorrent source: per poll one system.multicall over views of what may have changed (a full list when needed), diffed into patches, plus global figures.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";
import { knownFreeSpace } from "../../model/free-space.ts";
import type { PeerCounts } from "../../model/peer-counts.ts";
import { StateMapper } from "../../model/status.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import type { TlsOptions } from "../../net/http-client.ts";
import { HELD_LIST_BYTES, TABLE_ANSWER_BYTES } from "../answer-limits.ts";
import type { Credentials } from "../credentials.ts";
import type { EngineStatus, PollResult, SourceContext, TorrentSource } from "../source.ts";
import { RtorrentApi, type RtorrentCall } from "./api.ts";
import { ArrayResponseStream, type ArrayStreamOptions } from "./array-stream.ts";
import {
  type ChangeViews,
  changeViews,
  clearCalls,
  erasedHashes,
  isMissing,
  setupCalls,
  setupSucceeded,
} from "./change-views.ts";
import { createTransport } from "./create-transport.ts";
import { ENGINE_CALLS, readEngine } from "./engine-calls.ts";
import {
  decodeListRow,
  decodeMessageRow,
  decodeNumbersRow,
  type ListedTorrent,
  listParams,
  messageParams,
  numbersBuffer,
  numbersParams,
  unpackNumbersAt,
} from "./list-query.ts";
import {
  addPeers,
  CENSUS_BATCH,
  countPeers,
  MAX_PEER_ITEMS,
  peerCensusCalls,
} from "./peer-census.ts";
import { bytesAre, RowScanner } from "./row-scan.ts";
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
  /**
   * How often the whole list is read even when nothing says it must be (default 10 minutes): what
   * no event or view shows (a label, name, save path or tracker set on a quiet torrent) is seen
   * within this time.
   */
  readonly fullListEveryMs?: number;
  /**
   * Most rows of torrents touched by events that a poll of changes reads in one answer (default
   * 10,000, about 7 MB); more, and it reads the whole list instead, which streams.
   */
  readonly touchedHeld?: number;
  /**
   * Least time between two peer censuses (default 1 minute). A census asks every item with
   * connected peers (thousands on a big box), so `pt_peers` is counted at most this often and
   * the last counts are kept in between.
   */
  readonly peerCensusEveryMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** The longest time between two reads for the `hot` view to hold every torrent that moved: rTorrent's rate window is 60 s, in whole seconds. */
const QUIET_WINDOW_MS = 50_000;
const FULL_LIST_EVERY_MS = 10 * 60_000;
const PEER_CENSUS_EVERY_MS = 60_000;
/** More touched torrents than this (about 7 MB of rows) are read with the whole list, which streams. */
const TOUCHED_HELD = 10_000;

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
 * Polls rTorrent and emits only what changed since the previous poll. rTorrent has no change
 * feed, so the source installs one (see `change-views.ts`). A poll of changes is two
 * `system.multicall`s, each answered by rTorrent in one go in its main loop: first the hashes
 * erased since the last poll, `hot` and `messages` re-filtered, and how many torrents events
 * touched; then every row of those (emptying the view) with the sizes of `main`, `started` and
 * `complete`. Then two streamed `d.multicall2`s: the integers of the `hot` torrents and the hash
 * and message of the `messages` ones. Warm torrents no longer in `hot` are quiet now: rates and
 * peers 0. If the sizes do not match what the table
 * then holds, or a listed hash is unknown, or events touched more than `touchedHeld` torrents,
 * the same poll reads the whole list. The whole list (one streamed `d.multicall2` over `main`,
 * trimmed to the fields the model uses) is also read on the first poll, after a failure, when
 * rTorrent lost the views (it restarted), when the last read is more than 50 s old (rTorrent's
 * rates cover 60 s), and every `fullListEveryMs` (10 minutes) for what nothing else shows:
 * labels, names, save paths and trackers changed on quiet torrents. If rTorrent refuses the
 * views (a restricted XML-RPC), every poll reads the whole list, as before. A last
 * `system.multicall` reads the global figures.
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
  readonly #views: ChangeViews;
  readonly #fullEveryMs: number;
  readonly #now: () => number;
  readonly #touchedHeld: number;
  #defaultDirectory = "";
  #freeSpaceItem: string | undefined;
  /** Items of the last list with connected peers (seeds or leechers). */
  #withPeers: string[] = [];
  readonly #censusEveryMs: number;
  #lastCensus = Number.NEGATIVE_INFINITY;
  #census: PeerCounts | undefined;
  /** Whether our views and handlers are in place in rTorrent (as far as we know). */
  #armed = false;
  #lastRead = Number.NEGATIVE_INFINITY;
  #lastFull = Number.NEGATIVE_INFINITY;
  #fullLists = 0;
  #lastSetupTry = Number.NEGATIVE_INFINITY;
  /** Whether to install the views at the next full list: never tried, or they went missing. */
  #setupDue = true;
  /**
   * What the hot rows are read with, kept for the source's life: optimized code that has seen an
   * object's shape is dropped when a full garbage collection finds no object of it alive.
   */
  readonly #numbers = numbersBuffer();
  readonly #rows = new RowScanner();
  /**
   * How the `hot` and `messages` answers are streamed, built once: the readers below and these
   * options are the same objects every poll, so the code V8 optimized for them stays valid (new
   * closures and option objects each poll were dropped with it by full collections).
   */
  readonly #hotStream: ArrayStreamOptions;
  readonly #messageStream: ArrayStreamOptions;
  /** In the list being streamed: whether every hash it gave was known. */
  #known = true;
  /** In the `hot` list being streamed: where the items with connected peers go. */
  #withPeersNow = new Set<string>();
  /** In the `messages` list being streamed: the slots read whole in this poll, left as read. */
  #fresh: ReadonlySet<number> = new Set<number>();

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
    this.#views = changeViews(context.target);
    const where = (view: string) => `${this.#transport.endpoint} d.multicall2 ${view}`;
    this.#hotStream = { ...this.#limits, where: where(this.#views.hot), scan: this.#hotScan };
    this.#messageStream = {
      ...this.#limits,
      where: where(this.#views.messages),
      scan: this.#messageScan,
    };
    this.#fullEveryMs = options.fullListEveryMs ?? FULL_LIST_EVERY_MS;
    this.#censusEveryMs = options.peerCensusEveryMs ?? PEER_CENSUS_EVERY_MS;
    this.#now = options.now ?? Date.now;
    this.#touchedHeld = options.touchedHeld ?? TOUCHED_HELD;
  }

  /** Whole lists read so far (the first poll's included). */
  get fullLists(): number {
    return this.#fullLists;
  }

  get bytesReceived(): number {
    return this.#transport.bytesReceived;
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.#transport.requests;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const now = this.#now();
    const full =
      this.#sync.needsFull ||
      !this.#armed ||
      now - this.#lastRead > QUIET_WINDOW_MS ||
      now - this.#lastFull >= this.#fullEveryMs;
    this.#sync.begin(!full);
    try {
      if (full || !(await this.#changes(signal))) {
        this.#sync.widen();
        await this.#fullList(signal, now);
      }
      this.#lastRead = now;
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
   * Reads what may have changed since the last poll, in one `system.multicall`, into the sync's
   * partial poll. False when that is not enough: the whole list must be read in this poll.
   */
  async #changes(signal: AbortSignal): Promise<boolean> {
    const v = this.#views;
    const where = `${this.#transport.endpoint} system.multicall`;
    // First, of one moment: the erased hashes, which torrents are moving or have a message now
    // (the two views re-filtered), and how many torrents events touched.
    const first = await this.#call(
      [
        { method: v.erased, params: [""] },
        { method: `${v.erased}.set`, params: ["", ""] },
        { method: "view.filter_all", params: ["", v.hot] },
        { method: "view.filter_all", params: ["", v.messages] },
        { method: "view.size", params: ["", v.touched] },
      ],
      signal,
    );
    if (first === undefined) return false;
    const erasedText = first.value(0);
    if (typeof erasedText !== "string") {
      throw new SourceProtocolError(
        `${where}: ${v.erased} is ${describeValue(erasedText)}, expected a string`,
      );
    }
    // After a mass event (every torrent stopped at once), the whole list, which streams.
    if (first.size(4) > this.#touchedHeld) return false;
    // Then, of one moment: the touched torrents' rows, emptying the view, and the sizes.
    const second = await this.#call(
      [
        { method: "d.multicall2", params: listParams(v.touched) },
        { method: "view.filter_all", params: ["", v.touched] },
        { method: "view.size", params: ["", "main"] },
        { method: "view.size", params: ["", "started"] },
        { method: "view.size", params: ["", "complete"] },
      ],
      signal,
    );
    if (second === undefined) return false;
    const sync = this.#sync;
    const touched = second.list(0).map((row, i) => decodeListRow(row, i, `${where} ${v.touched}`));
    const touchedHashes = new Set(touched.map((t) => t.hash));
    // Erased and added again since the last poll: listed in `touched`, so kept.
    for (const hash of erasedHashes(erasedText)) if (!touchedHashes.has(hash)) sync.remove(hash);
    for (const row of touched) sync.row(row);
    // The slots of the rows read whole: the messages below leave them as read here.
    const fresh = new Set<number>();
    for (const row of touched) fresh.add(sync.slot(row.hash));
    // Then the members of the two views as filtered above, each streamed (rows are read and
    // dropped as they come: nothing of the answer outlives its row). A row read whole above is
    // kept as read there.
    // Every item with connected peers is in `hot` (its filter asks d.peers_connected), so the
    // census's items are those of this poll's rows.
    const withPeers = new Set<string>();
    for (const row of touched) if (row.peersConnected > 0) withPeers.add(row.hash);
    const hotKnown = await this.#readHot(signal, withPeers);
    const messagesKnown = await this.#readMessages(signal, fresh);
    const counts = sync.counts();
    if (
      !hotKnown ||
      !messagesKnown ||
      second.size(2) !== sync.size ||
      second.size(3) !== counts.started ||
      second.size(4) !== counts.complete
    ) {
      // Something moved that no event showed (or between the two answers): read it all.
      return false;
    }
    const item = this.#freeSpaceItem;
    if (item === undefined || !sync.isOpen(item)) {
      this.#freeSpaceItem = sync.openItem(this.#defaultDirectory);
    }
    this.#withPeers = [...withPeers];
    return true;
  }

  /**
   * Streams the integers of the `hot` view's torrents into the sync's partial poll, adding those
   * with connected peers to `withPeers`. False if a hash is not known (the rest is taken all the
   * same). Rows of the shape rTorrent sends are read straight from the bytes (RowScanner): no
   * values or strings built, and most of them change nothing. Any other row goes through the
   * XML-RPC reader.
   */
  async #readHot(signal: AbortSignal, withPeers: Set<string>): Promise<boolean> {
    this.#known = true;
    this.#withPeersNow = withPeers;
    await this.#stream(numbersParams(this.#views.hot), signal, this.#hotRow, this.#hotStream);
    return this.#known;
  }

  /** Takes the integers in `#numbers` for the known torrent in `slot` (-1: not known). */
  #takeHot(slot: number): void {
    if (slot < 0) {
      this.#known = false;
      return;
    }
    this.#sync.numbersAt(slot, this.#numbers);
    if (this.#numbers.peersConnected > 0) this.#withPeersNow.add(this.#sync.hashOf(slot));
  }

  /** A `hot` row of any other shape, parsed. */
  readonly #hotRow = (value: XmlRpcValue, index: number): void => {
    const where = this.#hotStream.where;
    this.#takeHot(this.#sync.slot(decodeNumbersRow(value, index, where, this.#numbers)));
  };

  /** A `hot` row of the shape rTorrent sends, read from the bytes (see ArrayStreamOptions.scan). */
  readonly #hotScan = (b: Buffer, at: number): number => {
    const rows = this.#rows;
    const end = rows.pair(b, at);
    if (end < 0 || !unpackNumbersAt(b, rows.textStart, rows.textEnd, this.#numbers)) return -1;
    this.#takeHot(this.#sync.slotAt(b, rows.hashAt));
    return end;
  };

  /**
   * Streams the hash and message of the `messages` view's torrents into the sync's partial poll,
   * then empties the message of every other torrent, but those of `fresh` (slots read whole in
   * this poll, left as read). False if a hash is not known. A row whose message is the one kept is
   * read straight from the bytes; a changed one (rare) through the XML-RPC reader.
   */
  async #readMessages(signal: AbortSignal, fresh: ReadonlySet<number>): Promise<boolean> {
    this.#known = true;
    this.#fresh = fresh;
    const params = messageParams(this.#views.messages);
    await this.#stream(params, signal, this.#messageRow, this.#messageStream);
    this.#sync.clearUnlistedMessages(fresh);
    return this.#known;
  }

  /** A `messages` row of any other shape (or a changed message), parsed. */
  readonly #messageRow = (value: XmlRpcValue, index: number): void => {
    const { hash, message } = decodeMessageRow(value, index, this.#messageStream.where);
    const slot = this.#sync.slot(hash);
    if (slot < 0) this.#known = false;
    else if (!this.#fresh.has(slot)) this.#sync.listMessage(slot, message);
  };

  /** A `messages` row whose message is the one kept, read from the bytes; else -1. */
  readonly #messageScan = (b: Buffer, at: number): number => {
    const rows = this.#rows;
    const sync = this.#sync;
    const end = rows.joined(b, at);
    if (end < 0) return -1;
    const slot = sync.slotAt(b, rows.hashAt);
    if (slot < 0) {
      this.#known = false;
      return end;
    }
    if (this.#fresh.has(slot)) return end;
    if (!bytesAre(b, rows.textStart, rows.textEnd, sync.messageOf(slot))) return -1;
    sync.listSameMessage(slot);
    return end;
  };

  /**
   * One `system.multicall` of the poll of changes, with typed access to its results; undefined
   * when one of our objects is missing (rTorrent restarted): then they are installed again.
   */
  async #call(calls: readonly RtorrentCall[], signal: AbortSignal): Promise<Answers | undefined> {
    const values = await this.#api.multicall(calls, signal, HELD_LIST_BYTES);
    if (values.some(isMissing)) {
      this.#armed = false;
      this.#setupDue = true;
      return undefined;
    }
    const where = `${this.#transport.endpoint} system.multicall`;
    const value = (i: number): XmlRpcValue => {
      const r = values[i];
      if (r instanceof Error) throw r;
      return r as XmlRpcValue;
    };
    return {
      value,
      list: (i) => {
        const r = value(i);
        if (!Array.isArray(r)) {
          throw new SourceProtocolError(
            `${where}: ${calls[i]?.params[1]} gave ${describeValue(r)}, expected rows`,
          );
        }
        return r;
      },
      size: (i) => nonNegative(value(i), where, `view.size ${calls[i]?.params[1]}`),
    };
  }

  /**
   * Reads the whole list. Before it, empties `touched` and `erased` (the list reads all they
   * hold), and installs the views first if they are not there: at once when they went missing
   * (rTorrent restarted), at most once a full-list interval when rTorrent refused them.
   */
  async #fullList(signal: AbortSignal, now: number): Promise<void> {
    const v = this.#views;
    try {
      if (this.#armed) {
        const results = await this.#api.multicall(clearCalls(v), signal);
        if (results.some(isMissing)) this.#setupDue = true;
        this.#armed = !results.some((r) => r instanceof Error);
      }
      if (!this.#armed && (this.#setupDue || now - this.#lastSetupTry >= this.#fullEveryMs)) {
        this.#lastSetupTry = now;
        this.#setupDue = false;
        const calls = [...setupCalls(v), ...clearCalls(v)];
        const results = await this.#api.multicall(calls, signal);
        this.#armed = setupSucceeded(calls, results);
      }
    } catch (error) {
      // An rTorrent (or something in front of it) that answers system.multicall with nonsense can
      // still be polled the old way: the whole list every poll. A network failure fails the poll.
      if (!(error instanceof SourceProtocolError || error instanceof XmlRpcFaultError)) throw error;
      this.#armed = false;
    }
    await this.#list(signal);
    this.#lastFull = now;
    this.#fullLists++;
  }

  /** Streams one `d.multicall2`, each row to `options.scan` or else, once it has arrived, to `onItem`. */
  async #stream(
    params: readonly string[],
    signal: AbortSignal,
    onItem: (value: XmlRpcValue, index: number) => void,
    options: ArrayStreamOptions,
  ): Promise<void> {
    const reader = new ArrayResponseStream(onItem, options);
    const body = Buffer.from(encodeMethodCall("d.multicall2", params), "utf8");
    await this.#transport.stream(body, signal, (chunk) => reader.push(chunk));
    reader.end();
  }

  /**
   * Streams the list: each row is decoded and diffed as soon as it has arrived, so the answer
   * (about 0.7 KB per torrent) is never held whole. Also picks the item whose
   * `d.free_diskspace` stands for the free space (an open one, in the default directory if any)
   * and the items with connected peers, for the peer census.
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
   * such items. At most one census per `peerCensusEveryMs`: the last counts in between.
   */
  async #peers(signal: AbortSignal): Promise<PeerCounts | undefined> {
    const now = this.#now();
    if (this.#census !== undefined && now - this.#lastCensus < this.#censusEveryMs) {
      return this.#census;
    }
    this.#census = await this.#countPeers(signal);
    this.#lastCensus = now;
    return this.#census;
  }

  async #countPeers(signal: AbortSignal): Promise<PeerCounts | undefined> {
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

/** The results of one `system.multicall`, by position: a fault in a slot is thrown when read. */
interface Answers {
  value(i: number): XmlRpcValue;
  list(i: number): readonly XmlRpcValue[];
  size(i: number): number;
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
