import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createSessionCounters,
  DIAGNOSTIC_COUNTERS_START,
  SESSION_METRIC as M,
  SESSION_CATALOG,
} from "@seedwatch/metrics";
import { Credentials } from "../credentials.ts";
import { DelugeSource, fillSession, POLL_SESSION_KEYS, SESSION_MAPPING } from "./index.ts";

/* The 303 keys deluged 2.0.3 (libtorrent 2.0.8) answers to `core.get_session_status([])` (recorded). */
const RECORDED_SESSION_KEYS = new Set(
  `dht.dht_allocated_observers dht.dht_announce_peer_in dht.dht_announce_peer_out dht.dht_bytes_in
dht.dht_bytes_out dht.dht_find_node_in dht.dht_find_node_out dht.dht_get_in dht.dht_get_out
dht.dht_get_peers_in dht.dht_get_peers_out dht.dht_immutable_data dht.dht_invalid_announce
dht.dht_invalid_find_node dht.dht_invalid_get dht.dht_invalid_get_peers dht.dht_invalid_put
dht.dht_invalid_sample_infohashes dht.dht_messages_in dht.dht_messages_in_dropped dht.dht_messages_out
dht.dht_messages_out_dropped dht.dht_mutable_data dht.dht_node_cache dht.dht_nodes dht.dht_peers
dht.dht_ping_in dht.dht_ping_out dht.dht_put_in dht.dht_put_out dht.dht_sample_infohashes_in
dht.dht_sample_infohashes_out dht.dht_torrents dht_download_rate dht_upload_rate disk.blocked_disk_jobs
disk.disk_blocks_in_use disk.disk_hash_time disk.disk_job_time disk.disk_read_time disk.disk_write_time
disk.num_blocks_hashed disk.num_blocks_read disk.num_blocks_written disk.num_fenced_check_fastresume
disk.num_fenced_clear_piece disk.num_fenced_delete_files disk.num_fenced_file_priority
disk.num_fenced_flush_hashed disk.num_fenced_flush_piece disk.num_fenced_flush_storage disk.num_fenced_hash
disk.num_fenced_load_torrent disk.num_fenced_move_storage disk.num_fenced_read disk.num_fenced_release_files
disk.num_fenced_rename_file disk.num_fenced_save_resume_data disk.num_fenced_stop_torrent
disk.num_fenced_tick_storage disk.num_fenced_write disk.num_jobs disk.num_read_back disk.num_read_jobs
disk.num_read_ops disk.num_running_disk_jobs disk.num_running_threads disk.num_write_jobs disk.num_write_ops
disk.num_writing_threads disk.queued_disk_jobs disk.queued_write_bytes disk.request_latency download_rate
ip_overhead_download_rate ip_overhead_upload_rate net.has_incoming_connections net.limiter_down_bytes
net.limiter_down_queue net.limiter_up_bytes net.limiter_up_queue net.on_accept_counter net.on_disk_counter
net.on_disk_queue_counter net.on_lsd_counter net.on_lsd_peer_counter net.on_read_counter net.on_tick_counter
net.on_udp_counter net.on_write_counter net.recv_bytes net.recv_failed_bytes net.recv_ip_overhead_bytes
net.recv_payload_bytes net.recv_redundant_bytes net.recv_tracker_bytes net.sent_bytes
net.sent_ip_overhead_bytes net.sent_payload_bytes net.sent_tracker_bytes payload_download_rate
payload_upload_rate peer.aborted_peers peer.addrinuse_peers peer.banned_for_hash_failure
peer.boost_connection_attempts peer.broken_pipe_peers peer.buffer_peers peer.cancelled_piece_requests
peer.choked_piece_requests peer.connaborted_peers peer.connect_timeouts peer.connection_attempt_loops
peer.connection_attempts peer.connrefused_peers peer.connreset_peers peer.disconnected_peers peer.eof_peers
peer.error_encrypted_peers peer.error_incoming_peers peer.error_outgoing_peers peer.error_peers
peer.error_rc4_peers peer.error_tcp_peers peer.error_utp_peers peer.incoming_connections
peer.invalid_arg_peers peer.invalid_piece_requests peer.max_piece_requests peer.missed_connection_attempts
peer.no_access_peers peer.no_memory_peers peer.no_peer_connection_attempts peer.notconnected_peers
peer.num_banned_peers peer.num_http_proxy_peers peer.num_i2p_peers peer.num_peers_connected
peer.num_peers_down_disk peer.num_peers_down_interested peer.num_peers_down_requests
peer.num_peers_down_unchoked peer.num_peers_end_game peer.num_peers_half_open peer.num_peers_up_disk
peer.num_peers_up_interested peer.num_peers_up_requests peer.num_peers_up_unchoked
peer.num_peers_up_unchoked_all peer.num_peers_up_unchoked_optimistic peer.num_socks5_peers
peer.num_ssl_http_proxy_peers peer.num_ssl_peers peer.num_ssl_socks5_peers peer.num_ssl_utp_peers
peer.num_tcp_peers peer.num_utp_peers peer.perm_peers peer.piece_rejects peer.piece_requests
peer.timeout_peers peer.too_many_peers peer.transport_timeout_peers peer.uninteresting_peers
peer.unreachable_peers read_hit_ratio ses.non_filter_torrents ses.num_checking_torrents
ses.num_downloading_torrents ses.num_error_torrents ses.num_have_pieces ses.num_incoming_allowed_fast
ses.num_incoming_bitfield ses.num_incoming_cancel ses.num_incoming_choke ses.num_incoming_dht_port
ses.num_incoming_ext_handshake ses.num_incoming_extended ses.num_incoming_have ses.num_incoming_have_all
ses.num_incoming_have_none ses.num_incoming_interested ses.num_incoming_metadata
ses.num_incoming_not_interested ses.num_incoming_pex ses.num_incoming_piece ses.num_incoming_reject
ses.num_incoming_request ses.num_incoming_suggest ses.num_incoming_unchoke ses.num_outgoing_allowed_fast
ses.num_outgoing_bitfield ses.num_outgoing_cancel ses.num_outgoing_choke ses.num_outgoing_dht_port
ses.num_outgoing_ext_handshake ses.num_outgoing_extended ses.num_outgoing_hash_reject
ses.num_outgoing_hash_request ses.num_outgoing_hashes ses.num_outgoing_have ses.num_outgoing_have_all
ses.num_outgoing_have_none ses.num_outgoing_interested ses.num_outgoing_metadata
ses.num_outgoing_not_interested ses.num_outgoing_pex ses.num_outgoing_piece ses.num_outgoing_reject
ses.num_outgoing_request ses.num_outgoing_suggest ses.num_outgoing_unchoke ses.num_outstanding_accept
ses.num_piece_failed ses.num_piece_passed ses.num_queued_download_torrents ses.num_queued_seeding_torrents
ses.num_seeding_torrents ses.num_stopped_torrents ses.num_total_pieces_added ses.num_unchoke_slots
ses.num_upload_only_torrents ses.waste_piece_cancelled ses.waste_piece_closing ses.waste_piece_end_game
ses.waste_piece_seed ses.waste_piece_timed_out ses.waste_piece_unknown tracker.num_queued_tracker_announces
tracker_download_rate tracker_upload_rate upload_rate utp.num_utp_close_wait utp.num_utp_connected
utp.num_utp_deleted utp.num_utp_fin_sent utp.num_utp_idle utp.num_utp_syn_sent utp.utp_fast_retransmit
utp.utp_invalid_pkts_in utp.utp_packet_loss utp.utp_packet_resend utp.utp_packets_in utp.utp_packets_out
utp.utp_payload_pkts_in utp.utp_payload_pkts_out utp.utp_redundant_pkts_in utp.utp_samples_above_target
utp.utp_samples_below_target utp.utp_timeout write_hit_ratio picker.end_game_piece_picks
picker.hash_fail_piece_picks picker.incoming_piece_picks picker.incoming_redundant_piece_picks
picker.interesting_piece_picks picker.piece_picker_busy_loops picker.piece_picker_partial_loops
picker.piece_picker_rand_loops picker.piece_picker_rand_start_loops picker.piece_picker_rare_loops
picker.piece_picker_reverse_rare_loops picker.piece_picker_sequential_loops
picker.piece_picker_suggest_loops picker.reject_piece_picks picker.snubbed_piece_picks
picker.unchoke_piece_picks`
    .split(/\s+/)
    .concat(
      Array.from({ length: 18 }, (_, i) => [
        `sock_bufs.socket_recv_size${i + 3}`,
        `sock_bufs.socket_send_size${i + 3}`,
      ]).flat(),
    ),
);

/*
 * Shaped as `core.get_session_status(POLL_SESSION_KEYS)` answers on the contract test's seeding
 * deluged, with values chosen to exercise sums and the rounding of Deluge's float32 rates.
 */
function recordedCounters(): Record<string, number> {
  return {
    "net.sent_bytes": 1613285,
    "net.recv_bytes": 20917,
    "peer.num_peers_connected": 1,
    "peer.num_peers_half_open": 0,
    "peer.num_tcp_peers": 0,
    "peer.num_utp_peers": 1,
    "disk.num_read_ops": 71,
    "disk.num_write_ops": 0,
    "disk.queued_disk_jobs": 0,
    "disk.disk_job_time": 6211,
    "disk.queued_write_bytes": 0,
    "dht.dht_nodes": 0,
    "dht.dht_bytes_in": 0,
    "dht.dht_bytes_out": 0,
    "peer.num_peers_up_unchoked_all": 1,
    "peer.num_peers_up_interested": 1,
    "peer.num_peers_up_requests": 1,
    "peer.num_peers_down_requests": 0,
    "peer.num_banned_peers": 0,
    "ses.num_piece_failed": 0,
    "net.recv_redundant_bytes": 512,
    "net.recv_failed_bytes": 16384,
    "ses.num_outgoing_request": 0,
    "ses.num_incoming_reject": 0,
    "ses.num_incoming_pex": 0,
    "ses.num_outgoing_pex": 0,
    upload_rate: 401123.5,
    download_rate: 5123.25,
    payload_upload_rate: 393216.75,
    payload_download_rate: 0,
    "net.sent_payload_bytes": 1572864,
    "net.recv_payload_bytes": 0,
    "peer.num_socks5_peers": 0,
    "peer.num_http_proxy_peers": 0,
    "peer.num_ssl_peers": 2,
    "peer.num_ssl_socks5_peers": 0,
    "peer.num_ssl_http_proxy_peers": 0,
    "peer.num_ssl_utp_peers": 1,
    "disk.num_blocks_read": 96,
    "disk.num_blocks_written": 3,
    "ses.num_piece_passed": 32,
    "dht.dht_announce_peer_out": 5,
  };
}

describe("Deluge session catalog mapping", () => {
  it("asks only for keys deluged 2.0.3 answers", () => {
    for (const key of POLL_SESSION_KEYS) assert.ok(RECORDED_SESSION_KEYS.has(key), key);
    assert.equal(RECORDED_SESSION_KEYS.size, 303);
  });

  it("fills each slot once, never a diagnostic one nor one the torrent table fills", () => {
    const slots = SESSION_MAPPING.map((m) => m.slot);
    assert.equal(new Set(slots).size, slots.length);
    for (const slot of slots) assert.ok(slot < DIAGNOSTIC_COUNTERS_START, String(slot));
    for (const slot of [
      M.SES_NUM_TORRENTS,
      M.SES_ACTIVE_TORRENTS,
      M.PEER_NUM_SEEDING_TORRENTS,
      M.PEER_NUM_DOWNLOADING_TORRENTS,
      M.PEER_NUM_PAUSED_TORRENTS,
      M.PEER_NUM_CHECKING_TORRENTS,
    ]) {
      assert.ok(!slots.includes(slot), SESSION_CATALOG.entries[slot]?.name);
    }
  });

  it("fills the slots from a recorded answer: sums, rounded rates, the rest unfilled", () => {
    const session = createSessionCounters();
    fillSession(session, recordedCounters());
    assert.equal(session.get(M.NET_BYTES_SENT), 1613285);
    assert.equal(session.get(M.NET_BYTES_RECV), 20917);
    assert.equal(session.get(M.NET_NUM_CONNECTIONS), 1);
    assert.equal(session.get(M.PEER_PEERS_CONNECTED), 1);
    assert.equal(session.get(M.NET_NUM_UTP_PEERS), 1);
    assert.equal(session.get(M.DISK_JOB_TIME_US), 6211);
    assert.equal(session.get(M.PROTO_WASTE_BYTES), 512 + 16384, "redundant + failed");
    assert.equal(session.get(M.BW_UPLOAD_RATE), 401124, "rates are rounded to whole bytes/s");
    assert.equal(session.get(M.BW_PAYLOAD_UPLOAD_RATE), 393217);
    assert.equal(session.get(M.BW_TOTAL_UPLOADED), 1572864);
    assert.equal(session.isFilled(M.DHT_NODES), true, "a zero Deluge reports is a real zero");
    assert.equal(session.get(M.NET_NUM_TCP_CONNECTIONS), 0 + 2, "plain TCP + SSL over TCP");
    assert.equal(session.get(M.NET_NUM_UTP_CONNECTIONS), 1 + 1, "uTP + SSL over uTP");
    assert.equal(session.get(M.DISK_READ_BYTES), 96 * 16384, "16 KiB blocks");
    assert.equal(session.get(M.DISK_WRITE_BYTES), 3 * 16384);
    assert.equal(session.get(M.DISK_HASH_COUNT), 32 + 0, "pieces passed + failed");
    assert.equal(session.get(M.PROTO_PIECES_DOWNLOADED), 32);
    assert.equal(session.get(M.DHT_ANNOUNCE_COUNT), 5);
    for (const slot of [
      M.NET_TCP_BYTES_SENT,
      M.DISK_CACHE_HITS,
      M.DHT_LOOKUPS,
      M.PEER_PEERS_AVAILABLE,
      M.PROTO_HANDSHAKES_IN,
      M.SES_UPTIME_SECS,
    ]) {
      assert.equal(session.isFilled(slot), false, SESSION_CATALOG.entries[slot]?.name);
    }
  });

  it("fills every non-diagnostic slot a libtorrent counter stands behind: 39, and 45 with the list's", () => {
    const session = createSessionCounters();
    fillSession(session, recordedCounters());
    const filled = SESSION_CATALOG.entries.filter((_, i) => session.isFilled(i)).length;
    assert.equal(filled, 39);
    assert.equal(SESSION_MAPPING.length, 39);
  });

  it("leaves a slot unfilled when a key it needs is missing or not a number", () => {
    const session = createSessionCounters();
    const counters = recordedCounters();
    delete counters["net.recv_failed_bytes"];
    counters["dht.dht_nodes"] = Number.NaN;
    fillSession(session, counters);
    assert.equal(session.isFilled(M.PROTO_WASTE_BYTES), false);
    assert.equal(session.isFilled(M.DHT_NODES), false);
    assert.equal(session.isFilled(M.NET_BYTES_SENT), true);
  });
});

describe("DelugeSource", () => {
  const context = { target: "t", session: createSessionCounters(), onUnknownState: () => {} };

  it("speaks the daemon RPC for deluge:// and deluge-web's JSON-RPC for http(s)://", async () => {
    const daemon = new DelugeSource(
      { url: "deluge://127.0.0.1:58846", credentials: Credentials.login("u", "p") },
      context,
    );
    const web = new DelugeSource(
      { url: "https://box:8112/", credentials: Credentials.login("u", "p") },
      context,
    );
    assert.equal(daemon.kind, "daemon");
    assert.equal(web.kind, "web");
    assert.equal(daemon.bytesReceived, 0);
    await daemon.close();
    await web.close();
  });

  it("rejects any other URL with a clear error, without the credentials", () => {
    for (const url of ["ftp://box:21/", "box:58846", ""]) {
      assert.throws(
        () => new DelugeSource({ url, credentials: Credentials.login("u", "secret-pw") }, context),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.match(error.message, /deluge:\/\/host:58846 \(daemon RPC\) or http\(s\):\/\//);
          assert.doesNotMatch(error.message, /secret-pw/);
          return true;
        },
      );
    }
  });
});
