import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parseDiskstats } from "./proc-diskstats.ts";

// Captured on this project's test VM (Linux 6.18: 20 fields; loop devices, a virtio disk, zram).
const CAPTURED = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       1 loop1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 82897 15240 5495722 45407 45154 56331 5575432 37070 0 15136 88665 21451 55 1002904 3801 6215 2386
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;

describe("parseDiskstats", () => {
  it("reads every field of a 20-field capture", () => {
    const disks = parseDiskstats(CAPTURED);
    assert.deepEqual(
      disks.map((d) => d.name),
      ["loop0", "loop1", "vda", "zram0"],
    );
    assert.deepEqual(disks[2], {
      major: 254,
      minor: 0,
      name: "vda",
      readsCompleted: 82897,
      readsMerged: 15240,
      sectorsRead: 5495722,
      readTimeMs: 45407,
      writesCompleted: 45154,
      writesMerged: 56331,
      sectorsWritten: 5575432,
      writeTimeMs: 37070,
      ioInProgress: 0,
      ioTimeMs: 15136,
      weightedIoTimeMs: 88665,
      discardsCompleted: 21451,
      discardsMerged: 55,
      sectorsDiscarded: 1002904,
      discardTimeMs: 3801,
      flushesCompleted: 6215,
      flushTimeMs: 2386,
    });
  });

  it("reads 14-field (before 4.18) and 18-field (4.18 to 5.4) kernels", () => {
    const [old, mid] = parseDiskstats(
      "   8       0 sda 100 1 800 10 50 2 400 20 0 30 30\n" +
        " 259       0 nvme0n1 7 0 56 1 3 0 24 2 1 4 5 9 0 72 1\n",
    );
    assert.equal(old?.sectorsRead, 800);
    assert.equal(old?.discardsCompleted, undefined);
    assert.equal(old?.flushesCompleted, undefined);
    assert.equal(mid?.ioInProgress, 1);
    assert.equal(mid?.sectorsDiscarded, 72);
    assert.equal(mid?.flushesCompleted, undefined);
  });

  it("keeps partitions, stacked and oddly named devices for the filter to judge", () => {
    const text = [
      "   8       0 sda 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      "   8       1 sda1 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      " 259       1 nvme0n1p1 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      " 179       1 mmcblk0p1 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      " 253       0 dm-0 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      "   9       0 md0 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      " 104       0 cciss/c0d0 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0",
      "   1       0 ram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
      "",
    ].join("\n");
    assert.deepEqual(
      parseDiskstats(text).map((d) => d.name),
      ["sda", "sda1", "nvme0n1p1", "mmcblk0p1", "dm-0", "md0", "cciss/c0d0", "ram0"],
    );
  });

  it("ignores columns a future kernel may add", () => {
    const [disk] = parseDiskstats("   8 0 sda 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0 42 43\n");
    assert.equal(disk?.flushTimeMs, 0);
  });

  it("reads an empty file (no block devices) as no disks", () => {
    assert.deepEqual(parseDiskstats(""), []);
  });

  const bad: [string, string, RegExp][] = [
    [
      "the 7-field partition lines of 2.6.24 and older",
      "   8 1 sda1 100 800 50 400\n",
      /at least 14 fields .* for "sda1", got 7/,
    ],
    [
      "a word in a counter",
      "   8 0 sda 1 0 8 0 1 0 8 0 zero 0 0\n",
      /I\/Os in progress of sda, got "zero"/,
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseDiskstats(text),
        (error: unknown) =>
          error instanceof HostParseError &&
          error.file === "/proc/diskstats" &&
          message.test(error.message),
      );
    });
  }
});
