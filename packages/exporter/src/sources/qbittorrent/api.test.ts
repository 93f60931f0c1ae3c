import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import {
  SourceAuthError,
  SourceBannedError,
  SourceError,
  SourceHttpError,
  SourceProtocolError,
} from "../../net/errors.ts";
import { HttpClient } from "../../net/http-client.ts";
import { Credentials } from "../credentials.ts";
import { QbittorrentApi } from "./api.ts";
import { BAN_TEXT } from "./ban-answer.ts";

const PASSWORD = "hunter2-never-shown";

/** The headers qBittorrent puts on every answer (4.5.2). */
const QBT_HEADERS = {
  "content-type": "text/plain; charset=UTF-8",
  "x-content-type-options": "nosniff",
  "x-xss-protection": "1; mode=block",
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe("QbittorrentApi against a scripted server", () => {
  let login: Handler = () => {};
  let data: Handler = () => {};
  const server = createServer((req, res) => {
    req.resume();
    if (req.url?.endsWith("/api/v2/auth/login")) login(req, res);
    else data(req, res);
  });
  let url = "";
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const attempt = async (): Promise<SourceError> => {
    const http = new HttpClient();
    const api = new QbittorrentApi(url, Credentials.login("admin", PASSWORD), http);
    try {
      await api.transferInfo(AbortSignal.timeout(5000));
    } catch (error) {
      assert.ok(error instanceof SourceError, String(error));
      assert.doesNotMatch(error.message, new RegExp(PASSWORD));
      return error;
    } finally {
      http.close();
    }
    throw new Error("the call succeeded");
  };
  const loggedIn: Handler = (_req, res) => {
    res.writeHead(200, { ...QBT_HEADERS, "set-cookie": "SID=abc; HttpOnly; path=/" });
    res.end("Ok.");
  };

  it("takes qBittorrent's own ban answer for a ban, in any language", async () => {
    for (const text of [BAN_TEXT, "Ihre IP-Adresse wurde nach zu vielen Versuchen gebannt."]) {
      login = (_req, res) => {
        res.writeHead(403, QBT_HEADERS);
        res.end(text);
      };
      const error = await attempt();
      assert.ok(error instanceof SourceBannedError, String(error));
      assert.equal(error.reason, "banned");
      assert.match(error.message, /banned this IP address/);
    }
  });

  it("takes any other 403 on the login for an ordinary HTTP failure", async () => {
    const proxies: Handler[] = [
      (_req, res) => {
        res.writeHead(403, { "content-type": "text/html", server: "nginx" });
        res.end("<html><head><title>403 Forbidden</title></head></html>");
      },
      (_req, res) => {
        res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
        res.end("Forbidden");
      },
      (_req, res) => {
        res.writeHead(403);
        res.end();
      },
    ];
    for (const proxy of proxies) {
      login = proxy;
      const error = await attempt();
      assert.ok(error instanceof SourceHttpError, String(error));
      assert.equal(error.reason, "http");
      assert.match(error.message, /HTTP 403 that is not qBittorrent's ban answer/);
    }
  });

  it("takes a 403 right after a successful login for an HTTP failure, not refused credentials", async () => {
    let logins = 0;
    login = (req, res) => {
      logins++;
      loggedIn(req, res);
    };
    data = (_req, res) => {
      res.writeHead(403, QBT_HEADERS);
      res.end("Forbidden");
    };
    const error = await attempt();
    assert.ok(error instanceof SourceHttpError, String(error));
    assert.match(error.message, /HTTP 403 right after a successful login/);
    assert.equal(logins, 2, "one login, then one more after the first 403");
  });

  it("still reports a wrong password as refused credentials", async () => {
    login = (_req, res) => {
      res.writeHead(200, QBT_HEADERS);
      res.end("Fails.");
    };
    assert.ok((await attempt()) instanceof SourceAuthError);
  });

  it("reads at most a few KB of a login answer, and a status answer's size of transfer/info", async () => {
    login = (_req, res) => {
      res.writeHead(200, { ...QBT_HEADERS, "content-encoding": "gzip" });
      res.end(gzipSync(Buffer.alloc(64 * 2 ** 20)));
    };
    let error = await attempt();
    assert.ok(error instanceof SourceProtocolError, String(error));
    assert.match(
      error.message,
      /auth\/login: answer larger than 4096 bytes, the limit for this call/,
    );
    login = loggedIn;
    data = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(Buffer.alloc(64 * 2 ** 20, " ")));
    };
    error = await attempt();
    assert.match(error.message, /transfer\/info: answer larger than 1048576 bytes/);
  });
});
