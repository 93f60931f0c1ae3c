// Parser of /proc/meminfo: every field, in bytes where the kernel gives kB, and the ones we use typed.

import { HostParseError, quote } from "./errors.ts";
import { unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/meminfo";

/** What /proc/meminfo says, in bytes. Fields the kernel does not print are undefined. */
export interface Meminfo {
  readonly memTotalBytes: number;
  readonly memFreeBytes: number;
  /** The kernel's estimate of memory available to start new work without swapping (3.14+). */
  readonly memAvailableBytes: number | undefined;
  readonly buffersBytes: number | undefined;
  /** Page cache (`Cached`), without `SReclaimable` or `Buffers`. */
  readonly cachedBytes: number | undefined;
  /** Reclaimable slab (dentries, inodes), which `free` counts into "buff/cache". */
  readonly sReclaimableBytes: number | undefined;
  /** tmpfs and shared memory (`Shmem`), which `free` shows as "shared". */
  readonly shmemBytes: number | undefined;
  readonly swapTotalBytes: number | undefined;
  readonly swapFreeBytes: number | undefined;
  /** Swapped-out memory that is also still in RAM. */
  readonly swapCachedBytes: number | undefined;
  /** Every field by its name (`Active(anon)`, `HugePages_Total`): bytes for kB fields, else the count. */
  readonly fields: ReadonlyMap<string, number>;
}

const LINE = /^([^:\s]+):\s+(\S+)(?:\s+(\S+))?\s*$/;

/** Parses the text of /proc/meminfo (`MemTotal:       24683656 kB` lines). */
export function parseMeminfo(text: string): Meminfo {
  const all = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const match = LINE.exec(line);
    if (match === null)
      throw new HostParseError(FILE, `expected "<Name>: <value> [kB]", got ${quote(line)}`);
    const name = match[1] as string;
    const value = unsigned(match[2], FILE, name);
    const unit = match[3];
    if (unit !== undefined && unit !== "kB") {
      throw new HostParseError(FILE, `expected the unit kB for ${name}, got ${quote(unit)}`);
    }
    // The kernel's "kB" is KiB: it prints pages << (PAGE_SHIFT - 10).
    all.set(name, unit === undefined ? value : value * 1024);
  }
  const required = (name: string): number => {
    const value = all.get(name);
    if (value === undefined) throw new HostParseError(FILE, `expected a ${name} line`);
    return value;
  };
  return {
    memTotalBytes: required("MemTotal"),
    memFreeBytes: required("MemFree"),
    memAvailableBytes: all.get("MemAvailable"),
    buffersBytes: all.get("Buffers"),
    cachedBytes: all.get("Cached"),
    sReclaimableBytes: all.get("SReclaimable"),
    shmemBytes: all.get("Shmem"),
    swapTotalBytes: all.get("SwapTotal"),
    swapFreeBytes: all.get("SwapFree"),
    swapCachedBytes: all.get("SwapCached"),
    fields: all,
  };
}
