import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSnapshot, type HostReading } from "./build-snapshot.ts";
import { selectDisks } from "./disk-filter.ts";
import { parseDiskstats } from "./proc-diskstats.ts";
import { parseMeminfo } from "./proc-meminfo.ts";
import { parseNetDev } from "./proc-net-dev.ts";
import { parseStat } from "./proc-stat.ts";

function reading(
  at: number,
  parts: { stat?: string; disks?: string; net?: string; meminfo?: string },
): HostReading {
  const disks = parts.disks === undefined ? undefined : parseDiskstats(parts.disks);
  return {
    monotonicMs: at,
    timestampMs: 1_700_000_000_000 + at,
    uptime: { uptimeSeconds: 100 + at / 1000, idleSeconds: 0 },
    stat: parts.stat === undefined ? undefined : parseStat(parts.stat),
    load: undefined,
    meminfo: parts.meminfo === undefined ? undefined : parseMeminfo(parts.meminfo),
    disks:
      disks === undefined
        ? undefined
        : selectDisks(
            disks,
            new Map([
              ["sda", { stacked: false }],
              ["sdb", { stacked: false }],
              ["dm-0", { stacked: true }],
            ]),
          ),
    network: parts.net === undefined ? undefined : parseNetDev(parts.net),
    filesystems: [],
    problems: [],
  };
}

const disk = (name: string, read: number, written: number, ioMs: number) =>
  `8 0 ${name} 10 0 ${read} 0 20 0 ${written} 0 0 ${ioMs} 0`;
const nic = (name: string, rx: number, tx: number) =>
  `${name}: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0`;

describe("buildSnapshot", () => {
  it("has no rates on the first sample, but every cumulative figure", () => {
    const first = buildSnapshot(
      reading(0, {
        stat: "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\n",
        disks: disk("sda", 2048, 1024, 500),
        net: nic("eth0", 1000, 2000),
      }),
      undefined,
      100,
    );
    assert.equal(first.intervalSeconds, null);
    assert.equal(first.cpu?.busy, null);
    assert.equal(first.cpu?.modes, null);
    assert.equal(first.cpu?.seconds.idle, 8);
    assert.equal(first.cpu?.perCpu[0]?.seconds.user, 1);
    assert.equal(first.disks?.devices[0]?.readBytes, 2048 * 512);
    assert.equal(first.disks?.devices[0]?.readBytesPerSecond, null);
    assert.equal(first.disks?.readBytesPerSecond, null);
    assert.equal(first.network?.interfaces[0]?.receiveBytes, 1000);
    assert.equal(first.network?.receiveBytesPerSecond, null);
  });

  it("derives CPU shares from tick deltas and byte rates from the interval", () => {
    const before = reading(10_000, {
      stat: "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 60 0 20 400 20 0 0 0 0 0\ncpu1 40 0 30 400 30 0 0 0 0 0\n",
      disks: [disk("sda", 0, 0, 0), disk("dm-0", 0, 0, 0)].join("\n"),
      net: [nic("eth0", 1000, 2000), nic("wg0", 0, 0)].join("\n"),
    });
    const after = reading(12_000, {
      // +200 ticks: user +60, system +20, idle +100, iowait +10, irq +4, softirq +4, steal +2
      stat: "cpu  160 0 70 900 60 4 4 2 0 0\ncpu0 120 0 40 420 20 0 0 0 0 0\ncpu1 40 0 30 480 30 0 0 0 0 0\n",
      disks: [disk("sda", 8192, 4096, 500), disk("dm-0", 8192, 4096, 500)].join("\n"),
      net: [nic("eth0", 5000, 2500), nic("wg0", 100, 300)].join("\n"),
    });
    const snap = buildSnapshot(after, before, 100);
    assert.equal(snap.intervalSeconds, 2);
    assert.equal(snap.cpu?.busy, 0.45);
    assert.deepEqual(snap.cpu?.modes, {
      user: 0.3,
      nice: 0,
      system: 0.1,
      idle: 0.5,
      iowait: 0.05,
      irq: 0.02,
      softirq: 0.02,
      steal: 0.01,
    });
    assert.deepEqual(
      snap.cpu?.perCpu.map((c) => [c.cpu, c.busy]),
      [
        [0, 0.8],
        [1, 0],
      ],
    );
    const sda = snap.disks?.devices.find((d) => d.device === "sda");
    assert.equal(sda?.readBytesPerSecond, (8192 * 512) / 2);
    assert.equal(sda?.writeBytesPerSecond, (4096 * 512) / 2);
    assert.equal(sda?.busy, 0.25);
    // dm-0 sits on sda: its bytes are not counted twice in the totals.
    assert.equal(snap.disks?.readBytesPerSecond, (8192 * 512) / 2);
    assert.equal(snap.disks?.writeBytesPerSecond, (4096 * 512) / 2);
    assert.equal(snap.network?.interfaces[0]?.receiveBytesPerSecond, 2000);
    assert.equal(snap.network?.interfaces[0]?.transmitBytesPerSecond, 250);
    assert.equal(snap.network?.receiveBytesPerSecond, 2050);
    assert.equal(snap.network?.transmitBytesPerSecond, 400);
  });

  it("gives null, never a negative rate, when a counter went down or a device is new", () => {
    const before = reading(0, {
      stat: "cpu  100 0 50 800 50 0 0 0 0 0\n",
      disks: disk("sda", 100, 100, 100),
      net: nic("eth0", 5000, 5000),
    });
    const after = reading(1_000, {
      // iowait went backwards (the kernel allows it): clamped to no time, not negative.
      stat: "cpu  150 0 50 850 40 0 0 0 0 0\n",
      disks: [disk("sda", 50, 200, 200), disk("sdb", 1, 1, 1)].join("\n"),
      net: nic("eth0", 10, 6000),
    });
    const snap = buildSnapshot(after, before, 100);
    assert.equal(snap.cpu?.modes?.iowait, 0);
    assert.equal(snap.cpu?.busy, 0.5);
    const [sda, sdb] = snap.disks?.devices ?? [];
    assert.equal(sda?.readBytesPerSecond, null);
    assert.equal(sda?.writeBytesPerSecond, 100 * 512);
    assert.equal(sdb?.readBytesPerSecond, null);
    assert.equal(snap.disks?.readBytesPerSecond, 0);
    assert.equal(snap.network?.interfaces[0]?.receiveBytesPerSecond, null);
    assert.equal(snap.network?.interfaces[0]?.transmitBytesPerSecond, 1000);
  });

  it("gives null CPU shares when no tick passed, and null rates for a zero interval", () => {
    const stat = "cpu  100 0 50 800 50 0 0 0 0 0\n";
    const snap = buildSnapshot(reading(5, { stat }), reading(5, { stat }), 100);
    assert.equal(snap.intervalSeconds, null);
    assert.equal(snap.cpu?.busy, null);
  });

  it("computes memory as free(1) does, and falls back without MemAvailable", () => {
    const snap = buildSnapshot(
      reading(0, {
        meminfo:
          "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nBuffers: 10 kB\nCached: 300 kB\nSReclaimable: 40 kB\nShmem: 5 kB\nSwapTotal: 200 kB\nSwapFree: 150 kB\nSwapCached: 7 kB\n",
      }),
      undefined,
      100,
    );
    assert.deepEqual(snap.memory, {
      totalBytes: 1000 * 1024,
      freeBytes: 100 * 1024,
      availableBytes: 600 * 1024,
      usedBytes: 400 * 1024,
      usedFraction: 0.4,
      buffersBytes: 10 * 1024,
      cachedBytes: 340 * 1024,
      sharedBytes: 5 * 1024,
    });
    assert.deepEqual(snap.swap, {
      totalBytes: 200 * 1024,
      freeBytes: 150 * 1024,
      usedBytes: 50 * 1024,
      usedFraction: 0.25,
      cachedBytes: 7 * 1024,
    });
    const old = buildSnapshot(
      reading(0, {
        meminfo: "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 300 kB\n",
      }),
      undefined,
      100,
    );
    assert.equal(old.memory?.availableBytes, 410 * 1024);
    assert.deepEqual(old.swap, {
      totalBytes: 0,
      freeBytes: 0,
      usedBytes: 0,
      usedFraction: 0,
      cachedBytes: 0,
    });
  });

  it("leaves a part that could not be read null", () => {
    const snap = buildSnapshot(reading(0, {}), undefined, 100);
    assert.equal(snap.cpu, null);
    assert.equal(snap.memory, null);
    assert.equal(snap.swap, null);
    assert.equal(snap.disks, null);
    assert.equal(snap.network, null);
    assert.equal(snap.uptime?.bootTimeSeconds, null);
  });
});
