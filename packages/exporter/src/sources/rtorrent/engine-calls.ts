// rTorrent's engine figures: sockets, files, HTTP requests, PID, versions, throttles and pieces, in the poll's system.multicall.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";
import { engineStatus } from "../engine-status.ts";
import type { EngineStatus } from "../source.ts";
import type { XmlRpcValue } from "./xmlrpc/value.ts";

/**
 * The engine commands asked with every poll's global `system.multicall`, in this order. A
 * command this rTorrent does not have (`network.open_files` needs a patched build; the start
 * time is pyrocore's `startup_time` or rTorrent-PS's `system.startup_time`) answers a fault in
 * its own slot and leaves its figure out; the rest of the call is unaffected.
 */
export const ENGINE_CALLS = [
  "network.open_sockets",
  "network.open_files",
  "network.http.current_open",
  "system.pid",
  "system.library_version",
  "system.startup_time",
  "startup_time",
  "throttle.unchoked_uploads",
  "throttle.unchoked_downloads",
  "pieces.sync.queue_size",
] as const;

/** One answer of the multicall: a value, or the fault of that one command. */
export type CallAnswer = XmlRpcValue | Error;

/**
 * The engine status from the answers to ENGINE_CALLS (in that order), and the session slots they
 * fill: unchoked uploads are the peers rTorrent unchoked, unchoked downloads the peers it
 * downloads from, the chunk sync queue the disk queue; uptime when rTorrent tells its start.
 */
export function readEngine(
  answers: readonly CallAnswer[],
  session: SessionCounters,
  nowSeconds: number,
): EngineStatus {
  const at = (name: (typeof ENGINE_CALLS)[number]) => answers[ENGINE_CALLS.indexOf(name)];
  const count = (name: (typeof ENGINE_CALLS)[number]) => nonNegative(at(name));
  const version = at("system.library_version");
  const start = count("system.startup_time") ?? count("startup_time");
  const startTimeSeconds = start !== undefined && start > 0 ? start : undefined;
  const slots: ReadonlyArray<readonly [number, number | undefined]> = [
    [M.PEER_NUM_UNCHOKED, count("throttle.unchoked_uploads")],
    [M.PEER_NUM_DOWNLOADING, count("throttle.unchoked_downloads")],
    [M.DISK_QUEUE_DEPTH, count("pieces.sync.queue_size")],
    [
      M.SES_UPTIME_SECS,
      startTimeSeconds === undefined
        ? undefined
        : Math.max(0, Math.floor(nowSeconds - startTimeSeconds)),
    ],
  ];
  for (const [slot, value] of slots) if (value !== undefined) session.set(slot, value);
  return engineStatus({
    openSockets: count("network.open_sockets"),
    openFiles: count("network.open_files"),
    openHttpRequests: count("network.http.current_open"),
    libraryVersion:
      typeof version === "string" && version !== "" ? version.slice(0, 64) : undefined,
    startTimeSeconds,
    pid: positive(count("system.pid")),
  });
}

function nonNegative(value: CallAnswer | undefined): number | undefined {
  const n = typeof value === "bigint" ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}
