import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parseUptime } from "./proc-uptime.ts";

describe("parseUptime", () => {
  it("reads a capture from a 2-CPU VM (idle is summed over CPUs, so above the uptime)", () => {
    assert.deepEqual(parseUptime("2407.29 4465.63\n"), {
      uptimeSeconds: 2407.29,
      idleSeconds: 4465.63,
    });
  });

  it("reads a machine up for a year, and one just booted", () => {
    assert.deepEqual(parseUptime("31557600.00 2019686400.12\n"), {
      uptimeSeconds: 31557600,
      idleSeconds: 2019686400.12,
    });
    assert.deepEqual(parseUptime("0.51 0.00\n"), { uptimeSeconds: 0.51, idleSeconds: 0 });
  });

  for (const bad of ["", "2407.29\n", "2407.29 4465.63 1\n", "-1.00 3.00\n", "abc 1.0\n"]) {
    it(`rejects ${JSON.stringify(bad)} with a message naming the file`, () => {
      assert.throws(
        () => parseUptime(bad),
        (error: unknown) =>
          error instanceof HostParseError && error.message.startsWith("/proc/uptime: expected"),
      );
    });
  }
});
