import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { silentLogger } from "../log.ts";
import { sendJson } from "./route.ts";
import { createRouter } from "./router.ts";

describe("router path matching under hostile request targets", () => {
  let failures = 0;
  const router = createRouter(
    [
      {
        method: "GET",
        path: "/",
        scope: "dashboard",
        handle: async (_q, res) => sendJson(res, 200, { root: true }),
      },
      {
        method: "GET",
        path: "/api/v1/targets/:name/torrents",
        scope: "api",
        handle: async (_q, res, { params }) => sendJson(res, 200, params),
      },
      {
        method: "POST",
        path: "/api/v1/targets/:name/remove",
        scope: "actions",
        handle: async (_q, res, { params }) => sendJson(res, 200, params),
      },
      {
        method: "GET",
        path: "/assets/:file",
        scope: "dashboard",
        handle: async (_q, res, { params }) => sendJson(res, 200, params),
      },
    ],
    async () => true,
    { ...silentLogger, error: () => void failures++ },
  );
  const server = createServer((req, res) => void router(req, res));
  let port = 0;
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  /** Sends one raw request line (no client-side escaping) and returns the status code. */
  const raw = (method: string, target: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let data = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        data += chunk;
      });
      socket.on("error", reject);
      socket.on("close", () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
        resolve({ status, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
      });
      socket.end(
        `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
        "latin1",
      );
    });

  it("answers every request target with 200, 400, 404 or 405, and decodes parameters exactly", async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
      fc.constantFrom(
        "",
        ".",
        "..",
        "%",
        "%2",
        "%zz",
        "%E0%A4%A",
        "%00",
        "%2F",
        "api",
        "v1",
        "targets",
        "torrents",
        "remove",
        "assets",
        ";x",
        "?",
        "#",
      ),
    );
    const target = fc.oneof(
      fc.array(segment, { maxLength: 7 }).map((parts) => `/${parts.join("/")}`),
      fc.tuple(segment).map(([name]) => `/api/v1/targets/${name}/torrents`),
      fc.constantFrom(
        "*",
        "http://127.0.0.1/api/v1/targets/x/torrents",
        "//",
        "/%",
        "/?a=%",
        "/assets/..%2F..%2Fetc%2Fpasswd",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "HEAD", "DELETE"),
        target,
        async (method, path) => {
          const { status, body } = await raw(method, path);
          assert.ok([200, 400, 404, 405].includes(status), `${method} ${path}: ${status}`);
          if (status === 200 && method !== "HEAD" && path.startsWith("/api/v1/targets/")) {
            const name = path.split(/[?#]/)[0]?.split("/")[4] as string;
            assert.deepEqual(JSON.parse(body), { name: decodeURIComponent(name) });
          }
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 10_000 },
    );
    assert.equal(failures, 0, "no handler or router error was logged");
  });
});
