// Parser of /proc/PID/status: a process's resident and virtual memory in bytes (VmRSS, VmSize).

import { HostParseError, quote } from "./errors.ts";
import { fields, unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/PID/status";

/** The memory figures of /proc/PID/status, in bytes. */
export interface PidMemory {
  /** VmRSS: resident set size. */
  readonly residentBytes: number;
  /** VmSize: virtual memory size. */
  readonly virtualBytes: number;
}

/**
 * Reads VmRSS and VmSize (printed in kB, which the kernel means as KiB) from the text of
 * /proc/PID/status. Used for the resident size rather than /proc/PID/stat's `rss`, which is in
 * pages: Node cannot ask the page size, and it is not 4 KiB everywhere (arm64 with 16 or 64 KiB
 * pages). Undefined for a process without memory figures (a zombie, a kernel thread).
 */
export function parsePidMemory(text: string): PidMemory | undefined {
  let resident: number | undefined;
  let virtual: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith("Vm")) continue;
    const colon = line.indexOf(":");
    const key = line.slice(0, colon);
    if (key !== "VmRSS" && key !== "VmSize") continue;
    const parts = fields(line.slice(colon + 1));
    if (parts.length !== 2 || parts[1] !== "kB") {
      throw new HostParseError(FILE, `expected "${key}: <n> kB", got ${quote(line)}`);
    }
    const bytes = unsigned(parts[0], FILE, key) * 1024;
    if (key === "VmRSS") resident = bytes;
    else virtual = bytes;
  }
  return resident === undefined || virtual === undefined
    ? undefined
    : { residentBytes: resident, virtualBytes: virtual };
}
