// Exports the latest host snapshot as seedwatch_host_* metrics, rendered fresh on every scrape.

import type { Collector, MetricWriter } from "@seedwatch/metrics";
import { HOST_METRICS as M } from "./metrics.ts";
import { CPU_MODES } from "./proc-stat.ts";
import { HOST_FILES } from "./sampler.ts";
import type { HostSnapshot } from "./snapshot.ts";

/** Anything that hands out host snapshots; a HostSampler. */
export interface HostSnapshotSource {
  sample(): Promise<HostSnapshot>;
}

/** Options of a HostCollector. */
export interface HostCollectorOptions {
  readonly sampler: HostSnapshotSource;
  /** Collector name in the registry (default `host`). */
  readonly name?: string;
}

/**
 * A @seedwatch/metrics collector of host metrics. Each scrape asks the sampler, which reuses a
 * snapshot younger than its minimum interval, so a scrape next to the live view reads nothing twice.
 */
export class HostCollector implements Collector {
  readonly name: string;
  readonly #sampler: HostSnapshotSource;

  constructor(options: HostCollectorOptions) {
    this.name = options.name ?? "host";
    this.#sampler = options.sampler;
  }

  async collect(writer: MetricWriter): Promise<void> {
    writeHostSnapshot(writer, await this.#sampler.sample());
  }
}

const NO_LABELS: readonly string[] = [];

/** Writes one snapshot's samples: what is known; a part that failed is left out. */
export function writeHostSnapshot(writer: MetricWriter, snapshot: HostSnapshot): void {
  const one = (def: (typeof M)[keyof typeof M], value: number) =>
    writer.family(def).sample(NO_LABELS, value);
  const { uptime, cpu, load, memory, swap } = snapshot;
  if (uptime !== null) {
    one(M.uptime, uptime.seconds);
    if (uptime.bootTimeSeconds !== null) one(M.bootTime, uptime.bootTimeSeconds);
  }
  if (cpu !== null) {
    one(M.cpus, cpu.count);
    const seconds = writer.family(M.cpuSeconds);
    for (const mode of CPU_MODES) seconds.sample([mode], cpu.seconds[mode]);
    const guest = writer.family(M.cpuGuestSeconds);
    guest.sample(["user"], cpu.guestSeconds.user);
    guest.sample(["nice"], cpu.guestSeconds.nice);
  }
  if (load !== null) {
    one(M.load1, load.load1);
    one(M.load5, load.load5);
    one(M.load15, load.load15);
  }
  if (memory !== null) {
    one(M.memoryTotal, memory.totalBytes);
    one(M.memoryFree, memory.freeBytes);
    one(M.memoryAvailable, memory.availableBytes);
    one(M.memoryBuffers, memory.buffersBytes);
    one(M.memoryCached, memory.cachedBytes);
    one(M.memoryShared, memory.sharedBytes);
  }
  if (swap !== null) {
    one(M.swapTotal, swap.totalBytes);
    one(M.swapFree, swap.freeBytes);
  }
  for (const fs of snapshot.filesystems) {
    const labels = [fs.path];
    writer.family(M.filesystemError).sample(labels, fs.ok ? 0 : 1);
    writer.family(M.filesystemStuck).sample(labels, !fs.ok && fs.stuck ? 1 : 0);
    if (!fs.ok) continue;
    writer.family(M.filesystemSize).sample(labels, fs.sizeBytes);
    writer.family(M.filesystemFree).sample(labels, fs.freeBytes);
    writer.family(M.filesystemAvailable).sample(labels, fs.availableBytes);
    writer.family(M.filesystemFiles).sample(labels, fs.files);
    writer.family(M.filesystemFilesFree).sample(labels, fs.filesFree);
  }
  for (const disk of snapshot.disks?.devices ?? []) {
    const labels = [disk.device];
    writer.family(M.diskRead).sample(labels, disk.readBytes);
    writer.family(M.diskWritten).sample(labels, disk.writtenBytes);
    writer.family(M.diskReads).sample(labels, disk.readsCompleted);
    writer.family(M.diskWrites).sample(labels, disk.writesCompleted);
    writer.family(M.diskIoTime).sample(labels, disk.ioTimeSeconds);
  }
  for (const nic of snapshot.network?.interfaces ?? []) {
    const labels = [nic.interface];
    writer.family(M.networkReceiveBytes).sample(labels, nic.receiveBytes);
    writer.family(M.networkTransmitBytes).sample(labels, nic.transmitBytes);
    writer.family(M.networkReceivePackets).sample(labels, nic.receivePackets);
    writer.family(M.networkTransmitPackets).sample(labels, nic.transmitPackets);
    writer.family(M.networkReceiveErrors).sample(labels, nic.receiveErrors);
    writer.family(M.networkTransmitErrors).sample(labels, nic.transmitErrors);
    writer.family(M.networkReceiveDrops).sample(labels, nic.receiveDrops);
    writer.family(M.networkTransmitDrops).sample(labels, nic.transmitDrops);
  }
  const failed = new Set(snapshot.problems.map((problem) => problem.file));
  const success = writer.family(M.readSuccess);
  for (const file of HOST_FILES) success.sample([file], failed.has(file) ? 0 : 1);
}
