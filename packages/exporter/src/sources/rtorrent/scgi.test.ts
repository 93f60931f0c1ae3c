import assert from "node:assert/strict";
import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import {
  SourceConnectionError,
  SourceHttpError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { encodeScgiRequest, parseScgiUrl, ScgiTransport, splitScgiResponse } from "./scgi.ts";

describe("SCGI framing", () => {
  it("parses TCP and Unix-socket URLs and refuses others with the accepted forms", () => {
    assert.deepEqual(parseScgiUrl("scgi://127.0.0.1:5000"), {
      kind: "tcp",
      host: "127.0.0.1",
      port: 5000,
    });
    assert.deepEqual(parseScgiUrl("scgi://[::1]:5000/"), { kind: "tcp", host: "::1", port: 5000 });
    assert.deepEqual(parseScgiUrl("scgi:///run/rt%20x/rpc.sock"), {
      kind: "unix",
      path: "/run/rt x/rpc.sock",
    });
    for (const bad of [
      "http://h:1",
      "scgi://h",
      "scgi://h:1/path",
      "scgi:///",
      "scgi://u:p@h:1",
      "nonsense",
    ]) {
      assert.throws(
        () => parseScgiUrl(bad),
        /expected scgi:\/\/host:port or scgi:\/\/\/path\/to\/socket/,
        bad,
      );
    }
  });

  it("writes a netstring header with CONTENT_LENGTH first", () => {
    const request = encodeScgiRequest(Buffer.from("<x/>"));
    const text = request.toString("latin1");
    const headers =
      "CONTENT_LENGTH\u00004\u0000SCGI\u00001\u0000REQUEST_METHOD\u0000POST\u0000REQUEST_URI\u0000/RPC2\u0000";
    assert.equal(text, `${headers.length}:${headers},<x/>`);
  });

  it("checks and strips the CGI-style response header", () => {
    const ok = Buffer.from(
      "Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n<x/>",
    );
    assert.equal(splitScgiResponse(ok, "w").toString(), "<x/>");
    assert.equal(
      splitScgiResponse(Buffer.from("Content-Type: text/xml\n\nbody"), "w").toString(),
      "body",
    );
    assert.throws(() => splitScgiResponse(Buffer.alloc(0), "w"), /closed without a response/);
    assert.throws(() => splitScgiResponse(Buffer.from("<xml/>"), "w"), /no SCGI header/);
    assert.throws(
      () => splitScgiResponse(Buffer.from("Status: 200 OK\r\nContent-Length: 10\r\n\r\n<x/>"), "w"),
      /Content-Length says 10/,
    );
    assert.throws(
      () => splitScgiResponse(Buffer.from("Status: 502 Bad Gateway\r\n\r\n"), "w"),
      (error: unknown) => error instanceof SourceHttpError && error.status === 502,
    );
    assert.throws(
      () => splitScgiResponse(Buffer.from("garbage line\r\n\r\nx"), "w"),
      SourceProtocolError,
    );
  });
});

/** A local TCP server whose behaviour each test chooses; it records the request bytes. */
function scriptedServer(onRequest: (socket: Socket, request: Buffer) => void): Server {
  return createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      const colon = all.indexOf(":");
      const headerLength = Number(all.subarray(0, colon).toString());
      const lengthField = /CONTENT_LENGTH\0(\d+)\0/.exec(all.toString("latin1"));
      if (lengthField && all.length >= colon + 1 + headerLength + 1 + Number(lengthField[1])) {
        onRequest(socket, all);
      }
    });
    socket.on("error", () => {});
  });
}

describe("ScgiTransport against local servers", () => {
  const servers: Server[] = [];
  const listen = async (server: Server, path?: string): Promise<string> => {
    servers.push(server);
    if (path) server.listen(path);
    else server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return path ? `scgi://${path}` : `scgi://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  let dir: { path: string; remove(): Promise<void> };
  before(async () => {
    dir = await tempDir("scgi");
  });
  after(async () => {
    for (const server of servers) server.close();
    await dir.remove();
  });
  const signal = () => AbortSignal.timeout(5000);

  it("sends the request over TCP and over a Unix socket and returns the body", async () => {
    const reply = (socket: Socket, request: Buffer) => {
      const body = request.subarray(request.indexOf(",") + 1);
      socket.end(`Status: 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body.toString()}`);
    };
    for (const url of [
      await listen(scriptedServer(reply)),
      await listen(scriptedServer(reply), join(dir.path, "s.sock")),
    ]) {
      const transport = new ScgiTransport(url);
      const body = await transport.send(Buffer.from("<echo>é</echo>"), signal());
      assert.equal(body.toString(), "<echo>é</echo>", url);
    }
  });

  it("gives SourceProtocolError for junk, silence and oversized answers", async () => {
    const junk = await listen(
      scriptedServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\nnope")),
    );
    const silent = await listen(scriptedServer((socket) => socket.end()));
    const big = await listen(
      scriptedServer((socket) => socket.end(`Status: 200 OK\r\n\r\n${"x".repeat(100_000)}`)),
    );
    await assert.rejects(
      new ScgiTransport(junk).send(Buffer.from("x"), signal()),
      SourceProtocolError,
    );
    await assert.rejects(
      new ScgiTransport(silent).send(Buffer.from("x"), signal()),
      /closed without a response/,
    );
    await assert.rejects(
      new ScgiTransport(big, { maxResponseBytes: 10_000 }).send(Buffer.from("x"), signal()),
      (error: unknown) =>
        error instanceof SourceProtocolError && /larger than 10000 bytes/.test(error.message),
    );
    await assert.rejects(
      new ScgiTransport(junk, { maxRequestBytes: 10 }).send(Buffer.alloc(11), signal()),
      /exceeds the SCGI limit of 10/,
    );
  });

  it("times out with SourceTimeoutError when the server never answers", async () => {
    const hang = await listen(scriptedServer(() => {}));
    await assert.rejects(
      new ScgiTransport(hang).send(Buffer.from("x"), AbortSignal.timeout(200)),
      (error: unknown) =>
        error instanceof SourceTimeoutError && /no answer in time/.test(error.message),
    );
    const aborted = AbortSignal.abort();
    await assert.rejects(
      new ScgiTransport(hang).send(Buffer.from("x"), aborted),
      SourceTimeoutError,
    );
  });

  it("gives SourceConnectionError when nothing listens", async () => {
    const port = await freePort();
    await assert.rejects(
      new ScgiTransport(`scgi://127.0.0.1:${port}`).send(Buffer.from("x"), signal()),
      (error: unknown) =>
        error instanceof SourceConnectionError && /ECONNREFUSED/.test(error.message),
    );
    await assert.rejects(
      new ScgiTransport(`scgi://${join(dir.path, "missing.sock")}`).send(
        Buffer.from("x"),
        signal(),
      ),
      (error: unknown) => error instanceof SourceConnectionError && /ENOENT/.test(error.message),
    );
  });
});
