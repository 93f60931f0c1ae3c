// Turns a torrent target's state and a host snapshot into the values of the archived series.

import type { HostSnapshot } from "../host/snapshot.ts";
import type { ClassCounts, TrackerStats } from "../model/torrent-table.ts";
import type { ClientStatus } from "../sources/source.ts";
import { CLASS_SERIES, type SeriesSample } from "./series.ts";

/** What sampling reads of a torrent target (a TorrentTarget). */
export interface SampledTarget {
  readonly config: { readonly name: string };
  readonly health: { readonly up: boolean };
  readonly client: ClientStatus | undefined;
  readonly table: {
    readonly classes: Readonly<ClassCounts>;
    readonly trackers: ReadonlyMap<string, Readonly<TrackerStats>>;
  };
}

/**
 * The target's series, per-tracker ones included. A target that is down gives nothing (a gap, as
 * its metrics show nothing stale); a figure the client does not report is left out.
 */
export function targetSamples(target: SampledTarget): SeriesSample[] {
  const client = target.client;
  if (!target.health.up || client === undefined) return [];
  const name = target.config.name;
  const out: SeriesSample[] = [];
  const add = (series: string, value: number | undefined, key = "") => {
    if (value !== undefined) out.push({ target: name, series, key, value });
  };
  add("upload_rate", client.uploadRate);
  add("download_rate", client.downloadRate);
  add("uploaded_total", client.uploadedTotal);
  add("downloaded_total", client.downloadedTotal);
  add("free_space", client.freeSpace);
  const classes = target.table.classes;
  for (const [series, field] of CLASS_SERIES) add(series, classes[field]);
  for (const [tracker, stats] of target.table.trackers) {
    add("tracker_uploaded", stats.uploaded, tracker);
    add("tracker_downloaded", stats.downloaded, tracker);
    add("tracker_torrents", stats.torrents, tracker);
  }
  return out;
}

/** The host's series; a part that could not be read, or a rate with no base yet, is left out. */
export function hostSamples(snapshot: HostSnapshot): SeriesSample[] {
  const out: SeriesSample[] = [];
  const add = (series: string, value: number | null | undefined, key = "") => {
    if (value !== null && value !== undefined) out.push({ target: "", series, key, value });
  };
  add("host_cpu_busy", snapshot.cpu?.busy);
  add("host_load1", snapshot.load?.load1);
  add("host_memory_used", snapshot.memory?.usedBytes);
  add("host_swap_used", snapshot.swap?.usedBytes);
  for (const fs of snapshot.filesystems)
    if (fs.ok) add("host_filesystem_used", fs.usedBytes, fs.path);
  add("host_disk_read_rate", snapshot.disks?.readBytesPerSecond);
  add("host_disk_write_rate", snapshot.disks?.writeBytesPerSecond);
  add("host_network_receive_rate", snapshot.network?.receiveBytesPerSecond);
  add("host_network_transmit_rate", snapshot.network?.transmitBytesPerSecond);
  return out;
}
