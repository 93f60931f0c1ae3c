// Samples the host from /proc, /sys and statfs (never a child process) and keeps rates between samples.

import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { readBlockDevices } from "./block-devices.ts";
import { buildSnapshot, type HostReading } from "./build-snapshot.ts";
import { type BlockDevices, DEFAULT_DISK_EXCLUDE, selectDisks } from "./disk-filter.ts";
import { FilesystemStuckError, HostError, HostReadError } from "./errors.ts";
import { readFilesystem, type StatfsFunction } from "./filesystem.ts";
import { parseDiskstats } from "./proc-diskstats.ts";
import { parseLoadavg } from "./proc-loadavg.ts";
import { parseMeminfo } from "./proc-meminfo.ts";
import { parseNetDev } from "./proc-net-dev.ts";
import { parseStat } from "./proc-stat.ts";
import { parseUptime } from "./proc-uptime.ts";
import type { HostFilesystem, HostProblem, HostSnapshot } from "./snapshot.ts";
import { StatfsGuard } from "./statfs-guard.ts";

/**
 * Clock ticks per second of /proc/stat (USER_HZ, `getconf CLK_TCK`): 100 on every architecture
 * Node runs on. Node cannot call sysconf(3), so it is an option rather than a lookup.
 */
export const USER_HZ = 100;

/** The kernel files a sample reads, as named in `HostProblem.file` and the read_success metric. */
export const HOST_FILES = [
  "/proc/uptime",
  "/proc/stat",
  "/proc/loadavg",
  "/proc/meminfo",
  "/proc/diskstats",
  "/proc/net/dev",
  "/sys/block",
] as const;

/** Interfaces left out by default: the loopback, whose traffic never leaves the machine. */
export const DEFAULT_INTERFACE_EXCLUDE: RegExp = /^lo$/;

/** Clocks the sampler reads; tests replace them to get exact intervals. */
export interface HostClock {
  /** A monotonic clock in milliseconds (intervals between samples). */
  monotonicMs(): number;
  /** Wall-clock time in milliseconds since the Unix epoch (the snapshot's timestamp). */
  wallMs(): number;
}

/** Options of a HostSampler; every one has a default. */
export interface HostSamplerOptions {
  /** Absolute paths whose file system usage to report (pyrotorque's `disk_usage_path`). */
  readonly paths?: readonly string[];
  /** Where procfs is mounted (default `/proc`); tests point it at captured files. */
  readonly procRoot?: string;
  /** Where sysfs is mounted (default `/sys`), for the list of whole block devices. */
  readonly sysRoot?: string;
  /** Clock ticks per second in /proc/stat (default USER_HZ). */
  readonly ticksPerSecond?: number;
  /** Disks to leave out, by kernel name (default DEFAULT_DISK_EXCLUDE: loop, ram, zram). */
  readonly diskExclude?: RegExp;
  /** Network interfaces to leave out (default DEFAULT_INTERFACE_EXCLUDE: `lo`). */
  readonly interfaceExclude?: RegExp;
  /**
   * A snapshot younger than this is returned again instead of reading anew (default 1000 ms),
   * so a scrape and the live view sampling together cost one read and rates keep a sane base.
   */
  readonly minIntervalMs?: number;
  readonly clock?: HostClock;
  /** The statfs to call (default `fs.promises.statfs`); tests pass one that hangs. */
  readonly statfs?: StatfsFunction;
  /**
   * How long statfs on a path may take (default 5000 ms, node_exporter's mount timeout). A path
   * that misses it is stuck: reported as such, and not asked again until the hung call returns.
   */
  readonly statfsTimeoutMs?: number;
  /** Called when a configured path is found stuck (to log it). */
  readonly onFilesystemStuck?: (path: string, timeoutMs: number) => void;
  /** Called when the hung statfs of a stuck path returns (to log it). */
  readonly onFilesystemRecovered?: (path: string, stuckMs: number) => void;
}

const PERFORMANCE_CLOCK: HostClock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};

/**
 * Reads uptime, CPU, load, memory, disk and network counters from /proc and the usage of the
 * configured paths with statfs, and derives rates against the previous sample. One sample
 * costs six small file reads and one statfs per path, plus a listing of /sys/block when the
 * set of block devices changes. Concurrent calls share one read. A statfs that does not answer
 * within `statfsTimeoutMs` marks its path stuck (see StatfsGuard), so a hung mount delays one
 * sample by that much and no later one.
 */
export class HostSampler {
  readonly #paths: readonly string[];
  readonly #procRoot: string;
  readonly #sysRoot: string;
  readonly #ticksPerSecond: number;
  readonly #diskExclude: RegExp;
  readonly #interfaceExclude: RegExp;
  readonly #minIntervalMs: number;
  readonly #clock: HostClock;
  readonly #statfs: StatfsGuard;
  #previous: HostReading | undefined;
  #latest: HostSnapshot | undefined;
  #inFlight: Promise<HostSnapshot> | undefined;
  #blockKey: string | undefined;
  #blockDevices: BlockDevices | HostReadError | undefined;

  constructor(options: HostSamplerOptions = {}) {
    this.#paths = checkPaths(options.paths ?? []);
    this.#procRoot = options.procRoot ?? "/proc";
    this.#sysRoot = options.sysRoot ?? "/sys";
    this.#ticksPerSecond = options.ticksPerSecond ?? USER_HZ;
    if (!Number.isInteger(this.#ticksPerSecond) || this.#ticksPerSecond <= 0) {
      throw new HostError(
        `ticksPerSecond: expected a positive integer, got ${String(options.ticksPerSecond)}`,
      );
    }
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    if (!Number.isFinite(this.#minIntervalMs) || this.#minIntervalMs < 0) {
      throw new HostError(
        `minIntervalMs: expected a non-negative number, got ${String(options.minIntervalMs)}`,
      );
    }
    this.#diskExclude = options.diskExclude ?? DEFAULT_DISK_EXCLUDE;
    this.#interfaceExclude = options.interfaceExclude ?? DEFAULT_INTERFACE_EXCLUDE;
    this.#clock = options.clock ?? PERFORMANCE_CLOCK;
    this.#statfs = new StatfsGuard({
      ...(options.statfs === undefined ? {} : { statfs: options.statfs }),
      ...(options.statfsTimeoutMs === undefined ? {} : { timeoutMs: options.statfsTimeoutMs }),
      ...(options.onFilesystemStuck === undefined ? {} : { onStuck: options.onFilesystemStuck }),
      ...(options.onFilesystemRecovered === undefined
        ? {}
        : { onRecovered: options.onFilesystemRecovered }),
    });
  }

  /** The configured paths, deduplicated, in configuration order. */
  get paths(): readonly string[] {
    return this.#paths;
  }

  /** The most recent snapshot, or undefined before the first sample. */
  get latest(): HostSnapshot | undefined {
    return this.#latest;
  }

  /**
   * Takes a sample (or returns the latest one if it is younger than `minIntervalMs`, or joins
   * the one being taken). Never rejects: what could not be read is listed in `problems`.
   */
  sample(): Promise<HostSnapshot> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const latest = this.#latest;
    const previous = this.#previous;
    if (
      latest !== undefined &&
      previous !== undefined &&
      this.#clock.monotonicMs() - previous.monotonicMs < this.#minIntervalMs
    ) {
      return Promise.resolve(latest);
    }
    this.#inFlight = this.#read().then(
      (reading) => {
        const snapshot = buildSnapshot(reading, this.#previous, this.#ticksPerSecond);
        this.#previous = reading;
        this.#latest = snapshot;
        this.#inFlight = undefined;
        return snapshot;
      },
      (error: unknown) => {
        this.#inFlight = undefined;
        throw error;
      },
    );
    return this.#inFlight;
  }

  async #read(): Promise<HostReading> {
    const problems: HostProblem[] = [];
    const monotonicMs = this.#clock.monotonicMs();
    const timestampMs = this.#clock.wallMs();
    const [uptime, stat, load, meminfo, diskstats, netdev, filesystems] = await Promise.all([
      this.#proc("uptime", parseUptime, problems),
      this.#proc("stat", parseStat, problems),
      this.#proc("loadavg", parseLoadavg, problems),
      this.#proc("meminfo", parseMeminfo, problems),
      this.#proc("diskstats", parseDiskstats, problems),
      this.#proc("net/dev", parseNetDev, problems),
      Promise.all(this.#paths.map((path) => this.#filesystemOf(path))),
    ]);
    for (const fs of filesystems) {
      if (!fs.ok) problems.push({ file: fs.path, message: fs.error });
    }
    let disks: HostReading["disks"];
    if (diskstats !== undefined) {
      const block = await this.#wholeDevices(diskstats.map((d) => d.name));
      if (block instanceof HostReadError)
        problems.push({ file: block.file, message: block.message });
      disks = selectDisks(
        diskstats,
        block instanceof HostReadError ? undefined : block,
        this.#diskExclude,
      );
    }
    const exclude = this.#interfaceExclude;
    return {
      monotonicMs,
      timestampMs,
      uptime,
      stat,
      load,
      meminfo,
      disks,
      network: netdev?.filter((device) => !exclude.test(device.name)),
      filesystems,
      problems,
    };
  }

  async #proc<T>(
    file: string,
    parse: (text: string) => T,
    problems: HostProblem[],
  ): Promise<T | undefined> {
    const canonical = `/proc/${file}`;
    let text: string;
    try {
      text = await readFile(join(this.#procRoot, file), "latin1");
    } catch (error) {
      problems.push({ file: canonical, message: new HostReadError(canonical, error).message });
      return undefined;
    }
    try {
      return parse(text);
    } catch (error) {
      problems.push({ file: canonical, message: (error as Error).message });
      return undefined;
    }
  }

  async #filesystemOf(path: string): Promise<HostFilesystem> {
    try {
      const usage = await readFilesystem(path, (p) => this.#statfs.statfs(p));
      const used = Math.max(0, usage.sizeBytes - usage.freeBytes);
      const base = used + usage.availableBytes;
      return {
        path,
        ok: true,
        ...usage,
        usedBytes: used,
        usedFraction: base > 0 ? used / base : 0,
      };
    } catch (error) {
      return {
        path,
        ok: false,
        stuck: error instanceof FilesystemStuckError,
        error: (error as Error).message,
      };
    }
  }

  /** The whole block devices, listed again only when the devices in /proc/diskstats change. */
  async #wholeDevices(names: readonly string[]): Promise<BlockDevices | HostReadError> {
    const key = names.join("\n");
    if (key !== this.#blockKey || this.#blockDevices === undefined) {
      try {
        this.#blockDevices = await readBlockDevices(this.#sysRoot);
      } catch (error) {
        this.#blockDevices =
          error instanceof HostReadError ? error : new HostReadError("/sys/block", error);
      }
      this.#blockKey = key;
    }
    return this.#blockDevices;
  }
}

function checkPaths(paths: readonly string[]): readonly string[] {
  if (!Array.isArray(paths)) throw new HostError("paths: expected a list of absolute paths");
  const out: string[] = [];
  paths.forEach((path, i) => {
    if (typeof path !== "string" || !isAbsolute(path)) {
      throw new HostError(`paths[${i}]: expected an absolute path, got ${JSON.stringify(path)}`);
    }
    if (!out.includes(path)) out.push(path);
  });
  return Object.freeze(out);
}
