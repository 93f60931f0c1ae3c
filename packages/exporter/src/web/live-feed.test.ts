import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, get, type IncomingMessage } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { silentLogger } from "../log.ts";
import { LiveFeed } from "./live-feed.ts";
import type { Overview } from "./live-view.ts";

/** A feed of big events (~256 KiB each, every 20 ms) behind a real HTTP server on loopback. */
async function start(t: TestContext, maxSkipped = 5) {
  const filler = "x".repeat(256 * 1024);
  let built = 0;
  const feed = new LiveFeed({
    build: async () => ({ n: ++built, filler }) as unknown as Overview,
    intervalMs: 20,
    maxSkipped,
    log: silentLogger,
  });
  const server = createServer((_req, res) => {
    if (!feed.subscribe(res)) res.writeHead(503).end();
  });
  t.after(async () => {
    feed.close();
    server.closeAllConnections();
    server.close();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { feed, port: (server.address() as AddressInfo).port, eventBytes: filler.length };
}

/** A subscriber that reads every event; counts them. */
async function reader(t: TestContext, port: number) {
  let events = 0;
  let tail = "";
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    get({ host: "127.0.0.1", port, path: "/", agent: false }, resolve).on("error", reject),
  );
  t.after(() => res.destroy());
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    const text = tail + chunk;
    events += text.split("event: overview\n").length - 1;
    tail = text.slice(-20);
  });
  return { events: () => events, res };
}

describe("LiveFeed backpressure", () => {
  it("disconnects a subscriber that never reads, keeps its queue bounded, and serves the others", async (t) => {
    const { feed, port, eventBytes } = await start(t);
    const good = await reader(t, port);
    // Subscribes, then never reads a byte: the kernel buffers fill, then the server's queue would.
    const stalled = connect(port, "127.0.0.1");
    t.after(() => stalled.destroy());
    stalled.on("error", () => undefined);
    stalled.pause();
    stalled.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    for (let i = 0; i < 1000 && feed.subscribers < 2; i += 1) await sleep(10);
    assert.equal(feed.subscribers, 2);

    let maxQueued = 0;
    for (let i = 0; i < 3000 && feed.subscribers > 1 && maxQueued <= 4 * eventBytes; i += 1) {
      maxQueued = Math.max(maxQueued, feed.queuedBytes);
      await sleep(5);
    }
    // At most one event waits here for a slow subscriber (sampling may catch the reader's too).
    assert.ok(maxQueued <= 2 * (eventBytes + 1024), `${maxQueued} bytes queued`);
    assert.equal(feed.subscribers, 1, "the stalled subscriber is disconnected");
    assert.equal(feed.backpressure.dropped, 1);
    assert.ok(feed.backpressure.skipped >= 5);

    const seen = good.events();
    for (let i = 0; i < 1000 && good.events() < seen + 3; i += 1) await sleep(10);
    assert.ok(good.events() >= seen + 3, "the reading subscriber still gets events");
  });

  it("skips, rather than disconnects, a subscriber that falls behind for a while", async (t) => {
    const { feed, port } = await start(t, 1000);
    const slow = await reader(t, port);
    slow.res.pause();
    for (let i = 0; i < 3000 && feed.backpressure.skipped < 3; i += 1) await sleep(5);
    assert.ok(feed.backpressure.skipped >= 3);
    slow.res.resume();
    const seen = slow.events();
    for (let i = 0; i < 1000 && slow.events() < seen + 3; i += 1) await sleep(10);
    assert.ok(slow.events() >= seen + 3, "events again once it reads");
    assert.deepEqual([feed.subscribers, feed.backpressure.dropped], [1, 0]);
  });
});
