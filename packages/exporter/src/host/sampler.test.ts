import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { StatsFs } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual, promisify } from "node:util";
import { tempDir } from "@seedwatch/testbed";
import { HostError } from "./errors.ts";
import { type HostClock, HostSampler, USER_HZ } from "./sampler.ts";
import type { HostFilesystemUsage, HostSnapshot } from "./snapshot.ts";

const run = async (command: string, ...args: string[]): Promise<string> =>
  (await promisify(execFile)(command, args, { encoding: "utf8" })).stdout;

/** A clock the test moves by hand. */
function manualClock(): HostClock & { advance(ms: number): void } {
  let now = 1_000;
  return {
    monotonicMs: () => now,
    wallMs: () => 1_700_000_000_000 + now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const disk = (name: string, read: number, written: number, ioMs: number) =>
  `   8       0 ${name} 10 0 ${read} 0 20 0 ${written} 0 0 ${ioMs} 0 0 0 0 0 0 0`;
const nic = (name: string, rx: number, tx: number) =>
  `${name.padStart(6)}: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0`;
const NET_HEADER = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed`;

describe("HostSampler on files captured into a proc root", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let proc = "";
  let sys = "";
  const put = async (path: string, text: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  };

  before(async () => {
    dir = await tempDir("host");
    proc = join(dir.path, "proc");
    sys = join(dir.path, "sys");
    await put(join(proc, "uptime"), "2407.29 4465.63\n");
    await put(join(proc, "loadavg"), "0.72 0.49 0.33 2/219 22312\n");
    await put(
      join(proc, "meminfo"),
      "MemTotal: 24683656 kB\nMemFree: 24167932 kB\nMemAvailable: 24291072 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n",
    );
    await put(
      join(proc, "stat"),
      "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\nbtime 1795321335\n",
    );
    await put(
      join(proc, "diskstats"),
      [disk("loop0", 9, 9, 9), disk("vda", 0, 0, 0), disk("dm-0", 0, 0, 0), disk("zram0", 1, 1, 1)]
        .join("\n")
        .concat("\n"),
    );
    await put(
      join(proc, "net", "dev"),
      `${NET_HEADER}\n${nic("lo", 500, 500)}\n${nic("eth0", 1000, 2000)}\n`,
    );
    for (const device of ["loop0", "vda", "zram0"]) {
      await mkdir(join(sys, "block", device, "slaves"), { recursive: true });
    }
    await put(join(sys, "block", "dm-0", "slaves", "vda"), "");
  });
  after(() => dir.remove());

  it("reads every part, filters loop, zram and lo, and has rates from the second sample", async () => {
    const clock = manualClock();
    const sampler = new HostSampler({
      procRoot: proc,
      sysRoot: sys,
      paths: [dir.path, join(dir.path, "missing")],
      clock,
    });
    const first = await sampler.sample();
    assert.equal(sampler.latest, first);
    assert.equal(first.timestampMs, 1_700_000_001_000);
    assert.deepEqual(first.uptime, { seconds: 2407.29, bootTimeSeconds: 1795321335 });
    assert.deepEqual(first.load, {
      load1: 0.72,
      load5: 0.49,
      load15: 0.33,
      runnable: 2,
      tasks: 219,
    });
    assert.equal(first.memory?.availableBytes, 24291072 * 1024);
    assert.equal(first.swap?.totalBytes, 0);
    assert.deepEqual(
      first.disks?.devices.map((d) => [d.device, d.stacked]),
      [
        ["vda", false],
        ["dm-0", true],
      ],
    );
    assert.deepEqual(
      first.network?.interfaces.map((i) => i.interface),
      ["eth0"],
    );
    assert.equal(first.filesystems[0]?.ok, true);
    const missing = first.filesystems[1];
    assert.equal(missing?.ok, false);
    assert.match(missing.ok ? "" : missing.error, /missing: ENOENT/);
    assert.deepEqual(
      first.problems.map((p) => p.file),
      [join(dir.path, "missing")],
    );

    await writeFile(
      join(proc, "stat"),
      "cpu  130 0 60 850 60 0 0 0 0 0\ncpu0 130 0 60 850 60 0 0 0 0 0\nbtime 1795321335\n",
    );
    await writeFile(
      join(proc, "diskstats"),
      `${disk("vda", 4000, 2000, 500)}\n${disk("dm-0", 4000, 2000, 500)}\n`,
    );
    await writeFile(
      join(proc, "net", "dev"),
      `${NET_HEADER}\n${nic("lo", 9000, 9000)}\n${nic("eth0", 5000, 2500)}\n`,
    );
    clock.advance(2_000);
    const second = await sampler.sample();
    assert.equal(second.intervalSeconds, 2);
    assert.equal(second.cpu?.busy, 0.4);
    assert.equal(second.disks?.devices[0]?.readBytesPerSecond, (4000 * 512) / 2);
    assert.equal(second.disks?.readBytesPerSecond, (4000 * 512) / 2, "dm-0 is not counted twice");
    assert.equal(second.disks?.devices[0]?.busy, 0.25);
    assert.equal(second.network?.receiveBytesPerSecond, 2000);
    assert.equal(second.network?.transmitBytesPerSecond, 250);
  });

  it("reuses a snapshot younger than minIntervalMs and shares a read in flight", async () => {
    const clock = manualClock();
    const sampler = new HostSampler({ procRoot: proc, sysRoot: sys, clock });
    const [a, b] = await Promise.all([sampler.sample(), sampler.sample()]);
    assert.equal(a, b);
    const uptimeFile = join(proc, "uptime");
    await writeFile(uptimeFile, "2500.00 4600.00\n");
    try {
      clock.advance(999);
      assert.equal(await sampler.sample(), a);
      clock.advance(1);
      const fresh = await sampler.sample();
      assert.notEqual(fresh, a);
      assert.equal(fresh.uptime?.seconds, 2500);
      assert.equal(fresh.intervalSeconds, 1);
    } finally {
      await writeFile(uptimeFile, "2407.29 4465.63\n");
    }
  });

  it("reports an unreadable or garbled file and keeps the other parts", async () => {
    const broken = join(dir.path, "broken");
    await mkdir(join(broken, "net"), { recursive: true });
    await writeFile(join(broken, "uptime"), "2407.29 4465.63\n");
    await writeFile(join(broken, "loadavg"), "this is not a load average\n");
    await writeFile(join(broken, "stat"), "cpu  1 2 3 4\n");
    const sampler = new HostSampler({ procRoot: broken, sysRoot: join(dir.path, "no-sys") });
    const snap = await sampler.sample();
    assert.equal(snap.uptime?.seconds, 2407.29);
    assert.equal(snap.cpu?.seconds.idle, 0.04);
    assert.equal(snap.load, null);
    assert.equal(snap.memory, null);
    assert.equal(snap.disks, null);
    assert.equal(snap.network, null);
    assert.deepEqual(snap.problems.map((p) => p.file).sort(), [
      "/proc/diskstats",
      "/proc/loadavg",
      "/proc/meminfo",
      "/proc/net/dev",
    ]);
    const load = snap.problems.find((p) => p.file === "/proc/loadavg");
    assert.match(load?.message ?? "", /^\/proc\/loadavg: expected "<load1> <load5>/);
    const mem = snap.problems.find((p) => p.file === "/proc/meminfo");
    assert.match(mem?.message ?? "", /^\/proc\/meminfo: ENOENT/);
  });

  it("falls back to naming rules without sysfs, and lists /sys/block again on hotplug", async () => {
    const clock = manualClock();
    const noSys = new HostSampler({ procRoot: proc, sysRoot: join(dir.path, "no-sys"), clock });
    const snap = await noSys.sample();
    assert.deepEqual(
      snap.disks?.devices.map((d) => [d.device, d.stacked]),
      [
        ["vda", false],
        ["dm-0", true],
      ],
    );
    assert.match(snap.problems[0]?.message ?? "", /^\/sys\/block: ENOENT/);

    const sampler = new HostSampler({ procRoot: proc, sysRoot: sys, clock, minIntervalMs: 0 });
    const statsFile = join(proc, "diskstats");
    const saved = await readFile(statsFile, "utf8");
    try {
      await sampler.sample();
      await mkdir(join(sys, "block", "sdb", "slaves"), { recursive: true });
      await writeFile(statsFile, `${saved}${disk("sdb", 1, 1, 1)}\n${disk("sdb1", 1, 1, 1)}\n`);
      const plugged = await sampler.sample();
      assert.deepEqual(
        plugged.disks?.devices.map((d) => d.device),
        ["vda", "dm-0", "sdb"],
      );
    } finally {
      await writeFile(statsFile, saved);
      await rm(join(sys, "block", "sdb"), { recursive: true });
    }
  });

  it("rejects bad options with the field and what was expected", () => {
    assert.throws(
      () => new HostSampler({ paths: ["/", "data/torrents"] }),
      (e: unknown) =>
        e instanceof HostError &&
        e.message === 'paths[1]: expected an absolute path, got "data/torrents"',
    );
    assert.throws(
      () => new HostSampler({ ticksPerSecond: 0 }),
      /ticksPerSecond: expected a positive integer, got 0/,
    );
    assert.throws(
      () => new HostSampler({ minIntervalMs: -1 }),
      /minIntervalMs: expected a non-negative number, got -1/,
    );
    assert.deepEqual(new HostSampler({ paths: ["/", "/tmp", "/"] }).paths, ["/", "/tmp"]);
  });
});

/** A statfs answer of 1000 blocks of 4 KiB, 250 free, 200 available. */
const STATS: StatsFs = {
  type: 0xef53,
  bsize: 4096,
  frsize: 4096,
  blocks: 1000,
  bfree: 250,
  bavail: 200,
  files: 100,
  ffree: 40,
};

/** A statfs that hangs on the paths in `hung` until released, and counts its calls per path. */
function hangingStatfs(hung: Set<string>) {
  const calls = new Map<string, number>();
  const pending: Array<{ resolve: (stats: StatsFs) => void; reject: (error: Error) => void }> = [];
  const statfs = (path: string): Promise<StatsFs> => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    if (!hung.has(path)) return Promise.resolve(STATS);
    return new Promise<StatsFs>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { statfs, calls, pending };
}

describe("HostSampler with a mount that hangs", () => {
  it("marks the path stuck, asks it once until the hung call returns, serves the others, then asks again", async () => {
    const hung = new Set(["/mnt/nfs"]);
    const fake = hangingStatfs(hung);
    const events: string[] = [];
    const sampler = new HostSampler({
      paths: ["/", "/mnt/nfs", "/srv"],
      statfs: fake.statfs,
      statfsTimeoutMs: 100,
      minIntervalMs: 0,
      onFilesystemStuck: (path, timeoutMs) => events.push(`stuck ${path} ${timeoutMs}`),
      onFilesystemRecovered: (path) => events.push(`recovered ${path}`),
    });
    const first = await sampler.sample();
    assert.deepEqual(
      first.filesystems.map((fs) => [fs.path, fs.ok, fs.ok ? false : fs.stuck]),
      [
        ["/", true, false],
        ["/mnt/nfs", false, true],
        ["/srv", true, false],
      ],
    );
    const stuck = first.filesystems[1];
    assert.equal(
      stuck?.ok === false ? stuck.error : "",
      "/mnt/nfs: statfs did not answer within 0.1s: the mount is stuck (not asked again until that call returns)",
    );
    assert.deepEqual(first.problems, [
      { file: "/mnt/nfs", message: stuck?.ok ? "" : stuck?.error },
    ]);
    assert.equal((first.filesystems[0] as HostFilesystemUsage).availableBytes, 200 * 4096);
    assert.deepEqual(events, ["stuck /mnt/nfs 100"]);

    for (let i = 0; i < 3; i++) {
      const again = await sampler.sample();
      assert.deepEqual(
        again.filesystems.map((fs) => [fs.path, fs.ok]),
        [
          ["/", true],
          ["/mnt/nfs", false],
          ["/srv", true],
        ],
      );
      assert.equal(again.filesystems[1]?.ok === false && again.filesystems[1].stuck, true);
    }
    assert.deepEqual(
      Object.fromEntries(fake.calls),
      { "/": 4, "/mnt/nfs": 1, "/srv": 4 },
      "the stuck path was asked once, the others on every sample",
    );

    // The hung call returns (here with an error, as a FUSE mount whose server died does).
    fake.pending[0]?.reject(Object.assign(new Error("ENOTCONN"), { code: "ENOTCONN" }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, ["stuck /mnt/nfs 100", "recovered /mnt/nfs"]);
    const hungAgain = await sampler.sample();
    assert.equal(fake.calls.get("/mnt/nfs"), 2, "asked again once the hung call returned");
    assert.equal(hungAgain.filesystems[1]?.ok === false && hungAgain.filesystems[1].stuck, true);
    // The server is back: the hung call returns with figures (dropped), and the next asks anew.
    hung.clear();
    fake.pending[1]?.resolve(STATS);
    await new Promise((resolve) => setImmediate(resolve));
    const back = await sampler.sample();
    assert.equal(fake.calls.get("/mnt/nfs"), 3);
    const nfs = back.filesystems[1];
    assert.ok(nfs?.ok, nfs?.ok === false ? nfs.error : "");
    assert.equal(nfs.usedBytes, 750 * 4096);
    assert.deepEqual(back.problems, []);
  });

  it("does not take a fast failure (a missing path) for a stuck mount", async () => {
    const sampler = new HostSampler({
      paths: ["/nowhere/at/all"],
      statfsTimeoutMs: 60_000,
      minIntervalMs: 0,
    });
    for (let i = 0; i < 2; i++) {
      const [gone] = (await sampler.sample()).filesystems;
      assert.equal(gone?.ok, false);
      assert.equal(gone?.ok === false && gone.stuck, false);
      assert.match(gone?.ok === false ? gone.error : "", /^\/nowhere\/at\/all: ENOENT/);
    }
    assert.throws(
      () => new HostSampler({ statfsTimeoutMs: 0 }),
      /statfsTimeoutMs: expected a positive number of milliseconds, got 0/,
    );
  });
});

/** Runs `reference`, `ours`, `reference` until the reference holds still, and returns both. */
async function whileStill<R, O>(
  reference: () => Promise<R>,
  ours: () => Promise<O>,
): Promise<[R, O]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await reference();
    const value = await ours();
    if (isDeepStrictEqual(first, await reference())) return [first, value];
  }
  throw new Error("the reference figures did not hold still between two reads in 20 attempts");
}

async function freshSample(paths: readonly string[] = []): Promise<HostSnapshot> {
  return new HostSampler({ paths, minIntervalMs: 0 }).sample();
}

const readNumber = async (path: string) => Number((await readFile(path, "utf8")).trim());

describe("HostSampler against the kernel's own figures on this machine", () => {
  it("reads /proc in USER_HZ ticks, which is getconf CLK_TCK", async () => {
    assert.equal(Number((await run("getconf", "CLK_TCK")).trim()), USER_HZ);
  });

  it("counts the online CPUs as getconf does, and their time as libuv's os.cpus() does", async () => {
    const online = Number((await run("getconf", "_NPROCESSORS_ONLN")).trim());
    // os.cpus() reads the cpuN lines with the real sysconf(_SC_CLK_TCK), in milliseconds.
    const lower = cpus();
    const snap = await freshSample();
    const upper = cpus();
    assert.equal(snap.cpu?.count, online);
    assert.equal(snap.cpu?.perCpu.length, lower.length);
    const modes = [
      ["user", "user"],
      ["nice", "nice"],
      ["sys", "system"],
      ["idle", "idle"],
      ["irq", "irq"],
    ] as const;
    snap.cpu?.perCpu.forEach((core, i) => {
      for (const [theirs, ours] of modes) {
        const ms = Math.round(core.seconds[ours] * 1000);
        const low = lower[i]?.times[theirs] ?? Number.NaN;
        const high = upper[i]?.times[theirs] ?? Number.NaN;
        assert.ok(low <= ms && ms <= high, `cpu${core.cpu} ${ours}: ${low} <= ${ms} <= ${high}`);
      }
    });
  });

  it("has the uptime of /proc/uptime as cat reads it", async () => {
    const lower = Number((await run("cat", "/proc/uptime")).split(" ")[0]);
    const snap = await freshSample();
    const upper = Number((await run("cat", "/proc/uptime")).split(" ")[0]);
    const seconds = snap.uptime?.seconds ?? Number.NaN;
    assert.ok(lower <= seconds && seconds <= upper, `${lower} <= ${seconds} <= ${upper}`);
    assert.equal(snap.problems.length, 0, JSON.stringify(snap.problems));
  });

  it("has the load averages cat /proc/loadavg shows", async () => {
    const [theirs, snap] = await whileStill(
      async () => (await run("cat", "/proc/loadavg")).split(" ").slice(0, 3).map(Number),
      () => freshSample(),
    );
    assert.deepEqual([snap.load?.load1, snap.load?.load5, snap.load?.load15], theirs);
  });

  it("has the memory and swap figures of free -b", async () => {
    const free = async () => {
      const lines = (await run("free", "-b")).trim().split("\n");
      const header = (lines[0] ?? "").trim().split(/\s+/);
      const row = (name: string) => {
        const values = (lines.find((l) => l.startsWith(name)) ?? "").trim().split(/\s+/).slice(1);
        return Object.fromEntries(header.map((column, i) => [column, Number(values[i])]));
      };
      return { mem: row("Mem:"), swap: row("Swap:") };
    };
    // Free memory moves between two reads (starting free itself takes some): each figure must
    // lie between what free said just before and just after, give or take 16 MiB.
    const slack = 16 * 2 ** 20;
    let last = "";
    for (let attempt = 0; attempt < 10; attempt++) {
      const lower = await free();
      const snap = await freshSample();
      const upper = await free();
      const memory = snap.memory;
      const swap = snap.swap;
      assert.ok(memory !== null && swap !== null);
      assert.equal(memory.totalBytes, lower.mem.total);
      assert.equal(swap.totalBytes, lower.swap.total);
      const pairs: [string, number, number, number][] = [
        ["free", memory.freeBytes, lower.mem.free ?? 0, upper.mem.free ?? 0],
        ["available", memory.availableBytes, lower.mem.available ?? 0, upper.mem.available ?? 0],
        ["shared", memory.sharedBytes, lower.mem.shared ?? 0, upper.mem.shared ?? 0],
        [
          "buff/cache",
          memory.buffersBytes + memory.cachedBytes,
          lower.mem["buff/cache"] ?? 0,
          upper.mem["buff/cache"] ?? 0,
        ],
        ["swap free", swap.freeBytes, lower.swap.free ?? 0, upper.swap.free ?? 0],
      ];
      const off = pairs.filter(
        ([, ours, a, b]) => ours < Math.min(a, b) - slack || ours > Math.max(a, b) + slack,
      );
      if (off.length === 0) return;
      last = off.map(([name, ours, a, b]) => `${name}: ours ${ours}, free ${a}..${b}`).join("; ");
    }
    assert.fail(`memory figures never matched free -b: ${last}`);
  });

  it("has the statfs figures df shows, for several paths, and df's error for a missing one", async () => {
    const dir = await tempDir("host-df");
    try {
      const paths = ["/", dir.path, "/proc"];
      const [theirs, snap] = await whileStill(
        async () =>
          (await run("df", "-B1", "--output=size,used,avail,itotal,iavail", ...paths))
            .trim()
            .split("\n")
            .slice(1)
            .map((line) => line.trim().split(/\s+/)),
        () => freshSample(paths),
      );
      assert.equal(snap.filesystems.length, 3);
      snap.filesystems.forEach((fs, i) => {
        assert.ok(fs.ok, `${paths[i]}: ${fs.ok ? "" : fs.error}`);
        const usage = fs as HostFilesystemUsage;
        const [size, used, avail, itotal, iavail] = theirs[i] ?? [];
        assert.deepEqual(
          [usage.sizeBytes, usage.usedBytes, usage.availableBytes],
          [Number(size), Number(used), Number(avail)],
          paths[i],
        );
        // df prints "-" where a file system has no inode figures.
        assert.deepEqual(
          [usage.files, usage.filesFree],
          [itotal === "-" ? 0 : Number(itotal), iavail === "-" ? 0 : Number(iavail)],
          paths[i],
        );
      });
      const missing = join(dir.path, "gone");
      const dfError = await run("df", missing).then(
        () => "",
        (error: { stderr: string }) => error.stderr,
      );
      assert.match(dfError, /No such file or directory/);
      const [gone] = (await freshSample([missing])).filesystems;
      assert.equal(gone?.ok, false);
      assert.match(gone?.ok === false ? gone.error : "", /ENOENT/);
    } finally {
      await dir.remove();
    }
  });

  it("has the disk counters of /sys/block/<disk>/stat, whole disks only, no loop, ram or zram", async () => {
    const sysBlock = await readdir("/sys/block");
    const diskstats = (await run("cat", "/proc/diskstats"))
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/)[2] ?? "");
    const expected = sysBlock
      .map((name) => name.replaceAll("!", "/"))
      .filter((name) => diskstats.includes(name) && !/^(loop|ram|zram)\d+$/.test(name));
    // /sys/block/<disk>/stat: reads, merged, sectors read, ms, writes, merged, sectors written,
    // ms, in flight, io ticks, ... (Documentation/block/stat.rst).
    const stat = async (device: string) =>
      (await readFile(`/sys/block/${device.replaceAll("/", "!")}/stat`, "utf8"))
        .trim()
        .split(/\s+/)
        .map(Number);
    const lower = new Map(
      await Promise.all(expected.map(async (d) => [d, await stat(d)] as const)),
    );
    const snap = await freshSample();
    const upper = new Map(
      await Promise.all(expected.map(async (d) => [d, await stat(d)] as const)),
    );
    assert.deepEqual(
      snap.disks?.devices.map((d) => d.device),
      expected,
    );
    assert.ok(expected.length > 0, "this machine has at least one disk");
    for (const disk of snap.disks?.devices ?? []) {
      const low = lower.get(disk.device) ?? [];
      const high = upper.get(disk.device) ?? [];
      const figures: [string, number, number][] = [
        ["reads", disk.readsCompleted, 0],
        ["sectors read", disk.readBytes / 512, 2],
        ["writes", disk.writesCompleted, 4],
        ["sectors written", disk.writtenBytes / 512, 6],
        ["io ms", Math.round(disk.ioTimeSeconds * 1000), 9],
      ];
      for (const [what, ours, column] of figures) {
        const a = low[column] ?? Number.NaN;
        const b = high[column] ?? Number.NaN;
        assert.ok(a <= ours && ours <= b, `${disk.device} ${what}: ${a} <= ${ours} <= ${b}`);
      }
    }
  });

  it("has the interface counters of /sys/class/net/<if>/statistics, every interface but lo", async () => {
    const names = (await readdir("/sys/class/net")).filter((name) => name !== "lo");
    const columns = [
      ["rx_bytes", "receiveBytes"],
      ["tx_bytes", "transmitBytes"],
      ["rx_packets", "receivePackets"],
      ["tx_packets", "transmitPackets"],
      ["rx_errors", "receiveErrors"],
      ["tx_errors", "transmitErrors"],
      ["tx_dropped", "transmitDrops"],
    ] as const;
    const read = async () => {
      const out = new Map<string, Record<string, number>>();
      for (const name of names) {
        const dir = `/sys/class/net/${name}/statistics`;
        const values: Record<string, number> = {};
        for (const [file] of columns) values[file] = await readNumber(join(dir, file));
        // The kernel prints rx_dropped + rx_missed_errors in the drop column of /proc/net/dev.
        values.rx_dropped =
          (await readNumber(join(dir, "rx_dropped"))) +
          (await readNumber(join(dir, "rx_missed_errors")));
        out.set(name, values);
      }
      return out;
    };
    const lower = await read();
    const snap = await freshSample();
    const upper = await read();
    assert.deepEqual(snap.network?.interfaces.map((i) => i.interface).sort(), [...names].sort());
    for (const nic of snap.network?.interfaces ?? []) {
      const all = [...columns, ["rx_dropped", "receiveDrops"] as const];
      for (const [file, field] of all) {
        const a = lower.get(nic.interface)?.[file] ?? Number.NaN;
        const b = upper.get(nic.interface)?.[file] ?? Number.NaN;
        const ours = nic[field];
        assert.ok(a <= ours && ours <= b, `${nic.interface} ${file}: ${a} <= ${ours} <= ${b}`);
      }
    }
  });

  it("derives rates between two real samples from the counters and the interval", async () => {
    const sampler = new HostSampler({ minIntervalMs: 0 });
    const first = await sampler.sample();
    const second = await sampler.sample();
    const interval = second.intervalSeconds ?? Number.NaN;
    assert.ok(interval > 0);
    assert.equal(first.intervalSeconds, null);
    for (const nic of second.network?.interfaces ?? []) {
      const old = first.network?.interfaces.find((i) => i.interface === nic.interface);
      assert.equal(
        nic.receiveBytesPerSecond,
        (nic.receiveBytes - (old?.receiveBytes ?? Number.NaN)) / interval,
      );
    }
    const busy = second.cpu?.busy;
    assert.ok(busy === null || (busy !== undefined && busy >= 0 && busy <= 1), String(busy));
  });
});
