// Tests of startDaemon: kill() ends even a stopped process, and a daemon that dies while starting fails at once.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startDaemon } from "./daemon.ts";

describe("startDaemon", () => {
  it("kill() sends SIGKILL, even to a SIGSTOPped process, and resolves once it has exited", async () => {
    const daemon = await startDaemon({
      name: "sleeper",
      command: "sleep",
      args: ["600"],
      ready: async () => true,
    });
    assert.equal(daemon.exit, undefined);
    daemon.signal("SIGSTOP");
    await daemon.kill();
    assert.equal(daemon.running, false);
    assert.deepEqual(daemon.exit, { code: null, signal: "SIGKILL" });
    await daemon.kill();
    await daemon.stop();
  });

  // Without the early exit the wait would last readyTimeoutMs (60 s), past this test's timeout.
  it("fails as soon as the daemon exits while starting, with its output", {
    timeout: 30_000,
  }, async () => {
    await assert.rejects(
      startDaemon({
        name: "quitter",
        command: "sh",
        args: ["-c", "echo giving up; exit 3"],
        ready: async () => false,
        readyTimeoutMs: 60_000,
      }),
      /quitter exited with 3\n--- quitter output ---\ngiving up/,
    );
    await assert.rejects(
      startDaemon({
        name: "nothing",
        command: "/nonexistent/binary",
        args: [],
        ready: async () => false,
        readyTimeoutMs: 60_000,
      }),
      /nothing could not start: spawn \/nonexistent\/binary ENOENT/,
    );
  });
});
