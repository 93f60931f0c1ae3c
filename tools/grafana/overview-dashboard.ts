// The overview dashboard (deploy/grafana/seedwatch-overview.json and its translations): every target of every daemon at once.

import { DASHBOARD_TEXT, type DashboardLanguage, dashboardUid } from "./dashboard-language.ts";
import {
  bars,
  type DashboardSpec,
  datasourceVariable,
  labelTable,
  labelVariable,
  stat,
  timeseries,
  upMappings,
} from "./model.ts";

/** Every selected target (the multi-value `$name` variable). */
const T = 'name=~"$name"';

/** One series per scraped seedwatch daemon, to keep the process panels to seedwatch's own. */
const SCRAPES = "group by (job, instance) (seedwatch_target_up)";

/** Green at 0, red from 1. */
const RED_FROM_ONE = {
  mode: "absolute",
  steps: [
    { color: "green", value: null },
    { color: "red", value: 1 },
  ],
};

/** Every target of one or more daemons: health, speeds, torrents, free space, trackers, the daemons themselves. */
export function overviewDashboard(language: DashboardLanguage): DashboardSpec {
  const t = DASHBOARD_TEXT[language];
  return {
    language,
    uid: dashboardUid("seedwatch-overview", language),
    title: t["overview.title"],
    description: t["overview.description"],
    variables: [
      datasourceVariable(t),
      labelVariable({
        name: "name",
        label: t["common.target"],
        selector: "seedwatch_target_up",
        labelName: "name",
        multi: true,
        all: t["common.all"],
      }),
    ],
    rows: [
      {
        row: t["row.targets"],
        panels: [
          stat(t["overview.targetsUp"], { expr: `sum(seedwatch_target_up{${T}})` }, { w: 3 }),
          stat(
            t["overview.targetsDown"],
            { expr: `count(seedwatch_target_up{${T}} == 0) or vector(0)` },
            { w: 3, thresholds: RED_FROM_ONE },
          ),
          stat(
            t["figure.uploadSpeed"],
            { expr: `sum(pt_upload_speed_bytes{${T}})` },
            { unit: "Bps" },
          ),
          stat(
            t["figure.downloadSpeed"],
            { expr: `sum(pt_download_speed_bytes{${T}})` },
            { unit: "Bps" },
          ),
          stat(
            t["figure.uploadedInRange"],
            { expr: `sum(increase(pt_upload_bytes_total{${T}}[$__range]))` },
            { unit: "bytes", w: 3, description: t["overview.uploadedInRangeHelp"] },
          ),
          stat(t["figure.torrents"], { expr: `sum(seedwatch_target_torrents{${T}})` }, { w: 3 }),
          stat(
            t["figure.trackerErrors"],
            { expr: `sum(pt_tracker_error_torrents{${T}})` },
            {
              w: 4,
              description: t["overview.trackerErrorsHelp"],
              thresholds: {
                mode: "absolute",
                steps: [
                  { color: "green", value: null },
                  { color: "orange", value: 1 },
                ],
              },
            },
          ),
          labelTable(
            t["row.targets"],
            [
              {
                title: t["figure.up"],
                expr: `max by (name, type) (seedwatch_target_up{${T}})`,
                mappings: upMappings(t),
              },
              {
                title: t["figure.uploadSpeed"],
                expr: `max by (name) (pt_upload_speed_bytes{${T}})`,
                unit: "Bps",
                mayBeEmpty:
                  "only torrent clients that are up have speeds (not miners, not a client that is down)",
              },
              {
                title: t["figure.downloadSpeed"],
                expr: `max by (name) (pt_download_speed_bytes{${T}})`,
                unit: "Bps",
                mayBeEmpty: "only torrent clients that are up have speeds",
              },
              {
                title: t["figure.freeSpace"],
                expr: `max by (name) (pt_free_space_on_disk_bytes{${T}})`,
                unit: "bytes",
                mayBeEmpty: "clients that cannot tell have none (rTorrent with no open item)",
              },
              {
                title: t["figure.torrents"],
                expr: `max by (name) (seedwatch_target_torrents{${T}})`,
                mayBeEmpty: "miners have no torrents",
              },
              {
                title: t["figure.clientUptime"],
                expr: `max by (name) (time() - pt_client_start_time_seconds{${T}})`,
                unit: "s",
                mayBeEmpty:
                  "only clients that tell their start, or run on the seedwatch machine, have one",
              },
              {
                title: t["figure.lastPoll"],
                expr: `max by (name) (seedwatch_target_poll_duration_seconds{${T}})`,
                unit: "s",
              },
            ],
            {
              rename: { name: t["common.target"], type: t["common.type"] },
              links: [
                {
                  column: "name",
                  title: t["common.openTarget"],
                  url: `/d/${dashboardUid("seedwatch-target", language)}/?var-name=\${__data.fields.name}&\${__url_time_range}`,
                },
              ],
              h: 8,
              sortBy: t["figure.uploadSpeed"],
            },
          ),
        ],
      },
      {
        row: t["row.transfer"],
        panels: [
          timeseries(
            t["overview.uploadByTarget"],
            [{ expr: `sum by (name) (pt_upload_speed_bytes{${T}})`, legend: "{{name}}" }],
            { unit: "Bps", stack: true },
          ),
          timeseries(
            t["overview.downloadByTarget"],
            [{ expr: `sum by (name) (pt_download_speed_bytes{${T}})`, legend: "{{name}}" }],
            { unit: "Bps", stack: true },
          ),
          timeseries(
            t["overview.uploadByTracker"],
            [
              {
                expr: `topk(10, sum by (tracker) (rate(pt_tracker_upload_bytes_total{${T}}[$__rate_interval])))`,
                legend: "{{tracker}}",
              },
            ],
            { unit: "Bps", description: t["overview.uploadByTrackerHelp"] },
          ),
          timeseries(
            t["figure.freeSpace"],
            [{ expr: `pt_free_space_on_disk_bytes{${T}}`, legend: "{{name}}" }],
            { unit: "bytes" },
          ),
        ],
      },
      {
        row: t["row.torrents"],
        panels: [
          timeseries(
            t["overview.torrentsByStatus"],
            [{ expr: `sum by (status) (pt_torrents_count{${T}})`, legend: "{{status}}" }],
            { stack: true, w: 16 },
          ),
          bars(t["overview.targetsByClient"], {
            expr: `count by (client) (pt_up{${T}})`,
            legend: "{{client}}",
          }),
        ],
      },
      {
        row: t["row.exporter"],
        panels: [
          timeseries(
            t["figure.pollDuration"],
            [{ expr: `seedwatch_target_poll_duration_seconds{${T}}`, legend: "{{name}}" }],
            { unit: "s", w: 8 },
          ),
          timeseries(
            t["overview.pollErrors"],
            [
              {
                expr: `sum by (name, reason) (rate(seedwatch_target_poll_errors_total{${T}}[$__rate_interval])) > 0`,
                legend: "{{name}} {{reason}}",
                mayBeEmpty: "no poll fails on a healthy setup",
              },
            ],
            { unit: "reqps", w: 8 },
          ),
          timeseries(
            t["overview.scrapeDuration"],
            [
              {
                expr: `scrape_duration_seconds and on (job, instance) ${SCRAPES}`,
                legend: "{{instance}}",
              },
            ],
            { unit: "s", w: 8, description: t["overview.scrapeDurationHelp"] },
          ),
          timeseries(
            t["overview.memory"],
            [
              {
                expr: `process_resident_memory_bytes and on (job, instance) ${SCRAPES}`,
                legend: "{{instance}}",
              },
            ],
            { unit: "bytes", w: 8 },
          ),
          timeseries(
            t["overview.cpu"],
            [
              {
                expr: `rate(process_cpu_seconds_total[$__rate_interval]) and on (job, instance) ${SCRAPES}`,
                legend: "{{instance}}",
              },
            ],
            { unit: "percentunit", w: 8 },
          ),
          stat(
            t["overview.failingCollectors"],
            { expr: "count(seedwatch_scrape_collector_success == 0) or vector(0)" },
            { w: 8, thresholds: RED_FROM_ONE },
          ),
        ],
      },
    ],
  };
}
