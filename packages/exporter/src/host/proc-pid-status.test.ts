import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parsePidMemory } from "./proc-pid-status.ts";

const CAPTURE = `Name:\tqbittorrent-nox
Umask:\t0022
State:\tS (sleeping)
Tgid:\t31002
Pid:\t31002
VmPeak:\t  780364 kB
VmSize:\t  714828 kB
VmLck:\t       0 kB
VmHWM:\t   61244 kB
VmRSS:\t   60912 kB
RssAnon:\t   21340 kB
Threads:\t19
`;

describe("parsePidMemory", () => {
  it("reads VmRSS and VmSize of a qbittorrent-nox capture, in bytes", () => {
    assert.deepEqual(parsePidMemory(CAPTURE), {
      residentBytes: 60912 * 1024,
      virtualBytes: 714828 * 1024,
    });
  });

  it("is undefined for a zombie, which has no Vm lines", () => {
    assert.equal(parsePidMemory("Name:\tx\nState:\tZ (zombie)\nThreads:\t1\n"), undefined);
  });

  it("rejects a VmRSS line in another unit", () => {
    assert.throws(
      () => parsePidMemory("VmSize:\t 10 kB\nVmRSS:\t 10 MB\n"),
      (error: unknown) => error instanceof HostParseError && error.file === "/proc/PID/status",
    );
  });
});
