// Realistic per-torrent label values for benchmarks: what pt_tracker_torrent carries on a seedbox.

import { createHash } from "node:crypto";

const TRACKERS = [
  "tracker.example-pt.org",
  "pt.keepfrds.example",
  "tracker.hdsky.example",
  "open.stealth.example",
  "t.ourbits.example",
  "tracker.m-team.example",
  "tracker.totheglory.example",
  "pt.btschool.example",
];
const WORDS = [
  "The",
  "Last",
  "Ocean",
  "Blue",
  "Planet",
  "S01E04",
  "2160p",
  "WEB-DL",
  "DDP5.1",
  "HDR",
  "x265",
  "BluRay",
  "Remux",
  "FLAC",
  "Atmos",
  "1080p",
];

/** Label names of a per-torrent series. */
export const TORRENT_LABEL_NAMES = [
  "name",
  "host",
  "client",
  "torrent_hash",
  "torrent_name",
  "tracker",
] as const;

/** Deterministic label values for torrent `i` (a unique 40-hex hash, a release-style name, a tracker host). */
export function torrentLabels(i: number): string[] {
  let seed = (i + 1) * 2654435761;
  const next = () => {
    seed = (seed ^ (seed >>> 13)) * 1274126177;
    seed ^= seed >>> 16;
    return seed >>> 0;
  };
  const hash = createHash("sha1").update(`torrent ${i}`).digest("hex");
  const words: string[] = [];
  const count = 5 + (next() % 5);
  for (let w = 0; w < count; w++) words.push(WORDS[next() % WORDS.length] as string);
  return [
    "seedbox-1",
    "10.0.0.12:8080",
    "qbittorrent",
    hash,
    `${words.join(".")}-GRP${i % 97}`,
    TRACKERS[i % TRACKERS.length] as string,
  ];
}

/** What every client simulator makes of torrent `i`: its labels' hash, name and tracker, and a size. */
export function simulatedTorrent(i: number): {
  readonly hash: string;
  readonly name: string;
  readonly tracker: string;
  readonly size: number;
} {
  const [, , , hash, name, tracker] = torrentLabels(i) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { hash, name, tracker, size: 100_000_000 + ((i * 7_919_113) % 40_000_000_000) };
}

/** Names of the per-torrent families rendered in the benchmark (10 of them, as the exporter has). */
export const FAMILY_NAMES = [
  "pt_tracker_torrent_size_bytes",
  "pt_tracker_torrent_download_bytes",
  "pt_tracker_torrent_upload_bytes",
  "pt_tracker_torrent_status",
  "pt_tracker_torrent_progress_ratio",
  "pt_tracker_torrent_ratio",
  "pt_tracker_torrent_seeders",
  "pt_tracker_torrent_leechers",
  "pt_tracker_torrent_upload_speed_bytes",
  "pt_tracker_torrent_download_speed_bytes",
] as const;

/** A deterministic sample value for family `f` of torrent `i`. */
export function sampleValue(f: number, i: number): number {
  return f === 4 || f === 5
    ? ((i * 7 + f) % 1000) / 997
    : (i * 104_729 + f * 7919) % 50_000_000_000;
}
