// How long a target waits before the next poll after failures, by what went wrong.

import type { PollErrorReason } from "../net/errors.ts";

const MINUTE = 60_000;

/** How often a banned target asks again (or its poll interval, when longer). */
export const BANNED_RETRY_MS = 5 * MINUTE;

/**
 * Delay before the next attempt after `failures` consecutive failures (>= 1).
 *
 * - `banned`: every 5 minutes (or the poll interval, when longer). qBittorrent's ban lasts
 *   `WebUI\BanDuration` (1 hour by default, but the operator's choice, and it does not tell us
 *   how much is left); a login during the ban is refused before the credentials are looked at,
 *   neither counts as a failure nor extends the ban (`isBanned()` comes first in its login
 *   action, 4.1 to 5.2). Transmission's lock after 100 failed logins lasts until it restarts. So
 *   asking every 5 minutes costs one refused request (and one line in the client's log) and
 *   finds the ban lifted within 5 minutes of its end, instead of up to an hour after.
 * - `auth`: refused credentials are retried slowly, 5 minutes doubling up to an hour, since each
 *   try is a failed login that counts towards a ban (qBittorrent bans after 5 by default).
 * - anything else backs off exponentially from the poll interval up to five minutes.
 *
 * A configuration reload retries every backing-off target at once (see `Target.retryNow`).
 */
export function backoffDelay(
  reason: PollErrorReason | "other",
  failures: number,
  interval: number,
): number {
  if (reason === "banned") return Math.max(BANNED_RETRY_MS, interval);
  if (reason === "auth") return Math.min(60 * MINUTE, 5 * MINUTE * 2 ** (failures - 1));
  return Math.min(Math.max(5 * MINUTE, interval), interval * 2 ** (failures - 1));
}
