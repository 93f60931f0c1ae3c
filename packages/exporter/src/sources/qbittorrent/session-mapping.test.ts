import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSessionCounters, SESSION_METRIC as M } from "@seedwatch/metrics";
import { engineOf, fillSession, libtorrentOf } from "./session-mapping.ts";

/** server_state of qBittorrent 4.5.2 (the contract test's seeder), trimmed to numbers. */
const SERVER_STATE = {
  alltime_dl: 0,
  alltime_ul: 2097152,
  dht_nodes: 0,
  dl_info_data: 0,
  dl_info_speed: 0,
  free_space_on_disk: 81234567168,
  queued_io_jobs: 0,
  total_buffers_size: 0,
  total_peer_connections: 3,
  total_queued_size: 16384,
  total_wasted_session: 0,
  up_info_data: 2120000,
  up_info_speed: 52000,
  read_cache_hits: "0",
};

describe("qBittorrent session mapping", () => {
  it("fills the slots server_state has a libtorrent counter behind", () => {
    const session = createSessionCounters();
    fillSession(session, SERVER_STATE);
    assert.equal(session.get(M.NET_NUM_CONNECTIONS), 3);
    assert.equal(session.get(M.PEER_PEERS_CONNECTED), 3);
    assert.equal(session.get(M.DISK_WRITE_BUFFER_BYTES), 16384);
    assert.equal(session.get(M.BW_TOTAL_UPLOADED), 2120000);
    assert.equal(session.isFilled(M.DISK_CACHE_HITS), false, "a percentage, not a count");
    assert.equal(session.isFilled(M.NET_BYTES_SENT), false);
  });

  it("leaves out a field qBittorrent did not send", () => {
    const session = createSessionCounters();
    const { total_queued_size: _, ...older } = SERVER_STATE;
    fillSession(session, older);
    assert.equal(session.isFilled(M.DISK_WRITE_BUFFER_BYTES), false);
  });

  it("gives libtorrent's connected peers and version as the engine", () => {
    assert.deepEqual(engineOf(SERVER_STATE, "2.0.8.0"), {
      openSockets: 3,
      libraryVersion: "2.0.8.0",
    });
    assert.deepEqual(engineOf({}, ""), {});
  });

  it("reads libtorrent from app/buildInfo, and nothing from an odd answer", () => {
    const info = {
      bitness: 64,
      boost: "1.74.0",
      libtorrent: "1.2.18.0",
      openssl: "3.0.11",
      qt: "5.15.8",
      zlib: "1.2.13",
    };
    assert.equal(libtorrentOf(info), "1.2.18.0");
    assert.equal(libtorrentOf(null), "");
    assert.equal(libtorrentOf({ libtorrent: 2 }), "");
  });
});
