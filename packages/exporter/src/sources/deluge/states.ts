// Deluge's torrent states (with the payload rates for Stalled) mapped onto the status table.

import { TorrentStatus as S, type StateMapper, type StatusCode } from "../../model/status.ts";

/**
 * Every state Deluge 2.0/2.1 reports (`deluge/common.py` TORRENT_STATE). `Downloading` and
 * `Seeding` are refined by `delugeStatus`: with no payload moving now they are Stalled, as
 * qBittorrent's stalledDL/stalledUP. Anything else (Deluge passes unknown libtorrent state
 * names through verbatim) is Undefined.
 */
export const DELUGE_STATES: Readonly<Record<string, StatusCode>> = {
  Allocating: S.Allocating,
  Checking: S.Checking,
  Downloading: S.Downloading,
  Seeding: S.Uploading,
  Paused: S.Paused,
  Error: S.Errored,
  Queued: S.Queued,
  Moving: S.Moving,
};

/**
 * The status of a torrent from its Deluge `state` and payload rates (bytes/s): Downloading
 * without download and Seeding without upload are Stalled (running, nothing moving now).
 */
export function delugeStatus(
  states: StateMapper,
  state: string,
  downloadRate: number,
  uploadRate: number,
): StatusCode {
  const code = states.map(state);
  if (code === S.Downloading && !(downloadRate > 0)) return S.Stalled;
  if (code === S.Uploading && !(uploadRate > 0)) return S.Stalled;
  return code;
}
