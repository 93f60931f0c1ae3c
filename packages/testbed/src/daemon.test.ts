// Tests of startDaemon: kill() ends even a stopped process, a daemon that dies while starting fails at once, one that lost its port is started again.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PortTakenError, retryWhilePortsTaken, startDaemon } from "./daemon.ts";

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

  // qBittorrent's words when a port from freePort() was taken by another process first: the
  // start is tried again on fresh ports instead of failing the whole test file.
  it("tells a daemon that exits because its address is in use, and retries it", {
    timeout: 30_000,
  }, async () => {
    const taken = () =>
      startDaemon({
        name: "late",
        command: "sh",
        args: [
          "-c",
          'echo "Web UI: Unable to bind. Reason: The bound address is already in use"; exit 1',
        ],
        ready: async () => false,
      });
    await assert.rejects(taken(), (error: Error) => {
      assert.ok(error instanceof PortTakenError, `${error.name}: ${error.message}`);
      assert.match(
        error.message,
        /late exited with 1\n--- late output ---\nWeb UI: Unable to bind/,
      );
      return true;
    });
    let attempts = 0;
    const daemon = await retryWhilePortsTaken(() => {
      attempts++;
      return attempts < 3
        ? taken()
        : startDaemon({ name: "fine", command: "sleep", args: ["600"], ready: async () => true });
    });
    assert.equal(attempts, 3);
    await daemon.kill();
  });
});
