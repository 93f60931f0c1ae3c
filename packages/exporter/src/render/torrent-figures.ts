// The torrent-level sensors of pyrotorque's monitoring page: classes, bytes left, files, skip rate, events, ratios.

import {
  defineCounter,
  defineGauge,
  defineGaugeHistogram,
  joinLabels,
  type MetricWriter,
  type RenderedLabels,
  renderLabels,
} from "@seedwatch/metrics";
import { PEER_KINDS, type PeerCounts } from "../model/peer-counts.ts";
import { RATIO_BOUNDS, RATIO_BUCKETS } from "../model/ratio-buckets.ts";
import { CLASS_LABELS } from "../model/torrent-classes.ts";
import { TORRENT_EVENTS } from "../model/torrent-events.ts";
import type { TorrentTable } from "../model/torrent-table.ts";

const T = ["name", "host", "client"] as const;

/** The families, spread into PT (so the reference and the checks see them with the others). */
export const TORRENT_FIGURES = {
  classTorrents: defineGauge({
    name: "pt_class_torrents",
    help: "Torrents by class, as rTorrent's views count them (classes overlap): total, active, message, complete, incomplete, seeding, leeching, started, stopped.",
    labelNames: [...T, "class"],
  }),
  trackerClassTorrents: defineGauge({
    name: "pt_tracker_class_torrents",
    help: "Torrents of the tracker by class, as pt_class_torrents.",
    labelNames: [...T, "tracker", "class"],
  }),
  leftBytes: defineGauge({
    name: "pt_left_bytes",
    help: "Bytes still to download, over every torrent (selected files).",
    unit: "bytes",
    labelNames: T,
  }),
  trackerLeftBytes: defineGauge({
    name: "pt_tracker_left_bytes",
    help: "Bytes still to download for the tracker's torrents.",
    unit: "bytes",
    labelNames: [...T, "tracker"],
  }),
  files: defineGauge({
    name: "pt_files",
    help: "Files in all torrents, where the client reports it (see the metrics reference).",
    labelNames: T,
  }),
  skipSpeedBytes: defineGauge({
    name: "pt_skip_speed_bytes",
    help: "Bytes per second received but not wanted (rTorrent's d.skip.rate, summed over torrents).",
    labelNames: T,
  }),
  torrentEvents: defineCounter({
    name: "pt_torrent_events_total",
    help: "Torrent events seedwatch saw, each counted once, kept across its restarts: added, finished, removed, errored (and opened, closed on rTorrent).",
    labelNames: [...T, "event"],
  }),
  trackerTorrentEvents: defineCounter({
    name: "pt_tracker_torrent_events_total",
    help: "Torrent events of the tracker's torrents, as pt_torrent_events_total.",
    labelNames: [...T, "tracker", "event"],
  }),
  peers: defineGauge({
    name: "pt_peers",
    help: "Connected peers by kind (a peer is in every kind it has, and in total): total, encrypted, incoming, obfuscated, preferred, snubbed, unwanted. Only where the client tells them cheaply (see the metrics reference).",
    labelNames: [...T, "kind"],
  }),
  trackerRatio: defineGaugeHistogram({
    name: "pt_tracker_ratio",
    help: "The tracker's torrents by share ratio now (torrents whose ratio the client does not know are left out; the sum is of finite ratios). A classic histogram in the text format.",
    labelNames: [...T, "tracker"],
    buckets: RATIO_BOUNDS,
  }),
} as const;

/** Which of the figures that not every client has a target's client reports. */
export interface FigureSupport {
  /** A file count per torrent (not qBittorrent, not Transmission before 4.0). */
  readonly files: boolean;
  /** A skip rate (only rTorrent). */
  readonly skipRate: boolean;
  /** Torrents opened and closed apart from started and stopped (only rTorrent's `d.is_open`). */
  readonly openClose: boolean;
}

/** What a client of `type` at `version` reports of the figures not every client has. */
export function figureSupport(type: string, version: string | undefined): FigureSupport {
  const major = Number.parseInt(version ?? "", 10);
  return {
    files:
      type === "rtorrent" ||
      type === "deluge" ||
      (type === "transmission" && Number.isFinite(major) && major >= 4),
    skipRate: type === "rtorrent",
    openClose: type === "rtorrent",
  };
}

const CLASS_LABEL_SETS = CLASS_LABELS.map(([label, field]) => ({
  field,
  labels: renderLabels(["class"], [label]),
}));
const EVENT_LABEL_SETS = TORRENT_EVENTS.map((event) => ({
  event,
  labels: renderLabels(["event"], [event]),
}));
/** The events of a client without an open state of its own: opened and closed left out. */
const COMMON_EVENT_LABEL_SETS = EVENT_LABEL_SETS.filter(
  ({ event }) => event !== "opened" && event !== "closed",
);

const PEER_LABEL_SETS = PEER_KINDS.map((kind) => ({
  kind,
  labels: renderLabels(["kind"], [kind]),
}));

/** Writes `pt_peers` (nothing when the client does not tell its peers). */
export function renderPeers(
  w: MetricWriter,
  peers: Readonly<PeerCounts> | undefined,
  head: RenderedLabels,
): void {
  if (peers === undefined) return;
  const family = w.family(TORRENT_FIGURES.peers);
  for (const { kind, labels } of PEER_LABEL_SETS)
    family.sample(joinLabels(head, labels), peers[kind]);
}

/** Writes the figures of a table, with `head` the target's labels. O(trackers). */
export function renderTorrentFigures(
  w: MetricWriter,
  table: TorrentTable,
  head: RenderedLabels,
  support: FigureSupport,
): void {
  const F = TORRENT_FIGURES;
  const classes = w.family(F.classTorrents);
  for (const { field, labels } of CLASS_LABEL_SETS)
    classes.sample(joinLabels(head, labels), table.classes[field]);
  const sizes = table.sizes;
  w.family(F.leftBytes).sample(head, sizes.left);
  if (support.files) w.family(F.files).sample(head, sizes.files);
  if (support.skipRate) w.family(F.skipSpeedBytes).sample(head, sizes.skipRate);
  const eventSets = support.openClose ? EVENT_LABEL_SETS : COMMON_EVENT_LABEL_SETS;
  const events = w.family(F.torrentEvents);
  for (const { event, labels } of eventSets)
    events.sample(joinLabels(head, labels), table.events[event]);

  const trackerClasses = w.family(F.trackerClassTorrents);
  const left = w.family(F.trackerLeftBytes);
  const ratio = w.family(F.trackerRatio);
  const cumulative = new Array<number>(RATIO_BUCKETS);
  for (const [tracker, figures] of table.trackerFigures) {
    const labels = joinLabels(head, renderLabels(["tracker"], [tracker]));
    for (const { field, labels: cls } of CLASS_LABEL_SETS)
      trackerClasses.sample(joinLabels(labels, cls), figures.classes[field]);
    left.sample(labels, figures.left);
    let running = 0;
    for (let i = 0; i < RATIO_BUCKETS; i++) {
      running += figures.ratioBuckets[i] as number;
      cumulative[i] = running;
    }
    ratio.histogram(labels, cumulative, figures.ratioSum);
  }
  // Every listed tracker has its events from the start, at 0: a counter that appeared only with
  // its first event would hide that event from increase() and rate().
  const trackerEvents = w.family(F.trackerTorrentEvents);
  const renderEvents = (tracker: string, counts: Readonly<Record<string, number>> | undefined) => {
    const labels = joinLabels(head, renderLabels(["tracker"], [tracker]));
    for (const { event, labels: ev } of eventSets)
      trackerEvents.sample(joinLabels(labels, ev), counts?.[event] ?? 0);
  };
  for (const [tracker, counts] of table.trackerEvents) renderEvents(tracker, counts);
  for (const tracker of table.trackerFigures.keys())
    if (!table.trackerEvents.has(tracker)) renderEvents(tracker, undefined);
}
