// The host source: host indicators from /proc, /sys and statfs, as snapshots and as metrics.

export type { HostCollectorOptions, HostSnapshotSource } from "./collector.ts";
export { HostCollector, writeHostSnapshot } from "./collector.ts";
export type { BlockDevices, SelectedDisk } from "./disk-filter.ts";
export { DEFAULT_DISK_EXCLUDE, selectDisks } from "./disk-filter.ts";
export { FilesystemStuckError, HostError, HostParseError, HostReadError } from "./errors.ts";
export type { StatfsFunction } from "./filesystem.ts";
export { HOST_METRICS } from "./metrics.ts";
export type { HostClock, HostSamplerOptions } from "./sampler.ts";
export { DEFAULT_INTERFACE_EXCLUDE, HOST_FILES, HostSampler, USER_HZ } from "./sampler.ts";
export type {
  CpuModes,
  HostCpu,
  HostCpuCore,
  HostDisk,
  HostDisks,
  HostFilesystem,
  HostFilesystemError,
  HostFilesystemUsage,
  HostInterface,
  HostLoad,
  HostMemory,
  HostNetwork,
  HostProblem,
  HostSnapshot,
  HostSwap,
  HostUptime,
} from "./snapshot.ts";
export type { StatfsGuardOptions } from "./statfs-guard.ts";
export { DEFAULT_STATFS_TIMEOUT_MS, StatfsGuard } from "./statfs-guard.ts";
