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
  /** What the client says of its engine; absent for a client that says none of it. */
  readonly engine?: EngineStatus;
}

/**
 * A client's engine as the client itself reports it, each figure undefined where it does not
 * (see docs/clients for which client gives which).
 */
export interface EngineStatus {
  /** Peer sockets open: rTorrent's `network.open_sockets`, libtorrent's connected peers. */
  readonly openSockets?: number;
  /** Files the engine holds open (rTorrent `network.open_files`, a patched build only). */
  readonly openFiles?: number;
  /** HTTP requests in flight, tracker announces mostly (rTorrent `network.http.current_open`). */
  readonly openHttpRequests?: number;
  /** The engine library's version: libtorrent-rasterbar's, or rTorrent's libtorrent. */
  readonly libraryVersion?: string;
  /** When the client started, seconds since the epoch, by its own account. */
  readonly startTimeSeconds?: number;
  /** The client's process ID as it gives it (rTorrent's `system.pid`), to find its process. */
  readonly pid?: number;
  /**
   * Where the engine itself listens when the target's URL is a front end's (deluge-web's daemon,
   * `deluge://host:port` as deluge-web names it), to find its process instead of the front end's.
   */
  readonly engineUrl?: string;
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
