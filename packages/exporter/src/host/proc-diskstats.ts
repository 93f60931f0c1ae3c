// Parser of /proc/diskstats: I/O counters of every block device and partition the kernel knows.

import { HostParseError } from "./errors.ts";
import { fields, unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/diskstats";

/**
 * The size of a "sector" in /proc/diskstats: always 512 bytes, whatever the device's real
 * sector size (https://www.kernel.org/doc/Documentation/ABI/testing/procfs-diskstats).
 */
export const DISKSTATS_SECTOR_BYTES = 512;

/**
 * One line of /proc/diskstats. Field names follow Documentation/admin-guide/iostats.rst;
 * the discard fields (4.18+) and flush fields (5.5+) are undefined on kernels without them.
 */
export interface DiskStat {
  readonly major: number;
  readonly minor: number;
  /** Kernel name, e.g. `sda`, `nvme0n1p2`, `dm-0`, `cciss/c0d0` (sysfs spells the `/` as `!`). */
  readonly name: string;
  readonly readsCompleted: number;
  readonly readsMerged: number;
  readonly sectorsRead: number;
  readonly readTimeMs: number;
  readonly writesCompleted: number;
  readonly writesMerged: number;
  readonly sectorsWritten: number;
  readonly writeTimeMs: number;
  /** A gauge: requests in flight right now. */
  readonly ioInProgress: number;
  /** Milliseconds the device had at least one request in flight (for "% busy"). */
  readonly ioTimeMs: number;
  readonly weightedIoTimeMs: number;
  readonly discardsCompleted: number | undefined;
  readonly discardsMerged: number | undefined;
  readonly sectorsDiscarded: number | undefined;
  readonly discardTimeMs: number | undefined;
  readonly flushesCompleted: number | undefined;
  readonly flushTimeMs: number | undefined;
}

/**
 * Parses the text of /proc/diskstats. Lines need the 14 fields every kernel since 2.6.25
 * prints; later columns are read when present, unknown future ones ignored.
 */
export function parseDiskstats(text: string): DiskStat[] {
  const out: DiskStat[] = [];
  for (const line of text.split("\n")) {
    const parts = fields(line);
    if (parts.length === 0) continue;
    const name = parts[2] ?? "";
    if (parts.length < 14) {
      throw new HostParseError(
        FILE,
        `expected at least 14 fields (major minor name and 11 counters) for ${JSON.stringify(name)}, got ${parts.length}`,
      );
    }
    const at = (i: number, what: string): number => unsigned(parts[i], FILE, `${what} of ${name}`);
    const optional = (i: number, what: string): number | undefined =>
      i < parts.length ? at(i, what) : undefined;
    out.push({
      major: at(0, "the major number"),
      minor: at(1, "the minor number"),
      name,
      readsCompleted: at(3, "reads completed"),
      readsMerged: at(4, "reads merged"),
      sectorsRead: at(5, "sectors read"),
      readTimeMs: at(6, "time reading"),
      writesCompleted: at(7, "writes completed"),
      writesMerged: at(8, "writes merged"),
      sectorsWritten: at(9, "sectors written"),
      writeTimeMs: at(10, "time writing"),
      ioInProgress: at(11, "I/Os in progress"),
      ioTimeMs: at(12, "time doing I/O"),
      weightedIoTimeMs: at(13, "weighted time doing I/O"),
      discardsCompleted: optional(14, "discards completed"),
      discardsMerged: optional(15, "discards merged"),
      sectorsDiscarded: optional(16, "sectors discarded"),
      discardTimeMs: optional(17, "time discarding"),
      flushesCompleted: optional(18, "flushes completed"),
      flushTimeMs: optional(19, "time flushing"),
    });
  }
  return out;
}
