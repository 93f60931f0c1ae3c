// The host snapshot: what the dashboard's live view and the metrics read about the machine.

import type { CpuMode } from "./proc-stat.ts";

/**
 * Everything the host source knows at one moment, plus rates over the interval since the
 * previous sample. Plain data (JSON-serialisable): sizes in bytes, times in seconds, shares as
 * fractions from 0 to 1. A part whose file could not be read is null and listed in `problems`;
 * a rate is null when there is nothing to compare with (first sample, new device, counter reset).
 */
export interface HostSnapshot {
  /** When the sample was taken, in milliseconds since the Unix epoch. */
  readonly timestampMs: number;
  /** Seconds between the previous sample and this one, which rates cover; null on the first. */
  readonly intervalSeconds: number | null;
  readonly uptime: HostUptime | null;
  readonly cpu: HostCpu | null;
  readonly load: HostLoad | null;
  readonly memory: HostMemory | null;
  /** Null when /proc/meminfo could not be read; zeros when the machine has no swap. */
  readonly swap: HostSwap | null;
  /** One entry per configured path, in configuration order. */
  readonly filesystems: readonly HostFilesystem[];
  readonly disks: HostDisks | null;
  readonly network: HostNetwork | null;
  /** What could not be read or understood this time; empty when all went well. */
  readonly problems: readonly HostProblem[];
}

/** A file that could not be read or parsed. */
export interface HostProblem {
  /** `/proc/stat`, `/sys/block`, or a configured path. */
  readonly file: string;
  readonly message: string;
}

/** How long the machine has been up. */
export interface HostUptime {
  readonly seconds: number;
  /** When it booted, in seconds since the Unix epoch (`btime`); null if /proc/stat failed. */
  readonly bootTimeSeconds: number | null;
}

/** Per-mode figures: user, nice, system, idle, iowait, irq, softirq, steal. */
export type CpuModes = Readonly<Record<CpuMode, number>>;

/** CPU time and use. */
export interface HostCpu {
  /** CPUs online (those /proc/stat lists). */
  readonly count: number;
  /** CPU seconds per mode since boot, all CPUs summed (so it grows `count` times wall time). */
  readonly seconds: CpuModes;
  /** Seconds running guests' virtual CPUs, already included in `seconds.user` and `.nice`. */
  readonly guestSeconds: { readonly user: number; readonly nice: number };
  /** Share of all CPU time over the interval spent neither idle nor in iowait. */
  readonly busy: number | null;
  /** Share of all CPU time over the interval spent in each mode (they sum to 1). */
  readonly modes: CpuModes | null;
  /** One entry per online CPU, in ascending number. */
  readonly perCpu: readonly HostCpuCore[];
}

/** One CPU's time and use. */
export interface HostCpuCore {
  /** The CPU's number (N of `cpuN`); offline CPUs leave gaps. */
  readonly cpu: number;
  /** Its CPU seconds per mode since boot. */
  readonly seconds: CpuModes;
  /** Its share of time over the interval spent neither idle nor in iowait. */
  readonly busy: number | null;
}

/** Load averages and task counts from /proc/loadavg. */
export interface HostLoad {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  /** Runnable tasks (threads) at the moment of the sample. */
  readonly runnable: number;
  /** Tasks (threads) in existence. */
  readonly tasks: number;
}

/** RAM, from /proc/meminfo. */
export interface HostMemory {
  readonly totalBytes: number;
  /** Unused by anything (`MemFree`). */
  readonly freeBytes: number;
  /**
   * Available for new work without swapping (`MemAvailable`; on kernels before 3.14, free +
   * buffers + page cache). The figure to watch.
   */
  readonly availableBytes: number;
  /** `total - available`, what `free` (procps 4) calls "used". */
  readonly usedBytes: number;
  /** `used / total`. */
  readonly usedFraction: number;
  readonly buffersBytes: number;
  /** Page cache plus reclaimable slab: `free`'s "buff/cache" minus the buffers. */
  readonly cachedBytes: number;
  /** tmpfs and shared memory (`Shmem`). */
  readonly sharedBytes: number;
}

/** Swap, from /proc/meminfo. */
export interface HostSwap {
  readonly totalBytes: number;
  readonly freeBytes: number;
  readonly usedBytes: number;
  /** `used / total`, 0 without swap. */
  readonly usedFraction: number;
  /** Swapped out but also still in RAM (`SwapCached`). */
  readonly cachedBytes: number;
}

/** Disk usage of one configured path: figures, or why statfs failed. */
export type HostFilesystem = HostFilesystemUsage | HostFilesystemError;

/** statfs figures of the file system holding a configured path. */
export interface HostFilesystemUsage {
  readonly path: string;
  readonly ok: true;
  readonly sizeBytes: number;
  /** Free, including the blocks reserved for root. */
  readonly freeBytes: number;
  /** Free for unprivileged users (`df` "Avail"). */
  readonly availableBytes: number;
  /** `size - free` (`df` "Used"). */
  readonly usedBytes: number;
  /** `used / (used + available)`, df's "Use%" (before rounding up); 0 on an empty size. */
  readonly usedFraction: number;
  readonly files: number;
  readonly filesFree: number;
}

/** A configured path statfs could not read (missing, no permission, stale or stuck mount). */
export interface HostFilesystemError {
  readonly path: string;
  readonly ok: false;
  /**
   * statfs on it timed out and has not returned since: the mount hangs (an NFS or FUSE server
   * gone), and it is not asked again until that call returns.
   */
  readonly stuck: boolean;
  readonly error: string;
}

/** Disk I/O, from /proc/diskstats, filtered by the rule of `selectDisks`. */
export interface HostDisks {
  readonly devices: readonly HostDisk[];
  /** Bytes read per second, summed over devices that are not stacked (no double counting). */
  readonly readBytesPerSecond: number | null;
  /** Bytes written per second, summed over devices that are not stacked. */
  readonly writeBytesPerSecond: number | null;
}

/** One block device's I/O. */
export interface HostDisk {
  /** Kernel name: `sda`, `nvme0n1`, `dm-0`, `md0`. */
  readonly device: string;
  /** Built on other devices (LVM, dm-crypt, md): its I/O is counted on those too. */
  readonly stacked: boolean;
  /** Since boot. */
  readonly readBytes: number;
  readonly writtenBytes: number;
  readonly readsCompleted: number;
  readonly writesCompleted: number;
  /** Seconds with at least one request in flight, since boot. */
  readonly ioTimeSeconds: number;
  readonly readBytesPerSecond: number | null;
  readonly writeBytesPerSecond: number | null;
  /** Share of the interval the device was busy (iostat's %util / 100). */
  readonly busy: number | null;
}

/** Network I/O, from /proc/net/dev (our network namespace). */
export interface HostNetwork {
  /** Interfaces kept by the filter (by default all but `lo`). */
  readonly interfaces: readonly HostInterface[];
  /** Summed over the interfaces listed. */
  readonly receiveBytesPerSecond: number | null;
  readonly transmitBytesPerSecond: number | null;
}

/** One network interface's counters (since it appeared) and rates. */
export interface HostInterface {
  readonly interface: string;
  readonly receiveBytes: number;
  readonly transmitBytes: number;
  readonly receivePackets: number;
  readonly transmitPackets: number;
  readonly receiveErrors: number;
  readonly transmitErrors: number;
  readonly receiveDrops: number;
  readonly transmitDrops: number;
  readonly receiveBytesPerSecond: number | null;
  readonly transmitBytesPerSecond: number | null;
}
