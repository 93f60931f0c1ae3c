// Turns two consecutive readings of the host into a snapshot with rates: a pure function.

import type { SelectedDisk } from "./disk-filter.ts";
import { DISKSTATS_SECTOR_BYTES } from "./proc-diskstats.ts";
import type { LoadAverage } from "./proc-loadavg.ts";
import type { Meminfo } from "./proc-meminfo.ts";
import type { NetDevice } from "./proc-net-dev.ts";
import { CPU_MODES, type CpuTicks, type ProcStat } from "./proc-stat.ts";
import type { Uptime } from "./proc-uptime.ts";
import type {
  CpuModes,
  HostCpu,
  HostDisk,
  HostDisks,
  HostFilesystem,
  HostInterface,
  HostMemory,
  HostNetwork,
  HostProblem,
  HostSnapshot,
  HostSwap,
} from "./snapshot.ts";

/** What one pass over the kernel's files gave; a part that failed is undefined. */
export interface HostReading {
  /** A monotonic clock, in milliseconds, for the interval between readings. */
  readonly monotonicMs: number;
  /** Wall-clock time, in milliseconds since the Unix epoch. */
  readonly timestampMs: number;
  readonly uptime: Uptime | undefined;
  readonly stat: ProcStat | undefined;
  readonly load: LoadAverage | undefined;
  readonly meminfo: Meminfo | undefined;
  /** Disks kept by the filter rule. */
  readonly disks: readonly SelectedDisk[] | undefined;
  /** Interfaces kept by the interface filter. */
  readonly network: readonly NetDevice[] | undefined;
  readonly filesystems: readonly HostFilesystem[];
  readonly problems: readonly HostProblem[];
}

/**
 * Builds the snapshot of `current`, with rates over the time since `previous`. CPU shares
 * come from tick deltas, so they need no clock; byte rates divide by the monotonic interval.
 * A counter that went down (device re-created, 32-bit wrap) gives a null rate, never a negative one.
 */
export function buildSnapshot(
  current: HostReading,
  previous: HostReading | undefined,
  ticksPerSecond: number,
): HostSnapshot {
  const elapsed =
    previous === undefined ? null : (current.monotonicMs - previous.monotonicMs) / 1000;
  const interval = elapsed !== null && elapsed > 0 ? elapsed : null;
  return {
    timestampMs: current.timestampMs,
    intervalSeconds: interval,
    uptime:
      current.uptime === undefined
        ? null
        : {
            seconds: current.uptime.uptimeSeconds,
            bootTimeSeconds: current.stat?.bootTimeSeconds ?? null,
          },
    cpu: current.stat === undefined ? null : cpuOf(current.stat, previous?.stat, ticksPerSecond),
    load:
      current.load === undefined
        ? null
        : {
            load1: current.load.load1,
            load5: current.load.load5,
            load15: current.load.load15,
            runnable: current.load.runnable,
            tasks: current.load.tasks,
          },
    memory: current.meminfo === undefined ? null : memoryOf(current.meminfo),
    swap: current.meminfo === undefined ? null : swapOf(current.meminfo),
    filesystems: current.filesystems,
    disks: current.disks === undefined ? null : disksOf(current.disks, previous?.disks, interval),
    network:
      current.network === undefined
        ? null
        : networkOf(current.network, previous?.network, interval),
    problems: current.problems,
  };
}

function cpuOf(stat: ProcStat, previous: ProcStat | undefined, ticksPerSecond: number): HostCpu {
  const total = shares(stat.total, previous?.total);
  const before = new Map(previous?.cpus.map((line) => [line.cpu, line.ticks]));
  return {
    count: stat.cpus.length,
    seconds: secondsOf(stat.total, ticksPerSecond),
    guestSeconds: {
      user: stat.total.guest / ticksPerSecond,
      nice: stat.total.guestNice / ticksPerSecond,
    },
    busy: total?.busy ?? null,
    modes: total?.modes ?? null,
    perCpu: stat.cpus.map((line) => ({
      cpu: line.cpu,
      seconds: secondsOf(line.ticks, ticksPerSecond),
      busy: shares(line.ticks, before.get(line.cpu))?.busy ?? null,
    })),
  };
}

function secondsOf(ticks: CpuTicks, ticksPerSecond: number): CpuModes {
  const seconds = {} as Record<(typeof CPU_MODES)[number], number>;
  for (const mode of CPU_MODES) seconds[mode] = ticks[mode] / ticksPerSecond;
  return seconds;
}

function shares(
  current: CpuTicks,
  previous: CpuTicks | undefined,
): { busy: number; modes: CpuModes } | undefined {
  if (previous === undefined) return undefined;
  const deltas = {} as Record<(typeof CPU_MODES)[number], number>;
  let total = 0;
  for (const mode of CPU_MODES) {
    // iowait of a CPU can go backwards (Documentation/filesystems/proc.rst): clamp at 0.
    const delta = Math.max(0, current[mode] - previous[mode]);
    deltas[mode] = delta;
    total += delta;
  }
  if (total === 0) return undefined;
  const busy = (total - deltas.idle - deltas.iowait) / total;
  for (const mode of CPU_MODES) deltas[mode] /= total;
  return { busy, modes: deltas };
}

function memoryOf(info: Meminfo): HostMemory {
  const buffers = info.buffersBytes ?? 0;
  const cached = (info.cachedBytes ?? 0) + (info.sReclaimableBytes ?? 0);
  const available = info.memAvailableBytes ?? info.memFreeBytes + buffers + (info.cachedBytes ?? 0);
  const used = Math.max(0, info.memTotalBytes - available);
  return {
    totalBytes: info.memTotalBytes,
    freeBytes: info.memFreeBytes,
    availableBytes: available,
    usedBytes: used,
    usedFraction: info.memTotalBytes > 0 ? used / info.memTotalBytes : 0,
    buffersBytes: buffers,
    cachedBytes: cached,
    sharedBytes: info.shmemBytes ?? 0,
  };
}

function swapOf(info: Meminfo): HostSwap {
  const total = info.swapTotalBytes ?? 0;
  const free = info.swapFreeBytes ?? 0;
  const used = Math.max(0, total - free);
  return {
    totalBytes: total,
    freeBytes: free,
    usedBytes: used,
    usedFraction: total > 0 ? used / total : 0,
    cachedBytes: info.swapCachedBytes ?? 0,
  };
}

function rate(current: number, previous: number | undefined, interval: number | null) {
  if (previous === undefined || interval === null || current < previous) return null;
  return (current - previous) / interval;
}

function disksOf(
  disks: readonly SelectedDisk[],
  previous: readonly SelectedDisk[] | undefined,
  interval: number | null,
): HostDisks {
  const before = new Map(previous?.map((disk) => [disk.stat.name, disk.stat]));
  let read: number | null = interval === null ? null : 0;
  let write: number | null = read;
  const devices = disks.map(({ stat, stacked }): HostDisk => {
    const old = before.get(stat.name);
    const readBytes = stat.sectorsRead * DISKSTATS_SECTOR_BYTES;
    const writtenBytes = stat.sectorsWritten * DISKSTATS_SECTOR_BYTES;
    const readRate = rate(readBytes, old && old.sectorsRead * DISKSTATS_SECTOR_BYTES, interval);
    const writeRate = rate(
      writtenBytes,
      old && old.sectorsWritten * DISKSTATS_SECTOR_BYTES,
      interval,
    );
    const busyMs = rate(stat.ioTimeMs, old?.ioTimeMs, interval);
    if (!stacked) {
      if (read !== null && readRate !== null) read += readRate;
      if (write !== null && writeRate !== null) write += writeRate;
    }
    return {
      device: stat.name,
      stacked,
      readBytes,
      writtenBytes,
      readsCompleted: stat.readsCompleted,
      writesCompleted: stat.writesCompleted,
      ioTimeSeconds: stat.ioTimeMs / 1000,
      readBytesPerSecond: readRate,
      writeBytesPerSecond: writeRate,
      busy: busyMs === null ? null : Math.min(1, busyMs / 1000),
    };
  });
  return { devices, readBytesPerSecond: read, writeBytesPerSecond: write };
}

function networkOf(
  devices: readonly NetDevice[],
  previous: readonly NetDevice[] | undefined,
  interval: number | null,
): HostNetwork {
  const before = new Map(previous?.map((device) => [device.name, device]));
  let receive: number | null = interval === null ? null : 0;
  let transmit: number | null = receive;
  const interfaces = devices.map((device): HostInterface => {
    const old = before.get(device.name);
    const receiveRate = rate(device.receiveBytes, old?.receiveBytes, interval);
    const transmitRate = rate(device.transmitBytes, old?.transmitBytes, interval);
    if (receive !== null && receiveRate !== null) receive += receiveRate;
    if (transmit !== null && transmitRate !== null) transmit += transmitRate;
    return {
      interface: device.name,
      receiveBytes: device.receiveBytes,
      transmitBytes: device.transmitBytes,
      receivePackets: device.receivePackets,
      transmitPackets: device.transmitPackets,
      receiveErrors: device.receiveErrors,
      transmitErrors: device.transmitErrors,
      receiveDrops: device.receiveDrops,
      transmitDrops: device.transmitDrops,
      receiveBytesPerSecond: receiveRate,
      transmitBytesPerSecond: transmitRate,
    };
  });
  return { interfaces, receiveBytesPerSecond: receive, transmitBytesPerSecond: transmit };
}
