// Which /proc/diskstats lines are disks worth showing: the documented rule, as a pure function.

import type { DiskStat } from "./proc-diskstats.ts";

/**
 * Whole block devices as sysfs lists them under /sys/block, by kernel name (`cciss/c0d0`, not
 * sysfs's `cciss!c0d0`), each with whether it is stacked on other devices (its `slaves`
 * directory is not empty: device-mapper, md RAID, bcache).
 */
export type BlockDevices = ReadonlyMap<string, { readonly stacked: boolean }>;

/**
 * Devices left out by default, by name: loop devices (their I/O reaches the disk again through
 * the file system holding the image), RAM disks and zram (memory, not storage).
 */
export const DEFAULT_DISK_EXCLUDE: RegExp = /^(?:loop|ram|zram)\d+$/;

// Partition names of the common drivers, used only when /sys/block cannot be read.
const PARTITION_NAME =
  /^(?:(?:[hsv]|xv)d[a-z]+\d+|(?:nvme\d+n\d+|mmcblk\d+|nbd\d+|loop\d+|md\d+|rbd\d+)p\d+|cciss\/c\d+d\d+p\d+)$/;
const STACKED_NAME = /^(?:dm-\d+|md\d+)$/;

/** A disk kept by the rule. */
export interface SelectedDisk {
  readonly stat: DiskStat;
  /**
   * Built on other block devices (LVM, dm-crypt, md RAID): its I/O is also counted on the
   * devices below, so totals leave it out.
   */
  readonly stacked: boolean;
}

/**
 * The rule: a /proc/diskstats line is kept when
 * 1. its name does not match `exclude` (default DEFAULT_DISK_EXCLUDE), and
 * 2. it is a whole device, not a partition: the kernel lists whole devices in /sys/block and
 *    partitions only under their disk, so a name missing from `blockDevices` is a partition.
 *    When sysfs could not be read (`blockDevices` undefined), partitions are recognised by the
 *    naming of the common drivers (`sda1`, `vdb2`, `xvda1`, `nvme0n1p1`, `mmcblk0p1`, `md0p1`...).
 * Stacked devices (dm-*, md*) are kept, marked `stacked`.
 */
export function selectDisks(
  stats: readonly DiskStat[],
  blockDevices: BlockDevices | undefined,
  exclude: RegExp = DEFAULT_DISK_EXCLUDE,
): SelectedDisk[] {
  const out: SelectedDisk[] = [];
  for (const stat of stats) {
    if (exclude.test(stat.name)) continue;
    if (blockDevices === undefined) {
      if (PARTITION_NAME.test(stat.name)) continue;
      out.push({ stat, stacked: STACKED_NAME.test(stat.name) });
    } else {
      const device = blockDevices.get(stat.name);
      if (device !== undefined) out.push({ stat, stacked: device.stacked });
    }
  }
  return out;
}
