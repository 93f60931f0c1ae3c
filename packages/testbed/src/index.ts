// @seedwatch/testbed: real daemons on loopback for tests.

export { freePort, waitFor } from "@seedwatch/metrics/testing";
export type { Daemon, DaemonSpec } from "./daemon.ts";
export { startDaemon, tempDir } from "./daemon.ts";
