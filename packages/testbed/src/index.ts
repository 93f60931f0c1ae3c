// @seedwatch/testbed: real daemons on loopback for tests.

export { freePort, waitFor } from "@seedwatch/metrics/testing";
export type { Daemon, DaemonSpec } from "./daemon.ts";
export { PortTakenError, retryWhilePortsTaken, startDaemon, tempDir } from "./daemon.ts";
export { listeningPorts, processState } from "./proc.ts";
