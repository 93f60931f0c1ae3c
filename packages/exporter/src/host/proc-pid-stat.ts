// Parser of /proc/PID/stat: a process's name, CPU time, start time and virtual memory size.

import { HostParseError, quote } from "./errors.ts";
import { fields, unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/PID/stat";

/** What we take from /proc/PID/stat (proc(5) field numbers in brackets). */
export interface PidStat {
  readonly pid: number;
  /** The command name (2), at most 15 bytes, as the kernel keeps it. */
  readonly comm: string;
  /** One-letter run state (3): R, S, D, Z, T, ... */
  readonly state: string;
  /** CPU time in user and kernel mode (14, 15), in clock ticks (USER_HZ). */
  readonly userTicks: number;
  readonly systemTicks: number;
  /** When the process started (22), in clock ticks after boot: with the PID, what names one process. */
  readonly startTicks: number;
  /** Virtual memory size (23), in bytes. */
  readonly virtualBytes: number;
  /** Resident set size (24), in pages. */
  readonly residentPages: number;
}

/**
 * Parses the text of /proc/PID/stat. The command name may hold blanks and parentheses, so the
 * fields after it are counted from the last `)`, as procfs and ps do.
 */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf(" (");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) {
    throw new HostParseError(FILE, `expected "<pid> (<comm>) <state> ...", got ${quote(text)}`);
  }
  // After the name: state is field 3, so field N is rest[N - 3].
  const rest = fields(text.slice(close + 1));
  if (rest.length < 22) {
    throw new HostParseError(
      FILE,
      `expected at least 24 fields, got ${rest.length + 2} in ${quote(text)}`,
    );
  }
  return {
    pid: unsigned(text.slice(0, open).trim(), FILE, "the pid"),
    comm: text.slice(open + 2, close),
    state: rest[0] as string,
    userTicks: unsigned(rest[11], FILE, "utime"),
    systemTicks: unsigned(rest[12], FILE, "stime"),
    startTicks: unsigned(rest[19], FILE, "starttime"),
    virtualBytes: unsigned(rest[20], FILE, "vsize"),
    residentPages: unsigned(rest[21], FILE, "rss"),
  };
}
