import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { deflateSync, inflateSync } from "node:zlib";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import {
  SourceAuthError,
  SourceConnectionError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import { RpcDelugeApi } from "./api.ts";
import { deflatedBound } from "./call-limits.ts";
import { DaemonRpcClient } from "./daemon-rpc.ts";
import { EMPTY_DICT, type RencodeValue, rdecode, rencode } from "./rencode.ts";

/*
 * These peers are not Deluge: they send what no daemon should (junk, bad frames), hang, or cut
 * frames into single bytes, to check the client's defences. Deluge itself is exercised in
 * daemon-rpc.contract.test.ts.
 */

const PASSWORD = "pa55-word-never-shown";

function frame(value: RencodeValue, version = 1): Buffer {
  const body = deflateSync(rencode(value));
  const head = Buffer.alloc(5);
  head[0] = version;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function rawFrame(body: Buffer, version = 1, length = body.length): Buffer {
  const head = Buffer.alloc(5);
  head[0] = version;
  head.writeUInt32BE(length, 1);
  return Buffer.concat([head, body]);
}

/** Reads our request frames: the request ids and methods. */
function requests(data: Buffer): Array<{ id: number; method: string }> {
  const out: Array<{ id: number; method: string }> = [];
  let pos = 0;
  while (pos + 5 <= data.length) {
    const length = data.readUInt32BE(pos + 1);
    const body = inflateSync(data.subarray(pos + 5, pos + 5 + length));
    const [[id, method]] = rdecode(body) as [[number, string]];
    out.push({ id, method });
    pos += 5 + length;
  }
  return out;
}

/** A TLS server whose `onRequest` decides what to send for each request frame. */
async function scriptedPeer(
  cert: { key: Buffer; cert: Buffer },
  onRequest: (socket: TLSSocket, request: { id: number; method: string }) => void,
): Promise<{ url: string; close(): Promise<void>; sockets: Set<TLSSocket> }> {
  const sockets = new Set<TLSSocket>();
  const server = createTlsServer(cert, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const length = buffered.length >= 5 ? buffered.readUInt32BE(1) : Number.POSITIVE_INFINITY;
      if (buffered.length < 5 + length) return;
      const whole = buffered.subarray(0, 5 + length);
      buffered = buffered.subarray(5 + length);
      for (const request of requests(whole)) onRequest(socket, request);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  return {
    url: `deluge://127.0.0.1:${port}`,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

function expectNoSecret(error: unknown): true {
  assert.ok(error instanceof Error);
  assert.ok(!error.message.includes(PASSWORD), error.message);
  return true;
}

describe("DaemonRpcClient against peers that are not Deluge", () => {
  let dir: { path: string; remove(): Promise<void> };
  let cert: { key: Buffer; cert: Buffer };

  before(async () => {
    dir = await tempDir("deluge-junk");
    await promisify(execFile)("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=junk"],
      ...["-keyout", join(dir.path, "key.pem"), "-out", join(dir.path, "cert.pem")],
    ]);
    cert = {
      key: await readFile(join(dir.path, "key.pem")),
      cert: await readFile(join(dir.path, "cert.pem")),
    };
  });
  after(() => dir.remove());

  const client = (url: string) =>
    new DaemonRpcClient({ url, credentials: Credentials.login("seedwatch", PASSWORD) });

  it("rejects a plain TCP server that sends junk with SourceProtocolError", async () => {
    const server: Server = createTcpServer((socket: Socket) => {
      socket.on("error", () => {});
      socket.end(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\nthis is not deluge\n"));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const rpc = client(`deluge://127.0.0.1:${port}`);
    try {
      await assert.rejects(rpc.call("daemon.info", [], {}, AbortSignal.timeout(5000)), (error) => {
        assert.ok(error instanceof SourceProtocolError, String(error));
        assert.match(error.message, /does not speak TLS like a Deluge daemon/);
        return expectNoSecret(error);
      });
    } finally {
      rpc.close();
      server.close();
    }
  });

  it("reports a refused port as SourceConnectionError", async () => {
    const rpc = client(`deluge://127.0.0.1:${await freePort()}`);
    await assert.rejects(rpc.call("daemon.info", [], {}, AbortSignal.timeout(5000)), (error) => {
      assert.ok(error instanceof SourceConnectionError, String(error));
      assert.match(error.message, /ECONNREFUSED/);
      return expectNoSecret(error);
    });
    rpc.close();
  });

  const badFrames: ReadonlyArray<readonly [string, Buffer, RegExp]> = [
    ["a wrong protocol version", frame([1, 0, 10], 2), /protocol version 2, expected 1/],
    ["a frame larger than the limit", rawFrame(Buffer.alloc(8), 1, 2 ** 31), /exceeds the limit/],
    ["a body that is not zlib", rawFrame(Buffer.from("definitely not zlib")), /corrupt zlib/],
    ["zlib of junk rencode", rawFrame(deflateSync(Buffer.from([0x2f, 1, 2]))), /invalid type code/],
    ["zlib of a truncated value", rawFrame(deflateSync(Buffer.from([0xc3, 1]))), /truncated/],
    ["a message that is not a tuple", frame({ a: 1 }), /not a \(type, id/],
    ["a message without an id", frame([1, "x", 10]), /numeric request id/],
    ["an unknown message type", frame([9, 0, 10]), /unknown type 9/],
    [
      "a bomb beyond what the waiting call (daemon.login) may get",
      rawFrame(deflateSync(rencode("x".repeat(70_000)))),
      /message larger than 4096 bytes once decompressed \(the limit for the calls waiting\)/,
    ],
  ];
  for (const [label, bytes, message] of badFrames) {
    it(`fails the call with SourceProtocolError on ${label}`, async () => {
      const peer = await scriptedPeer(cert, (socket) => socket.write(bytes));
      const rpc = new DaemonRpcClient({
        url: peer.url,
        credentials: Credentials.login("seedwatch", PASSWORD),
        maxFrameBytes: 2 ** 20,
        maxMessageBytes: 65536,
      });
      try {
        await assert.rejects(
          rpc.call("daemon.info", [], {}, AbortSignal.timeout(5000)),
          (error) => {
            assert.ok(error instanceof SourceProtocolError, String(error));
            assert.match(error.message, message);
            return expectNoSecret(error);
          },
        );
        // The connection that carried garbage is closed, not reused.
        await waitFor("the peer to see the connection closed", () =>
          peer.sockets.size === 0 ? true : undefined,
        );
      } finally {
        rpc.close();
        await peer.close();
      }
    });
  }

  it("refuses a frame longer than any answer the waiting calls can have, before reading it", async () => {
    // A header announcing 64 MiB, then the bytes: the client must hang up after the header.
    const announced = 64 * 2 ** 20;
    let written = 0;
    const peer = await scriptedPeer(cert, (socket) => {
      socket.write(rawFrame(Buffer.alloc(0), 1, announced));
      const piece = Buffer.alloc(65536);
      const pump = () => {
        while (written < announced && !socket.destroyed) {
          written += piece.length;
          if (!socket.write(piece)) {
            socket.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    const rpc = client(peer.url);
    try {
      await assert.rejects(
        rpc.call("daemon.info", [], {}, AbortSignal.timeout(10_000)),
        (error) => {
          assert.ok(error instanceof SourceProtocolError, String(error));
          assert.match(
            error.message,
            new RegExp(
              `frame of ${announced} bytes exceeds the limit of ${deflatedBound(4096)} bytes \\(compressed\\) for the calls waiting`,
            ),
          );
          return expectNoSecret(error);
        },
      );
      assert.ok(rpc.bytesReceived < 4 * 2 ** 20, `read ${rpc.bytesReceived} bytes`);
    } finally {
      rpc.close();
      await peer.close();
    }
  });

  it("stops inflating a zlib bomb at the limit of the call it answers", async () => {
    // 64 MiB of zeros in about 64 KB: within what a status answer (1 MiB) may take compressed.
    const bomb = deflateSync(Buffer.alloc(64 * 2 ** 20), { level: 9 });
    const peer = await scriptedPeer(cert, (socket, request) => {
      if (request.method === "daemon.login") socket.write(frame([1, request.id, 10]));
      else socket.write(rawFrame(bomb));
    });
    const rpc = client(peer.url);
    try {
      await assert.rejects(
        rpc.call("core.get_session_status", [["x"]], {}, AbortSignal.timeout(10_000)),
        (error) => {
          assert.ok(error instanceof SourceProtocolError, String(error));
          assert.match(
            error.message,
            /message larger than 1048576 bytes once decompressed \(the limit for the calls waiting\)/,
          );
          return expectNoSecret(error);
        },
      );
    } finally {
      rpc.close();
      await peer.close();
    }
  });

  it("reassembles frames cut into single bytes, and matches answers out of order", async () => {
    const held: Array<{ socket: TLSSocket; id: number; method: string }> = [];
    const peer = await scriptedPeer(cert, (socket, request) => {
      if (request.method === "daemon.login") {
        const bytes = frame([1, request.id, 10]);
        for (const byte of bytes) socket.write(Buffer.of(byte));
        return;
      }
      held.push({ socket, ...request });
      if (held.length === 2) {
        // Answer the second call first, with an event in between.
        for (const call of [...held].reverse()) {
          call.socket.write(frame([3, "TorrentAddedEvent", ["abc", false]]));
          call.socket.write(frame([1, call.id, call.method]));
        }
      }
    });
    const events: string[] = [];
    const rpc = new DaemonRpcClient({
      url: peer.url,
      credentials: Credentials.login("seedwatch", PASSWORD),
      onEvent: (name) => events.push(name),
    });
    try {
      const [a, b] = await Promise.all([
        rpc.call("core.a", [], {}, AbortSignal.timeout(5000)),
        rpc.call("core.b", [], {}, AbortSignal.timeout(5000)),
      ]);
      assert.deepEqual([a, b], ["core.a", "core.b"]);
      assert.equal(rpc.authLevel, 10);
      assert.deepEqual(events, ["TorrentAddedEvent", "TorrentAddedEvent"]);
    } finally {
      rpc.close();
      await peer.close();
    }
  });

  it("times out a call that gets no answer, drops that connection and reconnects", async () => {
    let connections = 0;
    let hang = true;
    const peer = await scriptedPeer(cert, (socket, request) => {
      if (request.method === "daemon.login") {
        connections++;
        socket.write(frame([1, request.id, 10]));
      } else if (!hang) {
        socket.write(frame([1, request.id, "late but fine"]));
      }
    });
    const rpc = client(peer.url);
    try {
      await assert.rejects(
        rpc.call("core.get_torrents_status", [{}, ["name"]], {}, AbortSignal.timeout(300)),
        (error) => {
          assert.ok(error instanceof SourceTimeoutError, String(error));
          assert.match(error.message, /core\.get_torrents_status: no answer in time/);
          return expectNoSecret(error);
        },
      );
      hang = false;
      assert.equal(await rpc.call("core.x", [], {}, AbortSignal.timeout(5000)), "late but fine");
      assert.equal(connections, 2);
    } finally {
      rpc.close();
      await peer.close();
    }
  });

  it("maps a login error to SourceAuthError", async () => {
    const peer = await scriptedPeer(cert, (socket, request) => {
      if (request.method === "daemon.login") {
        socket.write(
          frame([
            2,
            request.id,
            "BadLoginError",
            ["Password does not match", "seedwatch"],
            {},
            "tb",
          ]),
        );
      }
    });
    const rpc = client(peer.url);
    try {
      await assert.rejects(rpc.call("core.x", [], {}, AbortSignal.timeout(5000)), (error) => {
        assert.ok(error instanceof SourceAuthError, String(error));
        assert.match(error.message, /daemon\.login: BadLoginError: Password does not match/);
        return expectNoSecret(error);
      });
    } finally {
      rpc.close();
      await peer.close();
    }
  });

  it("checks a pinned certificate fingerprint", async () => {
    const peer = await scriptedPeer(cert, (socket, request) => {
      socket.write(frame([1, request.id, request.method === "daemon.login" ? 10 : "ok"]));
    });
    const { X509Certificate } = await import("node:crypto");
    const fingerprint = new X509Certificate(cert.cert).fingerprint256;
    const pinned = new DaemonRpcClient({
      url: peer.url,
      credentials: Credentials.login("u", PASSWORD),
      tls: { fingerprint256: fingerprint.toLowerCase() },
    });
    const wrong = new DaemonRpcClient({
      url: peer.url,
      credentials: Credentials.login("u", PASSWORD),
      tls: { fingerprint256: "00".repeat(32) },
    });
    try {
      assert.equal(await pinned.call("core.x", [], {}, AbortSignal.timeout(5000)), "ok");
      await assert.rejects(wrong.call("core.x", [], {}, AbortSignal.timeout(5000)), (error) => {
        assert.ok(error instanceof SourceConnectionError, String(error));
        assert.match(error.message, /does not match tls.fingerprint256/);
        return true;
      });
    } finally {
      pinned.close();
      wrong.close();
      await peer.close();
    }
  });

  it("reads Deluge's -1 free space (a path it cannot stat) as unknown", async () => {
    const peer = await scriptedPeer(cert, (socket, request) => {
      const answer =
        request.method === "daemon.login" ? 10 : request.method === "core.get_free_space" ? -1 : 0;
      socket.write(frame([1, request.id, answer]));
    });
    const api = new RpcDelugeApi(client(peer.url));
    try {
      assert.equal(await api.freeSpace(undefined, AbortSignal.timeout(5000)), undefined);
    } finally {
      api.close();
      await peer.close();
    }
  });

  it("checks answer shapes in DelugeApi, and resyncs the diff after an answer it could not use", async () => {
    let connections = 0;
    const answers: RencodeValue[] = [
      { a: { name: "one", progress: 50.5, files: [] } },
      { a: { name: 5 } },
      { a: { name: "one", progress: 100 }, b: { name: "two", progress: 0 } },
    ];
    const peer = await scriptedPeer(cert, (socket, request) => {
      if (request.method === "daemon.login") {
        connections++;
        socket.write(frame([1, request.id, 10]));
      } else {
        socket.write(frame([1, request.id, answers.shift() ?? null]));
      }
    });
    const api = new RpcDelugeApi(client(peer.url));
    try {
      const first = await api.torrentsStatus(["name", "progress"], {
        diff: true,
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(first.full, true);
      assert.deepEqual(
        first.torrents.get("a"),
        { name: "one", progress: 50.5 },
        "unknown keys dropped",
      );
      await assert.rejects(
        api.torrentsStatus(["name"], { diff: true, signal: AbortSignal.timeout(5000) }),
        (error) => {
          assert.ok(error instanceof SourceProtocolError, String(error));
          assert.match(error.message, /expected a string for name, got number/);
          return true;
        },
      );
      const third = await api.torrentsStatus(["name"], {
        diff: true,
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(connections, 2, "a new connection after the unusable diff");
      assert.equal(third.full, true);
      assert.deepEqual(third.removed, []);
      assert.equal(third.torrents.size, 2);
      await assert.rejects(api.torrentsStatus([], {}), TypeError);
    } finally {
      api.close();
      await peer.close();
    }
  });

  it("reads torrent answers as Maps with shared small dicts, whatever the request id's width", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => i.toString(16).padStart(40, "0"));
    const answer = new Map<RencodeValue, RencodeValue>(
      ids.map((id, i): [RencodeValue, RencodeValue] => [
        id,
        i === 0 ? { name: "full", state: "Seeding" } : i % 2 ? {} : { label: "tv" },
      ]),
    );
    let bad = false;
    const peer = await scriptedPeer(cert, (socket, request) => {
      if (request.method === "daemon.login") socket.write(frame([1, request.id, 10]));
      else if (request.method === "core.get_session_status")
        socket.write(frame([1, request.id, { "dht.dht_nodes": request.id }]));
      else if (bad) socket.write(frame([1, request.id, new Map([[5, {}]])]));
      else {
        // Cut into single bytes: the answer is read the same at any chunk boundary.
        for (const byte of frame([1, request.id, answer])) socket.write(Buffer.of(byte));
      }
    });
    const api = new RpcDelugeApi(client(peer.url));
    const signal = () => AbortSignal.timeout(5000);
    try {
      // 140 calls: request ids run past 43 (one byte) and 127 (int8) into int16.
      for (let call = 0; call < 70; call++) {
        const status = await api.torrentsStatus(["name", "state", "label"], {
          diff: true,
          signal: signal(),
        });
        assert.deepEqual([...status.torrents.keys()], ids);
        assert.deepEqual(status.torrents.get(ids[0] as string), { name: "full", state: "Seeding" });
        assert.equal(status.torrents.get(ids[1] as string), EMPTY_DICT);
        assert.deepEqual(status.torrents.get(ids[2] as string), { label: "tv" });
        assert.equal(status.torrents.get(ids[2] as string), status.torrents.get(ids[4] as string));
        assert.deepEqual(status.removed, []);
        // Other calls keep plain objects for their dicts.
        const counters = await api.sessionStatus(["dht.dht_nodes"], signal());
        assert.equal(typeof counters["dht.dht_nodes"], "number");
      }
      bad = true;
      await assert.rejects(
        api.torrentsStatus(["name"], { diff: true, signal: signal() }),
        (error) =>
          error instanceof SourceProtocolError && /torrent ids as strings/.test(error.message),
      );
    } finally {
      api.close();
      await peer.close();
    }
  });

  it("refuses URLs that are not deluge://host:port", () => {
    for (const url of ["http://127.0.0.1:58846", "deluge://", "not a url"]) {
      assert.throws(
        () => new DaemonRpcClient({ url, credentials: Credentials.login("u", PASSWORD) }),
        /deluge:\/\/host:port/,
      );
    }
    const rpc = new DaemonRpcClient({
      url: "deluge://seedbox",
      credentials: Credentials.login("u", PASSWORD),
    });
    assert.equal(rpc.endpoint, "deluge://seedbox:58846");
  });
});
