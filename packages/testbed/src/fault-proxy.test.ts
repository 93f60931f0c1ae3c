// Tests of the fault proxy: each fault against small local HTTP and TCP servers, then "pass" in front of real clients.

import assert from "node:assert/strict";
import { once } from "node:events";
import { Agent, createServer as createHttpServer, request } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { waitFor } from "@seedwatch/metrics/testing";
import { startDeluged } from "./deluge.ts";
import { type FaultProxy, startFaultProxy, type Upstream } from "./fault-proxy.ts";
import { startQbittorrent } from "./qbittorrent.ts";
import { startRtorrent } from "./rtorrent.ts";
import { startTransmission } from "./transmission.ts";

/** What a raw client saw: every byte until the connection ended, and how it ended. */
interface Seen {
  readonly bytes: Buffer;
  readonly error: NodeJS.ErrnoException | undefined;
}

/** Connects, writes `payload` (then half-closes when `end`), and collects what comes back until close. */
function exchange(port: number, payload: Buffer | string, end = true): Promise<Seen> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let error: NodeJS.ErrnoException | undefined;
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (e) => {
      error = e;
    });
    socket.on("end", () => socket.end());
    socket.on("close", () => resolve({ bytes: Buffer.concat(chunks), error }));
    if (end) socket.end(payload);
    else socket.write(payload);
  });
}

/** Resolves with the first bytes that arrive, or "nothing" after `ms` (then closes the socket). */
function firstBytes(port: number, payload: string, ms: number): Promise<Buffer | "nothing"> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("nothing");
    }, ms);
    socket.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(chunk);
    });
    socket.on("error", () => {});
    socket.write(payload);
  });
}

/** A GET with node:http (no decompression): status, headers, body, or the error. */
function get(
  url: string,
  options: { agent?: Agent; headers?: Record<string, string>; method?: string; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: options.agent },
      (res) => {
        const socket = res.socket;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            socket,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Splits a raw HTTP/1.1 answer into its head and its body bytes (chunked framing removed). */
function parseRaw(bytes: Buffer): { head: string; body: Buffer } {
  const split = bytes.indexOf("\r\n\r\n");
  assert.ok(split > 0, `an HTTP head in ${JSON.stringify(bytes.subarray(0, 80).toString())}`);
  const head = bytes.subarray(0, split).toString("latin1");
  let body = bytes.subarray(split + 4);
  if (/transfer-encoding: chunked/i.test(head)) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = body.indexOf("\r\n", at);
      if (eol < 0) break;
      const size = Number.parseInt(body.subarray(at, eol).toString(), 16);
      if (size === 0) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  return { head, body };
}

const BIG = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7) % 251));

/** A small HTTP server that says its name; answers /big, /chunked, /headers, /cookies, POST /echo. */
async function httpUpstream(name: string): Promise<{ upstream: Upstream; close(): void }> {
  const server = createHttpServer((req, res) => {
    if (req.url === "/big") {
      res.end(BIG);
    } else if (req.url === "/chunked") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write(`${name} part one;`);
      setImmediate(() => res.end(" part two"));
    } else if (req.url === "/headers") {
      res.end(JSON.stringify(req.headers));
    } else if (req.url === "/cookies") {
      res.writeHead(200, ["Set-Cookie", "a=1; HttpOnly", "Set-Cookie", "b=2", "X-Name", name]);
      res.end("ok");
    } else if (req.url === "/echo") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.end(Buffer.concat(chunks)));
    } else {
      res.end(`hello from ${name}`);
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    upstream: { host: "127.0.0.1", port: (server.address() as AddressInfo).port },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A TCP server that reads until the client half-closes, then answers `name:`, the request and 4000 bytes. */
async function tcpUpstream(name: string): Promise<{ upstream: Upstream; server: Server }> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("end", () => socket.end(tcpAnswer(name, Buffer.concat(chunks))));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { upstream: { host: "127.0.0.1", port: (server.address() as AddressInfo).port }, server };
}
const tcpAnswer = (name: string, request: Buffer) =>
  Buffer.concat([Buffer.from(`${name}:`), request, BIG.subarray(0, 4000)]);

describe("startFaultProxy in http mode", () => {
  let a: Awaited<ReturnType<typeof httpUpstream>>;
  let b: Awaited<ReturnType<typeof httpUpstream>>;
  let proxy: FaultProxy;
  before(async () => {
    a = await httpUpstream("A");
    b = await httpUpstream("B");
    proxy = await startFaultProxy({ upstream: a.upstream, mode: "http" });
  });
  after(async () => {
    await proxy?.close();
    a?.close();
    b?.close();
  });
  const raw = (path: string) =>
    exchange(proxy.port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, false);

  it("passes requests and answers unchanged, Host rewritten to the upstream's", async () => {
    proxy.setFault({ kind: "pass" });
    assert.equal(proxy.url, `http://127.0.0.1:${proxy.port}`);
    assert.equal((await get(`${proxy.url}/`)).body.toString(), "hello from A");
    assert.deepEqual((await get(`${proxy.url}/big`)).body, BIG);
    const chunked = await get(`${proxy.url}/chunked`);
    assert.equal(chunked.headers["transfer-encoding"], "chunked");
    assert.equal(chunked.body.toString(), "A part one; part two");
    const cookies = await get(`${proxy.url}/cookies`);
    assert.deepEqual(cookies.headers["set-cookie"], ["a=1; HttpOnly", "b=2"]);
    const echo = await get(`${proxy.url}/echo`, { method: "POST", body: "x=1&y=2" });
    assert.equal(echo.body.toString(), "x=1&y=2");
    const headers = JSON.parse(
      (
        await get(`${proxy.url}/headers`, {
          headers: { cookie: "SID=abc", "x-transmission-session-id": "s1", connection: "x-drop" },
        })
      ).body.toString(),
    ) as Record<string, string>;
    assert.equal(headers.host, `127.0.0.1:${a.upstream.port}`);
    assert.equal(headers["x-forwarded-host"], `127.0.0.1:${proxy.port}`);
    assert.equal(headers.cookie, "SID=abc");
    assert.equal(headers["x-transmission-session-id"], "s1");
    assert.equal(headers.connection, "keep-alive", "the proxy's own hop to the upstream");
  });

  it("refuses: each new connection is reset, on the same port, until the fault changes", async () => {
    proxy.setFault({ kind: "refuse" });
    const before = proxy.stats;
    await assert.rejects(get(`${proxy.url}/`), { code: "ECONNRESET" });
    const seen = await exchange(proxy.port, "GET / HTTP/1.1\r\n\r\n");
    assert.equal(seen.error?.code, "ECONNRESET");
    assert.equal(seen.bytes.length, 0);
    assert.equal(proxy.stats.connections, before.connections + 2);
    assert.equal(proxy.stats.faulted, before.faulted + 2);
    proxy.setFault({ kind: "pass" });
    assert.equal((await get(`${proxy.url}/`)).body.toString(), "hello from A");
  });

  it("delays each answer by at least ms", async () => {
    proxy.setFault({ kind: "delay", ms: 300 });
    const started = performance.now();
    const answer = await get(`${proxy.url}/chunked`);
    assert.ok(performance.now() - started >= 300, "held back at least 300 ms");
    assert.equal(answer.body.toString(), "A part one; part two");
  });

  it("hangs: the request is read and never answered, until the fault changes", async () => {
    proxy.setFault({ kind: "hang" });
    const requests = proxy.stats.requests;
    assert.equal(await firstBytes(proxy.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 500), "nothing");
    assert.equal(proxy.stats.requests, requests + 1, "the request was read");
    const hung = exchange(proxy.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false);
    await waitUntil(() => proxy.stats.requests === requests + 2);
    proxy.setFault({ kind: "pass" });
    assert.equal((await hung).bytes.length, 0, "closed without an answer when the fault changed");
  });

  it("truncates the body after afterBytes bytes, the head intact (target body)", async () => {
    proxy.setFault({ kind: "truncate", afterBytes: 1000 });
    const plain = parseRaw((await raw("/big")).bytes);
    assert.match(plain.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(plain.head, /content-length: 65536/i);
    assert.deepEqual(plain.body, BIG.subarray(0, 1000));
    proxy.setFault({ kind: "truncate", afterBytes: 12 });
    const chunked = parseRaw((await raw("/chunked")).bytes);
    assert.equal(chunked.body.toString(), "A part one; ");
    await assert.rejects(get(`${proxy.url}/big`), /aborted|ECONNRESET|socket hang up/);
  });

  it("truncates the whole answer, head included, with target any", async () => {
    proxy.setFault({ kind: "truncate", afterBytes: 10, target: "any" });
    const seen = await raw("/big");
    assert.equal(seen.bytes.toString(), "HTTP/1.1 2");
    assert.equal(seen.error, undefined, "closed with a FIN, not a reset");
  });

  it("corrupts body bytes the same way for the same seed, the head intact", async () => {
    proxy.setFault({ kind: "corrupt", seed: 42, rate: 0.01 });
    const corruptedBefore = proxy.stats.corruptedBytes;
    const first = parseRaw((await raw("/big")).bytes);
    const second = parseRaw((await raw("/big")).bytes);
    assert.match(first.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(first.body.length, BIG.length);
    const flipped = differing(first.body, BIG);
    assert.ok(flipped > 300 && flipped < 1000, `about 1% of 65536 bytes flipped, got ${flipped}`);
    assert.deepEqual(second.body, first.body, "the same seed gives the same bytes");
    assert.equal(proxy.stats.corruptedBytes - corruptedBefore, 2 * flipped);
    proxy.setFault({ kind: "corrupt", seed: 43, rate: 0.01 });
    const other = parseRaw((await raw("/big")).bytes);
    assert.notDeepEqual(other.body, first.body, "another seed, other bytes");
    proxy.setFault({ kind: "corrupt", seed: 7, rate: 1 });
    const chunked = parseRaw((await raw("/chunked")).bytes);
    assert.equal(
      chunked.body.length,
      "A part one; part two".length,
      "the chunk framing stays valid",
    );
    assert.equal(differing(chunked.body, Buffer.from("A part one; part two")), chunked.body.length);
  });

  it("corrupts the status line too with target any", async () => {
    proxy.setFault({ kind: "corrupt", seed: 1, rate: 1, target: "any" });
    const seen = await raw("/");
    const clean = "HTTP/1.1 200 OK\r\n";
    assert.equal(differing(seen.bytes.subarray(0, clean.length), Buffer.from(clean)), clean.length);
    await assert.rejects(get(`${proxy.url}/`), { code: "HPE_INVALID_CONSTANT" });
  });

  it("answers a status, body and headers of its own without asking the upstream", async () => {
    proxy.setFault({
      kind: "status",
      status: 403,
      body: "Forbidden",
      headers: { "x-why": "test" },
    });
    const toUpstream = proxy.stats.bytesToUpstream;
    const answer = await get(`${proxy.url}/`);
    assert.equal(answer.status, 403);
    assert.equal(answer.body.toString(), "Forbidden");
    assert.equal(answer.headers["x-why"], "test");
    proxy.setFault({ kind: "status", status: 500 });
    assert.equal((await get(`${proxy.url}/`)).status, 500);
    assert.equal(proxy.stats.bytesToUpstream, toUpstream);
  });

  it("answers a gzip bomb: a small body that inflates to decodedBytes", async () => {
    const decodedBytes = 64 * 2 ** 20;
    proxy.setFault({ kind: "gzipBomb", status: 200, decodedBytes });
    const answer = await get(`${proxy.url}/`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-encoding"], "gzip");
    assert.equal(Number(answer.headers["content-length"]), answer.body.length);
    assert.ok(answer.body.length < decodedBytes / 500, `${answer.body.length} bytes on the wire`);
    const inflated = gunzipSync(answer.body);
    assert.equal(inflated.length, decodedBytes);
    assert.equal(inflated.indexOf(1), -1, "all zeros");
  });

  it("closes kept-alive connections when the fault changes", async () => {
    proxy.setFault({ kind: "pass" });
    const agent = new Agent({ keepAlive: true });
    try {
      const first = await get(`${proxy.url}/`, { agent });
      assert.equal(first.socket.destroyed, false, "kept alive");
      proxy.setFault({ kind: "status", status: 500 });
      await waitUntil(() => first.socket.destroyed);
      assert.equal((await get(`${proxy.url}/`, { agent })).status, 500);
    } finally {
      agent.destroy();
    }
  });

  it("switches to another upstream mid-life, on the same port, closing open connections", async () => {
    proxy.setFault({ kind: "pass" });
    const port = proxy.port;
    const agent = new Agent({ keepAlive: true });
    try {
      const first = await get(`${proxy.url}/`, { agent });
      assert.equal(first.body.toString(), "hello from A");
      proxy.setUpstream(b.upstream);
      await waitUntil(() => first.socket.destroyed);
      assert.equal((await get(`${proxy.url}/`, { agent })).body.toString(), "hello from B");
      assert.equal(proxy.port, port);
      assert.deepEqual(proxy.upstream, b.upstream);
    } finally {
      agent.destroy();
      proxy.setUpstream(a.upstream);
    }
  });

  it("resets the client when the upstream cannot be reached", async () => {
    const down = await tcpUpstream("down");
    const port = (down.server.address() as AddressInfo).port;
    down.server.close();
    await once(down.server, "close");
    proxy.setUpstream({ host: "127.0.0.1", port });
    try {
      await assert.rejects(get(`${proxy.url}/`), { code: "ECONNRESET" });
    } finally {
      proxy.setUpstream(a.upstream);
    }
  });

  it("sends a request again on a fresh socket when the upstream had closed the kept-alive one", async () => {
    const requestsOn = new WeakMap<Socket, number>();
    // Drops the second request of each connection unanswered, as a server whose idle timeout
    // fired just as the request arrived (qBittorrent closes idle connections after seconds).
    const dropper = createHttpServer((req, res) => {
      const n = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, n);
      if (n === 2) req.socket.destroy();
      else res.end(`request ${n} on this connection`);
    });
    dropper.listen(0, "127.0.0.1");
    await once(dropper, "listening");
    const port = (dropper.address() as AddressInfo).port;
    const retrying = await startFaultProxy({ upstream: { host: "127.0.0.1", port }, mode: "http" });
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await get(`${retrying.url}/`, { method: "POST", body: "a=1" });
        assert.equal(answer.body.toString(), "request 1 on this connection");
      }
    } finally {
      await retrying.close();
      dropper.closeAllConnections();
      dropper.close();
    }
  });

  it("counts connections, requests and bytes each way", async () => {
    proxy.setFault({ kind: "pass" });
    const before = proxy.stats;
    await get(`${proxy.url}/big`);
    const now = proxy.stats;
    assert.equal(now.connections, before.connections + 1);
    assert.equal(now.requests, before.requests + 1);
    assert.ok(now.bytesToClient - before.bytesToClient > BIG.length);
    assert.ok(now.bytesToUpstream > before.bytesToUpstream);
  });

  it("rejects faults it cannot apply, and keeps the one it had", () => {
    proxy.setFault({ kind: "pass" });
    assert.throws(() => proxy.setFault({ kind: "delay", ms: -1 }), /ms must be a number/);
    assert.throws(() => proxy.setFault({ kind: "truncate", afterBytes: 1.5 }), /afterBytes/);
    assert.throws(() => proxy.setFault({ kind: "corrupt", seed: 1, rate: 0 }), /rate must be/);
    assert.throws(() => proxy.setFault({ kind: "status", status: 99 }), /status must be/);
    assert.throws(
      () => proxy.setFault({ kind: "gzipBomb", status: 200, decodedBytes: -1 }),
      /decodedBytes/,
    );
    assert.throws(() => proxy.setFault({ kind: "nap" } as never), /unknown fault kind "nap"/);
    assert.throws(() => proxy.setUpstream({ host: "127.0.0.1", port: 0 }), /upstream.port/);
    assert.deepEqual(proxy.fault, { kind: "pass" });
  });
});

describe("startFaultProxy in tcp mode", () => {
  let a: Awaited<ReturnType<typeof tcpUpstream>>;
  let b: Awaited<ReturnType<typeof tcpUpstream>>;
  let proxy: FaultProxy;
  before(async () => {
    a = await tcpUpstream("A");
    b = await tcpUpstream("B");
    proxy = await startFaultProxy({ upstream: a.upstream, mode: "tcp" });
  });
  after(async () => {
    await proxy?.close();
    a?.server.close();
    b?.server.close();
  });

  it("passes bytes both ways, half-close included", async () => {
    proxy.setFault({ kind: "pass" });
    assert.equal(proxy.url, `tcp://127.0.0.1:${proxy.port}`);
    const seen = await exchange(proxy.port, "ping");
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.bytes, tcpAnswer("A", Buffer.from("ping")));
  });

  it("refuses with a reset", async () => {
    proxy.setFault({ kind: "refuse" });
    const seen = await exchange(proxy.port, "ping");
    assert.equal(seen.error?.code, "ECONNRESET");
    assert.equal(seen.bytes.length, 0);
  });

  it("delays the answer by at least ms", async () => {
    proxy.setFault({ kind: "delay", ms: 250 });
    const started = performance.now();
    const seen = await exchange(proxy.port, "ping");
    assert.ok(performance.now() - started >= 250);
    assert.deepEqual(seen.bytes, tcpAnswer("A", Buffer.from("ping")));
  });

  it("hangs: reads the request, answers nothing", async () => {
    proxy.setFault({ kind: "hang" });
    const toUpstream = proxy.stats.bytesToUpstream;
    assert.equal(await firstBytes(proxy.port, "ping", 500), "nothing");
    assert.equal(proxy.stats.bytesToUpstream, toUpstream, "nothing reached the upstream");
  });

  it("truncates the answer after exactly afterBytes bytes", async () => {
    proxy.setFault({ kind: "truncate", afterBytes: 1234 });
    const seen = await exchange(proxy.port, "ping");
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.bytes, tcpAnswer("A", Buffer.from("ping")).subarray(0, 1234));
  });

  it("corrupts the same bytes for the same seed", async () => {
    proxy.setFault({ kind: "corrupt", seed: 99, rate: 0.05 });
    const clean = tcpAnswer("A", Buffer.from("ping"));
    const first = await exchange(proxy.port, "ping");
    const second = await exchange(proxy.port, "ping");
    assert.equal(first.bytes.length, clean.length);
    assert.ok(differing(first.bytes, clean) > 50);
    assert.deepEqual(second.bytes, first.bytes);
    assert.throws(
      () => proxy.setFault({ kind: "corrupt", seed: 1, target: "body" }),
      /a "tcp" proxy has no body/,
    );
    assert.throws(() => proxy.setFault({ kind: "status", status: 500 }), /needs "http" mode/);
  });

  it("switches upstream and closes open connections", async () => {
    proxy.setFault({ kind: "pass" });
    const connections = proxy.stats.connections;
    const open = exchange(proxy.port, "ping", false);
    await waitUntil(() => proxy.stats.connections > connections);
    proxy.setUpstream(b.upstream);
    assert.equal((await open).bytes.length, 0, "the open connection was closed");
    const seen = await exchange(proxy.port, "ping");
    assert.deepEqual(seen.bytes, tcpAnswer("B", Buffer.from("ping")));
  });

  it("closes everything on close(), hung and delayed connections included", async () => {
    const extra = await startFaultProxy({ upstream: a.upstream, mode: "tcp" });
    extra.setFault({ kind: "hang" });
    const hung = exchange(extra.port, "ping", false);
    await waitUntil(() => extra.stats.connections === 1);
    extra.setFault({ kind: "delay", ms: 60_000 });
    const delayed = exchange(extra.port, "ping");
    await waitUntil(() => extra.stats.connections === 2 && extra.stats.bytesToUpstream > 0);
    await extra.close();
    await hung;
    await delayed;
    const after = await exchange(extra.port, "ping");
    assert.equal(after.error?.code, "ECONNREFUSED");
  });
});

describe("startFaultProxy in pass in front of real clients", { timeout: 240_000 }, () => {
  it("qBittorrent 4.5: login and sync/maindata, with and without a Referer naming the proxy", async () => {
    const qb = await startQbittorrent();
    const { hostname, port } = new URL(qb.url);
    const proxy = await startFaultProxy({
      upstream: { host: hostname, port: Number(port) },
      mode: "http",
    });
    try {
      const variants: Array<Record<string, string>> = [
        {},
        { referer: `${proxy.url}/`, origin: proxy.url },
      ];
      for (const headers of variants) {
        const login = await fetch(`${proxy.url}/api/v2/auth/login`, {
          method: "POST",
          headers,
          body: new URLSearchParams({ username: qb.username, password: qb.password }),
        });
        assert.equal(login.status, 200);
        assert.equal(await login.text(), "Ok.");
        const sid = /SID=[^;]+/.exec(login.headers.get("set-cookie") ?? "")?.[0];
        assert.ok(sid, "a session cookie");
        const sync = await fetch(`${proxy.url}/api/v2/sync/maindata?rid=0`, {
          headers: { ...headers, cookie: sid },
        });
        assert.equal(sync.status, 200);
        const body = (await sync.json()) as { rid: number; full_update: boolean };
        assert.equal(body.full_update, true);
        assert.equal(typeof body.rid, "number");
      }
    } finally {
      await proxy.close();
      await qb.stop();
    }
  });

  it("Transmission: the 409 session-id handshake and an RPC call", async () => {
    const tr = await startTransmission();
    const proxy = await startFaultProxy({
      upstream: { host: "127.0.0.1", port: tr.rpcPort },
      mode: "http",
    });
    try {
      const url = `${proxy.url}/transmission/rpc`;
      const authorization = `Basic ${Buffer.from(`${tr.username}:${tr.password}`).toString("base64")}`;
      const body = JSON.stringify({ method: "session-get", arguments: { fields: ["version"] } });
      const first = await fetch(url, { method: "POST", headers: { authorization }, body });
      assert.equal(first.status, 409);
      await first.arrayBuffer();
      const id = first.headers.get("x-transmission-session-id") ?? "";
      assert.notEqual(id, "");
      const second = await fetch(url, {
        method: "POST",
        headers: { authorization, "x-transmission-session-id": id },
        body,
      });
      assert.equal(second.status, 200);
      const answer = (await second.json()) as { result: string; arguments: { version: string } };
      assert.equal(answer.result, "success");
      assert.match(answer.arguments.version, /^3\.00/);
    } finally {
      await proxy.close();
      await tr.stop();
    }
  });

  it("rTorrent: system.client_version over SCGI on TCP, request half-closed as Seedwatch sends it", async () => {
    const rt = await startRtorrent({ transport: "tcp" });
    const proxy = await startFaultProxy({
      upstream: { host: "127.0.0.1", port: (rt.scgi as { port: number }).port },
      mode: "tcp",
    });
    try {
      const body = Buffer.from(
        '<?xml version="1.0"?><methodCall><methodName>system.client_version</methodName><params></params></methodCall>',
      );
      const headers = Buffer.from(
        `CONTENT_LENGTH\0${body.length}\0SCGI\x001\0REQUEST_METHOD\0POST\0`,
      );
      const seen = await exchange(
        proxy.port,
        Buffer.concat([Buffer.from(`${headers.length}:`), headers, Buffer.from(","), body]),
      );
      assert.equal(seen.error, undefined);
      const text = seen.bytes.toString();
      assert.match(text, /^Status: 200 OK\r\n/);
      assert.match(text, /<string>0\.9\.8<\/string>/);
    } finally {
      await proxy.close();
      await rt.stop();
    }
  });

  it("Deluge: the daemon's RPC over TLS in tcp mode, and deluge-web's JSON-RPC in http mode", async () => {
    const deluge = await startDeluged({ withWeb: true, labelPlugin: false });
    const daemonProxy = await startFaultProxy({
      upstream: { host: "127.0.0.1", port: deluge.daemonPort },
      mode: "tcp",
    });
    const web = new URL(deluge.webUrl as string);
    const webProxy = await startFaultProxy({
      upstream: { host: web.hostname, port: Number(web.port) },
      mode: "http",
    });
    try {
      assert.deepEqual(
        await deluge.rpc([{ method: "daemon.get_version" }], { port: daemonProxy.port }),
        ["2.0.3"],
      );
      assert.ok(daemonProxy.stats.bytesToClient > 0, "the call went through the proxy");
      const login = await fetch(`${webProxy.url}/json`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ method: "auth.login", params: [deluge.webPassword], id: 1 }),
      });
      assert.deepEqual(((await login.json()) as { result: unknown }).result, true);
      const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
      const connected = await fetch(`${webProxy.url}/json`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ method: "web.connected", params: [], id: 2 }),
      });
      assert.deepEqual(await connected.json(), { result: false, error: null, id: 2 });
    } finally {
      await daemonProxy.close();
      await webProxy.close();
      await deluge.stop();
    }
  });
});

/** Number of positions where `a` and `b` differ (over the shorter length). */
function differing(a: Buffer, b: Buffer): number {
  let count = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) count++;
  return count;
}

function waitUntil(condition: () => boolean): Promise<true> {
  return waitFor("the proxy to get there", () => (condition() ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 10,
  });
}
