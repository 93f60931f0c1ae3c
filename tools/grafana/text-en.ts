// The English words of the Grafana dashboards: titles, panel names, descriptions, legends, column names, value texts.

/** Every visible string of the dashboards, in English (the reference catalog). */
export const GRAFANA_EN = {
  // What every dashboard has.
  "common.dataSource": "Data source",
  "common.target": "Target",
  "common.tracker": "Tracker",
  "common.type": "Type",
  "common.all": "All",
  "common.annotations": "Annotations & Alerts",
  "common.up": "up",
  "common.down": "down",
  "common.openTarget": "Open this target",
  "common.openTracker": "Open this tracker",
  "common.seedwatchUrl": "seedwatch URL",
  "common.seedwatchUrlHelp":
    "Where your browser reaches seedwatch: the per-torrent tables link to its removal confirmation page (/remove). The page answers only a logged-in user, or loopback clients when nobody logs in (docs/security.md); removal must be enabled for the target.",
  "common.removeTorrent": "Remove this torrent (seedwatch asks for confirmation)",

  // Rows.
  "row.targets": "Targets",
  "row.transfer": "Transfer",
  "row.torrents": "Torrents",
  "row.classes": "Torrents by class",
  "row.exporter": "Exporter",
  "row.now": "Now",
  "row.trackers": "Trackers",
  "row.torrentsOneByOne": "Torrents, one by one",
  "row.session": "Session statistics",
  "row.engine": "Engine and process",
  "row.sites": "Sites",
  "row.overTime": "Over time",
  "row.torrentsOfTrackers": "Torrents of these trackers",
  "row.inbound": "Inbound HTTP",
  "row.partners": "Partner calls",
  "row.consumers": "Queue consumers",
  "row.instrumentation": "Instrumentation",

  // Figures, as panel titles and table columns.
  "figure.status": "Status",
  "figure.client": "Client",
  "figure.up": "Up",
  "figure.uploadSpeed": "Upload speed",
  "figure.downloadSpeed": "Download speed",
  "figure.uploaded": "Uploaded",
  "figure.downloaded": "Downloaded",
  "figure.uploadedInRange": "Uploaded in range",
  "figure.freeSpace": "Free space",
  "figure.torrents": "Torrents",
  "figure.torrent": "Torrent",
  "figure.hash": "Hash",
  "figure.size": "Size",
  "figure.ratio": "Ratio",
  "figure.left": "Left to download",
  "figure.files": "Files",
  "figure.skipSpeed": "Skipped (received, not wanted)",
  "figure.trackerErrors": "Tracker errors",
  "figure.lastPoll": "Last poll",
  "figure.speed": "Speed",
  "figure.utilization": "Bandwidth utilization",
  "figure.pollDuration": "Poll duration",
  "figure.omitted": "Torrents without per-torrent series",
  "figure.perTorrentCap": "per_torrent.max_torrents",
  "figure.clientUptime": "Client up",
  "figure.versions": "Versions",
  "figure.connections": "Connections and requests",
  "figure.processCpu": "Client CPU",
  "figure.processMemory": "Client memory",

  // Legends.
  "legend.upload": "upload",
  "legend.download": "download",
  "legend.uploaded": "uploaded",
  "legend.downloaded": "downloaded",
  "legend.free": "free",
  "legend.sockets": "peer sockets",
  "legend.files": "open files",
  "legend.httpRequests": "HTTP requests",
  "legend.resident": "resident",
  "legend.virtual": "virtual",
  "legend.left": "left",
  "legend.nodes": "nodes",
  "legend.connections": "connections",
  "legend.poll": "poll",
  "legend.code": "code",

  // The overview dashboard.
  "overview.title": "Seedwatch / Overview",
  "overview.description":
    "Every target of one or more seedwatch daemons at once, whatever the client: health, speeds, torrents, free space, the busiest trackers, and the exporter's own health.",
  "overview.targetsUp": "Targets up",
  "overview.targetsDown": "Targets down",
  "overview.uploadedInRangeHelp":
    "Bytes uploaded by every selected client over the dashboard's time range.",
  "overview.trackerErrorsHelp":
    "Torrents whose tracker reports an error (unregistered, refused) or has not worked for 5 minutes.",
  "overview.uploadByTarget": "Upload speed by target",
  "overview.downloadByTarget": "Download speed by target",
  "overview.uploadByTracker": "Upload by tracker (top 10)",
  "overview.uploadByTrackerHelp":
    "From the per-tracker counters, which keep the bytes of removed torrents.",
  "overview.torrentsByStatus": "Torrents by status",
  "overview.targetsByClient": "Targets by client",
  "overview.pollErrors": "Poll errors",
  "overview.scrapeDuration": "Scrape duration",
  "overview.scrapeDurationHelp":
    "How long Prometheus's scrapes of seedwatch take (served from memory: milliseconds).",
  "overview.memory": "Resident memory",
  "overview.cpu": "CPU",
  "overview.failingCollectors": "Failing collectors",

  // The per-target dashboard.
  "target.title": "Seedwatch / Target",
  "target.description":
    "One torrent client: its figures, trackers, categories, tags, session statistics and torrents. The torrent table links each torrent to seedwatch's removal confirmation page.",
  "target.clientUptimeHelp":
    "Since the client started, by its own account (rTorrent with startup_time, Transmission), else since its process started when it runs on the seedwatch machine; empty when neither is known.",
  "target.processHelp":
    "Read from /proc on the seedwatch machine: only for a client that runs there. CPU is the share of one core.",
  "target.connectionsHelp":
    "Peer sockets the client holds open (libtorrent's connected peers; rTorrent's open sockets); open files and HTTP requests only rTorrent reports.",
  "target.uploadedHelp":
    "The client's total: all-time for qBittorrent and Transmission, since the client started for Deluge and rTorrent.",
  "target.uploadByTracker": "Upload speed by tracker",
  "target.uploadedPerHour": "Uploaded per hour",
  "target.utilizationHelp":
    "Speed as a share of the box's line: set max_upload_speed and max_download_speed on the target (1Gbps, 100Mbps), which seedwatch exports as pt_max_upload_speed_bytes and pt_max_download_speed_bytes. Empty until they are set.",
  "target.torrentsByStatus": "Torrents by status",
  "target.torrentsByCategory": "Torrents by category",
  "target.torrentsByTag": "Torrents by tag",
  "target.classes": "Torrents by class (pyrotorque's summary line)",
  "target.classesHelp":
    "Classes overlap, as rTorrent's views do: started and stopped add up to the total, and so do complete and incomplete; seeding is started and complete, leeching started and incomplete; active is moving data now; message has a client or tracker message. docs/metrics.md says what each is in each client.",
  "target.eventsPerHour": "Torrent events per hour",
  "target.eventsHelp":
    "Added, finished, removed and errored torrents, as seedwatch saw them happen, each counted once and kept across seedwatch's restarts.",
  "target.ratioDistribution": "Torrents by share ratio",
  "target.ratioDistributionHelp":
    "Torrents whose share ratio is at most each bound (cumulative), over the selected trackers. Torrents whose ratio the client does not know are in none.",
  "target.peersByKind": "Connected peers by kind",
  "target.peersHelp":
    "A peer counts in total and in every kind it has. Only rTorrent tells its peers at a bounded cost; the other clients have no such panel data (docs/clients/torrent-classes.md).",
  "target.skipSpeedHelp":
    "Data received but not wanted (rTorrent's d.skip.rate). The other clients do not report it per torrent; qBittorrent's and Deluge's wasted bytes are in the session statistics.",
  "target.trackersHelp":
    "Per-tracker counters keep the bytes of removed torrents: they never go down.",
  "target.omittedHelp":
    "0: every torrent of the target is in the table below. Above 0 (red): the target has more torrents than per_torrent.max_torrents, so none has per-torrent series and the table is empty; the per-tracker panels still count every torrent.",
  "target.perTorrentCapHelp":
    "Up to this many torrents, every torrent has per-torrent series; above it, none has. 0 when per_torrent.enabled is false.",
  "target.torrentsHelp":
    "Per-torrent series: every torrent of the target, or none when it has more than per_torrent.max_torrents (the panel above turns red). Click a torrent's name to open seedwatch's removal confirmation page (set the seedwatch URL variable; removal must be enabled for the target).",
  "target.dhtNodes": "DHT nodes",
  "target.peerConnections": "Peer connections",
  "target.sessionTransfer": "Session transfer",
  "target.pollErrorsByReason": "Poll errors by reason",

  // The per-tracker dashboard.
  "tracker.title": "Seedwatch / Trackers",
  "tracker.description":
    "Per site (tracker), across every target: bytes uploaded and downloaded (counters that keep removed torrents), ratio, torrents, size and tracker errors.",
  "tracker.uploadRate": "Upload rate by tracker",
  "tracker.downloadRate": "Download rate by tracker",
  "tracker.uploadedPerDay": "Uploaded per day by tracker",
  "tracker.ratio": "Ratio by tracker",
  "tracker.torrents": "Torrents by tracker",
  "tracker.size": "Size by tracker",
  "tracker.errorShare": "Share of torrents with tracker errors",
  "tracker.classes": "Seeding, leeching, stopped and with a message",
  "tracker.errorShareHelp": "Above half for 15 minutes fires the SeedwatchTrackerErrors alert.",
  "tracker.uploadRateByTarget": "Upload rate by target",
  "tracker.omittedHelp":
    "0: every torrent of the selected targets is in the table below. Above 0 (red): a target has more torrents than its per_torrent.max_torrents, so none of its torrents is in the table (the Sites panels still count them); its seedwatch_target_per_torrent_omitted_torrents says which.",
  "tracker.torrentsHelp":
    "Per-torrent series: every torrent of a target, or none of a target with more than its per_torrent.max_torrents (the panel above turns red). Click a torrent's name to open seedwatch's removal confirmation page for its target (set the seedwatch URL variable; removal must be enabled for the target).",

  // The Node service dashboard.
  "instrument.title": "Seedwatch / Node service",
  "instrument.description":
    "A Node service measured by @seedwatch/instrument: inbound HTTP, partner calls and queue consumers (channel-exporter's three histograms, in milliseconds).",
  "instrument.systemCode": "System code",
  "instrument.instance": "Instance",
  "instrument.requestsByRoute": "Requests by route",
  "instrument.latency": "Latency",
  "instrument.p95ByRoute": "p95 latency by route",
  "instrument.byHttpStatus": "Responses by HTTP status",
  "instrument.byBusinessCode": "Responses by business code",
  "instrument.callsByPartner": "Calls by partner and action",
  "instrument.p95ByPartner": "p95 latency by partner",
  "instrument.partnerByCode": "Partner answers by business code",
  "instrument.partnerByStatus": "Partner answers by HTTP status",
  "instrument.messagesByQueue": "Messages by queue",
  "instrument.failuresByQueue": "Failures by queue",
  "instrument.p95ByQueue": "p95 handling time by queue",
  "instrument.dropped": "Observations dropped (series limit reached)",
  "instrument.droppedHelp":
    "Label sets refused because a histogram reached maxSeries (SEEDWATCH_MAX_SERIES).",
} as const;

/** A key of the dashboards' catalogs. */
export type GrafanaTextKey = keyof typeof GRAFANA_EN;

/** One language's catalog: a string for every key, and no other key. */
export type GrafanaText = Readonly<Record<GrafanaTextKey, string>>;
