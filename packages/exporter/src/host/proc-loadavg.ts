// Parser of /proc/loadavg: the 1, 5 and 15 minute load averages and the scheduler's entity counts.

import { HostParseError, quote } from "./errors.ts";
import { decimal, fields, unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/loadavg";

/** What /proc/loadavg says. */
export interface LoadAverage {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  /** Runnable tasks (threads) right now. */
  readonly runnable: number;
  /** Tasks (threads) that exist right now. */
  readonly tasks: number;
  /** The PID most recently handed out. */
  readonly lastPid: number;
}

/** Parses the text of /proc/loadavg, e.g. `0.04 0.34 0.27 1/96 15155\n`. */
export function parseLoadavg(text: string): LoadAverage {
  const parts = fields(text);
  const counts = parts[3]?.split("/");
  if (parts.length !== 5 || counts?.length !== 2) {
    throw new HostParseError(
      FILE,
      `expected "<load1> <load5> <load15> <runnable>/<tasks> <last pid>", got ${quote(text)}`,
    );
  }
  return {
    load1: decimal(parts[0], FILE, "load1"),
    load5: decimal(parts[1], FILE, "load5"),
    load15: decimal(parts[2], FILE, "load15"),
    runnable: unsigned(counts[0], FILE, "the runnable tasks"),
    tasks: unsigned(counts[1], FILE, "the tasks"),
    lastPid: unsigned(parts[4], FILE, "the last PID"),
  };
}
