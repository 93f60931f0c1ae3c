// Which qBittorrent `server_state` figures fill which catalog slot, and what they say of the engine.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";
import { engineStatus } from "../engine-status.ts";
import type { EngineStatus } from "../source.ts";
import type { ServerState } from "./qbittorrent-sync.ts";

/**
 * `server_state` fields (qBittorrent 4.1 to 5.x) behind the catalog slots, each the libtorrent
 * counter qBittorrent copies: `total_peer_connections` is `peer.num_peers_connected`,
 * `total_queued_size` is `disk.queued_write_bytes`, `queued_io_jobs` is `disk.queued_disk_jobs`,
 * `total_wasted_session` is redundant plus failed bytes. The rest of `server_state` is limits,
 * ratios, cache percentages or settings, which no slot means.
 */
export const SERVER_STATE_SLOTS: ReadonlyArray<readonly [slot: number, field: string]> = [
  [M.DHT_NODES, "dht_nodes"],
  [M.NET_NUM_CONNECTIONS, "total_peer_connections"],
  [M.PEER_PEERS_CONNECTED, "total_peer_connections"],
  [M.BW_PAYLOAD_DOWNLOAD_RATE, "dl_info_speed"],
  [M.BW_PAYLOAD_UPLOAD_RATE, "up_info_speed"],
  [M.BW_TOTAL_DOWNLOADED, "dl_info_data"],
  [M.BW_TOTAL_UPLOADED, "up_info_data"],
  [M.PROTO_WASTE_BYTES, "total_wasted_session"],
  [M.DISK_QUEUE_DEPTH, "queued_io_jobs"],
  [M.DISK_WRITE_BUFFER_BYTES, "total_queued_size"],
];

/** Fills the session catalog with the `server_state` figures that mean what the catalog says. */
export function fillSession(session: SessionCounters, server: ServerState): void {
  for (const [slot, field] of SERVER_STATE_SLOTS) {
    const n = num(server[field]);
    if (n !== undefined && n >= 0) session.set(slot, Math.trunc(n));
  }
}

/**
 * The engine as qBittorrent tells it: libtorrent's connected peers, and the libtorrent version
 * of `app/buildInfo`. qBittorrent tells neither its start time nor its PID.
 */
export function engineOf(server: ServerState, libraryVersion: string): EngineStatus {
  const sockets = num(server.total_peer_connections);
  return engineStatus({
    openSockets: sockets !== undefined && sockets >= 0 ? Math.trunc(sockets) : undefined,
    libraryVersion: libraryVersion === "" ? undefined : libraryVersion,
  });
}

/** The `libtorrent` entry of an `app/buildInfo` answer, or "" (before qBittorrent 4.2, no such call). */
export function libtorrentOf(buildInfo: unknown): string {
  const value = (buildInfo as { libtorrent?: unknown } | null)?.libtorrent;
  return typeof value === "string" ? value.trim().slice(0, 64) : "";
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
