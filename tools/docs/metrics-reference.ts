// Generates docs/metrics.md from the metric catalogs: names, types, labels, meaning, which client fills what, freshness.

import { readdirSync, readFileSync } from "node:fs";
import { type MetricDefinition, SESSION_CATALOG } from "@seedwatch/metrics";
import {
  DEFAULT_MIN_REFRESH_INTERVAL,
  DEVICE_POLL_INTERVAL,
  TARGET_DEFAULTS,
} from "../../packages/exporter/src/config/config.ts";
import { STATUS_NAMES } from "../../packages/exporter/src/model/status.ts";
import { ENGINE } from "../../packages/exporter/src/render/engine-metrics.ts";
import { STATUS_LABELS } from "../../packages/exporter/src/render/status-labels.ts";
import {
  DOWNLOADER,
  PT,
  TARGET_LABELS,
} from "../../packages/exporter/src/render/torrent-metrics.ts";
import { formatDuration } from "../../packages/exporter/src/settings/duration.ts";
import { code, codeList, generatedNotice, table } from "./markdown.ts";
import {
  displayName,
  type MetricGroup,
  metricGroups,
  sessionDefinitions,
} from "./metric-catalog.ts";

/** The torrent clients, in the order of the tables' columns, with their source folder. */
const CLIENTS = [
  { kind: "qbittorrent", title: "qBittorrent" },
  { kind: "transmission", title: "Transmission" },
  { kind: "deluge", title: "Deluge" },
  { kind: "rtorrent", title: "rTorrent" },
] as const;

/** What backs a figure in each client (the client pages in docs/clients/ say more). */
type Provenance = Readonly<Record<(typeof CLIENTS)[number]["kind"], string>>;

/**
 * Which client figure each client-dependent family carries. Keyed by the catalog's keys, so a
 * renamed metric is renamed here too; the test fails if a family of PT is neither here nor derived.
 */
const PROVENANCE: ReadonlyArray<{
  readonly metrics: readonly MetricDefinition[];
  readonly from: Provenance;
}> = [
  {
    metrics: [PT.downloadedTotal, PT.uploadedTotal],
    from: {
      qbittorrent:
        "`server_state.alltime_dl` / `alltime_ul`: **all-time**, kept by qBittorrent across its restarts",
      transmission:
        "`session-stats` `cumulative-stats.downloadedBytes` / `uploadedBytes`: **all-time** (Transmission's stats.json); after a crash held at the highest value seen",
      deluge:
        "libtorrent `net.recv_payload_bytes` / `net.sent_payload_bytes`: payload **since deluged started** (a restart is a counter reset)",
      rtorrent:
        "`throttle.global_down.total` / `throttle.global_up.total`: all peer traffic, protocol included, **since rTorrent started** (a restart is a counter reset)",
    },
  },
  {
    metrics: [PT.downloadSpeedBytes, PT.uploadSpeedBytes, PT.downloadSpeed, PT.uploadSpeed],
    from: {
      qbittorrent: "`server_state.dl_info_speed` / `up_info_speed` (the `pt_*_speed` ones times 8)",
      transmission: "`session-stats` `downloadSpeed` / `uploadSpeed`",
      deluge: "`payload_download_rate` / `payload_upload_rate` (recomputed by deluged every 2 s)",
      rtorrent:
        "`throttle.global_down.rate` / `throttle.global_up.rate` (the same bytes as the totals)",
    },
  },
  {
    metrics: [PT.freeSpace],
    from: {
      qbittorrent:
        "`server_state.free_space_on_disk` (the default save path); absent when qBittorrent answers -1",
      transmission:
        "`free-space` of the session's `download-dir`; absent when Transmission cannot tell",
      deluge:
        "`core.get_free_space()` (the default download location); absent when Deluge answers -1",
      rtorrent:
        "`d.free_diskspace` of an open item in `directory.default`; absent while no item is open, or when it answers 0 (no file it could stat)",
    },
  },
  {
    metrics: [PT.torrentSize, PT.trackerSize, PT.categorySize, PT.tagSize],
    from: {
      qbittorrent: "`size` (the selected files)",
      transmission: "`sizeWhenDone` (the selected files)",
      deluge: "`total_wanted` (the selected files)",
      rtorrent: "`d.size_bytes` (every file)",
    },
  },
  {
    metrics: [PT.torrentDownloaded, PT.torrentUploaded, PT.trackerDownloaded, PT.trackerUploaded],
    from: {
      qbittorrent: "`downloaded` / `uploaded` of each torrent (all-time)",
      transmission: "`downloadedEver` / `uploadedEver` (all-time)",
      deluge: "`all_time_download` / `total_uploaded` (all-time, kept in the resume data)",
      rtorrent: "`d.down.total` / `d.up.total` (payload, all-time, kept in the session files)",
    },
  },
  {
    metrics: [PT.trackerErrors],
    from: {
      qbittorrent:
        "`has_tracker_error` (qBittorrent 5.2+); before, a running torrent with trackers of which none has worked for 5 minutes",
      transmission:
        "`error` 2 (a tracker refused it), or running with trackers of which none works and one failed an announce",
      deluge: "`tracker_status` starting with `Error:`",
      rtorrent: "`d.message` starting with `Tracker: [` on a started, open item",
    },
  },
  {
    metrics: [PT.categoryTorrents, PT.categorySize],
    from: {
      qbittorrent: "`category`",
      transmission: "none: Transmission has no categories (`category` is always empty)",
      deluge: "the Label plugin's `label` (lower-cased by Deluge); empty without the plugin",
      rtorrent: "`d.custom1`, ruTorrent's label, URL-decoded",
    },
  },
  {
    metrics: [PT.tagTorrents, PT.tagSize],
    from: {
      qbittorrent: "`tags`",
      transmission: "`labels`",
      deluge: "none: Deluge has no tags",
      rtorrent: "none: rTorrent has no tags",
    },
  },
  {
    metrics: [PT.classTorrents, PT.trackerClassTorrents],
    from: {
      qbittorrent:
        "started: `state` not `stoppedUP`/`stoppedDL` (`pausedUP`/`pausedDL` before 5.0); complete: `progress` 1; active: `dlspeed` or `upspeed` above 0; message: never (maindata has no per-torrent message)",
      transmission:
        "started: `status` not 0 (stopped); complete: `percentDone` 1; active: `rateDownload` or `rateUpload` above 0; message: `errorString`, or the failed announce's result",
      deluge:
        "started: `state` not `Paused`; complete: `progress` 100; active: a payload rate above 0; message: `message` when not `OK`, else an error or warning of `tracker_status`",
      rtorrent:
        "started: `d.state` 1 (also while `d.pause`d); complete: `d.complete`; active: `d.up.rate` or `d.down.rate` above 0 (pyrotorque's view; rTorrent's own `active` view holds every resumed item); message: `d.message`. Every class but active and message equals rTorrent's `view.size` of its view (`main` for total)",
    },
  },
  {
    metrics: [PT.leftBytes, PT.trackerLeftBytes],
    from: {
      qbittorrent: "`amount_left`",
      transmission: "`leftUntilDone`",
      deluge: "`total_remaining`",
      rtorrent: "`d.left_bytes`",
    },
  },
  {
    metrics: [PT.files],
    from: {
      qbittorrent: "none: maindata has no file count, and `torrents/files` is one call per torrent",
      transmission:
        "`fileCount` (Transmission 4.0+); none before 4.0, whose only way is the whole file list",
      deluge: "`num_files`",
      rtorrent: "`d.size_files`",
    },
  },
  {
    metrics: [PT.skipSpeedBytes],
    from: {
      qbittorrent:
        "none per torrent; the nearest figure is `pt_session_proto_waste_bytes_total` (`server_state.total_wasted_session`)",
      transmission:
        "none: Transmission counts only corrupt data per torrent (`corruptEver`), not unwanted data",
      deluge:
        "none per torrent; the nearest figure is `pt_session_proto_waste_bytes_total` (libtorrent `net.recv_redundant_bytes` + `net.recv_failed_bytes`)",
      rtorrent: "`d.skip.rate`, summed over torrents",
    },
  },
  {
    metrics: [PT.peers],
    from: {
      qbittorrent:
        "none: qBittorrent lists peers only per torrent (`sync/torrentPeers`, one request each)",
      transmission:
        "none: the `peers` field is a list per torrent, too heavy to ask of every torrent on every poll",
      deluge: "none: the `peers` key is a libtorrent call per torrent",
      rtorrent:
        "`p.is_encrypted`, `p.is_incoming`, `p.is_obfuscated`, `p.is_preferred`, `p.is_snubbed`, `p.is_unwanted` of every peer: one `p.multicall` per item with `d.peers_connected` above 0, in `system.multicall`s of 500 items; none past 20,000 such items",
    },
  },
  {
    metrics: [PT.trackerRatio],
    from: {
      qbittorrent: "`ratio`",
      transmission: "`uploadRatio` (-1 and -2, unknown and infinite, left out)",
      deluge: "`ratio` (-1 left out)",
      rtorrent: "`d.ratio` / 1000",
    },
  },
];

/** Which client figure backs each engine family (the process ones come from /proc alike for all). */
const ENGINE_PROVENANCE: ReadonlyArray<{
  readonly metrics: readonly MetricDefinition[];
  readonly from: Provenance;
}> = [
  {
    metrics: [ENGINE.info],
    from: {
      qbittorrent: "`app/version`; `libtorrent` from `app/buildInfo` (libtorrent-rasterbar)",
      transmission:
        "`session-get` `version`; `libtorrent` empty (libtransmission is its own engine)",
      deluge: "`daemon.get_version`; `libtorrent` from `core.get_libtorrent_version`",
      rtorrent:
        "`system.client_version`; `libtorrent` is rTorrent's own libtorrent, `system.library_version`",
    },
  },
  {
    metrics: [ENGINE.startTime],
    from: {
      qbittorrent:
        "the process's start time, when it runs here (qBittorrent's API does not tell it)",
      transmission: "now minus `session-stats` `current-stats.secondsActive`",
      deluge: "the process's start time, when it runs here (Deluge's RPC does not tell it)",
      rtorrent:
        "`system.startup_time` (rTorrent-PS) or `startup_time` (pyrocore's rtorrent.d), else the process's start time when it runs here",
    },
  },
  {
    metrics: [ENGINE.openSockets],
    from: {
      qbittorrent: "`server_state.total_peer_connections` (libtorrent `peer.num_peers_connected`)",
      transmission: "none: `session-stats` has no peer count",
      deluge: "libtorrent `peer.num_peers_connected`",
      rtorrent: "`network.open_sockets` (connecting peers included)",
    },
  },
  {
    metrics: [ENGINE.openFiles, ENGINE.openHttpRequests],
    from: {
      qbittorrent: "none: not in its API",
      transmission: "none: not in its API",
      deluge: "none: libtorrent keeps no such counters",
      rtorrent:
        "`network.open_files` (only builds patched for it; 0.9.8 has none) and `network.http.current_open`",
    },
  },
];

/** Families of PT that are the same for every client (derived from the list, or constant). */
const CLIENT_INDEPENDENT: readonly MetricDefinition[] = [
  PT.up,
  PT.maxDownloadSpeed,
  PT.maxUploadSpeed,
  PT.torrentsCount,
  PT.trackerTorrents,
  PT.categoryTorrents,
  PT.tagTorrents,
  PT.trackerUploadSpeed,
  PT.trackerDownloadSpeed,
  PT.torrent,
  PT.torrentStatus,
  PT.torrentEvents,
  PT.trackerTorrentEvents,
];

/** Remarks on families whose type or name differs from pt-exporter's table or README. */
const REMARKS: Readonly<Record<string, string>> = {
  [PT.torrentsCount.name]:
    "Untyped, not a gauge: promtool rejects a gauge whose name ends in `_count`, and existing dashboards query this name. `status` is the English name, or pt-exporter's Chinese one with `compat.status_language: zh` (table below).",
  [PT.torrentStatus.name]:
    "pt-exporter emitted it as a counter; a status code goes up and down, so it is a gauge.",
  [PT.downloadSpeed.name]: "Named in pt-exporter's README but never emitted by it.",
  [PT.uploadSpeed.name]: "Named in pt-exporter's README but never emitted by it.",
  [PT.maxDownloadSpeed.name]:
    "From the target's `max_download_speed` (pt-exporter's `max-down-speed`), only when set and while the target is up. `1Gbps` is 125,000,000: pt-exporter's parser would have made it 1,073,741,824 (2^30, bits in binary units, unconverted), had it read the key.",
  [PT.maxUploadSpeed.name]:
    "From the target's `max_upload_speed`, as above. pt-exporter set its upload one from the download value.",
  [PT.torrentEvents.name]:
    "From what seedwatch sees of the list, for every client alike: `added` a torrent listed that was not listed before, nor when seedwatch last stopped (the first list of a target never polled is what was there, not added; a removed torrent that comes back is added again); `removed` a torrent gone from the list, also when the first list after a seedwatch restart lacks it; `finished` a listed torrent becoming complete; `errored` one entering an error state or a tracker error. Saved with the tracker totals in the state database, in the same transaction as the torrents they are about, so a restart (or a kill -9) neither repeats nor loses one. Torrents that finish or fail while seedwatch is stopped are not counted: only transitions it sees.",
  [PT.trackerTorrentEvents.name]:
    "Counted under the torrent's tracker at the time; a tracker keeps its counts when its torrents are gone.",
  [PT.trackerRatio.name]:
    'OpenMetrics `gaugehistogram` (`_bucket`, `_gcount`, `_gsum`); Prometheus\'s text format has no such type, so there it is a classic histogram (`_bucket`, `_count`, `_sum`). Buckets `le` 0.5, 1, 2, 5, 10, +Inf. Query `_bucket` (the same in both): e.g. `sum by (tracker) (pt_tracker_ratio_bucket{le="1.0"})` is the torrents below ratio 1.',
  [DOWNLOADER.torrentsCount.name]:
    "Untyped, as `pt_torrents_count`. `status` is the English status name (Chinese with `compat.status_language: zh`); `category` and `tracker` as on `pt_torrents_count`.",
};

/** Labels every series of a group carries, said once in the group's introduction. */
const COMMON_LABELS: Readonly<Record<string, readonly string[]>> = {
  pt: TARGET_LABELS,
  engine: TARGET_LABELS,
  session: TARGET_LABELS,
  downloader: ["name", "version", "client", "host"],
  target: ["name", "type"],
  miner: ["name"],
  instrument: [],
  host: [],
  daemon: [],
};

const INTRO: Readonly<Record<string, string>> = {
  pt: `Exported by every torrent-client target (\`qbittorrent\`, \`transmission\`, \`deluge\`, \`rtorrent\`). Every series carries ${codeList(TARGET_LABELS)}: the target's name, its URL (as written, without a query string, which may hold a token) and its type, as pt-exporter's do. When the last poll failed only \`pt_up 0\` is exported for the target (and its \`seedwatch_target_*\` series): nothing stale. Per-torrent series (\`pt_tracker_torrent*\`, and \`downloader_tracker_torrent_*\`) are all or nothing per target: every torrent has them while the target has at most \`per_torrent.max_torrents\` torrents, none has them above it, so a sum over them is complete or absent, never silently short. \`seedwatch_target_per_torrent_omitted_torrents\` says which (0, or every torrent of the target); the aggregates always cover every torrent.`,
  engine: `What each torrent client says of its engine, and what \`/proc\` says of its process, with ${codeList(TARGET_LABELS)}, while the target is up. A figure the client does not give is absent, never 0. The \`pt_client_process_*\` series exist only when the client runs on the same machine as seedwatch (the target's host is a loopback or local address, \`localhost\` or this machine's name; rTorrent on a unix socket): its process is the one whose PID the client gives (rTorrent's \`system.pid\`) or the one holding the socket that listens on the target's port, found in \`/proc/net/tcp{,6}\` and \`/proc/*/fd\` among the processes seedwatch's user may read. Through deluge-web, deluged is looked for at the daemon address deluge-web lists, when deluge-web itself runs here (port 8112 is deluge-web's, not deluged's); an rTorrent behind a web server, or of another user, is found by \`system.pid\` alone when its command name is \`rtorrent\`. A process is known by its PID and start time together: when the client exits and its PID is reused, the series disappear until the client is found again (a search at most once a minute). CPU time is \`utime + stime\` of \`/proc/PID/stat\` at 100 ticks per second, memory \`VmRSS\` and \`VmSize\` of \`/proc/PID/status\`, the start time \`btime\` of \`/proc/stat\` plus the process's \`starttime\`, as node_exporter's process collector reads them. CPU share and memory share (ps's \`pcpu\`, \`pmem\`) follow in PromQL: \`rate(pt_client_process_cpu_seconds_total[5m])\` and \`pt_client_process_resident_memory_bytes / on() group_left seedwatch_host_memory_total_bytes\`.`,
  session: `The torrent session-statistics catalog of @seedwatch/metrics (99 metrics in 8 categories, after irontide-session and libtorrent), exported per torrent target with ${codeList(TARGET_LABELS)}. Names are derived from the dotted catalog names (\`net.bytes_sent\` -> \`pt_session_net_bytes_sent_total\`; microseconds and milliseconds become seconds). **Only the slots a client really reports are exported**: a figure the client does not have shows no series rather than a zero. The client columns say which client fills which slot ("list": derived from the torrent list, the same for every client); they are read from each source's code when this page is generated. The clients' pages in [clients/](clients/) say which figure backs each slot.`,
  downloader: `LeiShi1313/downloader-exporter's family, with its names and labels, so the Grafana dashboards built for it (grafana.com 15006 and 22677) work unchanged. Only with \`compat.downloader_exporter: true\`. Every series carries ${codeList(["name", "version", "client", "host"])}. Unlike downloader-exporter, \`downloader_*_bytes_total\` are the same figures as \`pt_*_bytes_total\` (all-time where the client keeps one), and \`status\` maps qBittorrent 5's stopped states to \`Paused\` (downloader-exporter reports \`Unknown\`).`,
  target: `The daemon's own view of each target, whatever its kind (torrent clients and miners), with ${codeList(["name", "type"])}. These stay exported while a target is down: they say why.`,
  miner: `Linxdot miners (\`type: linxdot\`, and the standalone \`seedwatch linxdot\`), with linxdot_exporter 1.0.1's names and help texts plus ${code("name")} and \`miner_up\`. See [devices/linxdot.md](devices/linxdot.md).`,
  host: "The machine the daemon runs on, from `/proc`, `/sys` and `statfs` (`host.enabled`, `host.paths`). Named `seedwatch_host_*` so they never clash with node_exporter's `node_*`. Counters are the kernel's own totals: take `rate()` in PromQL. statfs on a configured path has 5 s to answer, as node_exporter's mount timeout: a path that misses it is stuck (`seedwatch_host_filesystem_stuck` 1, `seedwatch_host_filesystem_error` 1, its other `seedwatch_host_filesystem_*` series left out, a warning in the log) and is not asked again until the hung call returns, so a dead NFS server never holds more than one of the daemon's I/O threads.",
  daemon:
    "The daemon process: build information (also printed by `seedwatch --version`), configuration reloads, the process, and the outcome of each collector during the scrape (as node_exporter's `*_scrape_collector_*`). A collector that has not finished by the scrape's deadline (`X-Prometheus-Scrape-Timeout-Seconds` minus 0.5 s, 9.5 s without the header, and at least 0.25 s after waiting for slow targets) counts as failed (`seedwatch_scrape_collector_success` 0, logged as `timed out after Ns`); the rest of the page is served, and what it produces late is dropped.",
  instrument:
    "Exported by a Node service that loads @seedwatch/instrument (see the README), not by the daemon. `<SYSCODE>` is the service's 10-character system code (`A123456789`). Histograms in milliseconds, with channel-exporter's names, labels and default buckets.",
};

const TYPES: Readonly<Record<string, string>> = {
  counter: "counter",
  gauge: "gauge",
  unknown: "untyped",
  info: "info (a gauge of 1 in text format)",
  histogram: "histogram",
  gaugehistogram: "gaugehistogram (a histogram in text format)",
  summary: "summary",
};

/**
 * Session slots each client fills, read from its source: every `SESSION_METRIC` slot (`M.X`)
 * named in the non-test files of its directory.
 */
export function sessionSlotsByClient(): ReadonlyMap<string, ReadonlySet<string>> {
  const ids = (paths: readonly URL[]) =>
    new Set(
      paths.flatMap((path) =>
        [...readFileSync(path, "utf8").matchAll(/\bM\.([A-Z][A-Z0-9_]*)\b/g)].map(
          (m) => m[1] as string,
        ),
      ),
    );
  const sourceFiles = (kind: string) => {
    const dir = new URL(`../../packages/exporter/src/sources/${kind}/`, import.meta.url);
    return readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => new URL(f, dir));
  };
  const slots = new Map<string, ReadonlySet<string>>();
  for (const client of CLIENTS) slots.set(client.kind, ids(sourceFiles(client.kind)));
  slots.set(
    "list",
    ids([new URL("../../packages/exporter/src/collect/torrent-target.ts", import.meta.url)]),
  );
  return slots;
}

function familyRow(def: MetricDefinition, common: readonly string[]): string[] {
  const labels = def.labelNames.filter((l) => !common.includes(l));
  const remark = REMARKS[def.name];
  return [
    code(displayName(def)),
    TYPES[def.kind] ?? def.kind,
    labels.length === 0 ? "" : codeList(labels),
    remark === undefined ? def.help : `${def.help} ${remark}`,
  ];
}

function familyTable(group: MetricGroup): string {
  const common = COMMON_LABELS[group.id] ?? [];
  return table(
    [
      "metric",
      "type",
      common.length > 0 ? "labels (besides the common ones)" : "labels",
      "meaning",
    ],
    group.families.map((def) => familyRow(def, common)),
  );
}

function sessionTable(): string {
  const slots = sessionSlotsByClient();
  const list = slots.get("list") ?? new Set();
  const defs = sessionDefinitions();
  const regular = SESSION_CATALOG.entries.filter((e) => !e.diagnostic);
  const counts = CLIENTS.map((c) => {
    const own = regular.filter((e) => slots.get(c.kind)?.has(e.id)).length;
    const all = regular.filter((e) => slots.get(c.kind)?.has(e.id) || list.has(e.id)).length;
    return `${c.title} ${own} (${all} with the list's)`;
  });
  const summary = `Non-diagnostic slots filled, of ${regular.length}: ${counts.join(", ")}.`;
  return `${summary}\n\n${table(
    ["metric", "type", "meaning (catalog name)", ...CLIENTS.map((c) => c.title)],
    SESSION_CATALOG.entries.map((entry, i) => {
      const def = defs[i] as MetricDefinition;
      const marks = CLIENTS.map((c) =>
        slots.get(c.kind)?.has(entry.id) ? "yes" : list.has(entry.id) ? "list" : "",
      );
      const diagnostic = entry.diagnostic ? " Diagnostic: no torrent client reports it." : "";
      return [code(def.name), TYPES[def.kind] ?? def.kind, `${def.help}${diagnostic}`, ...marks];
    }),
  )}`;
}

function provenanceTable(): string {
  return table(
    ["metrics", ...CLIENTS.map((c) => c.title)],
    PROVENANCE.map((p) => [
      codeList(p.metrics.map((m) => m.name)),
      ...CLIENTS.map((c) => p.from[c.kind]),
    ]),
  );
}

function engineProvenanceTable(): string {
  return table(
    ["metrics", ...CLIENTS.map((c) => c.title)],
    ENGINE_PROVENANCE.map((p) => [
      codeList(p.metrics.map((m) => m.name)),
      ...CLIENTS.map((c) => p.from[c.kind]),
    ]),
  );
}

function freshnessTable(): string {
  const poll = formatDuration(TARGET_DEFAULTS.pollInterval);
  const refresh = formatDuration(DEFAULT_MIN_REFRESH_INTERVAL);
  const device = formatDuration(DEVICE_POLL_INTERVAL);
  return table(
    ["series", "how old a sample can be"],
    [
      [
        "`pt_*`, `pt_session_*`, `downloader_*` and the `seedwatch_target_*` of a torrent client",
        `What the client answered to the target's latest poll. Each target is polled every \`poll_interval\` (default ${poll}); a scrape of \`/metrics\` or \`/probe\` first re-polls every target whose data is older than \`global.min_refresh_interval\` (default ${refresh}) and waits for it until Prometheus's scrape timeout minus 0.5 s. So a sample is at most \`min_refresh_interval\` plus one poll old; a target whose poll failed exports \`pt_up 0\` and none of its figures.`,
      ],
      [
        "Transmission's idle torrents",
        "Polls ask Transmission only for recently active torrents: tracker results, label edits and peer counts of torrents with no activity are as fresh as the last full list (every 1 to 15 minutes, by the number of torrents; see [clients/transmission.md](clients/transmission.md)).",
      ],
      [
        "Rates (`*_speed*`, `bw.*_rate`)",
        "As the client computes them at that poll (Deluge every 2 s; the others on request).",
      ],
      [
        "`miner_*` and the `seedwatch_target_*` of a miner",
        `At most the target's \`poll_interval\` (default ${device} for devices): a scrape never asks a miner more often than that.`,
      ],
      ["`seedwatch_host_*`", "Read from `/proc` and `statfs` during the scrape, reused for 1 s."],
      [
        "`process_*`, `seedwatch_build_info`, `seedwatch_config_*`, `seedwatch_scrape_collector_*`",
        "Computed during the scrape.",
      ],
      [
        "`<SYSCODE>_inner_metrics`, `partner_http_metrics`, `<SYSCODE>_consumer_metrics`",
        "Recorded when each request, call or message finishes; a scrape reads the histograms as they are.",
      ],
    ],
  );
}

function statusTable(): string {
  return table(
    ["code", "`status` label", "with `compat.status_language: zh`"],
    STATUS_NAMES.map((name, value) => [String(value), name, STATUS_LABELS.zh[value] as string]),
  );
}

/** The whole of docs/metrics.md. */
export async function renderMetricsReference(): Promise<string> {
  const groups = await metricGroups();
  const byId = new Map(groups.map((g) => [g.id, g]));
  const section = (id: string, extra = "") => {
    const group = byId.get(id) as MetricGroup;
    const body = id === "session" ? sessionTable() : familyTable(group);
    return `## ${group.title}\n\n${INTRO[id] ?? ""}\n\n${body}\n${extra}`;
  };
  const count = groups.reduce((n, g) => n + g.families.length, 0);
  return `# Metrics reference

${generatedNotice("tools/docs/metrics-reference.ts, from the metric catalogs")}

Every metric family seedwatch exports (${count} with @seedwatch/instrument's), with its type, its
labels and what it means. Names follow Prometheus's rules: base units (\`_bytes\`, \`_seconds\`),
\`_total\` on counters, and every exposition passes \`promtool check metrics\`. Where pt-exporter's
table named a type that breaks those rules, the remark says what we do instead. pt-exporter's and
downloader-exporter's names are kept so their dashboards work: [migration.md](migration.md) puts
them side by side.

## How fresh a sample is

${freshnessTable()}

${section(
  "pt",
  `
Status codes of \`pt_tracker_torrent_status\` and the \`status\` label (pt-exporter's table; 10 is a
state the mapping does not know, logged once). With \`compat.status_language: zh\` the label of
\`pt_torrents_count\` and \`downloader_torrents_count\` is pt-exporter's Chinese name (its default
\`lang: zh\`; for a state it does not know pt-exporter wrote the client's own name, seedwatch
writes 未定义):

${statusTable()}

The \`tracker\` label is the announce URL's host name, never the URL (private trackers put a
passkey in it); \`tracker.rename\` maps hosts to display names, and
\`tracker.category_as_tracker\` uses the category instead.

Per-tracker byte counters (\`pt_tracker_upload_bytes_total\`, \`pt_tracker_download_bytes_total\`)
count every byte once and never go down. A torrent adds its whole counter when first seen, then
what its counter rose since it was last seen. When its counter drops (a client that crashed and
came back from older resume data, a torrent re-added) nothing is taken back and the lower value is
the new starting point; a removed torrent's bytes stay with its tracker. The totals and every
torrent's last counters are saved in the state database after each poll, before the new figures
can be scraped, so a restart of seedwatch (or a kill -9) neither adds a torrent's bytes again nor
loses any: a torrent removed while seedwatch was stopped keeps its bytes, one that comes back
continues from its last counters. \`seedwatch_target_state_save_errors_total\` counts polls
whose counters could not be saved (they are saved with the next one).

### Which client provides which figure

The same name means the same thing for every client, with these differences in what backs it.
${codeList(CLIENT_INDEPENDENT.map((d) => d.name))} are the same for every client: derived from the
torrent list (the \`pt_max_*\` ones from the configuration).

${provenanceTable()}
`,
)}
${section("engine", `\n### Which client provides which figure\n\n${engineProvenanceTable()}\n`)}
${section("session")}
${section("downloader")}
${section("target", "\n`reason` of `seedwatch_target_poll_errors_total`: `auth` (credentials refused), `banned` (the client locked us out), `timeout`, `connection`, `http` (another status), `protocol` (an answer that is not what the client's API documents), `other`.\n")}
${section("miner")}
${section("host")}
${section("daemon")}
${section("instrument", "\nLabels and rules (`f_code`, `code`, `method_code`, ...) are described in the README's @seedwatch/instrument section.\n")}`;
}

/** Families of PT that no provenance row and no client-independent entry describes. */
export function undocumentedClientFigures(): string[] {
  const covered = new Set([
    ...PROVENANCE.flatMap((p) => p.metrics.map((m) => m.name)),
    ...CLIENT_INDEPENDENT.map((d) => d.name),
  ]);
  return Object.values(PT)
    .map((d) => d.name)
    .filter((name) => !covered.has(name));
}
