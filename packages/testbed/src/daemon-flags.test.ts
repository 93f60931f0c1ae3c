// Tests of reading the executable's launch line.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { daemonLaunch, parseLaunchLine } from "./daemon-flags.ts";

describe("parseLaunchLine", () => {
  it("splits the environment from the Node flags", () => {
    assert.deepEqual(parseLaunchLine("#!/usr/bin/env -S A=1 B=two node --x --y=3"), {
      env: { A: "1", B: "two" },
      nodeFlags: ["--x", "--y=3"],
    });
  });

  it("refuses a line it cannot read, instead of starting Node some other way", () => {
    assert.throws(() => parseLaunchLine("#!/usr/bin/node"), /not a/);
    assert.throws(() => parseLaunchLine("#!/usr/bin/env -S A node"), /NAME=value/);
    assert.throws(() => parseLaunchLine("#!/usr/bin/env -S node --x script.js"), /only --flags/);
  });

  it("reads the executable's own line: V8 sized for memory, two malloc arenas", () => {
    const launch = daemonLaunch();
    assert.ok(launch.nodeFlags.includes("--optimize-for-size"), launch.nodeFlags.join(" "));
    assert.equal(launch.env.MALLOC_ARENA_MAX, "2");
  });
});
