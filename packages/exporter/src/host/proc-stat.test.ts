import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parseStat } from "./proc-stat.ts";

// Captured on this project's test VM (Linux 6.18, 2 CPUs); the intr line is cut short.
const CAPTURED = `cpu  22875 0 9663 446562 869 0 312 71 0 0
cpu0 9340 0 4183 226418 74 0 122 32 0 0
cpu1 13535 0 5479 220144 794 0 190 39 0 0
intr 767815 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 9 0 0 0 0 481 197 0 51 1
ctxt 1575551
btime 1795321335
processes 16885
procs_running 2
procs_blocked 0
softirq 397560 0 52204 7 28821 97718 0 4 136990 0 81816
`;

describe("parseStat", () => {
  it("reads the totals, each CPU and the boot time of a capture", () => {
    const stat = parseStat(CAPTURED);
    assert.deepEqual(stat.total, {
      user: 22875,
      nice: 0,
      system: 9663,
      idle: 446562,
      iowait: 869,
      irq: 0,
      softirq: 312,
      steal: 71,
      guest: 0,
      guestNice: 0,
    });
    assert.deepEqual(
      stat.cpus.map((c) => [c.cpu, c.ticks.user, c.ticks.idle, c.ticks.steal]),
      [
        [0, 9340, 226418, 32],
        [1, 13535, 220144, 39],
      ],
    );
    assert.equal(stat.bootTimeSeconds, 1795321335);
  });

  it("keeps CPU numbers on a 96-CPU machine with CPUs 17 and 40 offline", () => {
    const lines = ["cpu  9600 10 4800 960000 96 0 48 0 200 5"];
    for (let n = 0; n < 96; n++) {
      if (n === 17 || n === 40) continue;
      lines.push(`cpu${n} ${100 + n} 0 50 10000 1 0 0 0 2 0`);
    }
    const stat = parseStat(`${lines.join("\n")}\nbtime 1700000000\n`);
    assert.equal(stat.cpus.length, 94);
    assert.equal(
      stat.cpus.some((c) => c.cpu === 17 || c.cpu === 40),
      false,
    );
    assert.deepEqual(stat.cpus.at(-1)?.cpu, 95);
    assert.equal(stat.cpus.find((c) => c.cpu === 41)?.ticks.user, 141);
    assert.equal(stat.total.guest, 200);
    assert.equal(stat.total.guestNice, 5);
  });

  it("reads old kernels' shorter lines as zeros for the missing columns", () => {
    // Linux 2.6.18 (RHEL 5): 8 columns, no guest; Linux 2.4: 4 columns, no btime in the sample.
    const rhel5 = parseStat("cpu  100 2 30 4000 5 6 7 8\ncpu0 100 2 30 4000 5 6 7 8\n");
    assert.equal(rhel5.total.steal, 8);
    assert.equal(rhel5.total.guest, 0);
    const linux24 = parseStat("cpu  100 2 30 4000\ncpu0 100 2 30 4000\n");
    assert.deepEqual([linux24.total.idle, linux24.total.iowait, linux24.total.steal], [4000, 0, 0]);
    assert.equal(linux24.bootTimeSeconds, undefined);
  });

  it("skips a long intr line without choking on it", () => {
    const intr = `intr ${Array.from({ length: 100_000 }, (_, i) => i).join(" ")}`;
    const stat = parseStat(`cpu  1 2 3 4 5 6 7 8 9 10\n${intr}\nbtime 5\n`);
    assert.equal(stat.total.guestNice, 10);
    assert.equal(stat.bootTimeSeconds, 5);
  });

  const bad: [string, string, RegExp][] = [
    ["no cpu line", "ctxt 1\nbtime 2\n", /expected a "cpu" line/],
    ["a letter in a count", "cpu  1 x 3 4\n", /unsigned integer for nice on the cpu line, got "x"/],
    ["too few columns", "cpu  1 2 3\n", /at least 4 tick counts on the cpu line, got 3/],
    ["an unknown cpu line", "cpu  1 2 3 4\ncpufreq 1\n", /unexpected line "cpufreq"/],
    ["a negative count", "cpu  1 2 3 4\ncpu0 1 -2 3 4\n", /nice on the cpu0 line, got "-2"/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseStat(text),
        (error: unknown) =>
          error instanceof HostParseError &&
          error.message.startsWith("/proc/stat: ") &&
          message.test(error.message),
      );
    });
  }
});
