import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BlockDevices, selectDisks } from "./disk-filter.ts";
import { parseDiskstats } from "./proc-diskstats.ts";

const NAMES = [
  "loop0",
  "ram0",
  "zram0",
  "sda",
  "sda1",
  "sda10",
  "sdaa",
  "sdaa1",
  "vda",
  "vda1",
  "xvda",
  "xvda1",
  "nvme0n1",
  "nvme0n1p1",
  "mmcblk0",
  "mmcblk0p1",
  "md0",
  "md0p1",
  "dm-0",
  "sr0",
  "nbd0",
  "cciss/c0d0",
  "cciss/c0d0p1",
];
const STATS = parseDiskstats(
  NAMES.map((name, i) => `8 ${i} ${name} 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0`).join("\n"),
);
const WHOLE = [
  "loop0",
  "ram0",
  "zram0",
  "sda",
  "sdaa",
  "vda",
  "xvda",
  "nvme0n1",
  "mmcblk0",
  "md0",
  "dm-0",
  "sr0",
  "nbd0",
  "cciss/c0d0",
];

describe("selectDisks", () => {
  it("keeps the whole devices sysfs lists, minus loop, ram and zram, marking stacked ones", () => {
    const block: BlockDevices = new Map(
      WHOLE.map((name) => [name, { stacked: name === "md0" || name === "dm-0" }]),
    );
    const kept = selectDisks(STATS, block);
    assert.deepEqual(
      kept.map((d) => d.stat.name),
      [
        "sda",
        "sdaa",
        "vda",
        "xvda",
        "nvme0n1",
        "mmcblk0",
        "md0",
        "dm-0",
        "sr0",
        "nbd0",
        "cciss/c0d0",
      ],
    );
    assert.deepEqual(
      kept.filter((d) => d.stacked).map((d) => d.stat.name),
      ["md0", "dm-0"],
    );
  });

  it("trusts sysfs over names: a device sysfs does not list is a partition", () => {
    const kept = selectDisks(STATS, new Map([["sda", { stacked: false }]]));
    assert.deepEqual(
      kept.map((d) => d.stat.name),
      ["sda"],
    );
  });

  it("falls back to partition naming rules when sysfs could not be read", () => {
    const kept = selectDisks(STATS, undefined);
    assert.deepEqual(
      kept.map((d) => d.stat.name),
      WHOLE.filter((name) => !/^(loop|ram|zram)\d/.test(name)),
    );
    assert.deepEqual(
      kept.filter((d) => d.stacked).map((d) => d.stat.name),
      ["md0", "dm-0"],
    );
  });

  it("takes another exclusion rule", () => {
    const kept = selectDisks(STATS, undefined, /^(?:sr|nbd|dm-)\d+$/);
    assert.deepEqual(
      kept.map((d) => d.stat.name).filter((name) => /^(loop|sr|nbd|dm-)/.test(name)),
      ["loop0"],
    );
  });
});
