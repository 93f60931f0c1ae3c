// Transmission's torrent status (0-6), error kind and rates mapped onto the status table.

import { TorrentStatus as S, type StateMapper, type StatusCode } from "../../model/status.ts";

/** `tr_torrent_activity` (transmission.h, RPC 14+): the `status` field of torrent-get. */
export const TR_STATUS = {
  STOPPED: 0,
  CHECK_WAIT: 1,
  CHECK: 2,
  DOWNLOAD_WAIT: 3,
  DOWNLOAD: 4,
  SEED_WAIT: 5,
  SEED: 6,
} as const;

/** `tr_stat_errtype`: the `error` field. 1 and 2 come from trackers, 3 is local (disk, files). */
export const TR_ERROR = {
  OK: 0,
  TRACKER_WARNING: 1,
  TRACKER_ERROR: 2,
  LOCAL_ERROR: 3,
} as const;

/**
 * The status code of a torrent, in this order: a local error is Errored (Transmission has
 * stopped it); stopped is Paused; waiting for or doing a verify is Checking; waiting in the
 * download or seed queue is Queued; downloading or seeding is Downloading/Uploading while bytes
 * move and Stalled while none do (qBittorrent's meaning, not Transmission's 30-minute
 * `isStalled`). Tracker warnings and errors do not change the state: they are the torrent's
 * tracker error. A status number this table does not know is Undefined, reported once through
 * `unknown`.
 */
export function transmissionStatus(
  status: number,
  error: number,
  rateDownload: number,
  rateUpload: number,
  unknown: StateMapper,
): StatusCode {
  if (error === TR_ERROR.LOCAL_ERROR) return S.Errored;
  switch (status) {
    case TR_STATUS.STOPPED:
      return S.Paused;
    case TR_STATUS.CHECK_WAIT:
    case TR_STATUS.CHECK:
      return S.Checking;
    case TR_STATUS.DOWNLOAD_WAIT:
    case TR_STATUS.SEED_WAIT:
      return S.Queued;
    case TR_STATUS.DOWNLOAD:
      return rateDownload > 0 ? S.Downloading : S.Stalled;
    case TR_STATUS.SEED:
      return rateUpload > 0 ? S.Uploading : S.Stalled;
    default:
      return unknown.map(`status ${status}`);
  }
}
