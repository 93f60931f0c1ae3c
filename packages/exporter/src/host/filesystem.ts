// Disk usage of one configured path through fs.statfs, in bytes, with df's arithmetic.

import type { StatsFs } from "node:fs";
import { statfs } from "node:fs/promises";
import { FilesystemStuckError, HostReadError } from "./errors.ts";

/** statfs(2) as the host source calls it (`fs.promises.statfs`); tests pass one that hangs. */
export type StatfsFunction = (path: string) => Promise<StatsFs>;

/** statfs figures of the file system holding a path, in bytes and inodes. */
export interface FilesystemUsage {
  /** Size of the file system (`df` "1B-blocks"). */
  readonly sizeBytes: number;
  /** Free, including the blocks reserved for root. */
  readonly freeBytes: number;
  /** Free for unprivileged users (`df` "Avail"). */
  readonly availableBytes: number;
  /** Inodes in total; 0 on file systems without a fixed number (btrfs, some FUSE ones). */
  readonly files: number;
  readonly filesFree: number;
}

/** Converts statfs numbers to bytes. Blocks are counted in fragment size, as statvfs(3) says. */
export function usageFromStatfs(stats: StatsFs): FilesystemUsage {
  // `frsize` is a recent addition to Node's statfs; where it is missing (0), `bsize` is the
  // same on nearly every file system.
  const unit = stats.frsize > 0 ? stats.frsize : stats.bsize;
  return {
    sizeBytes: stats.blocks * unit,
    freeBytes: stats.bfree * unit,
    availableBytes: stats.bavail * unit,
    files: stats.files,
    filesFree: stats.ffree,
  };
}

/**
 * statfs(2) on `path` (through `read`, by default `fs.promises.statfs`); a HostReadError naming
 * the path when it fails (missing, no access), a FilesystemStuckError as `read` threw it.
 */
export async function readFilesystem(
  path: string,
  read: StatfsFunction = statfs,
): Promise<FilesystemUsage> {
  try {
    return usageFromStatfs(await read(path));
  } catch (error) {
    if (error instanceof FilesystemStuckError) throw error;
    throw new HostReadError(path, error);
  }
}
