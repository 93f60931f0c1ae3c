import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { silentLogger } from "../log.ts";
import { sendJson, sendText } from "./route.ts";
import { createRouter } from "./router.ts";

describe("router", () => {
  const denied: string[] = [];
  const router = createRouter(
    [
      {
        method: "GET",
        path: "/a/:name/b",
        scope: "api",
        handle: async (_q, res, { params }) => sendJson(res, 200, params),
      },
      {
        method: "POST",
        path: "/a/:name/b",
        scope: "actions",
        handle: async (_q, res) => sendText(res, 200, "posted\n"),
      },
      {
        method: "GET",
        path: "/secret",
        scope: "admin",
        handle: async (_q, res) => sendText(res, 200, "no\n"),
      },
      {
        method: "GET",
        path: "/boom",
        scope: "api",
        handle: async () => {
          throw new Error("kaboom");
        },
      },
    ],
    async (_req, res, scope) => {
      if (scope !== "admin") return true;
      denied.push(scope);
      sendText(res, 401, "unauthorized\n");
      return false;
    },
    silentLogger,
  );
  const server = createServer((req, res) => void router(req, res));
  let base = "";
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("matches path parameters, decoded", async () => {
    const res = await fetch(`${base}/a/box%201/b`);
    assert.deepEqual(await res.json(), { name: "box 1" });
    assert.equal((await fetch(`${base}/a/box/b`, { method: "POST" })).status, 200);
  });

  it("answers 404, 405 with Allow, HEAD without body, 400 on a bad escape", async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const put = await fetch(`${base}/a/x/b`, { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD, POST");
    const head = await fetch(`${base}/a/x/b`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    assert.equal((await fetch(`${base}/a/%E0%A4%A/b`)).status, 404);
  });

  it("asks the authorizer with the route's scope before the handler runs", async () => {
    const res = await fetch(`${base}/secret`);
    assert.equal(res.status, 401);
    assert.deepEqual(denied, ["admin"]);
  });

  it("turns a throwing handler into a 500 without details", async () => {
    const res = await fetch(`${base}/boom`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /kaboom/);
  });
});
