import assert from "node:assert/strict";
import { once } from "node:events";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, type TestContext } from "node:test";
import type { TargetSet } from "../collect/target-set.ts";
import type { Config } from "../config/config.ts";
import { silentLogger } from "../log.ts";
import { AccessControl, buildWebPolicy } from "./access-policy.ts";
import { coreRoutes } from "./core-routes.ts";
import { createRouter } from "./router.ts";
import { createWebServer } from "./web-server.ts";

/** The core routes behind the daemon's access control (no users: admin answers loopback only). */
async function start(t: TestContext) {
  let reloads = 0;
  const policy = buildWebPolicy({ allowed_origins: ["https://seed.example.org"] });
  const routes = coreRoutes({
    targets: {} as TargetSet,
    daemonCollectors: [],
    config: () => ({}) as Config,
    reload: async () => {
      reloads += 1;
      return { ok: true };
    },
    allowedOrigins: () => policy.allowedOrigins,
    log: silentLogger,
  });
  const web = createWebServer({
    handler: (req, res) =>
      createRouter(routes, (q, s, scope) => access.authorize(q, s, scope), silentLogger)(req, res),
  });
  const access = new AccessControl({ policy: () => policy, web: () => web });
  t.after(() => web.close());
  web.server.listen(0, "127.0.0.1");
  await once(web.server, "listening");
  const port = (web.server.address() as AddressInfo).port;
  const post = (method: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/-/reload", method, headers });
      req.on("error", reject);
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.end();
    });
  return { port, post, reloads: () => reloads };
}

describe("POST /-/reload", () => {
  it("reloads for curl, Prometheus-style tools and the daemon's own pages", async (t) => {
    const { port, post, reloads } = await start(t);
    assert.deepEqual(await post("POST"), { status: 200, body: "Reloaded\n" });
    assert.equal((await post("PUT")).status, 200);
    assert.equal((await post("POST", { origin: `http://127.0.0.1:${port}` })).status, 200);
    assert.equal((await post("POST", { origin: "https://seed.example.org" })).status, 200);
    assert.equal((await post("POST", { "sec-fetch-site": "same-origin" })).status, 200);
    assert.equal((await post("POST", { "sec-fetch-site": "none" })).status, 200);
    assert.equal(reloads(), 6);
  });

  it("refuses a request a page on another site sent, and does not reload", async (t) => {
    const { post, reloads } = await start(t);
    for (const [method, headers] of [
      ["POST", { origin: "https://evil.example" }],
      ["PUT", { origin: "https://evil.example" }],
      ["POST", { origin: "null" }],
      ["POST", { "sec-fetch-site": "cross-site" }],
      ["POST", { "sec-fetch-site": "same-site" }],
      ["POST", { referer: "https://evil.example/page" }],
    ] as const) {
      const answer = await post(method, headers);
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.match(answer.body, /^Forbidden: /);
    }
    assert.equal(reloads(), 0);
  });
});
