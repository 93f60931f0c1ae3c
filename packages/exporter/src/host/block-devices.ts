// Reads the list of whole block devices, and which are stacked on others, from /sys/block.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { BlockDevices } from "./disk-filter.ts";
import { HostReadError } from "./errors.ts";

/**
 * Lists `<sysRoot>/block` and each device's `slaves` directory. Costs one directory read per
 * device, so the sampler calls it only when the set of devices in /proc/diskstats changes.
 */
export async function readBlockDevices(sysRoot: string): Promise<BlockDevices> {
  let entries: string[];
  try {
    entries = await readdir(join(sysRoot, "block"));
  } catch (error) {
    throw new HostReadError("/sys/block", error);
  }
  const devices = await Promise.all(
    entries.map(async (entry) => {
      let slaves: string[] = [];
      try {
        slaves = await readdir(join(sysRoot, "block", entry, "slaves"));
      } catch {
        // A device without a slaves directory (very old kernels) is not stacked.
      }
      // sysfs spells the `/` of names like cciss/c0d0 as `!`.
      return [entry.replaceAll("!", "/"), { stacked: slaves.length > 0 }] as const;
    }),
  );
  return new Map(devices);
}
