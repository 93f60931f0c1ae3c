// qBittorrent's global figures (`server_state` of sync/maindata) as the daemon keeps them.

import { knownFreeSpace } from "../../model/free-space.ts";
import type { ClientStatus } from "../source.ts";
import type { ServerState } from "./qbittorrent-sync.ts";

/**
 * Totals are the all-time `alltime_dl`/`alltime_ul`; free space is `free_space_on_disk` at the
 * default save path, absent when qBittorrent cannot tell (it sends -1).
 */
export function clientStatus(version: string, server: ServerState): ClientStatus {
  return {
    version,
    downloadedTotal: num(server.alltime_dl),
    uploadedTotal: num(server.alltime_ul),
    downloadRate: num(server.dl_info_speed) ?? 0,
    uploadRate: num(server.up_info_speed) ?? 0,
    freeSpace: knownFreeSpace(server.free_space_on_disk),
  };
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
