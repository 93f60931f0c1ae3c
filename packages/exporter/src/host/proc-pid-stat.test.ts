import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parsePidStat } from "./proc-pid-stat.ts";

describe("parsePidStat", () => {
  it("reads a capture of an rtorrent process on this project's test VM", () => {
    const text =
      "29938 (rtorrent main) S 29930 29938 29930 0 -1 4194560 1953 0 0 0 17 9 0 0 20 0 2 0 1279100 59887616 3391 18446744073709551615 94366 94367 140731 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    assert.deepEqual(parsePidStat(text), {
      pid: 29938,
      comm: "rtorrent main",
      state: "S",
      userTicks: 17,
      systemTicks: 9,
      startTicks: 1279100,
      virtualBytes: 59887616,
      residentPages: 3391,
    });
  });

  it("reads a command name holding parentheses and blanks up to the last )", () => {
    const text =
      "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 1000 2 18446744073709551615 0 0 0\n";
    const stat = parsePidStat(text);
    assert.equal(stat.comm, "a) b (c)");
    assert.equal(stat.state, "R");
    assert.equal(stat.userTicks, 5);
    assert.equal(stat.systemTicks, 6);
    assert.equal(stat.startTicks, 99);
    assert.equal(stat.virtualBytes, 1000);
  });

  for (const bad of [
    "",
    "12 rtorrent S 1",
    "12 (rtorrent) S 1 2 3\n",
    "x (a) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 1000 2 3\n",
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parsePidStat(bad),
        (error: unknown) => error instanceof HostParseError && error.file === "/proc/PID/stat",
      );
    });
  }
});
