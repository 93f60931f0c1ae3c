// The classes pyrotorque counts torrents by (rTorrent's view sizes): overlapping flags per torrent, counts kept by sign.

import { TorrentStatus } from "./status.ts";
import type { TorrentRecord } from "./torrent.ts";

/** Torrent counts by the classes pyrotorque shows. */
export interface ClassCounts {
  total: number;
  active: number;
  withMessage: number;
  complete: number;
  incomplete: number;
  seeding: number;
  downloading: number;
  started: number;
  stopped: number;
  errored: number;
}

/** A class flag of `classify`. */
export const ClassFlag = {
  Active: 1,
  Message: 2,
  Complete: 4,
  Seeding: 8,
  Downloading: 16,
  Stopped: 32,
  Errored: 64,
} as const;

/**
 * The `class` label values of `pt_class_torrents`, with the count each reads, in the seed's
 * order (total, active, message, complete, incomplete, seeding, leeching, started, stopped).
 */
export const CLASS_LABELS: ReadonlyArray<readonly [label: string, field: keyof ClassCounts]> = [
  ["total", "total"],
  ["active", "active"],
  ["message", "withMessage"],
  ["complete", "complete"],
  ["incomplete", "incomplete"],
  ["seeding", "seeding"],
  ["leeching", "downloading"],
  ["started", "started"],
  ["stopped", "stopped"],
];

/** Counts with every class at zero. */
export function emptyClasses(): ClassCounts {
  return {
    total: 0,
    active: 0,
    withMessage: 0,
    complete: 0,
    incomplete: 0,
    seeding: 0,
    downloading: 0,
    started: 0,
    stopped: 0,
    errored: 0,
  };
}

/**
 * The classes of a torrent, as ClassFlag bits. As rTorrent's views: started is the client's own
 * flag (`d.state`), complete is nothing left to download (`d.complete`), seeding is started and
 * complete, leeching (downloading) started and incomplete; active is moving data now (pyrotorque's
 * view, not rTorrent's built-in `active`, which holds every resumed item); message is a client or
 * tracker message set; errored an error state or a tracker error.
 */
export function classify(row: TorrentRecord): number {
  const complete = row.progress >= 1;
  let mask = 0;
  if (row.uploadRate > 0 || row.downloadRate > 0) mask |= ClassFlag.Active;
  if (row.message !== "") mask |= ClassFlag.Message;
  if (complete) mask |= ClassFlag.Complete;
  if (!row.started) mask |= ClassFlag.Stopped;
  else mask |= complete ? ClassFlag.Seeding : ClassFlag.Downloading;
  if (row.status === TorrentStatus.Errored || row.trackerError) mask |= ClassFlag.Errored;
  return mask;
}

/** Adds (sign 1) or takes away (sign -1) one torrent of classes `mask`. */
export function countClasses(c: ClassCounts, mask: number, sign: 1 | -1): void {
  c.total += sign;
  if (mask & ClassFlag.Active) c.active += sign;
  if (mask & ClassFlag.Message) c.withMessage += sign;
  if (mask & ClassFlag.Complete) c.complete += sign;
  else c.incomplete += sign;
  if (mask & ClassFlag.Seeding) c.seeding += sign;
  if (mask & ClassFlag.Downloading) c.downloading += sign;
  if (mask & ClassFlag.Stopped) c.stopped += sign;
  else c.started += sign;
  if (mask & ClassFlag.Errored) c.errored += sign;
}
