// The per-tracker dashboard (deploy/grafana/seedwatch-tracker.json and its translations): each site across every target.

import { DASHBOARD_TEXT, type DashboardLanguage, dashboardUid } from "./dashboard-language.ts";
import {
  type DashboardSpec,
  datasourceVariable,
  labelTable,
  labelVariable,
  stat,
  timeseries,
} from "./model.ts";
import {
  OMITTED_THRESHOLDS,
  removalLink,
  seedwatchUrlVariable,
  statusMappings,
  torrentColumns,
} from "./per-torrent.ts";

/** Every selected target (the multi-value `$name` variable). */
const T = 'name=~"$name"';
/** Every selected tracker (the multi-value `$tracker` variable). */
const TR = 'tracker=~"$tracker"';

/** One or more sites (trackers) across every target: transfer, ratio, torrents, errors. */
export function trackerDashboard(language: DashboardLanguage): DashboardSpec {
  const t = DASHBOARD_TEXT[language];
  return {
    language,
    uid: dashboardUid("seedwatch-tracker", language),
    title: t["tracker.title"],
    description: t["tracker.description"],
    time: "now-7d",
    variables: [
      datasourceVariable(t),
      labelVariable({
        name: "tracker",
        label: t["common.tracker"],
        selector: "pt_tracker_torrents",
        labelName: "tracker",
        multi: true,
        all: t["common.all"],
      }),
      labelVariable({
        name: "name",
        label: t["common.target"],
        selector: `pt_tracker_torrents{${TR}}`,
        labelName: "name",
        multi: true,
        all: t["common.all"],
      }),
      seedwatchUrlVariable(t),
    ],
    rows: [
      {
        row: t["row.sites"],
        panels: [
          labelTable(
            t["row.trackers"],
            [
              {
                title: t["figure.torrents"],
                expr: `sum by (tracker) (pt_tracker_torrents{${T}, ${TR}})`,
              },
              {
                title: t["figure.size"],
                expr: `sum by (tracker) (pt_tracker_size_bytes{${T}, ${TR}})`,
                unit: "bytes",
              },
              {
                title: t["figure.uploadedInRange"],
                expr: `sum by (tracker) (increase(pt_tracker_upload_bytes_total{${T}, ${TR}}[$__range]))`,
                unit: "bytes",
              },
              {
                title: t["figure.uploaded"],
                expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${T}, ${TR}})`,
                unit: "bytes",
              },
              {
                title: t["figure.downloaded"],
                expr: `sum by (tracker) (pt_tracker_download_bytes_total{${T}, ${TR}})`,
                unit: "bytes",
              },
              {
                title: t["figure.ratio"],
                expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${T}, ${TR}}) / sum by (tracker) (pt_tracker_download_bytes_total{${T}, ${TR}})`,
                unit: "none",
              },
              {
                title: t["figure.trackerErrors"],
                expr: `sum by (tracker) (pt_tracker_error_torrents{${T}, ${TR}})`,
              },
            ],
            {
              rename: { tracker: t["common.tracker"] },
              h: 8,
              sortBy: t["figure.uploadedInRange"],
            },
          ),
        ],
      },
      {
        row: t["row.overTime"],
        panels: [
          timeseries(
            t["tracker.uploadRate"],
            [
              {
                expr: `sum by (tracker) (rate(pt_tracker_upload_bytes_total{${T}, ${TR}}[$__rate_interval]))`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "Bps", stack: true },
          ),
          timeseries(
            t["tracker.downloadRate"],
            [
              {
                expr: `sum by (tracker) (rate(pt_tracker_download_bytes_total{${T}, ${TR}}[$__rate_interval]))`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "Bps", stack: true },
          ),
          timeseries(
            t["tracker.uploadedPerDay"],
            [
              {
                expr: `sum by (tracker) (increase(pt_tracker_upload_bytes_total{${T}, ${TR}}[1d]))`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "bytes", bars: true },
          ),
          timeseries(
            t["tracker.ratio"],
            [
              {
                expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${T}, ${TR}}) / sum by (tracker) (pt_tracker_download_bytes_total{${T}, ${TR}})`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "none" },
          ),
          timeseries(
            t["tracker.torrents"],
            [
              {
                expr: `sum by (tracker) (pt_tracker_torrents{${T}, ${TR}})`,
                legend: "{{tracker}}",
              },
            ],
            { w: 8 },
          ),
          timeseries(
            t["tracker.size"],
            [
              {
                expr: `sum by (tracker) (pt_tracker_size_bytes{${T}, ${TR}})`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "bytes", w: 8 },
          ),
          timeseries(
            t["tracker.errorShare"],
            [
              {
                expr: `sum by (tracker) (pt_tracker_error_torrents{${T}, ${TR}}) / sum by (tracker) (pt_tracker_torrents{${T}, ${TR}})`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "percentunit", w: 8, description: t["tracker.errorShareHelp"] },
          ),
          timeseries(
            t["tracker.classes"],
            [
              {
                expr: `sum by (class) (pt_tracker_class_torrents{${T}, ${TR}, class=~"seeding|leeching|stopped|message"})`,
                legend: "{{class}}",
              },
            ],
            { w: 12 },
          ),
          timeseries(
            t["figure.left"],
            [
              {
                expr: `sum by (tracker) (pt_tracker_left_bytes{${T}, ${TR}})`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "bytes", w: 12 },
          ),
          timeseries(
            t["tracker.uploadRateByTarget"],
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
        row: t["row.torrentsOfTrackers"],
        panels: [
          stat(
            t["figure.omitted"],
            { expr: `sum(seedwatch_target_per_torrent_omitted_torrents{${T}})` },
            {
              w: 24,
              h: 3,
              thresholds: OMITTED_THRESHOLDS,
              description: t["tracker.omittedHelp"],
            },
          ),
          labelTable(
            t["row.torrents"],
            [
              {
                title: t["figure.status"],
                expr: `pt_tracker_torrent_status{${T}, ${TR}}`,
                mappings: statusMappings(language),
              },
              {
                title: t["figure.size"],
                expr: `pt_tracker_torrent_size_bytes{${T}, ${TR}}`,
                unit: "bytes",
              },
              {
                title: t["figure.uploaded"],
                expr: `pt_tracker_torrent_upload_bytes_total{${T}, ${TR}}`,
                unit: "bytes",
              },
              {
                title: t["figure.downloaded"],
                expr: `pt_tracker_torrent_download_bytes_total{${T}, ${TR}}`,
                unit: "bytes",
              },
            ],
            {
              hide: ["host"],
              rename: { ...torrentColumns(t), client: t["figure.client"] },
              // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
              links: [removalLink("${__data.fields.name}", t)],
              h: 14,
              sortBy: t["figure.uploaded"],
              description: t["tracker.torrentsHelp"],
            },
          ),
        ],
      },
    ],
  };
}
