import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parseMeminfo } from "./proc-meminfo.ts";

// Captured on this project's test VM (Linux 6.18, 24 GiB, no swap).
const NO_SWAP = `MemTotal:       24683656 kB
MemFree:        24167932 kB
MemAvailable:   24291072 kB
Buffers:            3828 kB
Cached:           270880 kB
SwapCached:            0 kB
Active:           153176 kB
Inactive:         125868 kB
Active(anon):       1556 kB
Inactive(anon):    11676 kB
Active(file):     151620 kB
Inactive(file):   114192 kB
Unevictable:       13568 kB
Mlocked:           11964 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                48 kB
Writeback:             0 kB
AnonPages:         18104 kB
Mapped:            21760 kB
Shmem:              8896 kB
KReclaimable:     137244 kB
Slab:             162480 kB
SReclaimable:     137244 kB
SUnreclaim:        25236 kB
KernelStack:        1496 kB
PageTables:         1804 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12341828 kB
Committed_AS:      77324 kB
VmallocTotal:   34359738367 kB
VmallocUsed:        5748 kB
VmallocChunk:          0 kB
Percpu:              664 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:         0 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       20480 kB
DirectMap2M:     2076672 kB
DirectMap1G:    25165824 kB
`;

// The head of a 4 GiB box with 2 GiB of swap, partly used (Debian 12, Linux 6.1).
const WITH_SWAP = `MemTotal:        4028440 kB
MemFree:          153240 kB
MemAvailable:     912376 kB
Buffers:           41232 kB
Cached:           802100 kB
SwapCached:        12044 kB
SwapTotal:       2097148 kB
SwapFree:        1569276 kB
Shmem:             20152 kB
SReclaimable:      98316 kB
HugePages_Total:      16
`;

describe("parseMeminfo", () => {
  it("reads a machine without swap, in bytes (the kernel's kB are KiB)", () => {
    const info = parseMeminfo(NO_SWAP);
    assert.equal(info.memTotalBytes, 24683656 * 1024);
    assert.equal(info.memFreeBytes, 24167932 * 1024);
    assert.equal(info.memAvailableBytes, 24291072 * 1024);
    assert.equal(info.buffersBytes, 3828 * 1024);
    assert.equal(info.cachedBytes, 270880 * 1024);
    assert.equal(info.sReclaimableBytes, 137244 * 1024);
    assert.equal(info.shmemBytes, 8896 * 1024);
    assert.equal(info.swapTotalBytes, 0);
    assert.equal(info.swapFreeBytes, 0);
    assert.equal(info.fields.size, 54);
    assert.equal(info.fields.get("Active(anon)"), 1556 * 1024);
    assert.equal(info.fields.get("VmallocTotal"), 34359738367 * 1024);
    assert.equal(info.fields.get("HugePages_Total"), 0, "a count, not kB");
  });

  it("reads swap in use, and counts without a unit as they are", () => {
    const info = parseMeminfo(WITH_SWAP);
    assert.equal(info.swapTotalBytes, 2097148 * 1024);
    assert.equal(info.swapFreeBytes, 1569276 * 1024);
    assert.equal(info.swapCachedBytes, 12044 * 1024);
    assert.equal(info.fields.get("HugePages_Total"), 16);
  });

  it("leaves out what an old kernel or a container's view does not print", () => {
    // Linux before 3.14 has no MemAvailable; some container shims print only a few lines.
    const info = parseMeminfo("MemTotal: 1024 kB\nMemFree: 512 kB\n");
    assert.equal(info.memAvailableBytes, undefined);
    assert.equal(info.swapTotalBytes, undefined);
    assert.equal(info.buffersBytes, undefined);
  });

  const bad: [string, string, RegExp][] = [
    ["no MemTotal", "MemFree: 1 kB\n", /expected a MemTotal line/],
    ["no MemFree", "MemTotal: 1 kB\n", /expected a MemFree line/],
    [
      "another unit",
      "MemTotal: 1 MB\nMemFree: 1 kB\n",
      /expected the unit kB for MemTotal, got "MB"/,
    ],
    ["a line without a colon", "MemTotal 1 kB\n", /expected "<Name>: <value> \[kB\]"/],
    ["a value that is not a number", "MemTotal: lots kB\n", /unsigned integer for MemTotal/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseMeminfo(text),
        (error: unknown) =>
          error instanceof HostParseError &&
          error.file === "/proc/meminfo" &&
          message.test(error.message),
      );
    });
  }
});
