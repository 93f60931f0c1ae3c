// @seedwatch/testbed: real daemons on loopback for tests.

export { freePort, waitFor } from "@seedwatch/metrics/testing";
export type { Daemon, DaemonSpec } from "./daemon.ts";
export { PortTakenError, retryWhilePortsTaken, startDaemon, tempDir } from "./daemon.ts";
export { type DaemonLaunch, daemonLaunch, SEEDWATCH_MAIN } from "./daemon-flags.ts";
export type {
  Fault,
  FaultProxy,
  FaultProxyMode,
  FaultProxyOptions,
  FaultProxyStats,
  FaultTarget,
  Upstream,
} from "./fault-proxy.ts";
export { startFaultProxy } from "./fault-proxy.ts";
export { type GzipBomb, gzipBomb } from "./gzip-bomb.ts";
export { mulberry32, type Random } from "./prng.ts";
export { listeningPorts, processState } from "./proc.ts";
