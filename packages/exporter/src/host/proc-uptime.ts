// Parser of /proc/uptime: seconds since boot, and idle seconds summed over all CPUs.

import { HostParseError, quote } from "./errors.ts";
import { decimal, fields } from "./kernel-numbers.ts";

const FILE = "/proc/uptime";

/** What /proc/uptime says. */
export interface Uptime {
  /** Seconds since boot (CLOCK_BOOTTIME: includes time suspended). */
  readonly uptimeSeconds: number;
  /** Seconds all CPUs together spent idle since boot (so it may exceed the uptime). */
  readonly idleSeconds: number;
}

/** Parses the text of /proc/uptime, e.g. `2407.29 4465.63\n`. */
export function parseUptime(text: string): Uptime {
  const parts = fields(text);
  if (parts.length !== 2) {
    throw new HostParseError(FILE, `expected "<uptime> <idle>", got ${quote(text)}`);
  }
  return {
    uptimeSeconds: decimal(parts[0], FILE, "the uptime"),
    idleSeconds: decimal(parts[1], FILE, "the idle time"),
  };
}
