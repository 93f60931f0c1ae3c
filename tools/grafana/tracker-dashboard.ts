// The per-tracker dashboard (deploy/grafana/seedwatch-tracker.json): each site across every target.

import {
  type DashboardSpec,
  datasourceVariable,
  labelTable,
  labelVariable,
  stat,
  timeseries,
} from "./model.ts";
import { OMITTED_THRESHOLDS, removalLink, SEEDWATCH_URL, STATUS_MAPPINGS } from "./per-torrent.ts";

/** Every selected target (the multi-value `$name` variable). */
const T = 'name=~"$name"';
/** Every selected tracker (the multi-value `$tracker` variable). */
const TR = 'tracker=~"$tracker"';

/** One or more sites (trackers) across every target: transfer, ratio, torrents, errors. */
export const TRACKER_DASHBOARD: DashboardSpec = {
  uid: "seedwatch-tracker",
  title: "Seedwatch / Trackers",
  description:
    "Per site (tracker), across every target: bytes uploaded and downloaded (counters that keep removed torrents), ratio, torrents, size and tracker errors.",
  time: "now-7d",
  variables: [
    datasourceVariable(),
    labelVariable({
      name: "tracker",
      label: "Tracker",
      selector: "pt_tracker_torrents",
      labelName: "tracker",
      multi: true,
    }),
    labelVariable({
      name: "name",
      label: "Target",
      selector: `pt_tracker_torrents{${TR}}`,
      labelName: "name",
      multi: true,
    }),
    SEEDWATCH_URL,
  ],
  rows: [
    {
      row: "Sites",
      panels: [
        labelTable(
          "Trackers",
          [
            { title: "Torrents", expr: `sum by (tracker) (pt_tracker_torrents{${T}, ${TR}})` },
            {
              title: "Size",
              expr: `sum by (tracker) (pt_tracker_size_bytes{${T}, ${TR}})`,
              unit: "bytes",
            },
            {
              title: "Uploaded in range",
              expr: `sum by (tracker) (increase(pt_tracker_upload_bytes_total{${T}, ${TR}}[$__range]))`,
              unit: "bytes",
            },
            {
              title: "Uploaded",
              expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${T}, ${TR}})`,
              unit: "bytes",
            },
            {
              title: "Downloaded",
              expr: `sum by (tracker) (pt_tracker_download_bytes_total{${T}, ${TR}})`,
              unit: "bytes",
            },
            {
              title: "Ratio",
              expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${T}, ${TR}}) / sum by (tracker) (pt_tracker_download_bytes_total{${T}, ${TR}})`,
              unit: "none",
            },
            {
              title: "Tracker errors",
              expr: `sum by (tracker) (pt_tracker_error_torrents{${T}, ${TR}})`,
            },
          ],
          { rename: { tracker: "Tracker" }, h: 8, sortBy: "Uploaded in range" },
        ),
      ],
    },
    {
      row: "Over time",
      panels: [
        timeseries(
          "Upload rate by tracker",
          [
            {
              expr: `sum by (tracker) (rate(pt_tracker_upload_bytes_total{${T}, ${TR}}[$__rate_interval]))`,
              legend: "{{tracker}}",
            },
          ],
          { unit: "Bps", stack: true },
        ),
        timeseries(
          "Download rate by tracker",
          [
            {
              expr: `sum by (tracker) (rate(pt_tracker_download_bytes_total{${T}, ${TR}}[$__rate_interval]))`,
              legend: "{{tracker}}",
            },
          ],
          { unit: "Bps", stack: true },
        ),
        timeseries(
          "Uploaded per day by tracker",
          [
            {
              expr: `sum by (tracker) (increase(pt_tracker_upload_bytes_total{${T}, ${TR}}[1d]))`,
              legend: "{{tracker}}",
            },
          ],
          { unit: "bytes", bars: true },
        ),
        timeseries(
          "Ratio by tracker",
          [
            {
              expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${T}, ${TR}}) / sum by (tracker) (pt_tracker_download_bytes_total{${T}, ${TR}})`,
              legend: "{{tracker}}",
            },
          ],
          { unit: "none" },
        ),
        timeseries(
          "Torrents by tracker",
          [{ expr: `sum by (tracker) (pt_tracker_torrents{${T}, ${TR}})`, legend: "{{tracker}}" }],
          {
            w: 8,
          },
        ),
        timeseries(
          "Size by tracker",
          [
            {
              expr: `sum by (tracker) (pt_tracker_size_bytes{${T}, ${TR}})`,
              legend: "{{tracker}}",
            },
          ],
          {
            unit: "bytes",
            w: 8,
          },
        ),
        timeseries(
          "Share of torrents with tracker errors",
          [
            {
              expr: `sum by (tracker) (pt_tracker_error_torrents{${T}, ${TR}}) / sum by (tracker) (pt_tracker_torrents{${T}, ${TR}})`,
              legend: "{{tracker}}",
            },
          ],
          {
            unit: "percentunit",
            w: 8,
            description: "Above half for 15 minutes fires the SeedwatchTrackerErrors alert.",
          },
        ),
        timeseries(
          "Upload rate by target",
          [
            {
              expr: `sum by (name) (rate(pt_tracker_upload_bytes_total{${T}, ${TR}}[$__rate_interval]))`,
              legend: "{{name}}",
            },
          ],
          { unit: "Bps", w: 24 },
        ),
      ],
    },
    {
      row: "Torrents of these trackers",
      panels: [
        stat(
          "Torrents without per-torrent series",
          { expr: `sum(seedwatch_target_per_torrent_omitted_torrents{${T}})` },
          {
            w: 24,
            h: 3,
            thresholds: OMITTED_THRESHOLDS,
            description:
              "0: every torrent of the selected targets is in the table below. Above 0 (red): a target has more torrents than its per_torrent.max_torrents, so none of its torrents is in the table (the Sites panels still count them); its seedwatch_target_per_torrent_omitted_torrents says which.",
          },
        ),
        labelTable(
          "Torrents",
          [
            {
              title: "Status",
              expr: `pt_tracker_torrent_status{${T}, ${TR}}`,
              mappings: STATUS_MAPPINGS,
            },
            { title: "Size", expr: `pt_tracker_torrent_size_bytes{${T}, ${TR}}`, unit: "bytes" },
            {
              title: "Uploaded",
              expr: `pt_tracker_torrent_upload_bytes_total{${T}, ${TR}}`,
              unit: "bytes",
            },
            {
              title: "Downloaded",
              expr: `pt_tracker_torrent_download_bytes_total{${T}, ${TR}}`,
              unit: "bytes",
            },
          ],
          {
            hide: ["host"],
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
            links: [removalLink("${__data.fields.name}")],
            h: 14,
            sortBy: "Uploaded",
            description:
              "Per-torrent series: every torrent of a target, or none of a target with more than its per_torrent.max_torrents (the panel above turns red). Click a torrent's name to open seedwatch's removal confirmation page for its target (set the seedwatch URL variable; removal must be enabled for the target).",
          },
        ),
      ],
    },
  ],
};
