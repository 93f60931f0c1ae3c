// The Grafana dashboards shipped in deploy/grafana/: overview, per target, per tracker, and the instrument library's histograms.

import { STATUS_NAMES } from "../../packages/exporter/src/model/status.ts";
import {
  bars,
  buildDashboard,
  type DashboardSpec,
  datasourceVariable,
  type Json,
  labelTable,
  labelVariable,
  stat,
  textVariable,
  timeseries,
  UP_MAPPINGS,
} from "./model.ts";

const T = 'name=~"$name"';
const ONE = 'name="$name"';
const TR = 'tracker=~"$tracker"';

/** The seedwatch address the removal links open, as the browser reaches it. */
const SEEDWATCH_URL = textVariable(
  "seedwatch_url",
  "seedwatch URL",
  "http://127.0.0.1:8742",
  "Where your browser reaches seedwatch: the per-torrent tables link to its removal confirmation page (/remove). The page answers only a logged-in user, or loopback clients when nobody logs in (docs/security.md); removal must be enabled for the target.",
);

const STATUS_MAPPINGS: readonly Json[] = [
  {
    type: "value",
    options: Object.fromEntries(
      STATUS_NAMES.map((name, i) => [String(i), { text: name, index: i }]),
    ),
  },
];

/** The link every per-torrent table puts on the torrent's name. */
function removalLink(target: string) {
  return {
    column: "torrent_name",
    title: "Remove this torrent (seedwatch asks for confirmation)",
    url: `\${seedwatch_url}/remove?target=${target}&hash=\${__data.fields.torrent_hash}`,
    blank: true,
  };
}

const SCRAPES = "group by (job, instance) (seedwatch_target_up)";

/** Green at 0, red from 1: any torrent without per-torrent series makes the tables incomplete. */
const OMITTED_THRESHOLDS = {
  mode: "absolute",
  steps: [
    { color: "green", value: null },
    { color: "red", value: 1 },
  ],
};

const OVERVIEW: DashboardSpec = {
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

const TARGET: DashboardSpec = {
  uid: "seedwatch-target",
  title: "Seedwatch / Target",
  description:
    "One torrent client: its figures, trackers, categories, tags, session statistics and torrents. The torrent table links each torrent to seedwatch's removal confirmation page.",
  variables: [
    datasourceVariable(),
    labelVariable({
      name: "name",
      label: "Target",
      selector: "pt_up",
      labelName: "name",
      multi: false,
    }),
    labelVariable({
      name: "tracker",
      label: "Tracker",
      selector: `pt_tracker_torrents{${ONE}}`,
      labelName: "tracker",
      multi: true,
    }),
    SEEDWATCH_URL,
  ],
  rows: [
    {
      row: "Now",
      panels: [
        stat(
          "Status",
          { expr: `pt_up{${ONE}}`, legend: "{{client}}" },
          { w: 3, mappings: UP_MAPPINGS },
        ),
        stat("Client", { expr: `pt_up{${ONE}}`, legend: "{{client}}" }, { w: 3, textMode: "name" }),
        stat("Upload speed", { expr: `pt_upload_speed_bytes{${ONE}}` }, { unit: "Bps", w: 3 }),
        stat("Download speed", { expr: `pt_download_speed_bytes{${ONE}}` }, { unit: "Bps", w: 3 }),
        stat(
          "Uploaded",
          { expr: `pt_upload_bytes_total{${ONE}}` },
          {
            unit: "bytes",
            w: 3,
            description:
              "The client's total: all-time for qBittorrent and Transmission, since the client started for Deluge and rTorrent.",
          },
        ),
        stat("Downloaded", { expr: `pt_download_bytes_total{${ONE}}` }, { unit: "bytes", w: 3 }),
        stat(
          "Free space",
          {
            expr: `pt_free_space_on_disk_bytes{${ONE}}`,
            mayBeEmpty: "a client that cannot tell has none (rTorrent with no open item)",
          },
          { unit: "bytes", w: 3 },
        ),
        stat("Torrents", { expr: `seedwatch_target_torrents{${ONE}}` }, { w: 3 }),
      ],
    },
    {
      row: "Transfer",
      panels: [
        timeseries(
          "Speed",
          [
            { expr: `pt_upload_speed_bytes{${ONE}}`, legend: "upload" },
            { expr: `pt_download_speed_bytes{${ONE}}`, legend: "download" },
          ],
          { unit: "Bps" },
        ),
        timeseries(
          "Upload speed by tracker",
          [{ expr: `pt_tracker_upload_speed_bytes{${ONE}, ${TR}}`, legend: "{{tracker}}" }],
          { unit: "Bps", stack: true },
        ),
        timeseries(
          "Uploaded per hour",
          [{ expr: `increase(pt_upload_bytes_total{${ONE}}[1h])`, legend: "uploaded" }],
          { unit: "bytes", bars: true },
        ),
        timeseries(
          "Free space",
          [{ expr: `pt_free_space_on_disk_bytes{${ONE}}`, legend: "free", mayBeEmpty: "as above" }],
          {
            unit: "bytes",
          },
        ),
      ],
    },
    {
      row: "Torrents",
      panels: [
        timeseries(
          "Torrents by status",
          [{ expr: `sum by (status) (pt_torrents_count{${ONE}, ${TR}})`, legend: "{{status}}" }],
          { stack: true, w: 12 },
        ),
        bars(
          "Torrents by category",
          {
            expr: `pt_category_torrents{${ONE}}`,
            legend: "{{category}}",
            mayBeEmpty: "Transmission has no categories",
          },
          { w: 6 },
        ),
        bars(
          "Torrents by tag",
          {
            expr: `pt_tag_torrents{${ONE}}`,
            legend: "{{tag}}",
            mayBeEmpty: "Deluge and rTorrent have no tags; untagged torrents count in none",
          },
          { w: 6 },
        ),
      ],
    },
    {
      row: "Trackers",
      panels: [
        labelTable(
          "Trackers",
          [
            { title: "Torrents", expr: `sum by (tracker) (pt_tracker_torrents{${ONE}, ${TR}})` },
            {
              title: "Size",
              expr: `sum by (tracker) (pt_tracker_size_bytes{${ONE}, ${TR}})`,
              unit: "bytes",
            },
            {
              title: "Uploaded",
              expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${ONE}, ${TR}})`,
              unit: "bytes",
            },
            {
              title: "Downloaded",
              expr: `sum by (tracker) (pt_tracker_download_bytes_total{${ONE}, ${TR}})`,
              unit: "bytes",
            },
            {
              title: "Ratio",
              expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${ONE}, ${TR}}) / sum by (tracker) (pt_tracker_download_bytes_total{${ONE}, ${TR}})`,
              unit: "none",
            },
            {
              title: "Upload speed",
              expr: `sum by (tracker) (pt_tracker_upload_speed_bytes{${ONE}, ${TR}})`,
              unit: "Bps",
            },
            {
              title: "Tracker errors",
              expr: `sum by (tracker) (pt_tracker_error_torrents{${ONE}, ${TR}})`,
            },
          ],
          {
            rename: { tracker: "Tracker" },
            links: [
              {
                column: "tracker",
                title: "Open this tracker",
                // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
                url: "/d/seedwatch-tracker/?var-tracker=${__data.fields.tracker}&var-name=${name}&${__url_time_range}",
              },
            ],
            h: 8,
            sortBy: "Uploaded",
            description:
              "Per-tracker counters keep the bytes of removed torrents: they never go down.",
          },
        ),
      ],
    },
    {
      row: "Torrents, one by one",
      panels: [
        stat(
          "Torrents without per-torrent series",
          { expr: `seedwatch_target_per_torrent_omitted_torrents{${ONE}}` },
          {
            w: 12,
            thresholds: OMITTED_THRESHOLDS,
            description:
              "0: every torrent of the target is in the table below. Above 0 (red): the target has more torrents than per_torrent.max_torrents, so none has per-torrent series and the table is empty; the per-tracker panels still count every torrent.",
          },
        ),
        stat(
          "per_torrent.max_torrents",
          { expr: `seedwatch_target_per_torrent_max_torrents{${ONE}}` },
          {
            w: 12,
            description:
              "Up to this many torrents, every torrent has per-torrent series; above it, none has. 0 when per_torrent.enabled is false.",
          },
        ),
        labelTable(
          "Torrents",
          [
            {
              title: "Status",
              expr: `pt_tracker_torrent_status{${ONE}, ${TR}}`,
              mappings: STATUS_MAPPINGS,
            },
            { title: "Size", expr: `pt_tracker_torrent_size_bytes{${ONE}, ${TR}}`, unit: "bytes" },
            {
              title: "Uploaded",
              expr: `pt_tracker_torrent_upload_bytes_total{${ONE}, ${TR}}`,
              unit: "bytes",
            },
            {
              title: "Downloaded",
              expr: `pt_tracker_torrent_download_bytes_total{${ONE}, ${TR}}`,
              unit: "bytes",
            },
            {
              title: "Ratio",
              expr: `pt_tracker_torrent_upload_bytes_total{${ONE}, ${TR}} / pt_tracker_torrent_download_bytes_total{${ONE}, ${TR}}`,
              unit: "none",
            },
          ],
          {
            hide: ["name", "host", "client"],
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
            links: [removalLink("${name}")],
            h: 14,
            sortBy: "Uploaded",
            description:
              "Per-torrent series: every torrent of the target, or none when it has more than per_torrent.max_torrents (the panel above turns red). Click a torrent's name to open seedwatch's removal confirmation page (set the seedwatch URL variable; removal must be enabled for the target).",
          },
        ),
      ],
    },
    {
      row: "Session statistics",
      panels: [
        timeseries(
          "DHT nodes",
          [
            {
              expr: `pt_session_dht_nodes{${ONE}}`,
              legend: "nodes",
              mayBeEmpty: "Transmission does not report it",
            },
          ],
          {
            w: 8,
          },
        ),
        timeseries(
          "Peer connections",
          [
            {
              expr: `pt_session_net_num_connections{${ONE}}`,
              legend: "connections",
              mayBeEmpty: "only qBittorrent and Deluge report it",
            },
          ],
          { w: 8 },
        ),
        timeseries(
          "Session transfer",
          [
            {
              expr: `rate(pt_session_bw_total_uploaded_total{${ONE}}[$__rate_interval])`,
              legend: "uploaded",
            },
            {
              expr: `rate(pt_session_bw_total_downloaded_total{${ONE}}[$__rate_interval])`,
              legend: "downloaded",
            },
          ],
          { unit: "Bps", w: 8 },
        ),
      ],
    },
    {
      row: "Exporter",
      panels: [
        timeseries(
          "Poll duration",
          [{ expr: `seedwatch_target_poll_duration_seconds{${ONE}}`, legend: "poll" }],
          { unit: "s", w: 12 },
        ),
        timeseries(
          "Poll errors by reason",
          [
            {
              expr: `rate(seedwatch_target_poll_errors_total{${ONE}}[$__rate_interval]) > 0`,
              legend: "{{reason}}",
              mayBeEmpty: "no poll fails on a healthy setup",
            },
          ],
          { unit: "reqps", w: 12 },
        ),
      ],
    },
  ],
};

const TRACKER: DashboardSpec = {
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

/** `<SYSCODE>_...` of the selected service. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
const SYS = "${syscode}";
const APP = 'application="$syscode", instance=~"$instance"';
const rate = (metric: string, filter: string) => `rate(${metric}{${filter}}[$__rate_interval])`;

const INSTRUMENT: DashboardSpec = {
  uid: "seedwatch-instrument",
  title: "Seedwatch / Node service",
  description:
    "A Node service measured by @seedwatch/instrument: inbound HTTP, partner calls and queue consumers (channel-exporter's three histograms, in milliseconds).",
  time: "now-1h",
  variables: [
    datasourceVariable(),
    labelVariable({
      name: "syscode",
      label: "System code",
      selector:
        '{__name__=~".+_inner_metrics_count|.+_consumer_metrics_count|partner_http_metrics_count"}',
      labelName: "application",
      multi: false,
    }),
    labelVariable({
      name: "instance",
      label: "Instance",
      selector: '{application="$syscode"}',
      labelName: "instance",
      multi: true,
    }),
  ],
  rows: [
    {
      row: "Inbound HTTP",
      panels: [
        timeseries(
          "Requests by route",
          [
            {
              expr: `sum by (path) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
              legend: "{{path}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
        timeseries(
          "Latency",
          [0.5, 0.95, 0.99].map((q) => ({
            expr: `histogram_quantile(${q}, sum by (le) (${rate(`${SYS}_inner_metrics_bucket`, APP)}))`,
            legend: `p${q * 100}`,
          })),
          { unit: "ms" },
        ),
        timeseries(
          "p95 latency by route",
          [
            {
              expr: `histogram_quantile(0.95, sum by (le, path) (${rate(`${SYS}_inner_metrics_bucket`, APP)}))`,
              legend: "{{path}}",
            },
          ],
          { unit: "ms", w: 8 },
        ),
        timeseries(
          "Responses by HTTP status",
          [
            {
              expr: `sum by (http_status) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
              legend: "{{http_status}}",
            },
          ],
          { unit: "reqps", stack: true, w: 8 },
        ),
        timeseries(
          "Responses by business code",
          [
            {
              expr: `sum by (code) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
              legend: "code {{code}}",
            },
          ],
          { unit: "reqps", stack: true, w: 8 },
        ),
      ],
    },
    {
      row: "Partner calls",
      panels: [
        timeseries(
          "Calls by partner and action",
          [
            {
              expr: `sum by (partner, action_code) (${rate("partner_http_metrics_count", APP)})`,
              legend: "{{partner}} {{action_code}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
        timeseries(
          "p95 latency by partner",
          [
            {
              expr: `histogram_quantile(0.95, sum by (le, partner) (${rate("partner_http_metrics_bucket", APP)}))`,
              legend: "{{partner}}",
            },
          ],
          { unit: "ms" },
        ),
        timeseries(
          "Partner answers by business code",
          [
            {
              expr: `sum by (partner, code) (${rate("partner_http_metrics_count", APP)})`,
              legend: "{{partner}} code {{code}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
        timeseries(
          "Partner answers by HTTP status",
          [
            {
              expr: `sum by (partner, http_status) (${rate("partner_http_metrics_count", APP)})`,
              legend: "{{partner}} {{http_status}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
      ],
    },
    {
      row: "Queue consumers",
      panels: [
        timeseries(
          "Messages by queue",
          [
            {
              expr: `sum by (topic) (${rate(`${SYS}_consumer_metrics_count`, APP)})`,
              legend: "{{topic}}",
            },
          ],
          { unit: "reqps", stack: true, w: 8 },
        ),
        timeseries(
          "Failures by queue",
          [
            {
              expr: `sum by (topic) (${rate(`${SYS}_consumer_metrics_count`, `${APP}, code="1"`)})`,
              legend: "{{topic}}",
              mayBeEmpty: "no handler fails on a healthy service",
            },
          ],
          { unit: "reqps", w: 8 },
        ),
        timeseries(
          "p95 handling time by queue",
          [
            {
              expr: `histogram_quantile(0.95, sum by (le, topic) (${rate(`${SYS}_consumer_metrics_bucket`, APP)}))`,
              legend: "{{topic}}",
            },
          ],
          { unit: "ms", w: 8 },
        ),
      ],
    },
    {
      row: "Instrumentation",
      panels: [
        timeseries(
          "Observations dropped (series limit reached)",
          [
            {
              expr: `sum by (instance, metric) (rate(seedwatch_instrument_dropped_series_total{instance=~"$instance"}[$__rate_interval]))`,
              legend: "{{instance}} {{metric}}",
            },
          ],
          {
            unit: "reqps",
            w: 24,
            h: 6,
            description:
              "Label sets refused because a histogram reached maxSeries (SEEDWATCH_MAX_SERIES).",
          },
        ),
      ],
    },
  ],
};

/** Every dashboard, by file name in deploy/grafana/. */
export const DASHBOARDS: ReadonlyArray<{ readonly file: string; readonly spec: DashboardSpec }> = [
  { file: "seedwatch-overview.json", spec: OVERVIEW },
  { file: "seedwatch-target.json", spec: TARGET },
  { file: "seedwatch-tracker.json", spec: TRACKER },
  { file: "seedwatch-instrument.json", spec: INSTRUMENT },
];

/** The JSON text of a dashboard file. */
export function renderDashboard(spec: DashboardSpec): string {
  return `${JSON.stringify(buildDashboard(spec), null, 2)}\n`;
}
