import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { SourceAuthError, SourceHttpError } from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import { HttpXmlRpcTransport } from "./http-transport.ts";

describe("HttpXmlRpcTransport against a local HTTP server", () => {
  let seen: IncomingMessage | undefined;
  let seenBody = "";
  const server = createServer((req, res) => {
    seen = req;
    seenBody = "";
    req.on("data", (c: Buffer) => {
      seenBody += c.toString();
    });
    req.on("end", () => {
      if (req.url === "/fail") {
        res.writeHead(500).end("boom");
      } else if (
        req.headers.authorization !== `Basic ${Buffer.from("user:secret").toString("base64")}`
      ) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="rt"' }).end();
      } else {
        res.writeHead(200, { "content-type": "text/xml" }).end("<ok/>");
      }
    });
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
  const signal = () => AbortSignal.timeout(5000);

  it("POSTs text/xml with basic auth taken from the options or the URL", async () => {
    const fromOptions = new HttpXmlRpcTransport(`${base}/RPC2`, {
      credentials: Credentials.login("user", "secret"),
    });
    assert.equal((await fromOptions.send(Buffer.from("<call/>"), signal())).toString(), "<ok/>");
    assert.equal(seen?.method, "POST");
    assert.equal(seen?.headers["content-type"], "text/xml");
    assert.equal(seenBody, "<call/>");
    fromOptions.close();

    const fromUrl = new HttpXmlRpcTransport(`http://user:secret@${base.slice(7)}/RPC2`);
    assert.equal(fromUrl.endpoint, `${base}/RPC2`, "no credentials in the endpoint");
    assert.equal((await fromUrl.send(Buffer.from("<call/>"), signal())).toString(), "<ok/>");
    fromUrl.close();
  });

  it("maps 401 to SourceAuthError and other statuses to SourceHttpError, without the password", async () => {
    const wrong = new HttpXmlRpcTransport(`${base}/RPC2`, {
      credentials: Credentials.login("user", "hunter2"),
    });
    await assert.rejects(wrong.send(Buffer.from("<call/>"), signal()), (error: unknown) => {
      assert.ok(error instanceof SourceAuthError);
      assert.match(error.message, /HTTP 401 \(wrong user name or password\)/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
    const none = new HttpXmlRpcTransport(`${base}/RPC2`);
    await assert.rejects(none.send(Buffer.from("<call/>"), signal()), /credentials required/);
    const failing = new HttpXmlRpcTransport(`${base}/fail`, {
      credentials: Credentials.login("user", "secret"),
    });
    await assert.rejects(
      failing.send(Buffer.from("<call/>"), signal()),
      (error: unknown) => error instanceof SourceHttpError && error.status === 500,
    );
    for (const t of [wrong, none, failing]) t.close();
  });
});
