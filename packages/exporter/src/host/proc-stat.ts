// Parser of /proc/stat: CPU time per mode (all CPUs and each one) and the boot time.

import { HostParseError } from "./errors.ts";
import { fields, unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/stat";

/** The CPU modes of /proc/stat that partition CPU time (guest time is already inside user and nice). */
export const CPU_MODES = [
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "steal",
] as const;

/** One of CPU_MODES. */
export type CpuMode = (typeof CPU_MODES)[number];

/**
 * Time spent per mode since boot, in clock ticks (USER_HZ, see `getconf CLK_TCK`). Columns a
 * kernel does not print (steal before 2.6.11, guest before 2.6.24) are 0.
 */
export interface CpuTicks extends Readonly<Record<CpuMode, number>> {
  /** Running a guest's virtual CPU; also counted in `user`. */
  readonly guest: number;
  /** Running a niced guest's virtual CPU; also counted in `nice`. */
  readonly guestNice: number;
}

/** One `cpuN` line. */
export interface CpuLine {
  /** N, the CPU's number. Offline CPUs have no line, so numbers may have gaps. */
  readonly cpu: number;
  readonly ticks: CpuTicks;
}

/** What we take from /proc/stat. */
export interface ProcStat {
  /** The `cpu` line: all CPUs summed. */
  readonly total: CpuTicks;
  /** The `cpuN` lines, in the kernel's order (ascending N). */
  readonly cpus: readonly CpuLine[];
  /** `btime`: when the system booted, in seconds since the Unix epoch. */
  readonly bootTimeSeconds: number | undefined;
}

const CPU_NAME = /^cpu(\d*)$/;

/**
 * Parses the text of /proc/stat. Only the `cpu*` lines and `btime` are read; the rest (such as
 * the long `intr` line) is skipped without being split.
 */
export function parseStat(text: string): ProcStat {
  let total: CpuTicks | undefined;
  const cpus: CpuLine[] = [];
  let bootTimeSeconds: number | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("cpu")) {
      const parts = fields(line);
      const match = CPU_NAME.exec(parts[0] as string);
      if (match === null)
        throw new HostParseError(FILE, `unexpected line ${JSON.stringify(parts[0])}`);
      const ticks = cpuTicks(parts, parts[0] as string);
      if (match[1] === "") total = ticks;
      else cpus.push({ cpu: Number(match[1]), ticks });
    } else if (line.startsWith("btime ")) {
      bootTimeSeconds = unsigned(fields(line)[1], FILE, "btime");
    }
  }
  if (total === undefined) throw new HostParseError(FILE, 'expected a "cpu" line with the totals');
  return { total, cpus, bootTimeSeconds };
}

function cpuTicks(parts: readonly string[], name: string): CpuTicks {
  // user nice system idle are there since Linux 2.4; later columns were added over time.
  if (parts.length < 5) {
    throw new HostParseError(
      FILE,
      `expected at least 4 tick counts on the ${name} line, got ${parts.length - 1}`,
    );
  }
  const at = (i: number, what: string): number =>
    i < parts.length ? unsigned(parts[i], FILE, `${what} on the ${name} line`) : 0;
  return {
    user: at(1, "user"),
    nice: at(2, "nice"),
    system: at(3, "system"),
    idle: at(4, "idle"),
    iowait: at(5, "iowait"),
    irq: at(6, "irq"),
    softirq: at(7, "softirq"),
    steal: at(8, "steal"),
    guest: at(9, "guest"),
    guestNice: at(10, "guest_nice"),
  };
}
