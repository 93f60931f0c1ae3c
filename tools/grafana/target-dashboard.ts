// The per-target dashboard (deploy/grafana/seedwatch-target.json): one torrent client, its trackers, session and torrents.

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
import { OMITTED_THRESHOLDS, removalLink, SEEDWATCH_URL, STATUS_MAPPINGS } from "./per-torrent.ts";

/** The one selected target (`$name`). */
const ONE = 'name="$name"';
/** Every selected tracker (the multi-value `$tracker` variable). */
const TR = 'tracker=~"$tracker"';

/** One torrent client: its figures, trackers, categories, tags, session statistics and torrents. */
export const TARGET_DASHBOARD: DashboardSpec = {
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
