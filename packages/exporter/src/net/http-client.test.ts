import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { freePort } from "@seedwatch/metrics/testing";
import {
  SourceConnectionError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../sources/errors.ts";
import { HttpClient } from "./http-client.ts";

describe("HttpClient against a real local server", () => {
  const server = createServer((req, res) => {
    if (req.url === "/gzip") {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(gzipSync(Buffer.from("x".repeat(10_000))));
    } else if (req.url === "/corrupt") {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end("not gzip at all");
    } else if (req.url === "/hang") {
      // never answers
    } else if (req.url === "/big") {
      res.end(Buffer.alloc(2048));
    } else {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () =>
        res.end(JSON.stringify({ method: req.method, body, ae: req.headers["accept-encoding"] })),
      );
    }
  });
  let base = "";
  const client = new HttpClient({ maxResponseBytes: 1024 * 64 });
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    client.close();
    server.closeAllConnections();
    server.close();
  });
  const signal = () => AbortSignal.timeout(2000);

  it("posts a body and asks for compression", async () => {
    const res = await client.request({
      method: "POST",
      url: new URL(`${base}/echo`),
      body: "a=1",
      signal: signal(),
    });
    assert.deepEqual(JSON.parse(res.body.toString()), {
      method: "POST",
      body: "a=1",
      ae: "gzip, deflate, br",
    });
  });

  it("decodes gzip and counts wire bytes", async () => {
    const res = await client.request({
      method: "GET",
      url: new URL(`${base}/gzip`),
      signal: signal(),
    });
    assert.equal(res.body.length, 10_000);
    assert.ok(res.wireBytes < 200);
  });

  it("turns failures into typed errors without credentials in the message", async () => {
    await assert.rejects(
      client.request({ method: "GET", url: new URL(`${base}/corrupt`), signal: signal() }),
      SourceProtocolError,
    );
    const small = new HttpClient({ maxResponseBytes: 1000 });
    await assert.rejects(
      small.request({ method: "GET", url: new URL(`${base}/big`), signal: signal() }),
      /larger than 1000 bytes/,
    );
    small.close();
    await assert.rejects(
      client.request({
        method: "GET",
        url: new URL(`${base}/hang`),
        signal: AbortSignal.timeout(200),
      }),
      (error: unknown) =>
        error instanceof SourceTimeoutError &&
        /GET http:\/\/127.0.0.1:\d+\/hang: no answer in time/.test(error.message),
    );
    const port = await freePort();
    await assert.rejects(
      client.request({
        method: "GET",
        url: new URL(`http://user:hunter2@127.0.0.1:${port}/x?passkey=s3cret`),
        signal: signal(),
      }),
      (error: unknown) =>
        error instanceof SourceConnectionError &&
        /ECONNREFUSED/.test(error.message) &&
        !/hunter2|s3cret|user/.test(error.message),
    );
  });
});

describe("HttpClient on a server that closes idle connections", () => {
  it("sends again, once, a request lost on a kept-alive socket the server closed", async () => {
    // A raw server: it answers the first request of each connection and keeps the connection,
    // then resets it when a second request arrives, as a server closing an idle socket at the
    // very moment the client reuses it does.
    let answered = 0;
    const server = createNetServer((socket) => {
      let requests = 0;
      socket.on("data", (data: Buffer) => {
        if (!data.includes("\r\n\r\n")) return;
        requests++;
        if (requests === 1) {
          answered++;
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        } else {
          socket.resetAndDestroy();
        }
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const client = new HttpClient();
    try {
      for (let i = 0; i < 3; i++) {
        const res = await client.request({ method: "GET", url, signal: AbortSignal.timeout(2000) });
        assert.equal(res.body.toString(), "ok");
      }
      assert.equal(answered, 3, "each retry went out on a new connection");
    } finally {
      client.close();
      server.close();
    }
  });
});
