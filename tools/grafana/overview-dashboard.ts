// The overview dashboard (deploy/grafana/seedwatch-overview.json): every target of every daemon at once.

import {
  bars,
  type DashboardSpec,
  datasourceVariable,
  labelTable,
  labelVariable,
  stat,
  timeseries,
  UP_MAPPINGS,
} from "./model.ts";

/** Every selected target (the multi-value `$name` variable). */
const T = 'name=~"$name"';

/** One series per scraped seedwatch daemon, to keep the process panels to seedwatch's own. */
const SCRAPES = "group by (job, instance) (seedwatch_target_up)";

/** Every target of one or more daemons: health, speeds, torrents, free space, trackers, the daemons themselves. */
export const OVERVIEW_DASHBOARD: DashboardSpec = {
  uid: "seedwatch-overview",
  title: "Seedwatch / Overview",
  description:
    "Every target of one or more seedwatch daemons at once, whatever the client: health, speeds, torrents, free space, the busiest trackers, and the exporter's own health.",
  variables: [
    datasourceVariable(),
    labelVariable({
      name: "name",
      label: "Target",
      selector: "seedwatch_target_up",
      labelName: "name",
      multi: true,
    }),
  ],
  rows: [
    {
      row: "Targets",
      panels: [
        stat("Targets up", { expr: `sum(seedwatch_target_up{${T}})` }, { w: 3 }),
        stat(
          "Targets down",
          { expr: `count(seedwatch_target_up{${T}} == 0) or vector(0)` },
          {
            w: 3,
            thresholds: {
              mode: "absolute",
              steps: [
                { color: "green", value: null },
                { color: "red", value: 1 },
              ],
            },
          },
        ),
        stat("Upload speed", { expr: `sum(pt_upload_speed_bytes{${T}})` }, { unit: "Bps" }),
        stat("Download speed", { expr: `sum(pt_download_speed_bytes{${T}})` }, { unit: "Bps" }),
        stat(
          "Uploaded in range",
          { expr: `sum(increase(pt_upload_bytes_total{${T}}[$__range]))` },
          {
            unit: "bytes",
            w: 3,
            description: "Bytes uploaded by every selected client over the dashboard's time range.",
          },
        ),
        stat("Torrents", { expr: `sum(seedwatch_target_torrents{${T}})` }, { w: 3 }),
        stat(
          "Tracker errors",
          { expr: `sum(pt_tracker_error_torrents{${T}})` },
          {
            w: 4,
            description:
              "Torrents whose tracker reports an error (unregistered, refused) or has not worked for 5 minutes.",
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
          "Targets",
          [
            {
              title: "Up",
              expr: `max by (name, type) (seedwatch_target_up{${T}})`,
              mappings: UP_MAPPINGS,
            },
            {
              title: "Upload speed",
              expr: `max by (name) (pt_upload_speed_bytes{${T}})`,
              unit: "Bps",
              mayBeEmpty:
                "only torrent clients that are up have speeds (not miners, not a client that is down)",
            },
            {
              title: "Download speed",
              expr: `max by (name) (pt_download_speed_bytes{${T}})`,
              unit: "Bps",
              mayBeEmpty: "only torrent clients that are up have speeds",
            },
            {
              title: "Free space",
              expr: `max by (name) (pt_free_space_on_disk_bytes{${T}})`,
              unit: "bytes",
              mayBeEmpty: "clients that cannot tell have none (rTorrent with no open item)",
            },
            {
              title: "Torrents",
              expr: `max by (name) (seedwatch_target_torrents{${T}})`,
              mayBeEmpty: "miners have no torrents",
            },
            {
              title: "Last poll",
              expr: `max by (name) (seedwatch_target_poll_duration_seconds{${T}})`,
              unit: "s",
            },
          ],
          {
            rename: { name: "Target", type: "Type" },
            links: [
              {
                column: "name",
                title: "Open this target",
                // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
                url: "/d/seedwatch-target/?var-name=${__data.fields.name}&${__url_time_range}",
              },
            ],
            h: 8,
            sortBy: "Upload speed",
          },
        ),
      ],
    },
    {
      row: "Transfer",
      panels: [
        timeseries(
          "Upload speed by target",
          [{ expr: `sum by (name) (pt_upload_speed_bytes{${T}})`, legend: "{{name}}" }],
          {
            unit: "Bps",
            stack: true,
          },
        ),
        timeseries(
          "Download speed by target",
          [{ expr: `sum by (name) (pt_download_speed_bytes{${T}})`, legend: "{{name}}" }],
          {
            unit: "Bps",
            stack: true,
          },
        ),
        timeseries(
          "Upload by tracker (top 10)",
          [
            {
              expr: `topk(10, sum by (tracker) (rate(pt_tracker_upload_bytes_total{${T}}[$__rate_interval])))`,
              legend: "{{tracker}}",
            },
          ],
          {
            unit: "Bps",
            description: "From the per-tracker counters, which keep the bytes of removed torrents.",
          },
        ),
        timeseries(
          "Free space",
          [{ expr: `pt_free_space_on_disk_bytes{${T}}`, legend: "{{name}}" }],
          { unit: "bytes" },
        ),
      ],
    },
    {
      row: "Torrents",
      panels: [
        timeseries(
          "Torrents by status",
          [{ expr: `sum by (status) (pt_torrents_count{${T}})`, legend: "{{status}}" }],
          {
            stack: true,
            w: 16,
          },
        ),
        bars("Targets by client", {
          expr: `count by (client) (pt_up{${T}})`,
          legend: "{{client}}",
        }),
      ],
    },
    {
      row: "Exporter",
      panels: [
        timeseries(
          "Poll duration",
          [{ expr: `seedwatch_target_poll_duration_seconds{${T}}`, legend: "{{name}}" }],
          {
            unit: "s",
            w: 8,
          },
        ),
        timeseries(
          "Poll errors",
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
          "Scrape duration",
          [
            {
              expr: `scrape_duration_seconds and on (job, instance) ${SCRAPES}`,
              legend: "{{instance}}",
            },
          ],
          {
            unit: "s",
            w: 8,
            description:
              "How long Prometheus's scrapes of seedwatch take (served from memory: milliseconds).",
          },
        ),
        timeseries(
          "Resident memory",
          [
            {
              expr: `process_resident_memory_bytes and on (job, instance) ${SCRAPES}`,
              legend: "{{instance}}",
            },
          ],
          { unit: "bytes", w: 8 },
        ),
        timeseries(
          "CPU",
          [
            {
              expr: `rate(process_cpu_seconds_total[$__rate_interval]) and on (job, instance) ${SCRAPES}`,
              legend: "{{instance}}",
            },
          ],
          { unit: "percentunit", w: 8 },
        ),
        stat(
          "Failing collectors",
          { expr: "count(seedwatch_scrape_collector_success == 0) or vector(0)" },
          {
            w: 8,
            thresholds: {
              mode: "absolute",
              steps: [
                { color: "green", value: null },
                { color: "red", value: 1 },
              ],
            },
          },
        ),
      ],
    },
  ],
};
