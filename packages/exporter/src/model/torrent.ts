// The normalized torrent record every source produces, whatever the client.

import type { StatusCode } from "./status.ts";

/** What we keep of a torrent: only the fields we export, show or filter on. */
export interface TorrentRecord {
  /** Info-hash, lower-case hex (v1, or the client's own key for v2). */
  readonly hash: string;
  readonly name: string;
  readonly status: StatusCode;
  /** Bytes selected for download. */
  readonly size: number;
  /** 0..1. */
  readonly progress: number;
  /** All-time bytes downloaded / uploaded for this torrent, as the client counts them. */
  readonly downloaded: number;
  readonly uploaded: number;
  /** Payload bytes per second. */
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Share ratio as the client reports it (-1 when unknown). */
  readonly ratio: number;
  readonly category: string;
  readonly tags: readonly string[];
  /** Tracker host names (never URLs), the client's preferred or working one first. */
  readonly trackerHosts: readonly string[];
  /** Whether the tracker reports an error for this torrent (or none of its trackers works). */
  readonly trackerError: boolean;
  /** The client's or tracker's message for the torrent ("" when none). */
  readonly message: string;
  /** Unix seconds; 0 when unknown. */
  readonly addedOn: number;
  readonly completedOn: number;
  /** Seconds spent seeding; 0 when unknown. */
  readonly seedingTime: number;
  readonly savePath: string;
  /** Connected seeds and leechers. */
  readonly seeds: number;
  readonly leechers: number;
  /**
   * Whether the client runs the torrent: rTorrent's `d.state` (1 also while paused); elsewhere
   * not stopped (paused).
   */
  readonly started: boolean;
  /** Bytes of the selected files still to download. */
  readonly left: number;
  /** Files in the torrent; 0 where the client does not say (qBittorrent). */
  readonly files: number;
  /** Bytes per second received but not wanted (rTorrent's `d.skip.rate`); 0 elsewhere. */
  readonly skipRate: number;
  /**
   * Whether the client holds the torrent open (rTorrent's `d.is_open`: its files and its place in
   * the swarm; `d.close` closes it); true where the client has no such state.
   */
  readonly open: boolean;
}

/** Every field of a torrent but its hash. */
export type TorrentFields = Omit<TorrentRecord, "hash">;

/** A change to one torrent: the hash and the fields that changed (all of them for a new torrent). */
export type TorrentPatch = { readonly hash: string } & Partial<TorrentFields>;

/** The values a field takes when a source has nothing for it. */
export const EMPTY_TORRENT: TorrentFields = Object.freeze({
  name: "",
  status: 0,
  size: 0,
  progress: 0,
  downloaded: 0,
  uploaded: 0,
  downloadRate: 0,
  uploadRate: 0,
  ratio: -1,
  category: "",
  tags: Object.freeze([]) as readonly string[],
  trackerHosts: Object.freeze([]) as readonly string[],
  trackerError: false,
  message: "",
  addedOn: 0,
  completedOn: 0,
  seedingTime: 0,
  savePath: "",
  seeds: 0,
  leechers: 0,
  started: false,
  left: 0,
  files: 0,
  skipRate: 0,
  open: true,
});
