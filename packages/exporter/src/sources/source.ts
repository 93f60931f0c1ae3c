// What a source gives the daemon: a torrent client's changes since its last poll, or a device's snapshot.

import type { SessionCounters } from "@seedwatch/metrics";
import type { TableUpdate } from "../model/patch.ts";
import type { PeerCounts } from "../model/peer-counts.ts";

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

/**
 * One poll's result: what changed in the torrents (`reset` when the patches list every torrent),
 * and the client's global figures.
 */
export interface PollResult extends TableUpdate {
  readonly client: ClientStatus;
  /** Connected peers by kind, where the client can tell them cheaply (undefined elsewhere). */
  readonly peers?: PeerCounts;
}

/** What a source is given. */
export interface SourceContext {
  /** The target's name, for messages. */
  readonly target: string;
  /** Session counters the source fills from what its client reports (the session catalog of @seedwatch/metrics, after irontide-session). */
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

/** What a device source is given. */
export interface DeviceContext {
  /** The target's name, for messages. */
  readonly target: string;
  /** Writes a debug log line about a poll (under the target's name). */
  readonly debug: (message: string, fields: Readonly<Record<string, unknown>>) => void;
}

/** What a device says about itself: for the landing page, the API and the "target is up" log line. */
export interface DeviceDescription {
  readonly model: string;
  readonly firmware: string;
}

/** A device's remote API (a miner, say): every poll answers a complete snapshot of its figures. */
export interface DeviceSource<Snapshot> {
  /** The device's figures now. Never called twice at once. Throws a SourceError on failure. */
  poll(signal: AbortSignal): Promise<Snapshot>;
  /** The model and firmware a snapshot names. */
  describe(snapshot: Snapshot): DeviceDescription;
  /** Bytes received from the device so far (on the wire), for self metrics. */
  readonly bytesReceived: number;
  /** Ends the session and frees sockets. */
  close(): Promise<void>;
}
