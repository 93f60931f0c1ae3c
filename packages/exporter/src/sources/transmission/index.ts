// The Transmission source: recently-active polls between full lists, session-stats totals, free space.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";
import { knownFreeSpace } from "../../model/free-space.ts";
import type { TableUpdate } from "../../model/patch.ts";
import { StateMapper } from "../../model/status.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import { HttpClient, type TlsOptions } from "../../net/http-client.ts";
import { Credentials } from "../credentials.ts";
import { engineStatus } from "../engine-status.ts";
import type { ClientStatus, PollResult, SourceContext, TorrentSource } from "../source.ts";
import { TransmissionApi, type TransmissionTraffic } from "./api.ts";
import { TransmissionRpcError } from "./dialect.ts";
import {
  FULL_FIELDS,
  type PassKind,
  RECENT_FIELDS,
  TRACKER_FOLLOW_UP_FIELDS,
  TransmissionSync,
} from "./transmission-sync.ts";

/** What one torrent-get pass gave: the table's changes, and what the source must remember of it. */
interface Listing {
  readonly update: TableUpdate;
  /** A full list, not a recently-active one. */
  readonly full: boolean;
  /** False when a recently-active answer came without `removed`. */
  readonly removalsKnown: boolean;
}

/** Where and how to reach one Transmission. */
export interface TransmissionOptions {
  /** The RPC URL, e.g. `http://127.0.0.1:9091/transmission/rpc` (`http://host:9091` works too). */
  readonly url: string;
  /** Basic auth, when `rpc-authentication-required` is on (none by default). */
  readonly credentials?: Credentials;
  readonly tls?: TlsOptions;
  /**
   * Fixed period of full torrent lists, ms; by default it grows with the box: 9 ms per torrent,
   * at least 1 minute, at most 15 minutes.
   */
  readonly fullRefreshInterval?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/**
 * `recently-active` lists what moved in the last 60 s and the ids removed in that window: a gap
 * longer than this since the last poll could lose removals, so a full list follows it.
 */
const RECENT_WINDOW_MS = 50_000;
/**
 * Full lists carry every torrent's `trackerStats` (most of their bytes): 9 ms per torrent keeps
 * them to a fifth of a 100,000-torrent box's bytes (every 15 min), while what a quiet torrent can
 * change without becoming recently active (tracker results, labels, idle peer counts) is at most
 * that old.
 */
const FULL_MS_PER_TORRENT = 9;
const MIN_FULL_INTERVAL_MS = 60_000;
const MAX_FULL_INTERVAL_MS = 15 * 60_000;
/** Transmission's uptime has one-second steps; more drift than this in its start time is a restart. */
const RESTART_SLACK_SECONDS = 5;

/**
 * Polls `torrent-get` for recently active torrents only (without `trackerStats`, most of a row's
 * bytes; new torrents get theirs in a follow-up call), with a full list at the start, after a
 * session change (409: new id, hourly or after a restart), after a restart seen in
 * `session-stats` (its start time moved), after a gap near the 60 s window, and periodically
 * (tracker results, label edits and peer counts of idle torrents do not make them "recently
 * active"). Totals are `session-stats` `cumulative-stats` (all-time, kept in stats.json); free
 * space is `free-space` at the session's download directory.
 */
export class TransmissionSource implements TorrentSource {
  readonly #api: TransmissionApi;
  readonly #http: HttpClient;
  readonly #sync: TransmissionSync;
  readonly #context: SourceContext;
  readonly #options: TransmissionOptions;
  #version = "";
  #downloadDir: string | undefined;
  #lastPollAt = 0;
  #lastFullAt = 0;
  #conflictsSeen = 0;
  /** When the daemon started (unix seconds), from its uptime. */
  #startedAt: number | undefined;
  #downloadedTotal: number | undefined;
  #uploadedTotal: number | undefined;
  #lastPollWasFull = false;
  /** The server answered recently-active without `removed`: only full lists are trustworthy. */
  #noRemovedList = false;

  constructor(options: TransmissionOptions, context: SourceContext) {
    this.#options = options;
    this.#http = new HttpClient(options.tls === undefined ? {} : { tls: options.tls });
    this.#api = new TransmissionApi(
      options.url,
      options.credentials ?? Credentials.NONE,
      this.#http,
    );
    this.#sync = new TransmissionSync(new StateMapper({}, context.onUnknownState));
    this.#context = context;
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  /** Whether the last successful poll fetched the full list (rather than recently-active). */
  get lastPollWasFull(): boolean {
    return this.#lastPollWasFull;
  }

  /** Requests, 409s and bytes so far. */
  get traffic(): Readonly<TransmissionTraffic> {
    return this.#api.traffic;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    let listed = false;
    try {
      const stats = checkStats(await this.#api.call("session-stats", {}, signal));
      const now = this.#now();
      const startedAt = startOf(stats, now);
      const restarted =
        this.#startedAt !== undefined &&
        startedAt !== undefined &&
        Math.abs(startedAt - this.#startedAt) > RESTART_SLACK_SECONDS;
      const newSession = this.#api.traffic.conflicts !== this.#conflictsSeen;
      if (this.#version === "" || newSession || restarted) await this.#readSession(signal);
      const full =
        !this.#sync.valid ||
        this.#noRemovedList ||
        newSession ||
        restarted ||
        now - this.#lastPollAt >= RECENT_WINDOW_MS ||
        now - this.#lastFullAt >= this.#fullInterval();
      listed = true;
      const listing = await this.#torrents(full ? "full" : "recent", signal);
      const freeSpace = await this.#freeSpace(signal);
      fillSession(this.#context.session, stats);
      this.#startedAt = startedAt;
      this.#lastPollAt = now;
      if (listing.full) this.#lastFullAt = now;
      if (!listing.removalsKnown) this.#noRemovedList = true;
      this.#lastPollWasFull = listing.full;
      this.#conflictsSeen = this.#api.traffic.conflicts;
      return {
        reset: listing.update.reset,
        patches: listing.update.patches,
        removed: listing.update.removed,
        client: {
          ...this.#clientStatus(stats, freeSpace),
          engine: engineStatus({
            startTimeSeconds: startedAt === undefined ? undefined : Math.round(startedAt),
          }),
        },
      };
    } catch (error) {
      // The sync state may be ahead of what the table got: the next list starts from scratch.
      if (listed) this.#sync.invalidate();
      throw error;
    }
  }

  async remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    if (hashes.length === 0) return;
    await this.#api.call(
      "torrent-remove",
      { ids: [...hashes], "delete-local-data": deleteData },
      signal,
    );
  }

  async close(): Promise<void> {
    this.#http.close();
  }

  /**
   * One torrent-get. A recently-active answer that contradicts the id table, or that came after a
   * new session id (possibly another daemon run), is thrown away for a full list from scratch.
   */
  async #torrents(kind: PassKind, signal: AbortSignal): Promise<Listing> {
    if (kind === "recent") {
      const conflicts = this.#api.traffic.conflicts;
      const recent = await this.#pass("recent", signal);
      if (recent !== undefined && this.#api.traffic.conflicts === conflicts) return recent;
      this.#sync.invalidate();
    }
    const full = await this.#pass("full", signal);
    if (full === undefined) throw new Error("a full pass is never inconsistent");
    return full;
  }

  /** One pass; undefined when a recently-active answer contradicted the id table. */
  async #pass(kind: PassKind, signal: AbortSignal): Promise<Listing | undefined> {
    const pass = this.#sync.begin(kind);
    const args: Record<string, unknown> = {
      fields: kind === "full" ? FULL_FIELDS : RECENT_FIELDS,
      format: "table",
    };
    if (kind === "recent") args.ids = "recently-active";
    const rest = await this.#api.torrentGet(
      args,
      signal,
      (element) => pass.element(element),
      (chunk, start) => pass.decode(chunk, start),
    );
    if (!pass.consistent) return undefined;
    const pending = pass.pendingTrackers;
    if (pending.length > 0) {
      // New torrents came without trackerStats: ask for theirs before they reach the table, so
      // they never count under an empty tracker.
      await this.#api.torrentGet(
        { ids: pending, fields: TRACKER_FOLLOW_UP_FIELDS, format: "table" },
        signal,
        (element) => pass.trackers(element),
      );
    }
    try {
      const update = pass.finish(rest.removed);
      return { update, full: kind === "full", removalsKnown: pass.removalsKnown };
    } catch (error) {
      if (!(error instanceof SourceProtocolError)) throw error;
      throw new SourceProtocolError(`${this.#api.where} ${error.message}`, { cause: error });
    }
  }

  async #readSession(signal: AbortSignal): Promise<void> {
    const session = await this.#api.call(
      "session-get",
      { fields: ["version", "rpc-version", "download-dir"] },
      signal,
    );
    const version = typeof session.version === "string" ? session.version.trim() : "";
    this.#version = (version || "unknown").slice(0, 64);
    const dir = session["download-dir"];
    this.#downloadDir = typeof dir === "string" && dir !== "" ? dir : undefined;
  }

  /** Free bytes in the download directory; undefined when Transmission cannot tell (no such dir). */
  async #freeSpace(signal: AbortSignal): Promise<number | undefined> {
    if (this.#downloadDir === undefined) return undefined;
    try {
      const answer = await this.#api.call("free-space", { path: this.#downloadDir }, signal);
      // -1 when Transmission cannot stat the directory.
      return knownFreeSpace(answer["size-bytes"]);
    } catch (error) {
      if (error instanceof TransmissionRpcError) return undefined;
      throw error;
    }
  }

  #clientStatus(stats: Record<string, unknown>, freeSpace: number | undefined): ClientStatus {
    const cumulative = objectOf(stats["cumulative-stats"]);
    // stats.json is written every few minutes and on a clean exit: after a crash Transmission's
    // all-time figures fall back to the last save. Hold the highest value seen, so the counter
    // does not look reset to Prometheus, until Transmission's own count passes it again.
    this.#downloadedTotal = highest(this.#downloadedTotal, finite(cumulative.downloadedBytes));
    this.#uploadedTotal = highest(this.#uploadedTotal, finite(cumulative.uploadedBytes));
    return {
      version: this.#version,
      downloadedTotal: this.#downloadedTotal,
      uploadedTotal: this.#uploadedTotal,
      downloadRate: finite(stats.downloadSpeed) ?? 0,
      uploadRate: finite(stats.uploadSpeed) ?? 0,
      freeSpace,
    };
  }

  #fullInterval(): number {
    if (this.#options.fullRefreshInterval !== undefined) return this.#options.fullRefreshInterval;
    return Math.min(
      MAX_FULL_INTERVAL_MS,
      Math.max(MIN_FULL_INTERVAL_MS, this.#sync.size * FULL_MS_PER_TORRENT),
    );
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** Fills the session catalog with the `session-stats` figures that mean exactly what the catalog says. */
function fillSession(session: SessionCounters, stats: Record<string, unknown>): void {
  const current = objectOf(stats["current-stats"]);
  const pairs: ReadonlyArray<readonly [number, unknown]> = [
    [M.BW_PAYLOAD_DOWNLOAD_RATE, stats.downloadSpeed],
    [M.BW_PAYLOAD_UPLOAD_RATE, stats.uploadSpeed],
    [M.BW_TOTAL_DOWNLOADED, current.downloadedBytes],
    [M.BW_TOTAL_UPLOADED, current.uploadedBytes],
    [M.SES_UPTIME_SECS, current.secondsActive],
  ];
  for (const [slot, value] of pairs) {
    const n = finite(value);
    if (n !== undefined && n >= 0) session.set(slot, Math.trunc(n));
  }
}

/** The session-stats answer, if it has the shape every Transmission since 1.x gives it. */
function checkStats(stats: Record<string, unknown>): Record<string, unknown> {
  const problems = [
    finite(stats.downloadSpeed) === undefined && "downloadSpeed",
    finite(stats.uploadSpeed) === undefined && "uploadSpeed",
    typeof stats["current-stats"] !== "object" && "current-stats",
    typeof stats["cumulative-stats"] !== "object" && "cumulative-stats",
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) {
    throw new SourceProtocolError(
      `session-stats: expected numbers downloadSpeed and uploadSpeed and objects current-stats and cumulative-stats; missing or wrong: ${problems.join(", ")}`,
    );
  }
  return stats;
}

/** When the daemon started, from `current-stats.secondsActive` (seconds since it started). */
function startOf(stats: Record<string, unknown>, nowMs: number): number | undefined {
  const seconds = finite(objectOf(stats["current-stats"]).secondsActive);
  return seconds === undefined ? undefined : nowMs / 1000 - seconds;
}

function highest(kept: number | undefined, reported: number | undefined): number | undefined {
  if (reported === undefined) return kept;
  return kept === undefined || reported > kept ? reported : kept;
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
