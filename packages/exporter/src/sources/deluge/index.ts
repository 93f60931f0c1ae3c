// The Deluge source: diffed torrent status over the daemon RPC (or full lists via deluge-web) mapped onto the model.

export { fillSession, POLL_SESSION_KEYS, SESSION_MAPPING } from "./session-mapping.ts";

import { StateMapper } from "../../model/status.ts";
import { SourceConnectionError, SourceProtocolError } from "../../net/errors.ts";
import { HttpClient, type TlsOptions } from "../../net/http-client.ts";
import type { Credentials } from "../credentials.ts";
import { engineStatus } from "../engine-status.ts";
import type { ClientStatus, PollResult, SourceContext, TorrentSource } from "../source.ts";
import {
  type DelugeApi,
  type DelugeTorrentStatus,
  type DelugeTransport,
  RpcDelugeApi,
} from "./api.ts";
import { DaemonRpcClient } from "./daemon-rpc.ts";
import { DelugeEvents, TORRENT_EVENTS } from "./deluge-events.ts";
import { DelugeSync, type StatusAnswer, SYNC_KEYS } from "./deluge-sync.ts";
import { fillSession, OPEN_SOCKETS_KEY, POLL_SESSION_KEYS } from "./session-mapping.ts";
import { DELUGE_STATES } from "./states.ts";
import { parseHosts, type WebDaemonTarget, WebRpcClient } from "./web-rpc.ts";

/** Where and how to reach one Deluge. */
export interface DelugeSourceOptions {
  /**
   * `deluge://host:58846`: the daemon RPC (dedicated connection, diffs). `http(s)://host:8112/`:
   * deluge-web's JSON-RPC (full answers: its daemon connection is shared).
   */
  readonly url: string;
  /**
   * Daemon RPC: the account in deluged's `auth` file (auth level 5 or more) and its password.
   * deluge-web: the daemon account as its Connection Manager lists it, which picks the daemon to
   * watch, and the web UI's password.
   */
  readonly credentials: Credentials;
  /** `caFile` pins deluged's own certificate (else its self-signed one is accepted); for https, as usual. */
  readonly tls?: TlsOptions;
  /** A full (non-diff) answer at least this often on the daemon RPC (default 5 min). */
  readonly resyncIntervalMs?: number;
  /** How long removals are held after a reconnect (default 10 s; see DelugeSync). */
  readonly settleMs?: number;
  /** Torrents per `trackers` request when announce lists are needed (default 1000). */
  readonly announceBatch?: number;
  /** Torrents per call of a full list over the daemon RPC (default 4000; see ChunkedStatusOptions). */
  readonly fullListChunk?: number;
}

const DEFAULT_RESYNC_MS = 5 * 60_000;
const DEFAULT_DAEMON_PORT = 58846;
const DEFAULT_ANNOUNCE_BATCH = 1000;
const DEFAULT_FULL_LIST_CHUNK = 4000;

/**
 * Polls one Deluge. Over the daemon RPC, on our own connection, registered for torrent events
 * (TORRENT_EVENTS): a full answer (every torrent by id, `core.get_torrents_status({"id": [...]},
 * keys, diff=True)` a few thousand at a time, on a new connection) first, after any failure and every `resyncIntervalMs` (another diff client of the
 * same daemon can disturb our diff base); in between, only the torrents that can have changed:
 * `{"state": "Active"}` (a payload rate above 0) after a call that makes libtorrent post fresh
 * status, then by id those the events named (added, state changed, finished, tracker error) and
 * those that were moving and stopped, both as diffs; removals come from TorrentRemovedEvent.
 * Through deluge-web: `core.get_torrents_status({}, keys)`, always complete.
 * Then `core.get_session_status` for libtorrent's counters and `core.get_free_space` for the
 * download location. Totals are libtorrent's payload counters since deluged started
 * (`net.recv_payload_bytes`/`net.sent_payload_bytes`): Deluge keeps no all-time session total.
 */
export class DelugeSource implements TorrentSource {
  readonly kind: "daemon" | "web";
  readonly #options: DelugeSourceOptions;
  readonly #context: SourceContext;
  readonly #sync: DelugeSync;
  readonly #events: DelugeEvents;
  readonly #http: HttpClient | undefined;
  #transport: DelugeTransport | undefined;
  #api: DelugeApi | undefined;
  #probeBytes = 0;
  #version = "";
  #libraryVersion = "";
  /** deluge-web's daemon, as deluge-web names it (undefined over the daemon RPC). */
  #daemonUrl: string | undefined;
  #lastFullAt = Number.NEGATIVE_INFINITY;
  #failed = false;
  #connects = 0;

  constructor(options: DelugeSourceOptions, context: SourceContext) {
    this.#options = options;
    this.#context = context;
    this.#sync = new DelugeSync(new StateMapper(DELUGE_STATES, context.onUnknownState), {
      ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
    });
    this.#events = new DelugeEvents((hash, status) => this.#sync.trackerEventMatters(hash, status));
    const url = URL.parse(options.url);
    if (url?.protocol === "deluge:") {
      this.kind = "daemon";
      const events = this.#events;
      this.#transport = new DaemonRpcClient({
        url,
        credentials: options.credentials,
        clientVersion: "seedwatch",
        onEvent: (name, args, session) => events.onEvent(name, args, session),
        ...(options.tls?.caFile === undefined ? {} : { tls: { caFile: options.tls.caFile } }),
      });
      this.#api = new RpcDelugeApi(this.#transport);
    } else if (url?.protocol === "http:" || url?.protocol === "https:") {
      this.kind = "web";
      this.#http = new HttpClient(options.tls === undefined ? {} : { tls: options.tls });
    } else {
      throw new TypeError(
        "a Deluge URL is deluge://host:58846 (daemon RPC) or http(s)://host:8112/ (deluge-web)",
      );
    }
  }

  get bytesReceived(): number {
    return this.#probeBytes + (this.#api?.bytesReceived ?? 0);
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    try {
      const result = await this.#poll(signal);
      this.#failed = false;
      return result;
    } catch (error) {
      this.#failed = true;
      this.#events.forget();
      throw error;
    }
  }

  /** Torrent events received while listening (daemon RPC), for the benchmark. */
  get eventsReceived(): number {
    return this.#events.count;
  }

  async remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    const api = await this.#connect(signal);
    const failures = await api.removeTorrents(hashes, deleteData, signal);
    if (failures.length > 0) {
      const first = failures[0] as { id: string; error: string };
      throw new SourceProtocolError(
        `${api.endpoint}: core.remove_torrents: ${failures.length} of ${hashes.length} not removed (${first.id.slice(0, 40)}: ${first.error.slice(0, 120)})`,
      );
    }
  }

  async close(): Promise<void> {
    this.#api?.close();
    this.#http?.close();
  }

  async #poll(signal: AbortSignal): Promise<PollResult> {
    const api = await this.#connect(signal);
    const started = performance.now();
    const { status, dropped } =
      this.kind === "web"
        ? { status: await api.torrentsStatus(SYNC_KEYS, { signal }), dropped: false }
        : await this.#daemonStatus(api, started, signal);
    let counters: Record<string, number>;
    let free: number | undefined;
    let announces: Map<string, string[]>;
    try {
      [counters, free] = await Promise.all([
        api.sessionStatus(POLL_SESSION_KEYS, signal),
        api.freeSpace(undefined, signal),
        this.#version === "" || this.#failed || status.full
          ? Promise.all([api.daemonVersion(signal), api.libtorrentVersion(signal)]).then(
              ([version, library]) => {
                this.#version = version;
                this.#libraryVersion = library.slice(0, 64);
              },
            )
          : undefined,
      ]);
      announces = await this.#announces(status, signal);
    } catch (error) {
      // The daemon moved our diff base on to this answer, which we drop: start again from a full one.
      this.#events.forget();
      throw error;
    }
    const connects = this.#transport instanceof WebRpcClient ? this.#transport.traffic.connects : 0;
    // A planned resync on a new connection is no reconnect: the daemon did not restart.
    const reconnected =
      this.#failed || (this.kind === "daemon" ? dropped : connects !== this.#connects);
    this.#connects = connects;
    let changes: ReturnType<DelugeSync["apply"]>;
    try {
      changes = this.#sync.apply(status, announces, { reconnected, now: performance.now() });
    } finally {
      if (this.#sync.takeResyncWanted()) this.#events.forget();
    }
    if (status.full) this.#lastFullAt = started;
    fillSession(this.#context.session, counters);
    const client = clientStatus(this.#version, counters, free);
    const engine = engineOf(this.#libraryVersion, counters, this.#daemonUrl);
    return { ...changes, client: { ...client, engine } };
  }

  /**
   * The daemon RPC's torrent answer for this poll: full on a new connection registered for
   * events when one is due (see the class), else the torrents that can have changed; every
   * torrent's id (a diff) while removals are held after a reconnect. `dropped`: the connection
   * we listened on is gone (the daemon may have restarted).
   */
  async #daemonStatus(
    api: DelugeApi,
    started: number,
    signal: AbortSignal,
  ): Promise<{ status: StatusAnswer; dropped: boolean }> {
    const events = this.#events;
    const session = events.session;
    let dropped = false;
    if (session !== undefined && started - this.#lastFullAt < this.#resyncMs) {
      if (this.#sync.settling || !this.#seesAll) {
        // Missing torrents are held until the list settles: it takes the whole list to see it.
        // Below admin level, Deluge lists only the account's own and shared torrents, and a
        // torrent shared or unshared says so by no event (while `{"id": [...]}` is not filtered
        // by owner at all): only the whole list is right.
        const whole = await api.torrentsStatus(SYNC_KEYS, { diff: true, signal });
        if (whole.session === session && !whole.full) {
          events.take();
          return { status: whole, dropped };
        }
      } else {
        const partial = await this.#changedStatus(api, session, signal);
        if (partial !== undefined) return { status: partial, dropped };
      }
      dropped = true;
    }
    // A new connection: a fresh diff state, and events from before the full answer on.
    events.forget();
    api.resync();
    const listening = await api.setEventInterest(TORRENT_EVENTS, signal);
    events.listen(listening);
    // In parts: the daemon builds the next while we decode one, and the sync shows progress.
    const status = await api.torrentsStatus(SYNC_KEYS, {
      diff: true,
      signal,
      chunk: this.#options.fullListChunk ?? DEFAULT_FULL_LIST_CHUNK,
      onProgress: this.#context.onProgress,
    });
    if (status.session !== listening || !status.full) {
      events.forget();
      throw new SourceConnectionError(
        `${api.endpoint}: the connection to the daemon dropped during a full sync`,
      );
    }
    return { status, dropped };
  }

  /**
   * The torrents that can have changed since the last poll, as diffs on the connection `session`
   * whose events we hold; undefined when the connection is no longer that one (a full answer is
   * then needed: events may have been lost).
   */
  async #changedStatus(
    api: DelugeApi,
    session: number,
    signal: AbortSignal,
  ): Promise<StatusAnswer | undefined> {
    // Deluge's Active filter reads the status libtorrent last posted, and only then has it post a
    // new one (`torrents_status_update`, unless one came within 1.5 s): ask for none first, so the
    // filter reads the status of now and a torrent that started moving is in this poll.
    const fresh = await api.torrentsStatusWhere({ id: [] }, ["state"], { signal });
    if (fresh.session !== session) return undefined;
    const active = await api.torrentsStatusWhere({ state: "Active" }, SYNC_KEYS, {
      diff: true,
      signal,
    });
    if (active.session !== session) return undefined;
    // Every event the daemon sent before the Active answer has been taken in.
    const batch = this.#events.take();
    const ids = new Set(batch.changed);
    this.#sync.moving.forEach((hash) => {
      if (!active.torrents.has(hash)) ids.add(hash);
    });
    for (const hash of batch.removed) if (!batch.changed.has(hash)) ids.delete(hash);
    if (ids.size > 64 && ids.size > this.#sync.size / 4) {
      // Many at once (a "pause all"): naming them costs more than the whole list as a diff.
      const whole = await api.torrentsStatus(SYNC_KEYS, { diff: true, signal });
      if (whole.session !== session || whole.full) return undefined;
      const merged = new Map(whole.torrents);
      for (const [hash, f] of active.torrents) {
        const later = merged.get(hash);
        if (later !== undefined) merged.set(hash, mergeStatus(f, later));
      }
      return { full: false, torrents: merged };
    }
    // Each answer's Map is new and ours (see FilteredStatus): the named ones go into the Active one.
    const torrents = active.torrents as Map<string, Partial<DelugeTorrentStatus>>;
    if (ids.size > 0) {
      const named = await api.torrentsStatusWhere({ id: [...ids] }, SYNC_KEYS, {
        diff: true,
        signal,
      });
      if (named.session !== session) return undefined;
      named.torrents.forEach((f, hash) => {
        const before = torrents.get(hash);
        torrents.set(hash, before === undefined ? f : mergeStatus(before, f));
      });
    }
    return { full: false, torrents, partial: { removed: batch.removed } };
  }

  /** Whether the account sees every torrent (auth level 10, ADMIN: no owner filtering). */
  get #seesAll(): boolean {
    return this.#transport instanceof DaemonRpcClient && this.#transport.authLevel === 10;
  }

  get #resyncMs(): number {
    return this.#options.resyncIntervalMs ?? DEFAULT_RESYNC_MS;
  }

  /** The api; for deluge-web, first picks the daemon to watch from its host list. */
  async #connect(signal: AbortSignal): Promise<DelugeApi> {
    if (this.#api !== undefined) return this.#api;
    const http = this.#http as HttpClient;
    const base = { url: this.#options.url, credentials: this.#options.credentials };
    const probe = new WebRpcClient(base, http);
    let daemon: WebDaemonTarget;
    try {
      daemon = await chooseWebDaemon(probe, this.#options.credentials.username ?? "", signal);
    } finally {
      this.#probeBytes += probe.traffic.wireBytes;
      probe.close();
    }
    this.#transport = new WebRpcClient({ ...base, daemon }, http);
    const host = daemon.host.includes(":") ? `[${daemon.host}]` : daemon.host;
    this.#daemonUrl = `deluge://${host}:${daemon.port ?? DEFAULT_DAEMON_PORT}`;
    this.#api = new RpcDelugeApi(this.#transport);
    return this.#api;
  }

  /** Announce URLs of the torrents whose tracker identity needs them, by hash, tier order. */
  async #announces(status: StatusAnswer, signal: AbortSignal): Promise<Map<string, string[]>> {
    const ids = this.#sync.announceNeeded(status);
    const out = new Map<string, string[]>();
    const transport = this.#transport as DelugeTransport;
    const batch = Math.max(1, this.#options.announceBatch ?? DEFAULT_ANNOUNCE_BATCH);
    const method = "core.get_torrents_status";
    for (let i = 0; i < ids.length; i += batch) {
      const { result } = await transport.request(
        method,
        [{ id: ids.slice(i, i + batch) }, ["trackers"], false],
        {},
        signal,
      );
      parseAnnounces(transport.endpoint, result, out);
    }
    return out;
  }
}

/**
 * The daemon deluge-web should watch: the host its Connection Manager lists with our account
 * (the one connected now, else one online, else the first), else the one deluge-web is
 * connected to. Never a host it does not list: adding one would need the daemon's password.
 */
async function chooseWebDaemon(
  probe: WebRpcClient,
  account: string,
  signal: AbortSignal,
): Promise<WebDaemonTarget> {
  const endpoint = probe.endpoint;
  const hosts = parseHosts(endpoint, await probe.call("web.get_hosts", [], signal));
  const statuses = new Map<string, string>();
  const statusOf = async (id: string) => {
    let status = statuses.get(id);
    if (status === undefined) {
      const got = await probe.call("web.get_host_status", [id], signal);
      status = Array.isArray(got) && typeof got[1] === "string" ? got[1] : "";
      statuses.set(id, status);
    }
    return status;
  };
  const mine = hosts.filter((h) => h.user === account);
  const pick = async (candidates: typeof hosts, wanted: readonly string[]) => {
    for (const state of wanted)
      for (const h of candidates) if ((await statusOf(h.id)) === state) return h;
    return undefined;
  };
  const chosen =
    mine.length === 1
      ? mine[0]
      : mine.length > 1
        ? ((await pick(mine, ["Connected", "Online"])) ?? mine[0])
        : await pick(hosts, ["Connected"]);
  if (chosen === undefined) {
    const listed = hosts.map((h) => `${h.user}@${h.host}:${h.port}`).join(", ") || "none";
    throw new SourceConnectionError(
      `${endpoint}: deluge-web lists no daemon with the account "${account}" and is connected to none (listed: ${listed.slice(0, 300)})`,
    );
  }
  return { host: chosen.host, port: chosen.port };
}

/** Two diffs of one torrent, the later one's keys over the earlier one's. */
function mergeStatus(
  earlier: Partial<DelugeTorrentStatus>,
  later: Partial<DelugeTorrentStatus>,
): Partial<DelugeTorrentStatus> {
  return { ...earlier, ...later };
}

/** Adds `trackers` answers (announce entries) to `out` as URL lists in tier order. */
function parseAnnounces(endpoint: string, result: unknown, out: Map<string, string[]>): void {
  const fail = (what: string) =>
    new SourceProtocolError(`${endpoint}: core.get_torrents_status: expected ${what}`);
  if (
    result === null ||
    typeof result !== "object" ||
    Array.isArray(result) ||
    result instanceof Map
  )
    throw fail("a dict of torrents");
  for (const [id, status] of Object.entries(result as Record<string, unknown>)) {
    const entries = (status as { trackers?: unknown } | null)?.trackers;
    if (!Array.isArray(entries)) throw fail(`a trackers list for ${id.slice(0, 40)}`);
    const tiered: Array<{ url: string; tier: number }> = [];
    for (const entry of entries) {
      const { url, tier } = (entry ?? {}) as { url?: unknown; tier?: unknown };
      if (typeof url !== "string") throw fail("announce entries with a url");
      tiered.push({ url, tier: typeof tier === "number" ? tier : 0 });
    }
    tiered.sort((a, b) => a.tier - b.tier);
    out.set(
      id,
      tiered.map((t) => t.url),
    );
  }
}

/**
 * libtorrent's connected peers as the open sockets, its version, and through deluge-web where
 * deluged listens; Deluge tells no start time.
 */
function engineOf(
  libraryVersion: string,
  counters: Readonly<Record<string, number>>,
  daemonUrl: string | undefined,
) {
  const sockets = counters[OPEN_SOCKETS_KEY];
  return engineStatus({
    openSockets: sockets !== undefined && Number.isFinite(sockets) ? sockets : undefined,
    libraryVersion: libraryVersion === "" ? undefined : libraryVersion,
    engineUrl: daemonUrl,
  });
}

function clientStatus(
  version: string,
  counters: Readonly<Record<string, number>>,
  freeSpace: number | undefined,
): ClientStatus {
  return {
    version,
    downloadedTotal: counters["net.recv_payload_bytes"],
    uploadedTotal: counters["net.sent_payload_bytes"],
    downloadRate: counters.payload_download_rate ?? 0,
    uploadRate: counters.payload_upload_rate ?? 0,
    freeSpace,
  };
}
