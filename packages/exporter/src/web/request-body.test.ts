import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, request } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { mediaType, RequestBodyError, readBody } from "./request-body.ts";
import { createWebServer } from "./web-server.ts";

describe("readBody on a real server", () => {
  const server = createServer(async (req, res) => {
    try {
      const text = await readBody(req, { maxBytes: 1000, types: ["application/json"] });
      res.end(`ok ${text.length}`);
    } catch (error) {
      if (!(error instanceof RequestBodyError)) throw error;
      res.setHeader("connection", "close");
      res.writeHead(error.status);
      res.end(error.message);
    }
  });
  let port = 0;
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const send = (headers: Record<string, string>, chunks: Array<string | Buffer>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", headers, agent: false });
      req.on("error", reject);
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });

  it("reads a JSON body within the bound", async () => {
    assert.deepEqual(
      await send({ "content-type": "application/json; charset=UTF-8" }, ['{"a":', "1}"]),
      {
        status: 200,
        body: "ok 7",
      },
    );
  });

  it("refuses another media type or charset before reading", async () => {
    const form = await send({ "content-type": "application/x-www-form-urlencoded" }, ["a=1"]);
    assert.equal(form.status, 415);
    assert.match(
      form.body,
      /expected Content-Type application\/json, got "application\/x-www-form-urlencoded"/,
    );
    assert.equal((await send({}, ["{}"])).status, 415);
    assert.equal(
      (await send({ "content-type": "application/json; charset=latin1" }, ["{}"])).status,
      415,
    );
  });

  it("refuses a body over the bound, declared or chunked", async () => {
    const declared = await send({ "content-type": "application/json", "content-length": "5000" }, [
      "x".repeat(5000),
    ]);
    assert.equal(declared.status, 413);
    const chunked = await send(
      { "content-type": "application/json", "transfer-encoding": "chunked" },
      ["x".repeat(600), "x".repeat(600)],
    );
    assert.deepEqual(chunked, { status: 413, body: "the body is larger than 1000 bytes" });
  });

  it("refuses bytes that are not UTF-8", async () => {
    const bad = await send({ "content-type": "application/json" }, [
      Buffer.from([0x7b, 0xff, 0x7d]),
    ]);
    assert.deepEqual(bad, { status: 400, body: "the body is not valid UTF-8" });
  });

  it("refuses a JSON body that is not JSON or names a key twice, at any depth", async () => {
    const json = { "content-type": "application/json" };
    assert.deepEqual(await send(json, ['{"dryRun":true,"dryRun":false}']), {
      status: 400,
      body: 'the body names the key "dryRun" twice',
    });
    assert.deepEqual(await send(json, ['{"rules":[{"name":"a","name":"b"}]}']), {
      status: 400,
      body: 'the body names the key "name" twice in rules[0]',
    });
    assert.deepEqual(await send(json, ["{nope"]), { status: 400, body: "the body is not JSON" });
  });

  it("reads media types", () => {
    assert.equal(mediaType(" Application/JSON ; charset=utf-8"), "application/json");
    assert.equal(mediaType(undefined), "");
  });
});

describe("a body that never ends, on the daemon's server", () => {
  it("is cut off by the request timeout with a 408, and the handler sees the client gone", async () => {
    let outcome = "";
    const web = createWebServer({
      limits: { requestTimeoutMs: 300, headersTimeoutMs: 300 },
      handler: async (req, res) => {
        try {
          await readBody(req, { maxBytes: 1000, types: ["application/json"] });
          outcome = "read";
          res.end();
        } catch (error) {
          outcome = (error as Error).message;
        }
      },
    });
    web.server.listen(0, "127.0.0.1");
    await once(web.server, "listening");
    const socket = connect((web.server.address() as AddressInfo).port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.write(
      "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    await once(socket, "close");
    await web.close();
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.equal(outcome, "the client went away before sending the whole body");
  });
});
