import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parseLoadavg } from "./proc-loadavg.ts";

describe("parseLoadavg", () => {
  it("reads a capture from this project's test VM", () => {
    assert.deepEqual(parseLoadavg("0.72 0.49 0.33 2/219 22312\n"), {
      load1: 0.72,
      load5: 0.49,
      load15: 0.33,
      runnable: 2,
      tasks: 219,
      lastPid: 22312,
    });
  });

  it("reads a busy 128-CPU box with large load and PID figures", () => {
    assert.deepEqual(parseLoadavg("131.07 98.50 77.12 140/48213 4194303\n"), {
      load1: 131.07,
      load5: 98.5,
      load15: 77.12,
      runnable: 140,
      tasks: 48213,
      lastPid: 4194303,
    });
  });

  for (const bad of [
    "",
    "0.72 0.49 0.33 2 22312\n",
    "0.72 0.49 0.33 2/219\n",
    "x 0.49 0.33 2/219 1\n",
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parseLoadavg(bad),
        (error: unknown) => error instanceof HostParseError && error.file === "/proc/loadavg",
      );
    });
  }
});
