// Which libtorrent session counters (by the names deluged's core.get_session_status answers to) fill which catalog slot.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";

/** libtorrent's block: the unit of its disk block counters (the last block of a torrent may be shorter). */
const BLOCK_BYTES = 16 * 1024;

/** One slot: the sum of `keys`, times `scale` when the counters count in another unit. */
export interface SessionSlotMapping {
  readonly slot: number;
  readonly keys: readonly string[];
  readonly scale?: number;
}

/**
 * libtorrent 2.0 session counters (and Deluge's rates) behind each catalog slot they fill. A
 * slot with several keys is their sum. Slots libtorrent has no counter for stay unfilled:
 * bytes and rates per transport (TCP, uTP), DHT nodes per address family, disk cache hits and
 * misses (2.0 has no cache), available peers and web seeds, handshakes, metadata and tracker
 * counts (libtorrent counts messages of both directions, or none), IP filter and auto-managed
 * pauses. The torrent counts by state come from the torrent list, for every client alike.
 */
export const SESSION_MAPPING: readonly SessionSlotMapping[] = [
  { slot: M.NET_BYTES_SENT, keys: ["net.sent_bytes"] },
  { slot: M.NET_BYTES_RECV, keys: ["net.recv_bytes"] },
  { slot: M.NET_NUM_CONNECTIONS, keys: ["peer.num_peers_connected"] },
  { slot: M.NET_NUM_HALF_OPEN, keys: ["peer.num_peers_half_open"] },
  { slot: M.NET_NUM_TCP_PEERS, keys: ["peer.num_tcp_peers"] },
  { slot: M.NET_NUM_UTP_PEERS, keys: ["peer.num_utp_peers"] },
  // Every peer socket carried by TCP: plain, encrypted (SSL torrents), through a proxy.
  {
    slot: M.NET_NUM_TCP_CONNECTIONS,
    keys: [
      "peer.num_tcp_peers",
      "peer.num_socks5_peers",
      "peer.num_http_proxy_peers",
      "peer.num_ssl_peers",
      "peer.num_ssl_socks5_peers",
      "peer.num_ssl_http_proxy_peers",
    ],
  },
  { slot: M.NET_NUM_UTP_CONNECTIONS, keys: ["peer.num_utp_peers", "peer.num_ssl_utp_peers"] },
  { slot: M.DISK_READ_COUNT, keys: ["disk.num_read_ops"] },
  { slot: M.DISK_WRITE_COUNT, keys: ["disk.num_write_ops"] },
  { slot: M.DISK_READ_BYTES, keys: ["disk.num_blocks_read"], scale: BLOCK_BYTES },
  { slot: M.DISK_WRITE_BYTES, keys: ["disk.num_blocks_written"], scale: BLOCK_BYTES },
  { slot: M.DISK_QUEUE_DEPTH, keys: ["disk.queued_disk_jobs"] },
  { slot: M.DISK_JOB_TIME_US, keys: ["disk.disk_job_time"] },
  { slot: M.DISK_WRITE_BUFFER_BYTES, keys: ["disk.queued_write_bytes"] },
  // Every piece hashed and checked, whichever way it came out.
  { slot: M.DISK_HASH_COUNT, keys: ["ses.num_piece_passed", "ses.num_piece_failed"] },
  { slot: M.DHT_NODES, keys: ["dht.dht_nodes"] },
  { slot: M.DHT_BYTES_IN, keys: ["dht.dht_bytes_in"] },
  { slot: M.DHT_BYTES_OUT, keys: ["dht.dht_bytes_out"] },
  { slot: M.DHT_ANNOUNCE_COUNT, keys: ["dht.dht_announce_peer_out"] },
  { slot: M.PEER_NUM_UNCHOKED, keys: ["peer.num_peers_up_unchoked_all"] },
  { slot: M.PEER_NUM_INTERESTED, keys: ["peer.num_peers_up_interested"] },
  { slot: M.PEER_NUM_UPLOADING, keys: ["peer.num_peers_up_requests"] },
  { slot: M.PEER_NUM_DOWNLOADING, keys: ["peer.num_peers_down_requests"] },
  { slot: M.PEER_PEERS_CONNECTED, keys: ["peer.num_peers_connected"] },
  { slot: M.PEER_NUM_BANNED, keys: ["peer.num_banned_peers"] },
  { slot: M.PROTO_PIECES_DOWNLOADED, keys: ["ses.num_piece_passed"] },
  { slot: M.PROTO_HASHFAILS, keys: ["ses.num_piece_failed"] },
  { slot: M.PROTO_WASTE_BYTES, keys: ["net.recv_redundant_bytes", "net.recv_failed_bytes"] },
  { slot: M.PROTO_PIECE_REQUESTS, keys: ["ses.num_outgoing_request"] },
  { slot: M.PROTO_PIECE_REJECTS, keys: ["ses.num_incoming_reject"] },
  { slot: M.PROTO_PEX_MESSAGES_IN, keys: ["ses.num_incoming_pex"] },
  { slot: M.PROTO_PEX_MESSAGES_OUT, keys: ["ses.num_outgoing_pex"] },
  { slot: M.BW_UPLOAD_RATE, keys: ["upload_rate"] },
  { slot: M.BW_DOWNLOAD_RATE, keys: ["download_rate"] },
  { slot: M.BW_PAYLOAD_UPLOAD_RATE, keys: ["payload_upload_rate"] },
  { slot: M.BW_PAYLOAD_DOWNLOAD_RATE, keys: ["payload_download_rate"] },
  { slot: M.BW_TOTAL_UPLOADED, keys: ["net.sent_payload_bytes"] },
  { slot: M.BW_TOTAL_DOWNLOADED, keys: ["net.recv_payload_bytes"] },
];

/** The session keys behind ClientStatus: payload totals since deluged started, payload rates. */
const CLIENT_KEYS = [
  "net.recv_payload_bytes",
  "net.sent_payload_bytes",
  "payload_download_rate",
  "payload_upload_rate",
] as const;

/** The key behind the engine's open sockets: libtorrent's connected peers. */
export const OPEN_SOCKETS_KEY = "peer.num_peers_connected";

/** Every session key a poll asks for: ClientStatus's, the engine's and the mapping's. */
export const POLL_SESSION_KEYS: readonly string[] = [
  ...new Set([...CLIENT_KEYS, OPEN_SOCKETS_KEY, ...SESSION_MAPPING.flatMap((m) => m.keys)]),
];

/** Fills the session catalog from `core.get_session_status`: only slots with every key answered. */
export function fillSession(
  session: SessionCounters,
  counters: Readonly<Record<string, number>>,
): void {
  for (const { slot, keys, scale = 1 } of SESSION_MAPPING) {
    let sum = 0;
    let complete = true;
    for (const key of keys) {
      const value = counters[key];
      if (value === undefined || !Number.isFinite(value)) complete = false;
      else sum += value;
    }
    if (complete) session.set(slot, Math.max(0, Math.round(sum * scale)));
  }
}
