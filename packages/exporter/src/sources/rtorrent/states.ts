// rTorrent's torrent states, derived from its d.* flags and rates, mapped onto the status table.

import { TorrentStatus as S, type StateMapper, type StatusCode } from "../../model/status.ts";

/**
 * The states derived by `deriveRtorrentState`, named after qBittorrent's where they mean the same.
 * rTorrent has no queue, allocation or move states: its scheduler only starts and stops items.
 */
export const RTORRENT_STATES: Readonly<Record<string, StatusCode>> = {
  /** `d.is_hash_checking`: a hash check is running. */
  checking: S.Checking,
  /** `d.hashing` set but no check running: waiting for its hash check. */
  checkingQueued: S.Checking,
  /** `d.message` holds a local error (storage, low disk space...), not a tracker message. */
  error: S.Errored,
  /** `d.state` 0 (stopped) or `d.is_open` 0 (closed). */
  stopped: S.Paused,
  /** Started but `d.is_active` 0 (`d.pause`). */
  paused: S.Paused,
  /** Complete and sending now. */
  uploading: S.Uploading,
  /** Complete, running, sending nothing now. */
  stalledUP: S.Stalled,
  /** Incomplete and receiving now. */
  downloading: S.Downloading,
  /** Incomplete, running, receiving nothing now. */
  stalledDL: S.Stalled,
};

/** The d.* fields a state is derived from. */
export interface RtorrentStateInputs {
  /** `d.state`: started. */
  readonly started: boolean;
  /** `d.is_open`. */
  readonly open: boolean;
  /** `d.is_active`: false when paused or stopped. */
  readonly active: boolean;
  /** `d.complete`. */
  readonly complete: boolean;
  /** `d.is_hash_checking`. */
  readonly hashChecking: boolean;
  /** `d.hashing`: 0 none, 1 initial check, 2 last chunks, 3 forced re-check. */
  readonly hashing: number;
  /** `d.message`. */
  readonly message: string;
  /** `d.up.rate` / `d.down.rate`, bytes per second. */
  readonly uploadRate: number;
  readonly downloadRate: number;
}

/** rTorrent prefixes every tracker message this way (`core/download.cc`, receive_tracker_msg). */
const TRACKER_MESSAGE = "Tracker: [";

/** Whether `d.message` is a tracker's message (a failed announce) rather than a local error. */
export function isTrackerMessage(message: string): boolean {
  return message.startsWith(TRACKER_MESSAGE);
}

/**
 * The state of one item, in this order: checking first, then a local error, then stopped or
 * closed, then paused, then by transfer now (Stalled = running with nothing moving). A `d.hashing`
 * value this mapping does not know comes back as `d.hashing=<n>`, which RTORRENT_STATES lacks.
 */
export function deriveRtorrentState(d: RtorrentStateInputs): string {
  if (d.hashing < 0 || d.hashing > 3 || !Number.isInteger(d.hashing))
    return `d.hashing=${d.hashing}`;
  if (d.hashChecking) return "checking";
  if (d.hashing !== 0) return "checkingQueued";
  if (d.message !== "" && !isTrackerMessage(d.message)) return "error";
  if (!d.open || !d.started) return "stopped";
  if (!d.active) return "paused";
  if (d.complete) return d.uploadRate > 0 ? "uploading" : "stalledUP";
  return d.downloadRate > 0 ? "downloading" : "stalledDL";
}

/** The status code of one item; unknown derived states go through `mapper` (10, logged once). */
export function rtorrentStatus(d: RtorrentStateInputs, mapper: StateMapper): StatusCode {
  return mapper.map(deriveRtorrentState(d));
}
