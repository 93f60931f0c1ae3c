// Translates each archived series into PromQL over seedwatch's own metrics (pt_*, seedwatch_host_*).

import { TorrentStatus } from "../model/status.ts";
import { STATUS_LABELS } from "../render/status-labels.ts";
import type { SeriesDefinition } from "./series.ts";

/** One series instance to translate. */
export interface PromqlSubject {
  readonly series: SeriesDefinition;
  readonly target: string | null;
  readonly tracker: string | null;
  readonly path: string | null;
}

/** How to translate. */
export interface PromqlOptions {
  /** Extra label matchers (`job="seedwatch"`), without braces; may be empty. */
  readonly selector: string;
  /** Window of rate() over counters, seconds. */
  readonly rateWindowSeconds: number;
}

/** Torrent classes that pt_torrents_count (by status) cannot give, and why. */
const NO_METRIC =
  "seedwatch exports torrents by status (pt_torrents_count), not by this class; use the embedded archive for it";

/** Why a series has no PromQL translation, or undefined when it has one. */
export function promqlUnavailable(series: SeriesDefinition): string | undefined {
  return series.name in EXPRESSIONS ? undefined : NO_METRIC;
}

type Build = (m: (extra?: string) => string, rate: string) => string;

// Each expression yields one series per scrape (job, instance); the outer max() folds the same
// target scraped by two jobs (e.g. /metrics and /probe) into one line instead of adding them up.
const per = (inner: string) => `max(sum by (job, instance) (${inner}))`;
const difference = (a: string, b: string) =>
  `max(sum by (job, instance) (${a}) - sum by (job, instance) (${b}))`;
const counterRate = (metric: string, matchers: string, rate: string) =>
  per(`rate(${metric}${matchers}[${rate}])`);

const EXPRESSIONS: Readonly<Record<string, Build>> = {
  upload_rate: (m) => per(`pt_upload_speed_bytes${m()}`),
  download_rate: (m) => per(`pt_download_speed_bytes${m()}`),
  uploaded_total: (m) => per(`pt_upload_bytes_total${m()}`),
  downloaded_total: (m) => per(`pt_download_bytes_total${m()}`),
  free_space: (m) => per(`pt_free_space_on_disk_bytes${m()}`),
  torrents_total: (m) => per(`pt_torrents_count${m()}`),
  // The embedded archive's "stopped" class is exactly status Paused; "started" is the rest.
  torrents_stopped: (m) => per(`pt_torrents_count${m(`status=~"${PAUSED}"`)}`),
  torrents_started: (m) => per(`pt_torrents_count${m(`status!~"${PAUSED}"`)}`),
  tracker_uploaded: (m) => per(`pt_tracker_upload_bytes_total${m()}`),
  tracker_downloaded: (m) => per(`pt_tracker_download_bytes_total${m()}`),
  tracker_torrents: (m) => per(`pt_tracker_torrents${m()}`),
  host_cpu_busy: (m, rate) =>
    `max(1 - sum by (job, instance) (rate(seedwatch_host_cpu_seconds_total${m('mode=~"idle|iowait"')}[${rate}])) / sum by (job, instance) (rate(seedwatch_host_cpu_seconds_total${m()}[${rate}])))`,
  host_load1: (m) => per(`seedwatch_host_load1${m()}`),
  host_memory_used: (m) =>
    difference(
      `seedwatch_host_memory_total_bytes${m()}`,
      `seedwatch_host_memory_available_bytes${m()}`,
    ),
  host_swap_used: (m) =>
    difference(`seedwatch_host_swap_total_bytes${m()}`, `seedwatch_host_swap_free_bytes${m()}`),
  host_filesystem_used: (m) =>
    difference(
      `seedwatch_host_filesystem_size_bytes${m()}`,
      `seedwatch_host_filesystem_free_bytes${m()}`,
    ),
  // Devices stacked on others (device-mapper, md) would count the same bytes twice.
  host_disk_read_rate: (m, rate) =>
    counterRate("seedwatch_host_disk_read_bytes_total", m(STACKED), rate),
  host_disk_write_rate: (m, rate) =>
    counterRate("seedwatch_host_disk_written_bytes_total", m(STACKED), rate),
  host_network_receive_rate: (m, rate) =>
    counterRate("seedwatch_host_network_receive_bytes_total", m(), rate),
  host_network_transmit_rate: (m, rate) =>
    counterRate("seedwatch_host_network_transmit_bytes_total", m(), rate),
};

const STACKED = 'device!~"dm-[0-9]+|md[0-9]+"';

/** The `status` label of Paused in every language a target may write it in (compat.status_language). */
const PAUSED = Object.values(STATUS_LABELS)
  .map((names) => names[TorrentStatus.Paused])
  .join("|");

/**
 * The PromQL expression whose value at any instant is the series' value then, or undefined when
 * seedwatch exports nothing it could be computed from. Label values are escaped.
 */
export function seriesExpression(
  subject: PromqlSubject,
  options: PromqlOptions,
): string | undefined {
  const build = EXPRESSIONS[subject.series.name];
  if (build === undefined) return undefined;
  const base: string[] = [];
  if (subject.target !== null) base.push(`name=${quote(subject.target)}`);
  if (subject.tracker !== null) base.push(`tracker=${quote(subject.tracker)}`);
  if (subject.path !== null) base.push(`path=${quote(subject.path)}`);
  if (options.selector !== "") base.push(options.selector);
  const matchers = (extra?: string) => `{${[...base, ...(extra ? [extra] : [])].join(",")}}`;
  return build(matchers, `${options.rateWindowSeconds}s`);
}

/** A PromQL string literal (Go escaping, which JSON's is a subset of). */
export function quote(value: string): string {
  return JSON.stringify(value);
}
