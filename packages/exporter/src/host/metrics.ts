// The catalog of host metrics: every seedwatch_host_* family, defined once (bad names fail at start-up).

import { defineCounter, defineGauge, type MetricDefinition } from "@seedwatch/metrics";

const P = "seedwatch_host_";

const counter = (name: string, help: string, unit: string, labelNames: string[] = []) =>
  defineCounter({ name: `${P}${name}`, help, unit, labelNames });
const gauge = (name: string, help: string, unit = "", labelNames: string[] = []) =>
  defineGauge({ name: `${P}${name}`, help, unit, labelNames });

/**
 * Host metrics, all named `seedwatch_host_*` so they never clash with node_exporter's `node_*`.
 * Base units; counters are the kernel's own totals (let Prometheus compute rates); gauges for
 * load, memory, swap and file system sizes.
 */
export const HOST_METRICS = {
  uptime: gauge("uptime_seconds", "Seconds since the host booted (/proc/uptime).", "seconds"),
  bootTime: gauge(
    "boot_time_seconds",
    "When the host booted, in seconds since the Unix epoch (btime of /proc/stat).",
    "seconds",
  ),
  cpus: gauge("cpus", "CPUs online (the cpuN lines of /proc/stat)."),
  cpuSeconds: counter(
    "cpu_seconds",
    "CPU seconds spent in each mode, all CPUs summed (/proc/stat).",
    "seconds",
    ["mode"],
  ),
  cpuGuestSeconds: counter(
    "cpu_guest_seconds",
    "CPU seconds spent running guests' virtual CPUs, all CPUs summed; also counted in the user and nice modes of seedwatch_host_cpu_seconds_total.",
    "seconds",
    ["mode"],
  ),
  load1: gauge("load1", "1-minute load average (/proc/loadavg)."),
  load5: gauge("load5", "5-minute load average (/proc/loadavg)."),
  load15: gauge("load15", "15-minute load average (/proc/loadavg)."),
  memoryTotal: gauge("memory_total_bytes", "Usable RAM (MemTotal of /proc/meminfo).", "bytes"),
  memoryFree: gauge("memory_free_bytes", "RAM unused by anything (MemFree).", "bytes"),
  memoryAvailable: gauge(
    "memory_available_bytes",
    "RAM available for new work without swapping (MemAvailable).",
    "bytes",
  ),
  memoryBuffers: gauge("memory_buffers_bytes", "Block device buffers (Buffers).", "bytes"),
  memoryCached: gauge(
    "memory_cached_bytes",
    "Page cache and reclaimable slab (Cached + SReclaimable).",
    "bytes",
  ),
  memoryShared: gauge("memory_shared_bytes", "tmpfs and shared memory (Shmem).", "bytes"),
  swapTotal: gauge("swap_total_bytes", "Swap space (SwapTotal); 0 without swap.", "bytes"),
  swapFree: gauge("swap_free_bytes", "Unused swap space (SwapFree).", "bytes"),
  filesystemSize: gauge(
    "filesystem_size_bytes",
    "Size of the file system holding a configured path (statfs).",
    "bytes",
    ["path"],
  ),
  filesystemFree: gauge(
    "filesystem_free_bytes",
    "Free space, including the blocks reserved for root, of the file system holding a configured path.",
    "bytes",
    ["path"],
  ),
  filesystemAvailable: gauge(
    "filesystem_available_bytes",
    "Space available to unprivileged users on the file system holding a configured path.",
    "bytes",
    ["path"],
  ),
  filesystemFiles: gauge(
    "filesystem_files",
    "Inodes of the file system holding a configured path (0 where the file system has no fixed number).",
    "",
    ["path"],
  ),
  filesystemFilesFree: gauge(
    "filesystem_files_free",
    "Free inodes of the file system holding a configured path.",
    "",
    ["path"],
  ),
  filesystemError: gauge(
    "filesystem_error",
    "Whether statfs failed or timed out on a configured path (1) or not (0).",
    "",
    ["path"],
  ),
  filesystemStuck: gauge(
    "filesystem_stuck",
    "Whether the mount holding a configured path is stuck (1): statfs on it timed out and has not returned since, so it is not asked again until it does, and its other filesystem series are left out.",
    "",
    ["path"],
  ),
  diskRead: counter(
    "disk_read_bytes",
    "Bytes read from a block device since boot (/proc/diskstats).",
    "bytes",
    ["device"],
  ),
  diskWritten: counter(
    "disk_written_bytes",
    "Bytes written to a block device since boot (/proc/diskstats).",
    "bytes",
    ["device"],
  ),
  diskReads: counter("disk_reads_completed", "Reads completed by a block device.", "", ["device"]),
  diskWrites: counter("disk_writes_completed", "Writes completed by a block device.", "", [
    "device",
  ]),
  diskIoTime: counter(
    "disk_io_time_seconds",
    "Seconds a block device had at least one request in flight (its rate is the busy share).",
    "seconds",
    ["device"],
  ),
  networkReceiveBytes: counter(
    "network_receive_bytes",
    "Bytes received by a network interface (/proc/net/dev).",
    "bytes",
    ["interface"],
  ),
  networkTransmitBytes: counter(
    "network_transmit_bytes",
    "Bytes sent by a network interface (/proc/net/dev).",
    "bytes",
    ["interface"],
  ),
  networkReceivePackets: counter(
    "network_receive_packets",
    "Packets received by a network interface.",
    "",
    ["interface"],
  ),
  networkTransmitPackets: counter(
    "network_transmit_packets",
    "Packets sent by a network interface.",
    "",
    ["interface"],
  ),
  networkReceiveErrors: counter(
    "network_receive_errors",
    "Receive errors of a network interface.",
    "",
    ["interface"],
  ),
  networkTransmitErrors: counter(
    "network_transmit_errors",
    "Transmit errors of a network interface.",
    "",
    ["interface"],
  ),
  networkReceiveDrops: counter(
    "network_receive_drops",
    "Received packets a network interface dropped.",
    "",
    ["interface"],
  ),
  networkTransmitDrops: counter(
    "network_transmit_drops",
    "Packets to send a network interface dropped.",
    "",
    ["interface"],
  ),
  readSuccess: gauge(
    "read_success",
    "Whether the kernel file was read and understood in the latest sample (1) or not (0).",
    "",
    ["file"],
  ),
} as const satisfies Record<string, MetricDefinition>;
