// Describes the machine a benchmark ran on, so committed baselines say where they came from.

import { cpus, totalmem } from "node:os";

/** CPU model, core count, memory and Node version. */
export function describeMachine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
