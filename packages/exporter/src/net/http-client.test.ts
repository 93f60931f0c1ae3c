import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { createGzip, gzipSync } from "node:zlib";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { SourceConnectionError, SourceProtocolError, SourceTimeoutError } from "./errors.ts";
import { ERROR_BODY_BYTES, HttpClient, wireLimit } from "./http-client.ts";

const LIMIT = 64 * 1024;

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
  const client = new HttpClient();
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
      maxBytes: LIMIT,
    });
    assert.deepEqual(JSON.parse(res.body.toString()), {
      method: "POST",
      body: "a=1",
      ae: "gzip, deflate, br",
    });
  });

  it("asks for no compression when told (a client on this machine)", async () => {
    const local = new HttpClient({ compressed: false });
    try {
      const res = await local.request({
        method: "GET",
        url: new URL(`${base}/echo`),
        signal: signal(),
        maxBytes: LIMIT,
      });
      assert.equal((JSON.parse(res.body.toString()) as { ae: string }).ae, "identity");
      // A server that compresses anyway is still understood.
      const zipped = await local.request({
        method: "GET",
        url: new URL(`${base}/gzip`),
        signal: signal(),
        maxBytes: LIMIT,
      });
      assert.ok(zipped.wireBytes < zipped.body.length);
    } finally {
      local.close();
    }
  });

  it("decodes gzip and counts wire bytes", async () => {
    const res = await client.request({
      method: "GET",
      url: new URL(`${base}/gzip`),
      signal: signal(),
      maxBytes: LIMIT,
    });
    assert.equal(res.body.length, 10_000);
    assert.ok(res.wireBytes < 200);
  });

  it("turns failures into typed errors without credentials in the message", async () => {
    await assert.rejects(
      client.request({
        method: "GET",
        url: new URL(`${base}/corrupt`),
        signal: signal(),
        maxBytes: LIMIT,
      }),
      SourceProtocolError,
    );
    await assert.rejects(
      client.request({
        method: "GET",
        url: new URL(`${base}/big`),
        signal: signal(),
        maxBytes: 1000,
      }),
      /answer larger than 1000 bytes, the limit for this call/,
    );
    await assert.rejects(
      client.request({
        method: "GET",
        url: new URL(`${base}/hang`),
        signal: AbortSignal.timeout(200),
        maxBytes: LIMIT,
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
        maxBytes: LIMIT,
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
        const res = await client.request({
          method: "GET",
          url,
          signal: AbortSignal.timeout(2000),
          maxBytes: LIMIT,
        });
        assert.equal(res.body.toString(), "ok");
      }
      assert.equal(answered, 3, "each retry went out on a new connection");
    } finally {
      client.close();
      server.close();
    }
  });
});

/** An endless stream of zeros, gzip-compressed as it is read: a bomb of any size, made on demand. */
function endlessGzipOfZeros(): Readable {
  const zeros = Buffer.alloc(1 << 20);
  return Readable.from(
    (function* () {
      for (;;) yield zeros;
    })(),
  ).pipe(createGzip({ level: 9 }));
}

/**
 * A deflate stream that never ends and never decodes to anything: the zlib header, then empty
 * stored blocks (BFINAL 0, LEN 0, NLEN 0xffff) for ever.
 */
function endlessEmptyDeflate(): Readable {
  const blocks = Buffer.concat(Array.from({ length: 4096 }, () => Buffer.of(0, 0, 0, 0xff, 0xff)));
  return Readable.from(
    (function* () {
      yield Buffer.of(0x78, 0x9c);
      for (;;) yield blocks;
    })(),
  );
}

describe("HttpClient against answers built to exhaust memory", () => {
  /** Bytes each answer had written when its connection closed (the kernel buffers some). */
  const written: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    let body: Readable;
    const path = req.url ?? "";
    if (path.startsWith("/empty-deflate")) {
      res.writeHead(200, { "content-encoding": "deflate" });
      body = endlessEmptyDeflate();
    } else if (path.startsWith("/long-error")) {
      res.writeHead(500, { "content-type": "text/plain" });
      body = Readable.from(
        (function* () {
          for (;;) yield Buffer.alloc(65536, "e");
        })(),
      );
    } else {
      res.writeHead(path.startsWith("/bomb-500") ? 500 : 200, { "content-encoding": "gzip" });
      body = endlessGzipOfZeros();
    }
    let count = 0;
    body.on("data", (chunk: Buffer) => {
      count += chunk.length;
    });
    res.on("close", () => {
      written.push(count);
      body.destroy();
    });
    body.pipe(res);
  });
  let base = "";
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const get = (client: HttpClient, path: string, maxBytes = 1024 * 1024) =>
    client.request({
      method: "GET",
      url: new URL(`${base}${path}`),
      signal: AbortSignal.timeout(20_000),
      maxBytes,
    });

  it("keeps 4 KiB of a gzip bomb sent with status 500, reads no further and closes the connection", async () => {
    const client = new HttpClient();
    try {
      const res = await get(client, "/bomb-500");
      assert.equal(res.status, 500);
      assert.equal(res.truncated, true);
      assert.equal(res.body.length, ERROR_BODY_BYTES);
      assert.ok(res.body.every((byte) => byte === 0));
      // 4 KiB of zeros is a few bytes of gzip; the first socket reads are all that was taken.
      assert.ok(client.bytesReceived < 256 * 1024, `read ${client.bytesReceived} bytes`);
      await waitFor("the server to see the connection closed", () =>
        written.length > 0 ? true : undefined,
      );
    } finally {
      client.close();
    }
  });

  it("refuses a gzip bomb sent with status 200 once it passes the call's limit, naming the limit", async () => {
    const client = new HttpClient();
    try {
      await assert.rejects(get(client, "/bomb-200", 1024 * 1024), (error: unknown) => {
        assert.ok(error instanceof SourceProtocolError, String(error));
        assert.match(error.message, /answer larger than 1048576 bytes, the limit for this call/);
        return true;
      });
      // 1 MiB of zeros is about 1 KiB of gzip: inflating stopped at the limit, not after.
      assert.ok(client.bytesReceived < 512 * 1024, `read ${client.bytesReceived} bytes`);
    } finally {
      client.close();
    }
  });

  it("stops a compressed answer that decodes to nothing at its bound on the wire", async () => {
    const client = new HttpClient();
    try {
      await assert.rejects(get(client, "/empty-deflate", 4096), (error: unknown) => {
        assert.ok(error instanceof SourceProtocolError, String(error));
        assert.match(
          error.message,
          new RegExp(`compressed answer larger than ${wireLimit(4096)} bytes`),
        );
        return true;
      });
      assert.ok(client.bytesReceived < wireLimit(4096) + 256 * 1024);
    } finally {
      client.close();
    }
  });

  it("keeps the start of an endless error page and reads no further", async () => {
    const client = new HttpClient();
    try {
      const res = await client.request({
        method: "GET",
        url: new URL(`${base}/long-error`),
        signal: AbortSignal.timeout(20_000),
        maxBytes: 1024,
        maxErrorBytes: 100,
      });
      assert.equal(res.status, 500);
      assert.equal(res.body.toString(), "e".repeat(100));
      assert.equal(res.truncated, true);
      assert.ok(client.bytesReceived < 1024 * 1024, `read ${client.bytesReceived} bytes`);
    } finally {
      client.close();
    }
  });
});
