// Reads a file up to a size limit: never more than limit + 1 bytes, whatever the file claims to be.

import { closeSync, openSync, readSync } from "node:fs";

/** The first bytes of a file read with readCapped. */
export interface CappedRead {
  /** At most `limit` bytes: the whole file when it fits. */
  readonly bytes: Buffer;
  /** True when the file holds more than `limit` bytes (then `bytes` is not all of it). */
  readonly tooLarge: boolean;
}

/**
 * Reads at most `limit + 1` bytes of `path` (the extra byte tells a file over the limit apart).
 * The size is not taken from stat: a growing file, /dev/zero or a procfs file reads the same way.
 * Throws the file system's error (with its `code`) when the file cannot be opened or read.
 */
export function readCapped(path: string, limit: number): CappedRead {
  const buffer = Buffer.allocUnsafe(limit + 1);
  const fd = openSync(path, "r");
  try {
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(fd, buffer, done, buffer.length - done, null);
      if (n === 0) break;
      done += n;
    }
    return done > limit
      ? { bytes: buffer.subarray(0, limit), tooLarge: true }
      : { bytes: buffer.subarray(0, done), tooLarge: false };
  } finally {
    closeSync(fd);
  }
}

/** A byte count as people read it: `1 MiB (1048576 bytes)`. */
export function formatBytes(bytes: number): string {
  const units = [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const;
  for (const [unit, size] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit} (${bytes} bytes)`;
  }
  return `${bytes} bytes`;
}
