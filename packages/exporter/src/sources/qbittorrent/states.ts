// qBittorrent's torrent states (4.x and 5.x) mapped onto the status table.

import { TorrentStatus as S, type StatusCode } from "../../model/status.ts";

/**
 * Every state qBittorrent 4.1-5.2 emits. 5.0 renamed pausedUP/pausedDL to stoppedUP/stoppedDL;
 * `allocating` is documented but never emitted, and is kept for safety.
 */
export const QBITTORRENT_STATES: Readonly<Record<string, StatusCode>> = {
  unknown: S.Unknown,
  allocating: S.Allocating,
  downloading: S.Downloading,
  metaDL: S.Downloading,
  forcedMetaDL: S.Downloading,
  forcedDL: S.Downloading,
  uploading: S.Uploading,
  forcedUP: S.Uploading,
  checkingUP: S.Checking,
  checkingDL: S.Checking,
  checkingResumeData: S.Checking,
  error: S.Errored,
  missingFiles: S.Errored,
  stalledUP: S.Stalled,
  stalledDL: S.Stalled,
  queuedUP: S.Queued,
  queuedDL: S.Queued,
  pausedUP: S.Paused,
  pausedDL: S.Paused,
  stoppedUP: S.Paused,
  stoppedDL: S.Paused,
  moving: S.Moving,
};
