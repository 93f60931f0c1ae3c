// The per-target dashboard (deploy/grafana/seedwatch-target.json and its translations): one torrent client, its trackers, session and torrents.

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
import {
  OMITTED_THRESHOLDS,
  removalLink,
  seedwatchUrlVariable,
  statusMappings,
  torrentColumns,
} from "./per-torrent.ts";

/** The one selected target (`$name`). */
const ONE = 'name="$name"';
/** Every selected tracker (the multi-value `$tracker` variable). */
const TR = 'tracker=~"$tracker"';

/** One torrent client: its figures, trackers, categories, tags, session statistics and torrents. */
export function targetDashboard(language: DashboardLanguage): DashboardSpec {
  const t = DASHBOARD_TEXT[language];
  return {
    language,
    uid: dashboardUid("seedwatch-target", language),
    title: t["target.title"],
    description: t["target.description"],
    variables: [
      datasourceVariable(t),
      labelVariable({
        name: "name",
        label: t["common.target"],
        selector: "pt_up",
        labelName: "name",
        multi: false,
        all: t["common.all"],
      }),
      labelVariable({
        name: "tracker",
        label: t["common.tracker"],
        selector: `pt_tracker_torrents{${ONE}}`,
        labelName: "tracker",
        multi: true,
        all: t["common.all"],
      }),
      seedwatchUrlVariable(t),
    ],
    rows: [
      {
        row: t["row.now"],
        panels: [
          stat(
            t["figure.status"],
            { expr: `pt_up{${ONE}}`, legend: "{{client}}" },
            { w: 3, mappings: upMappings(t) },
          ),
          stat(
            t["figure.client"],
            { expr: `pt_up{${ONE}}`, legend: "{{client}}" },
            { w: 3, textMode: "name" },
          ),
          stat(
            t["figure.uploadSpeed"],
            { expr: `pt_upload_speed_bytes{${ONE}}` },
            { unit: "Bps", w: 3 },
          ),
          stat(
            t["figure.downloadSpeed"],
            { expr: `pt_download_speed_bytes{${ONE}}` },
            { unit: "Bps", w: 3 },
          ),
          stat(
            t["figure.uploaded"],
            { expr: `pt_upload_bytes_total{${ONE}}` },
            { unit: "bytes", w: 3, description: t["target.uploadedHelp"] },
          ),
          stat(
            t["figure.downloaded"],
            { expr: `pt_download_bytes_total{${ONE}}` },
            { unit: "bytes", w: 3 },
          ),
          stat(
            t["figure.freeSpace"],
            {
              expr: `pt_free_space_on_disk_bytes{${ONE}}`,
              mayBeEmpty: "a client that cannot tell has none (rTorrent with no open item)",
            },
            { unit: "bytes", w: 3 },
          ),
          stat(t["figure.torrents"], { expr: `seedwatch_target_torrents{${ONE}}` }, { w: 3 }),
        ],
      },
      {
        row: t["row.transfer"],
        panels: [
          timeseries(
            t["figure.speed"],
            [
              { expr: `pt_upload_speed_bytes{${ONE}}`, legend: t["legend.upload"] },
              { expr: `pt_download_speed_bytes{${ONE}}`, legend: t["legend.download"] },
            ],
            { unit: "Bps" },
          ),
          timeseries(
            t["figure.utilization"],
            [
              {
                expr: `pt_upload_speed_bytes{${ONE}} / pt_max_upload_speed_bytes{${ONE}}`,
                legend: t["legend.upload"],
                mayBeEmpty: "only targets with max_upload_speed set have a line to divide by",
              },
              {
                expr: `pt_download_speed_bytes{${ONE}} / pt_max_download_speed_bytes{${ONE}}`,
                legend: t["legend.download"],
                mayBeEmpty: "only targets with max_download_speed set have a line to divide by",
              },
            ],
            { unit: "percentunit", description: t["target.utilizationHelp"] },
          ),
          timeseries(
            t["target.uploadByTracker"],
            [{ expr: `pt_tracker_upload_speed_bytes{${ONE}, ${TR}}`, legend: "{{tracker}}" }],
            { unit: "Bps", stack: true },
          ),
          timeseries(
            t["target.uploadedPerHour"],
            [
              {
                expr: `increase(pt_upload_bytes_total{${ONE}}[1h])`,
                legend: t["legend.uploaded"],
              },
            ],
            { unit: "bytes", bars: true },
          ),
          timeseries(
            t["figure.freeSpace"],
            [
              {
                expr: `pt_free_space_on_disk_bytes{${ONE}}`,
                legend: t["legend.free"],
                mayBeEmpty: "as above",
              },
            ],
            { unit: "bytes", w: 24 },
          ),
        ],
      },
      {
        row: t["row.torrents"],
        panels: [
          timeseries(
            t["target.torrentsByStatus"],
            [{ expr: `sum by (status) (pt_torrents_count{${ONE}, ${TR}})`, legend: "{{status}}" }],
            { stack: true, w: 12 },
          ),
          bars(
            t["target.torrentsByCategory"],
            {
              expr: `pt_category_torrents{${ONE}}`,
              legend: "{{category}}",
              mayBeEmpty: "Transmission has no categories",
            },
            { w: 6 },
          ),
          bars(
            t["target.torrentsByTag"],
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
        row: t["row.classes"],
        panels: [
          timeseries(
            t["target.classes"],
            [{ expr: `pt_class_torrents{${ONE}}`, legend: "{{class}}" }],
            { w: 12, description: t["target.classesHelp"] },
          ),
          timeseries(
            t["figure.left"],
            [{ expr: `sum(pt_tracker_left_bytes{${ONE}, ${TR}})`, legend: t["legend.left"] }],
            { unit: "bytes", w: 6 },
          ),
          timeseries(
            t["target.eventsPerHour"],
            [
              {
                expr: `sum by (event) (increase(pt_tracker_torrent_events_total{${ONE}, ${TR}}[1h]))`,
                legend: "{{event}}",
              },
            ],
            { bars: true, w: 6, description: t["target.eventsHelp"] },
          ),
          bars(
            t["target.ratioDistribution"],
            { expr: `sum by (le) (pt_tracker_ratio_bucket{${ONE}, ${TR}})`, legend: "≤ {{le}}" },
            { w: 12, description: t["target.ratioDistributionHelp"] },
          ),
          stat(
            t["figure.files"],
            {
              expr: `pt_files{${ONE}}`,
              mayBeEmpty: "qBittorrent and Transmission before 4.0 do not report it",
            },
            { w: 6 },
          ),
          stat(
            t["figure.skipSpeed"],
            { expr: `pt_skip_speed_bytes{${ONE}}`, mayBeEmpty: "only rTorrent reports it" },
            { unit: "Bps", w: 6, description: t["target.skipSpeedHelp"] },
          ),
          timeseries(
            t["target.peersByKind"],
            [
              {
                expr: `pt_peers{${ONE}}`,
                legend: "{{kind}}",
                mayBeEmpty: "only rTorrent reports its peers cheaply",
              },
            ],
            { w: 24, description: t["target.peersHelp"] },
          ),
        ],
      },
      {
        row: t["row.trackers"],
        panels: [
          labelTable(
            t["row.trackers"],
            [
              {
                title: t["figure.torrents"],
                expr: `sum by (tracker) (pt_tracker_torrents{${ONE}, ${TR}})`,
              },
              {
                title: t["figure.size"],
                expr: `sum by (tracker) (pt_tracker_size_bytes{${ONE}, ${TR}})`,
                unit: "bytes",
              },
              {
                title: t["figure.uploaded"],
                expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${ONE}, ${TR}})`,
                unit: "bytes",
              },
              {
                title: t["figure.downloaded"],
                expr: `sum by (tracker) (pt_tracker_download_bytes_total{${ONE}, ${TR}})`,
                unit: "bytes",
              },
              {
                title: t["figure.ratio"],
                expr: `sum by (tracker) (pt_tracker_upload_bytes_total{${ONE}, ${TR}}) / sum by (tracker) (pt_tracker_download_bytes_total{${ONE}, ${TR}})`,
                unit: "none",
              },
              {
                title: t["figure.uploadSpeed"],
                expr: `sum by (tracker) (pt_tracker_upload_speed_bytes{${ONE}, ${TR}})`,
                unit: "Bps",
              },
              {
                title: t["figure.trackerErrors"],
                expr: `sum by (tracker) (pt_tracker_error_torrents{${ONE}, ${TR}})`,
              },
            ],
            {
              rename: { tracker: t["common.tracker"] },
              links: [
                {
                  column: "tracker",
                  title: t["common.openTracker"],
                  url: `/d/${dashboardUid("seedwatch-tracker", language)}/?var-tracker=\${__data.fields.tracker}&var-name=\${name}&\${__url_time_range}`,
                },
              ],
              h: 8,
              sortBy: t["figure.uploaded"],
              description: t["target.trackersHelp"],
            },
          ),
        ],
      },
      {
        row: t["row.torrentsOneByOne"],
        panels: [
          stat(
            t["figure.omitted"],
            { expr: `seedwatch_target_per_torrent_omitted_torrents{${ONE}}` },
            { w: 12, thresholds: OMITTED_THRESHOLDS, description: t["target.omittedHelp"] },
          ),
          stat(
            t["figure.perTorrentCap"],
            { expr: `seedwatch_target_per_torrent_max_torrents{${ONE}}` },
            { w: 12, description: t["target.perTorrentCapHelp"] },
          ),
          labelTable(
            t["row.torrents"],
            [
              {
                title: t["figure.status"],
                expr: `pt_tracker_torrent_status{${ONE}, ${TR}}`,
                mappings: statusMappings(language),
              },
              {
                title: t["figure.size"],
                expr: `pt_tracker_torrent_size_bytes{${ONE}, ${TR}}`,
                unit: "bytes",
              },
              {
                title: t["figure.uploaded"],
                expr: `pt_tracker_torrent_upload_bytes_total{${ONE}, ${TR}}`,
                unit: "bytes",
              },
              {
                title: t["figure.downloaded"],
                expr: `pt_tracker_torrent_download_bytes_total{${ONE}, ${TR}}`,
                unit: "bytes",
              },
              {
                title: t["figure.ratio"],
                expr: `pt_tracker_torrent_upload_bytes_total{${ONE}, ${TR}} / pt_tracker_torrent_download_bytes_total{${ONE}, ${TR}}`,
                unit: "none",
              },
            ],
            {
              hide: ["name", "host", "client"],
              rename: torrentColumns(t),
              // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
              links: [removalLink("${name}", t)],
              h: 14,
              sortBy: t["figure.uploaded"],
              description: t["target.torrentsHelp"],
            },
          ),
        ],
      },
      {
        row: t["row.engine"],
        panels: [
          stat(
            t["figure.clientUptime"],
            { expr: `time() - pt_client_start_time_seconds{${ONE}}` },
            { unit: "s", w: 4, description: t["target.clientUptimeHelp"] },
          ),
          stat(
            t["figure.versions"],
            { expr: `pt_client_info{${ONE}}`, legend: "{{version}} / {{libtorrent}}" },
            { w: 8, textMode: "name" },
          ),
          timeseries(
            t["figure.connections"],
            [
              { expr: `pt_open_sockets{${ONE}}`, legend: t["legend.sockets"] },
              {
                expr: `pt_open_files{${ONE}}`,
                legend: t["legend.files"],
                mayBeEmpty: "only rTorrent builds patched for it report open files",
              },
              {
                expr: `pt_open_http_requests{${ONE}}`,
                legend: t["legend.httpRequests"],
                mayBeEmpty: "only rTorrent reports its HTTP requests",
              },
            ],
            { w: 12, description: t["target.connectionsHelp"] },
          ),
          timeseries(
            t["figure.processCpu"],
            [
              {
                expr: `rate(pt_client_process_cpu_seconds_total{${ONE}}[$__rate_interval])`,
                legend: "{{client}}",
              },
            ],
            { unit: "percentunit", description: t["target.processHelp"] },
          ),
          timeseries(
            t["figure.processMemory"],
            [
              {
                expr: `pt_client_process_resident_memory_bytes{${ONE}}`,
                legend: t["legend.resident"],
              },
              {
                expr: `pt_client_process_virtual_memory_bytes{${ONE}}`,
                legend: t["legend.virtual"],
              },
            ],
            { unit: "bytes", description: t["target.processHelp"] },
          ),
        ],
      },
      {
        row: t["row.session"],
        panels: [
          timeseries(
            t["target.dhtNodes"],
            [
              {
                expr: `pt_session_dht_nodes{${ONE}}`,
                legend: t["legend.nodes"],
                mayBeEmpty: "Transmission does not report it",
              },
            ],
            { w: 8 },
          ),
          timeseries(
            t["target.peerConnections"],
            [
              {
                expr: `pt_session_net_num_connections{${ONE}}`,
                legend: t["legend.connections"],
                mayBeEmpty: "only qBittorrent and Deluge report it",
              },
            ],
            { w: 8 },
          ),
          timeseries(
            t["target.sessionTransfer"],
            [
              {
                expr: `rate(pt_session_bw_total_uploaded_total{${ONE}}[$__rate_interval])`,
                legend: t["legend.uploaded"],
              },
              {
                expr: `rate(pt_session_bw_total_downloaded_total{${ONE}}[$__rate_interval])`,
                legend: t["legend.downloaded"],
              },
            ],
            { unit: "Bps", w: 8 },
          ),
        ],
      },
      {
        row: t["row.exporter"],
        panels: [
          timeseries(
            t["figure.pollDuration"],
            [{ expr: `seedwatch_target_poll_duration_seconds{${ONE}}`, legend: t["legend.poll"] }],
            { unit: "s", w: 12 },
          ),
          timeseries(
            t["target.pollErrorsByReason"],
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
}
