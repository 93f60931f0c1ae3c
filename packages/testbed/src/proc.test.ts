// Tests of the /proc readers and of startDaemon's check that a daemon owns the ports it was given.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { describe, it } from "node:test";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { PortTakenError, retryWhilePortsTaken, startDaemon } from "./daemon.ts";
import { listeningPorts, processState } from "./proc.ts";

/** A child Node process that listens on a fresh loopback port and prints it. */
async function listeningChild() {
  const child = spawn(
    process.execPath,
    [
      "-e",
      "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  return { child, port: Number(line.toString().trim()) };
}

describe("/proc readers", () => {
  it("list the ports a process listens on itself, not another process's", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const own = (server.address() as { port: number }).port;
    const { child, port: theirs } = await listeningChild();
    try {
      const mine = await listeningPorts(process.pid);
      assert.ok(mine.has(own), `${own} in ${[...mine].join(",")}`);
      assert.ok(!mine.has(theirs));
      assert.ok((await listeningPorts(child.pid as number)).has(theirs));
    } finally {
      child.kill();
      server.close();
    }
  });

  it("tell a stopped process from a running one, and a missing one", async () => {
    const { child } = await listeningChild();
    const pid = child.pid as number;
    try {
      child.kill("SIGSTOP");
      await waitFor("the child to stop", async () =>
        (await processState(pid)) === "T" ? true : undefined,
      );
      child.kill("SIGCONT");
      await waitFor("the child to run again", async () =>
        (await processState(pid)) !== "T" ? true : undefined,
      );
    } finally {
      child.kill();
      await once(child, "exit");
    }
    assert.equal(await processState(pid), undefined);
  });
});

describe("startDaemon's port check", () => {
  it("refuses a daemon whose port answers from another process, and retries on fresh ports", async () => {
    const intruder = createServer((socket) => socket.end()).listen(0, "127.0.0.1");
    await once(intruder, "listening");
    const port = (intruder.address() as { port: number }).port;
    let attempts = 0;
    try {
      await assert.rejects(
        retryWhilePortsTaken(() => {
          attempts++;
          return startDaemon({
            name: "sleeper",
            command: process.execPath,
            args: ["-e", "setTimeout(() => {}, 60_000)"],
            // The intruder answers: this is what a daemon that lost its port looks like.
            ready: async () => true,
            listens: [port],
          });
        }, 2),
        (error: unknown) => {
          assert.ok(error instanceof PortTakenError);
          assert.match(error.message, new RegExp(`does not listen on port ${port} itself`));
          return true;
        },
      );
      assert.equal(attempts, 2);
    } finally {
      intruder.close();
    }
  });

  it("accepts a daemon that listens on its port", async () => {
    const port = await freePort();
    const daemon = await startDaemon({
      name: "listener",
      command: process.execPath,
      args: ["-e", `require("node:net").createServer().listen(${port}, "127.0.0.1")`],
      ready: () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, "127.0.0.1", () => resolve(true)).on("error", () =>
            resolve(false),
          );
          socket.unref();
          socket.once("connect", () => socket.destroy());
        }),
      listens: [port],
    });
    try {
      assert.ok((await listeningPorts(daemon.pid)).has(port));
    } finally {
      await daemon.stop();
    }
  });
});
