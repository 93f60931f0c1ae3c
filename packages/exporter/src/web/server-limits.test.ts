import assert from "node:assert/strict";
import { once } from "node:events";
import { type AddressInfo, connect } from "node:net";
import { describe, it, type TestContext } from "node:test";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./server-limits.ts";
import { createWebServer } from "./web-server.ts";

async function start(t: TestContext, limits: Partial<ServerLimits> = {}) {
  const web = createWebServer({
    limits,
    handler: (req, res) => res.end(String(req.rawHeaders.length / 2)),
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

describe("server limits", () => {
  it("are set on the server", async (t) => {
    const { web } = await start(t);
    const server = web.server;
    assert.equal(server.maxHeadersCount, DEFAULT_SERVER_LIMITS.maxHeadersCount);
    assert.equal(server.headersTimeout, DEFAULT_SERVER_LIMITS.headersTimeoutMs);
    assert.equal(server.requestTimeout, DEFAULT_SERVER_LIMITS.requestTimeoutMs);
    assert.equal(server.keepAliveTimeout, DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs);
    assert.equal(server.maxConnections, DEFAULT_SERVER_LIMITS.maxConnections);
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

  it("answer 400 to a request without a Host header", async (t) => {
    const { port } = await start(t);
    assert.match(await raw(port, "GET / HTTP/1.1\r\n\r\n"), /^HTTP\/1\.1 400 /);
  });
});
