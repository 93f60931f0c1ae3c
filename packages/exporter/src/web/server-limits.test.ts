import assert from "node:assert/strict";
import { once } from "node:events";
import { request } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./server-limits.ts";
import { createWebServer, type WebServerOptions } from "./web-server.ts";

async function start(
  t: TestContext,
  limits: Partial<ServerLimits> = {},
  extra: Partial<WebServerOptions> = {},
) {
  const web = createWebServer({
    limits,
    handler: (req, res) => res.end(String(req.rawHeaders.length / 2)),
    ...extra,
  });
  t.after(() => web.close());
  web.server.listen(0, "127.0.0.1");
  await once(web.server, "listening");
  return { web, port: (web.server.address() as AddressInfo).port };
}

/** Writes raw bytes on a fresh connection and returns everything the server sends until it closes. */
async function raw(port: number, text: string): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    answer += chunk;
  });
  socket.on("error", () => undefined);
  socket.write(text);
  await once(socket, "close");
  return answer;
}

/** GET / from a chosen loopback address: the status, or the error code when refused. */
function getFrom(port: number, localAddress: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/", agent: false, localAddress, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/**
 * Opens `count` connections from `localAddress` that never send anything, and waits (bounded)
 * until the server holds exactly those it did not close: the sockets, and how many it closed.
 */
async function idleConnections(
  t: TestContext,
  port: number,
  server: { getConnections(cb: (error: Error | null, count: number) => void): unknown },
  localAddress: string,
  count: number,
): Promise<{ sockets: Socket[]; closed: () => number }> {
  const serverOpen = () =>
    new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
  const before = await serverOpen();
  let closed = 0;
  const sockets = Array.from({ length: count }, () => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      closed += 1;
    });
    socket.resume();
    return socket;
  });
  t.after(() => {
    for (const socket of sockets) socket.destroy();
  });
  const settled = async () =>
    sockets.every((s) => s.readyState === "open" || s.destroyed) &&
    (await serverOpen()) - before === count - closed;
  for (let i = 0; i < 1000 && !(await settled()); i += 1) await sleep(10);
  return { sockets, closed: () => closed };
}
describe("server limits", () => {
  it("are set on the server", async (t) => {
    const { web } = await start(t);
    const server = web.server;
    assert.equal(server.maxHeadersCount, DEFAULT_SERVER_LIMITS.maxHeadersCount);
    assert.equal(server.headersTimeout, DEFAULT_SERVER_LIMITS.headersTimeoutMs);
    assert.equal(server.requestTimeout, DEFAULT_SERVER_LIMITS.requestTimeoutMs);
    assert.equal(server.keepAliveTimeout, DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs);
    assert.equal(server.maxConnections, DEFAULT_SERVER_LIMITS.maxConnections);
    assert.ok(
      DEFAULT_SERVER_LIMITS.maxConnectionsPerClient * 8 <= DEFAULT_SERVER_LIMITS.maxConnections,
    );
  });

  it("answer 431 to a request with more than maxHeadersCount headers", async (t) => {
    const { port } = await start(t, { maxHeadersCount: 20 });
    const headers = (n: number) =>
      Array.from({ length: n }, (_, i) => `x-h${i}: ${i}\r\n`).join("");
    const head = "GET / HTTP/1.1\r\nhost: a\r\nconnection: close\r\n";
    const within = await raw(port, `${head}${headers(18)}\r\n`);
    assert.match(within, /^HTTP\/1\.1 200 /);
    assert.match(within, /\r\n\r\n20$/);
    assert.match(await raw(port, `${head}${headers(50)}\r\n`), /^HTTP\/1\.1 431 /);
  });

  it("answer 431 to a request head larger than maxHeaderSize", async (t) => {
    const { port } = await start(t);
    const answer = await raw(
      port,
      `GET / HTTP/1.1\r\nhost: a\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 431 /);
  });

  it("answer 408 to a client that never finishes its request head", async (t) => {
    const { port } = await start(t, { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const answer = await raw(port, "GET / HTTP/1.1\r\nhost: a\r\n");
    assert.match(answer, /^HTTP\/1\.1 408 /);
  });

  it("close a connection that never sends a byte once headersTimeout has passed", async (t) => {
    const { port } = await start(t, { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    assert.match(await raw(port, ""), /^HTTP\/1\.1 408 /);
  });

  it("keep one client address from taking every connection: another client is still served", async (t) => {
    const { web, port } = await start(t, { maxConnections: 8, maxConnectionsPerClient: 3 });
    const flood = await idleConnections(t, port, web.server, "127.0.0.2", 20);
    // Prometheus, from another address, gets its scrape; the flooding address gets nothing more.
    assert.equal(await getFrom(port, "127.0.0.1"), 200);
    assert.equal(flood.closed(), 17);
    assert.equal(web.connectionStats.refused, 17);
    assert.equal(typeof (await getFrom(port, "127.0.0.2")), "string");
    for (const socket of flood.sockets) socket.destroy();
    for (let i = 0; i < 1000 && web.connectionStats.open > 0; i += 1) await sleep(10);
    assert.equal(await getFrom(port, "127.0.0.2"), 200);
  });

  it("read the per-client limit for each new connection", async (t) => {
    let limit = 1;
    const refused: string[] = [];
    const { web, port } = await start(
      t,
      {},
      { maxConnectionsPerClient: () => limit, onConnectionRefused: (c) => refused.push(c) },
    );
    const first = await idleConnections(t, port, web.server, "127.0.0.3", 2);
    assert.equal(first.closed(), 1);
    assert.deepEqual(refused, ["127.0.0.3"]);
    limit = 2;
    const second = await idleConnections(t, port, web.server, "127.0.0.3", 1);
    assert.equal(second.closed(), 0);
    assert.equal(web.connectionStats.open, 2);
  });

  it("answer 400 to a request without a Host header", async (t) => {
    const { port } = await start(t);
    assert.match(await raw(port, "GET / HTTP/1.1\r\n\r\n"), /^HTTP\/1\.1 400 /);
  });
});
