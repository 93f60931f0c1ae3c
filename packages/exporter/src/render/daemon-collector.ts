// The daemon's own metrics: build info, config reloads, and the process (CPU, memory, file descriptors).

import { readdirSync, readFileSync } from "node:fs";
import {
  type Collector,
  defineCounter,
  defineGauge,
  defineInfo,
  type MetricWriter,
} from "@seedwatch/metrics";
import { VERSION } from "../version.ts";

const BUILD = defineInfo({
  name: "seedwatch_build_info",
  help: "seedwatch's version and the Node.js version it runs on.",
  labelNames: ["version", "node_version"],
});
const RELOAD_OK = defineGauge({
  name: "seedwatch_config_last_reload_successful",
  help: "Whether the last configuration reload succeeded.",
});
const RELOAD_AT = defineGauge({
  name: "seedwatch_config_last_reload_success_timestamp_seconds",
  help: "When the configuration was last loaded successfully.",
  unit: "seconds",
});
const CPU = defineCounter({
  name: "process_cpu_seconds_total",
  help: "User and system CPU time spent.",
  unit: "seconds",
});
const RSS = defineGauge({
  name: "process_resident_memory_bytes",
  help: "Resident memory size.",
  unit: "bytes",
});
const HEAP = defineGauge({ name: "process_heap_bytes", help: "V8 heap in use.", unit: "bytes" });
const START = defineGauge({
  name: "process_start_time_seconds",
  help: "Start time of the process since the Unix epoch.",
  unit: "seconds",
});
const FDS = defineGauge({ name: "process_open_fds", help: "Open file descriptors." });
const MAX_FDS = defineGauge({
  name: "process_max_fds",
  help: "Maximum number of open file descriptors.",
});

/** Whether and when seedwatch.yml last loaded (web-config.yml has its WebConfigReloadStatus). */
export interface ConfigReloadStatus {
  ok: boolean;
  /** ms since the epoch of the last successful load. */
  at: number;
}

/** Collects the daemon's own metrics. */
export class DaemonCollector implements Collector {
  readonly name = "daemon";
  readonly #reload: ConfigReloadStatus;
  readonly #startSeconds = Math.floor((Date.now() - performance.now()) / 1000);
  readonly #maxFds = readMaxFds();

  constructor(reload: ConfigReloadStatus) {
    this.#reload = reload;
  }

  collect(w: MetricWriter): void {
    w.family(BUILD).sample([VERSION, process.version], 1);
    w.family(RELOAD_OK).sample([], this.#reload.ok ? 1 : 0);
    w.family(RELOAD_AT).sample([], this.#reload.at / 1000);
    const cpu = process.cpuUsage();
    w.family(CPU).sample([], (cpu.user + cpu.system) / 1e6);
    const memory = process.memoryUsage();
    w.family(RSS).sample([], memory.rss);
    w.family(HEAP).sample([], memory.heapUsed);
    w.family(START).sample([], this.#startSeconds);
    const fds = countFds();
    if (fds !== undefined) w.family(FDS).sample([], fds);
    if (this.#maxFds !== undefined) w.family(MAX_FDS).sample([], this.#maxFds);
  }
}

function countFds(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

function readMaxFds(): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : undefined;
  } catch {
    return undefined;
  }
}
