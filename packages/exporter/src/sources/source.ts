// What every torrent-client source gives the daemon: changes since its last poll, plus global figures.

import type { SessionCounters } from "@seedwatch/metrics";
import type { TorrentPatch } from "../model/torrent.ts";

/** Global figures of a client, complete on every poll. */
export interface ClientStatus {
  /** The client's version string, e.g. `v4.5.2`. */
  readonly version: string;
  /**
   * Bytes downloaded and uploaded as the best monotonic figure the client offers (all-time where
   * it keeps one); undefined when it has none.
   */
  readonly downloadedTotal: number | undefined;
  readonly uploadedTotal: number | undefined;
  /** Payload bytes per second, all torrents. */
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Free bytes where the client saves downloads; undefined when unknown. */
  readonly freeSpace: number | undefined;
}

/** One poll's result. */
export interface PollResult {
  /** True when `patches` lists every torrent (a full resync): the rest are gone. */
  readonly reset: boolean;
  /** New torrents (all fields) and changed ones (changed fields only). */
  readonly patches: readonly TorrentPatch[];
  readonly removed: readonly string[];
  readonly client: ClientStatus;
}

/** What a source is given. */
export interface SourceContext {
  /** The target's name, for messages. */
  readonly target: string;
  /** Session counters the source fills from what its client reports (seed 003's catalog). */
  readonly session: SessionCounters;
  /** Reports a client state the mapping does not know (once per state). */
  readonly onUnknownState: (state: string) => void;
  /**
   * Reports progress while a large answer is read (torrents so far, and the total when the
   * client tells it), so a first sync of 100,000 torrents shows in the log as it goes.
   */
  readonly onProgress?: (loaded: number, total: number | undefined) => void;
}

/** A torrent client's remote API seen as a stream of changes. */
export interface TorrentSource {
  /**
   * What changed since the previous poll. Never called twice at once. Throws a SourceError on
   * failure; the next poll after a failure may answer with `reset`.
   */
  poll(signal: AbortSignal): Promise<PollResult>;
  /** Removes torrents, with or without their data. */
  remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void>;
  /** Bytes received from the client so far (on the wire), for self metrics and benchmarks. */
  readonly bytesReceived: number;
  /** Ends the session and frees sockets. */
  close(): Promise<void>;
}
