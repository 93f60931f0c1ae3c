// Every metric a torrent target exports, declared once: pt-exporter's table, the aggregates, the per-torrent series.

import { defineCounter, defineGauge, defineUntyped } from "@seedwatch/metrics";
import { TORRENT_FIGURES } from "./torrent-figures.ts";

/** Labels every target series carries, as pt-exporter has them. */
export const TARGET_LABELS = ["name", "host", "client"] as const;
const T = TARGET_LABELS;
const TORRENT = [...T, "torrent_hash", "torrent_name", "tracker"];

/** pt-exporter's metric table (its types fixed where they broke Prometheus rules), plus aggregates. */
export const PT = {
  up: defineGauge({
    name: "pt_up",
    help: "Whether the client answered the last poll (1) or not (0).",
    labelNames: T,
  }),
  downloadedTotal: defineCounter({
    name: "pt_download_bytes_total",
    help: "Bytes the client has downloaded: its all-time total where it keeps one (see the metrics reference).",
    unit: "bytes",
    labelNames: T,
  }),
  uploadedTotal: defineCounter({
    name: "pt_upload_bytes_total",
    help: "Bytes the client has uploaded: its all-time total where it keeps one (see the metrics reference).",
    unit: "bytes",
    labelNames: T,
  }),
  downloadSpeed: defineGauge({
    name: "pt_download_speed",
    help: "Download speed in bits per second.",
    labelNames: T,
  }),
  uploadSpeed: defineGauge({
    name: "pt_upload_speed",
    help: "Upload speed in bits per second.",
    labelNames: T,
  }),
  downloadSpeedBytes: defineGauge({
    name: "pt_download_speed_bytes",
    help: "Download speed in bytes per second (payload).",
    labelNames: T,
  }),
  uploadSpeedBytes: defineGauge({
    name: "pt_upload_speed_bytes",
    help: "Upload speed in bytes per second (payload).",
    labelNames: T,
  }),
  maxDownloadSpeed: defineGauge({
    name: "pt_max_download_speed_bytes",
    help: "The host's download bandwidth in bytes per second, as configured (max_download_speed), for utilization.",
    labelNames: T,
  }),
  maxUploadSpeed: defineGauge({
    name: "pt_max_upload_speed_bytes",
    help: "The host's upload bandwidth in bytes per second, as configured (max_upload_speed), for utilization.",
    labelNames: T,
  }),
  freeSpace: defineGauge({
    name: "pt_free_space_on_disk_bytes",
    help: "Free space where the client saves downloads.",
    unit: "bytes",
    labelNames: T,
  }),
  // Untyped: promtool rejects a gauge named ..._count, and dashboards query this very name.
  torrentsCount: defineUntyped({
    name: "pt_torrents_count",
    help: "Torrents by status (English name of the 0-10 status code), tracker and category.",
    labelNames: [...T, "status", "tracker", "category"],
  }),
  trackerUploaded: defineCounter({
    name: "pt_tracker_upload_bytes_total",
    help: "Bytes uploaded by the tracker's torrents, kept when torrents are removed (never goes down).",
    unit: "bytes",
    labelNames: [...T, "tracker"],
  }),
  trackerDownloaded: defineCounter({
    name: "pt_tracker_download_bytes_total",
    help: "Bytes downloaded by the tracker's torrents, kept when torrents are removed (never goes down).",
    unit: "bytes",
    labelNames: [...T, "tracker"],
  }),
  trackerTorrents: defineGauge({
    name: "pt_tracker_torrents",
    help: "Torrents of the tracker.",
    labelNames: [...T, "tracker"],
  }),
  trackerSize: defineGauge({
    name: "pt_tracker_size_bytes",
    help: "Total size of the tracker's torrents.",
    unit: "bytes",
    labelNames: [...T, "tracker"],
  }),
  trackerErrors: defineGauge({
    name: "pt_tracker_error_torrents",
    help: "Torrents of the tracker whose tracker reports an error (or has no working tracker).",
    labelNames: [...T, "tracker"],
  }),
  trackerUploadSpeed: defineGauge({
    name: "pt_tracker_upload_speed_bytes",
    help: "Upload speed of the tracker's torrents in bytes per second.",
    labelNames: [...T, "tracker"],
  }),
  trackerDownloadSpeed: defineGauge({
    name: "pt_tracker_download_speed_bytes",
    help: "Download speed of the tracker's torrents in bytes per second.",
    labelNames: [...T, "tracker"],
  }),
  categoryTorrents: defineGauge({
    name: "pt_category_torrents",
    help: "Torrents in the category.",
    labelNames: [...T, "category"],
  }),
  categorySize: defineGauge({
    name: "pt_category_size_bytes",
    help: "Total size of the category's torrents.",
    unit: "bytes",
    labelNames: [...T, "category"],
  }),
  tagTorrents: defineGauge({
    name: "pt_tag_torrents",
    help: "Torrents with the tag.",
    labelNames: [...T, "tag"],
  }),
  tagSize: defineGauge({
    name: "pt_tag_size_bytes",
    help: "Total size of the torrents with the tag.",
    unit: "bytes",
    labelNames: [...T, "tag"],
  }),
  torrent: defineGauge({
    name: "pt_tracker_torrent",
    help: "1 for every torrent with per-torrent series (a gauge: pt-exporter's table called it a counter, but it is always 1).",
    labelNames: TORRENT,
  }),
  torrentStatus: defineGauge({
    name: "pt_tracker_torrent_status",
    help: "Status code of the torrent: 0 Unknown, 1 Allocating, 2 Downloading, 3 Uploading, 4 Checking, 5 Errored, 6 Stalled, 7 Queued, 8 Paused, 9 Moving, 10 Undefined.",
    labelNames: TORRENT,
  }),
  torrentSize: defineGauge({
    name: "pt_tracker_torrent_size_bytes",
    help: "Size of the torrent (selected files).",
    unit: "bytes",
    labelNames: TORRENT,
  }),
  torrentDownloaded: defineCounter({
    name: "pt_tracker_torrent_download_bytes_total",
    help: "Bytes the torrent has downloaded (all-time, as the client counts it).",
    unit: "bytes",
    labelNames: TORRENT,
  }),
  torrentUploaded: defineCounter({
    name: "pt_tracker_torrent_upload_bytes_total",
    help: "Bytes the torrent has uploaded (all-time, as the client counts it).",
    unit: "bytes",
    labelNames: TORRENT,
  }),
  ...TORRENT_FIGURES,
} as const;

const D = ["name", "version", "client", "host"] as const;

/** LeiShi1313/downloader-exporter's family, names and labels as it has them, for its Grafana dashboards. */
export const DOWNLOADER = {
  up: defineGauge({
    name: "downloader_up",
    help: "Whether the client answered the last poll.",
    labelNames: D,
  }),
  downloadedTotal: defineCounter({
    name: "downloader_download_bytes_total",
    help: "Bytes downloaded by the client.",
    unit: "bytes",
    labelNames: D,
  }),
  uploadedTotal: defineCounter({
    name: "downloader_upload_bytes_total",
    help: "Bytes uploaded by the client.",
    unit: "bytes",
    labelNames: D,
  }),
  downloadSpeed: defineGauge({
    name: "downloader_download_speed_bytes",
    help: "Download speed in bytes per second.",
    labelNames: D,
  }),
  uploadSpeed: defineGauge({
    name: "downloader_upload_speed_bytes",
    help: "Upload speed in bytes per second.",
    labelNames: D,
  }),
  torrentUploaded: defineCounter({
    name: "downloader_tracker_torrent_upload_bytes_total",
    help: "Bytes uploaded per torrent name and tracker.",
    unit: "bytes",
    labelNames: [...D, "torrent_name", "tracker"],
  }),
  torrentDownloaded: defineCounter({
    name: "downloader_tracker_torrent_download_bytes_total",
    help: "Bytes downloaded per torrent name and tracker.",
    unit: "bytes",
    labelNames: [...D, "torrent_name", "tracker"],
  }),
  torrentsCount: defineUntyped({
    name: "downloader_torrents_count",
    help: "Torrents by status, category and tracker.",
    labelNames: [...D, "status", "category", "tracker"],
  }),
} as const;
