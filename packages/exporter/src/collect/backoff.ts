// How long a target waits before the next poll after failures, by what went wrong.

import type { PollErrorReason } from "../sources/errors.ts";

const MINUTE = 60_000;

/**
 * Delay before the next attempt after `failures` consecutive failures (>= 1). Credentials that
 * were refused are retried slowly (qBittorrent bans an IP after five failed logins); a ban is
 * waited out; anything else backs off exponentially from the poll interval up to five minutes.
 */
export function backoffDelay(
  reason: PollErrorReason | "other",
  failures: number,
  interval: number,
): number {
  if (reason === "banned") return 60 * MINUTE;
  if (reason === "auth") return Math.min(60 * MINUTE, 5 * MINUTE * 2 ** (failures - 1));
  return Math.min(Math.max(5 * MINUTE, interval), interval * 2 ** (failures - 1));
}
