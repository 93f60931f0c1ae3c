import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";

/** A target nobody answers for: seedwatch runs and serves /metrics with it down. */
const config = (perClient: number) =>
  `targets:\n  - { name: box, type: qbittorrent, url: "http://127.0.0.1:9", username: u, password: p }\n` +
  `web:\n  max_connections_per_client: ${perClient}\n`;

describe("a real seedwatch under an idle-connection flood from one address", {
  timeout: 120_000,
}, () => {
  let seedwatch: Seedwatch;
  const sockets: Socket[] = [];

  /**
   * Opens `count` connections from `from` that never send anything; resolves once they are all
   * open and `expectClosed` of them were closed by the server (or after 10 s), to a count of those
   * it closed.
   */
  const flood = async (from: string, count: number, expectClosed: number) => {
    let closed = 0;
    const opened = Array.from({ length: count }, () => {
      const socket = connect({ port: seedwatch.port, host: "127.0.0.1", localAddress: from });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        closed += 1;
      });
      socket.resume();
      sockets.push(socket);
      return socket;
    });
    for (let i = 0; i < 1000 && (opened.some((s) => s.connecting) || closed < expectClosed); i++)
      await sleep(10);
    return () => closed;
  };

  before(async () => {
    seedwatch = await startSeedwatch(config(4));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await seedwatch?.remove();
  });

  it("keeps the flooding address to web.max_connections_per_client, serves Prometheus, says so in the log", async () => {
    assert.equal((await flood("127.0.0.2", 10, 6))(), 6);
    assert.equal((await seedwatch.get("/metrics")).status, 200);
    assert.match(
      seedwatch.logs(),
      /connections refused: a client has too many open \(web\.max_connections_per_client\).*client=127\.0\.0\.2/,
    );
  });

  it("applies a changed limit after a reload", async () => {
    await seedwatch.writeConfig(config(8));
    const reload = await fetch(`${seedwatch.url}/-/reload`, { method: "POST" });
    assert.equal(reload.status, 200);
    const within = await flood("127.0.0.3", 8, 0);
    const beyond = await flood("127.0.0.3", 3, 3);
    // The server accepts in order: had it refused one of the first eight, that close came first.
    assert.deepEqual([within(), beyond()], [0, 3]);
  });
});
