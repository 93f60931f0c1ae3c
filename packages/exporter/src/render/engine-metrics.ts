// The engine's series of a torrent target: version info, start time, open sockets, files, HTTP requests, its process.

import { defineCounter, defineGauge, defineInfo } from "@seedwatch/metrics";
import { TARGET_LABELS } from "./torrent-metrics.ts";

const T = TARGET_LABELS;

/** What a torrent client says of its engine, and what /proc says of its process on this machine. */
export const ENGINE = {
  info: defineInfo({
    name: "pt_client_info",
    help: "The client's version and its engine library's (libtorrent-rasterbar's, or rTorrent's libtorrent) where the client names it.",
    labelNames: [...T, "version", "libtorrent"],
  }),
  startTime: defineGauge({
    name: "pt_client_start_time_seconds",
    help: "When the client started, since the Unix epoch: by its own account where it gives one, else its process's start when it runs on this machine.",
    unit: "seconds",
    labelNames: T,
  }),
  openSockets: defineGauge({
    name: "pt_open_sockets",
    help: "Peer connections the client holds open (rTorrent network.open_sockets, libtorrent's connected peers).",
    labelNames: T,
  }),
  openFiles: defineGauge({
    name: "pt_open_files",
    help: "Files the client holds open (rTorrent network.open_files, a patched build only).",
    labelNames: T,
  }),
  openHttpRequests: defineGauge({
    name: "pt_open_http_requests",
    help: "HTTP requests the client has in flight, to trackers mostly (rTorrent network.http.current_open).",
    labelNames: T,
  }),
  processCpu: defineCounter({
    name: "pt_client_process_cpu_seconds_total",
    help: "User and system CPU time of the client's process (only when it runs on the same machine as seedwatch).",
    unit: "seconds",
    labelNames: T,
  }),
  processResident: defineGauge({
    name: "pt_client_process_resident_memory_bytes",
    help: "Resident memory of the client's process (VmRSS; only when it runs on the same machine as seedwatch).",
    unit: "bytes",
    labelNames: T,
  }),
  processVirtual: defineGauge({
    name: "pt_client_process_virtual_memory_bytes",
    help: "Virtual memory of the client's process (VmSize; only when it runs on the same machine as seedwatch).",
    unit: "bytes",
    labelNames: T,
  }),
  processStart: defineGauge({
    name: "pt_client_process_start_time_seconds",
    help: "When the client's process started, since the Unix epoch (only when it runs on the same machine as seedwatch).",
    unit: "seconds",
    labelNames: T,
  }),
} as const;
