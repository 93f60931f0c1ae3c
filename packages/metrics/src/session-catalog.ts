// The torrent session-statistics catalog (irontide-session's `stats`): 99 metrics in 8 categories, in slot order.

import { defineCatalog } from "./catalog.ts";
import {
  SessionCounters,
  type SessionCountersOptions,
  type SessionDerivations,
} from "./session-counters.ts";

/** Dotted-name prefixes and the categories they stand for. */
export const SESSION_CATEGORIES = {
  net: "network",
  disk: "disk",
  dht: "DHT",
  peer: "peers",
  proto: "protocol",
  bw: "bandwidth",
  ses: "session",
  diag: "operational diagnostics",
} as const;

/*
 * Slots 0-69 follow irontide-session 0.165 exactly (names, kinds, order). Slots 70-98 are the
 * 29 metrics 1.0.1 added; its public docs give their identifiers and meanings and four of their
 * indices (74, 76, 80, 89), which are kept, but not their dotted names nor the rest of the order,
 * nor the value of DIAGNOSTIC_COUNTERS_START. Here they form the `diag.` category, and all of it
 * is diagnostic (gated).
 */
const C = "counter";
const G = "gauge";

/** The 99 session metrics. */
export const SESSION_CATALOG = defineCatalog(
  // biome-ignore format: one metric per line reads as a table
  [
    // network 0-11
    { id: "NET_BYTES_SENT", name: "net.bytes_sent", kind: C, unit: "bytes", help: "Total bytes sent across all connections." },
    { id: "NET_BYTES_RECV", name: "net.bytes_recv", kind: C, unit: "bytes", help: "Total bytes received across all connections." },
    { id: "NET_NUM_CONNECTIONS", name: "net.num_connections", kind: G, help: "Current number of established connections." },
    { id: "NET_NUM_HALF_OPEN", name: "net.num_half_open", kind: G, help: "Current number of half-open (connecting) sockets." },
    { id: "NET_NUM_TCP_PEERS", name: "net.num_tcp_peers", kind: G, help: "Current number of TCP peers." },
    { id: "NET_NUM_UTP_PEERS", name: "net.num_utp_peers", kind: G, help: "Current number of uTP peers." },
    { id: "NET_NUM_TCP_CONNECTIONS", name: "net.num_tcp_connections", kind: G, help: "Current number of TCP connections." },
    { id: "NET_NUM_UTP_CONNECTIONS", name: "net.num_utp_connections", kind: G, help: "Current number of uTP connections." },
    { id: "NET_TCP_BYTES_SENT", name: "net.tcp_bytes_sent", kind: C, unit: "bytes", help: "Total bytes sent over TCP." },
    { id: "NET_TCP_BYTES_RECV", name: "net.tcp_bytes_recv", kind: C, unit: "bytes", help: "Total bytes received over TCP." },
    { id: "NET_UTP_BYTES_SENT", name: "net.utp_bytes_sent", kind: C, unit: "bytes", help: "Total bytes sent over uTP." },
    { id: "NET_UTP_BYTES_RECV", name: "net.utp_bytes_recv", kind: C, unit: "bytes", help: "Total bytes received over uTP." },
    // disk 12-21
    { id: "DISK_READ_COUNT", name: "disk.read_count", kind: C, help: "Total disk read operations." },
    { id: "DISK_WRITE_COUNT", name: "disk.write_count", kind: C, help: "Total disk write operations." },
    { id: "DISK_READ_BYTES", name: "disk.read_bytes", kind: C, unit: "bytes", help: "Total bytes read from disk." },
    { id: "DISK_WRITE_BYTES", name: "disk.write_bytes", kind: C, unit: "bytes", help: "Total bytes written to disk." },
    { id: "DISK_CACHE_HITS", name: "disk.cache_hits", kind: C, help: "Total disk cache hits." },
    { id: "DISK_CACHE_MISSES", name: "disk.cache_misses", kind: C, help: "Total disk cache misses." },
    { id: "DISK_QUEUE_DEPTH", name: "disk.queue_depth", kind: G, help: "Current disk job queue depth." },
    { id: "DISK_JOB_TIME_US", name: "disk.job_time_us", kind: C, unit: "microseconds", help: "Cumulative disk job time." },
    { id: "DISK_WRITE_BUFFER_BYTES", name: "disk.write_buffer_bytes", kind: G, unit: "bytes", help: "Current write buffer size." },
    { id: "DISK_HASH_COUNT", name: "disk.hash_count", kind: C, help: "Total piece hash operations." },
    // DHT 22-28
    { id: "DHT_NODES", name: "dht.nodes", kind: G, help: "Current number of DHT routing table nodes." },
    { id: "DHT_LOOKUPS", name: "dht.lookups", kind: C, help: "Total DHT lookup operations." },
    { id: "DHT_BYTES_IN", name: "dht.bytes_in", kind: C, unit: "bytes", help: "Total bytes received via DHT." },
    { id: "DHT_BYTES_OUT", name: "dht.bytes_out", kind: C, unit: "bytes", help: "Total bytes sent via DHT." },
    { id: "DHT_NODES_V4", name: "dht.nodes_v4", kind: G, help: "Current number of IPv4 DHT nodes." },
    { id: "DHT_NODES_V6", name: "dht.nodes_v6", kind: G, help: "Current number of IPv6 DHT nodes." },
    { id: "DHT_ANNOUNCE_COUNT", name: "dht.announce_count", kind: C, help: "Total DHT announce operations." },
    // peers 29-40
    { id: "PEER_NUM_UNCHOKED", name: "peer.num_unchoked", kind: G, help: "Current number of unchoked peers." },
    { id: "PEER_NUM_INTERESTED", name: "peer.num_interested", kind: G, help: "Current number of interested peers." },
    { id: "PEER_NUM_UPLOADING", name: "peer.num_uploading", kind: G, help: "Current number of peers we are uploading to." },
    { id: "PEER_NUM_DOWNLOADING", name: "peer.num_downloading", kind: G, help: "Current number of peers we are downloading from." },
    { id: "PEER_NUM_SEEDING_TORRENTS", name: "peer.num_seeding_torrents", kind: G, help: "Current number of torrents in seeding state." },
    { id: "PEER_NUM_DOWNLOADING_TORRENTS", name: "peer.num_downloading_torrents", kind: G, help: "Current number of torrents in downloading state." },
    { id: "PEER_NUM_CHECKING_TORRENTS", name: "peer.num_checking_torrents", kind: G, help: "Current number of torrents being checked." },
    { id: "PEER_NUM_PAUSED_TORRENTS", name: "peer.num_paused_torrents", kind: G, help: "Current number of paused torrents." },
    { id: "PEER_PEERS_CONNECTED", name: "peer.peers_connected", kind: G, help: "Current total number of connected peers." },
    { id: "PEER_PEERS_AVAILABLE", name: "peer.peers_available", kind: G, help: "Current total number of known available peers." },
    { id: "PEER_NUM_WEB_SEEDS", name: "peer.num_web_seeds", kind: G, help: "Current number of active web seeds." },
    { id: "PEER_NUM_BANNED", name: "peer.num_banned", kind: G, help: "Current number of banned peers." },
    // protocol 41-54
    { id: "PROTO_PIECES_DOWNLOADED", name: "proto.pieces_downloaded", kind: C, help: "Total pieces downloaded across all torrents." },
    { id: "PROTO_PIECES_UPLOADED", name: "proto.pieces_uploaded", kind: C, help: "Total pieces uploaded across all torrents." },
    { id: "PROTO_HASHFAILS", name: "proto.hashfails", kind: C, help: "Total piece hash verification failures." },
    { id: "PROTO_WASTE_BYTES", name: "proto.waste_bytes", kind: C, unit: "bytes", help: "Total wasted bytes (duplicate or rejected data)." },
    { id: "PROTO_PIECE_REQUESTS", name: "proto.piece_requests", kind: C, help: "Total piece request messages sent." },
    { id: "PROTO_PIECE_REJECTS", name: "proto.piece_rejects", kind: C, help: "Total piece reject messages received." },
    { id: "PROTO_HANDSHAKES_IN", name: "proto.handshakes_in", kind: C, help: "Total incoming handshakes received." },
    { id: "PROTO_HANDSHAKES_OUT", name: "proto.handshakes_out", kind: C, help: "Total outgoing handshakes sent." },
    { id: "PROTO_PEX_MESSAGES_IN", name: "proto.pex_messages_in", kind: C, help: "Total PEX messages received." },
    { id: "PROTO_PEX_MESSAGES_OUT", name: "proto.pex_messages_out", kind: C, help: "Total PEX messages sent." },
    { id: "PROTO_TRACKER_ANNOUNCES", name: "proto.tracker_announces", kind: C, help: "Total tracker announce requests." },
    { id: "PROTO_TRACKER_ERRORS", name: "proto.tracker_errors", kind: C, help: "Total tracker announce errors." },
    { id: "PROTO_METADATA_REQUESTS", name: "proto.metadata_requests", kind: C, help: "Total BEP 9 metadata requests sent." },
    { id: "PROTO_METADATA_RECEIVES", name: "proto.metadata_receives", kind: C, help: "Total BEP 9 metadata pieces received." },
    // bandwidth 55-64
    { id: "BW_UPLOAD_RATE", name: "bw.upload_rate", kind: G, unit: "bytes_per_second", help: "Current aggregate upload rate in bytes per second." },
    { id: "BW_DOWNLOAD_RATE", name: "bw.download_rate", kind: G, unit: "bytes_per_second", help: "Current aggregate download rate in bytes per second." },
    { id: "BW_UPLOAD_RATE_TCP", name: "bw.upload_rate_tcp", kind: G, unit: "bytes_per_second", help: "Current TCP upload rate in bytes per second." },
    { id: "BW_DOWNLOAD_RATE_TCP", name: "bw.download_rate_tcp", kind: G, unit: "bytes_per_second", help: "Current TCP download rate in bytes per second." },
    { id: "BW_UPLOAD_RATE_UTP", name: "bw.upload_rate_utp", kind: G, unit: "bytes_per_second", help: "Current uTP upload rate in bytes per second." },
    { id: "BW_DOWNLOAD_RATE_UTP", name: "bw.download_rate_utp", kind: G, unit: "bytes_per_second", help: "Current uTP download rate in bytes per second." },
    { id: "BW_PAYLOAD_UPLOAD_RATE", name: "bw.payload_upload_rate", kind: G, unit: "bytes_per_second", help: "Current payload-only upload rate in bytes per second." },
    { id: "BW_PAYLOAD_DOWNLOAD_RATE", name: "bw.payload_download_rate", kind: G, unit: "bytes_per_second", help: "Current payload-only download rate in bytes per second." },
    { id: "BW_TOTAL_UPLOADED", name: "bw.total_uploaded", kind: C, unit: "bytes", help: "Total bytes uploaded since session start." },
    { id: "BW_TOTAL_DOWNLOADED", name: "bw.total_downloaded", kind: C, unit: "bytes", help: "Total bytes downloaded since session start." },
    // session 65-69
    { id: "SES_ACTIVE_TORRENTS", name: "ses.active_torrents", kind: G, help: "Current number of active (non-paused) torrents." },
    { id: "SES_NUM_TORRENTS", name: "ses.num_torrents", kind: G, help: "Total number of torrents in the session." },
    { id: "SES_UPTIME_SECS", name: "ses.uptime_secs", kind: G, unit: "seconds", help: "Session uptime." },
    { id: "SES_IP_FILTER_BLOCKED", name: "ses.ip_filter_blocked", kind: C, help: "Total connections blocked by the IP filter." },
    { id: "SES_QUEUE_PAUSED_BY_AUTO", name: "ses.queue_paused_by_auto", kind: C, help: "Total torrents paused by auto-management." },
    // operational diagnostics 70-98 (gated)
    { id: "CONNECT_FAILURES_TOTAL", name: "diag.connect_failures_total", kind: C, diagnostic: true, help: "Total TCP/uTP connect failures before the BitTorrent handshake." },
    { id: "CHOKE_ROTATION_EVICTIONS_TOTAL", name: "diag.choke_rotation_evictions_total", kind: C, diagnostic: true, help: "Total choke-rotation evictions." },
    { id: "DATA_TIMEOUT_EVICTIONS_TOTAL", name: "diag.data_timeout_evictions_total", kind: C, diagnostic: true, help: "Total data-contribution timeout evictions." },
    { id: "PIECE_STEALS_TOTAL", name: "diag.piece_steals_total", kind: C, diagnostic: true, help: "Total piece-level steals from slow peers." },
    { id: "DISPATCH_ACQUIRE_TOTAL", name: "diag.dispatch_acquire_total", kind: C, diagnostic: true, help: "Total AcquirePiece requests handled." },
    { id: "DISPATCH_ACQUIRE_NONE_TOTAL", name: "diag.dispatch_acquire_none_total", kind: C, diagnostic: true, help: "Total AcquirePiece requests that found no piece available." },
    { id: "DISPATCH_ACQUIRE_US", name: "diag.dispatch_acquire_us", kind: C, unit: "microseconds", diagnostic: true, help: "Cumulative time spent handling AcquirePiece requests." },
    { id: "DISPATCH_NOTIFY_WAKEUP_TOTAL", name: "diag.dispatch_notify_wakeup_total", kind: C, diagnostic: true, help: "Total reservation-notify wakeups fired." },
    { id: "DISPATCH_NOTIFY_WAIT_US", name: "diag.dispatch_notify_wait_us", kind: C, unit: "microseconds", diagnostic: true, help: "Cumulative time peers spent waiting for a piece notification." },
    { id: "DISPATCH_PEER_CONNECT_TOTAL", name: "diag.dispatch_peer_connect_total", kind: C, diagnostic: true, help: "Total peer connections completing the handshake." },
    { id: "DISPATCH_ACQUIRE_RTT_US", name: "diag.dispatch_acquire_rtt_us", kind: C, unit: "microseconds", diagnostic: true, help: "Cumulative AcquirePiece round-trip time." },
    { id: "DISPATCH_PEER_DISCONNECT_TOTAL", name: "diag.dispatch_peer_disconnect_total", kind: C, diagnostic: true, help: "Total peer disconnections." },
    { id: "DISPATCH_TX_HIGH_WATER", name: "diag.dispatch_tx_high_water", kind: G, diagnostic: true, help: "Highest queue depth seen on a peer dispatch channel." },
    { id: "EVENT_TX_HIGH_WATER", name: "diag.event_tx_high_water", kind: G, diagnostic: true, help: "Highest queue depth seen on a peer event channel." },
    { id: "PEER_DRAIN_ITEMS_TOTAL", name: "diag.peer_drain_items_total", kind: C, diagnostic: true, help: "Total items drained from peer backpressure queues." },
    { id: "PEER_WAKE_EVENTS_TOTAL", name: "diag.peer_wake_events_total", kind: C, diagnostic: true, help: "Total drain-notify arm fires." },
    { id: "DISPATCH_CURSOR_RESUMED", name: "diag.dispatch_cursor_resumed", kind: C, diagnostic: true, help: "Piece acquisitions whose per-peer cursor resumed from a previous position instead of scanning from the front." },
    { id: "DISPATCH_WALK_SKIPPED", name: "diag.dispatch_walk_skipped", kind: C, diagnostic: true, help: "Piece acquisitions whose linear walk was skipped because the peer has no eligible piece." },
    { id: "TARGET_DEPTH_SUM", name: "diag.target_depth_sum", kind: C, diagnostic: true, deprecated: true, help: "Deprecated: the dynamic depth gate was removed; slot kept for index stability." },
    { id: "TARGET_DEPTH_SAMPLES", name: "diag.target_depth_samples", kind: C, diagnostic: true, deprecated: true, help: "Deprecated: see diag.target_depth_sum." },
    { id: "TARGET_DEPTH_BELOW_32", name: "diag.target_depth_below_32", kind: C, diagnostic: true, deprecated: true, help: "Deprecated: see diag.target_depth_sum." },
    { id: "DISPATCH_TICK_WAKE_SKIPPED", name: "diag.dispatch_tick_wake_skipped", kind: C, diagnostic: true, help: "Pipeline-tick wakes skipped because the dispatch state had not changed since the previous tick." },
    { id: "FIRST_BLOCK_LATENCY_SUM_US", name: "diag.first_block_latency_sum_us", kind: C, unit: "microseconds", diagnostic: true, help: "Cumulative time from a remote unchoke to the first piece block received." },
    { id: "FIRST_BLOCK_LATENCY_COUNT", name: "diag.first_block_latency_count", kind: C, diagnostic: true, help: "Number of first-block-after-unchoke measurements." },
    { id: "PEER_LIFETIME_SUM_MS", name: "diag.peer_lifetime_sum_ms", kind: C, unit: "milliseconds", diagnostic: true, help: "Cumulative peer connection lifetime at disconnect." },
    { id: "PEER_LIFETIME_COUNT", name: "diag.peer_lifetime_count", kind: C, diagnostic: true, help: "Number of peer disconnects contributing to diag.peer_lifetime_sum_ms." },
    { id: "REMOTE_UNCHOKE_TOTAL", name: "diag.remote_unchoke_total", kind: C, diagnostic: true, help: "Times a remote peer unchoked us." },
    { id: "REMOTE_RECHOKE_TOTAL", name: "diag.remote_rechoke_total", kind: C, diagnostic: true, help: "Times a remote peer choked us again after having unchoked us." },
    { id: "REMOTE_UNCHOKE_DURATION_SUM_MS", name: "diag.remote_unchoke_duration_sum_ms", kind: C, unit: "milliseconds", diagnostic: true, help: "Cumulative time peers kept us unchoked before choking us again." },
  ],
  SESSION_CATEGORIES,
);

/** Slot index of every session metric, e.g. `SESSION_METRIC.NET_BYTES_SENT === 0`. */
export const SESSION_METRIC = SESSION_CATALOG.index;

/** Number of session metrics (99). */
export const NUM_SESSION_METRICS = SESSION_CATALOG.entries.length;

/** First diagnostic slot: counters from here on only move when diagnostics are enabled. */
export const DIAGNOSTIC_COUNTERS_START = SESSION_CATALOG.diagnosticStart;

/** The session catalog's type, for code that takes it as a parameter. */
export type SessionCatalog = typeof SESSION_CATALOG;

/** What `snapshot()` derives for the torrent session: uptime, and upload/download rates. */
export const SESSION_DERIVATIONS: SessionDerivations = Object.freeze({
  uptime: SESSION_METRIC.SES_UPTIME_SECS,
  rates: Object.freeze([
    { rate: SESSION_METRIC.BW_UPLOAD_RATE, total: SESSION_METRIC.NET_BYTES_SENT },
    { rate: SESSION_METRIC.BW_DOWNLOAD_RATE, total: SESSION_METRIC.NET_BYTES_RECV },
  ]),
});

/** A new torrent session counter set. */
export function createSessionCounters(options: SessionCountersOptions = {}): SessionCounters {
  return new SessionCounters(SESSION_CATALOG, SESSION_DERIVATIONS, options);
}

/** Rebuilds, in another thread, a torrent session counter set from its buffer. */
export function attachSessionCounters(buffer: SharedArrayBuffer): SessionCounters {
  return SessionCounters.fromBuffer(SESSION_CATALOG, buffer, SESSION_DERIVATIONS);
}
