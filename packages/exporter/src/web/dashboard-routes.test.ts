// Serving the built dashboard from a temp build directory: types, caching, gzip, traversal, a missing build.

import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { createLogger } from "../log.ts";
import { dashboardRoutes } from "./dashboard-routes.ts";
import { createRouter } from "./router.ts";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const INDEX = `<!doctype html><html><head><script type="module" src="./assets/index-Bnl9vRny.js"></script></head><body>${"<p>dashboard</p>".repeat(50)}</body></html>`;
const SCRIPT = `console.log(${JSON.stringify("x".repeat(2000))});`;

describe("dashboard routes", () => {
  let root = "";
  let dist = "";
  let base = "";
  const logs: string[] = [];
  const server = createServer();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "seedwatch-dashboard-routes-"));
    dist = join(root, "dist");
    await mkdir(join(dist, "assets"), { recursive: true });
    await writeFile(join(root, "secret.txt"), "not for you");
    await writeFile(join(dist, "index.html"), INDEX);
    await writeFile(join(dist, "assets", "index-Bnl9vRny.js"), SCRIPT);
    await writeFile(join(dist, "assets", "notes.txt"), "plain");
    await writeFile(join(dist, "assets", "blob.bin"), Buffer.from([1, 2, 3]));
    const log = createLogger({ level: "debug", format: "logfmt", write: (l) => logs.push(l) });
    const router = createRouter(dashboardRoutes({ dir: dist, log }), async () => true, log);
    server.on("request", (req, res) => void router(req, res));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await rm(root, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on("error", reject);
      req.end();
    });

  it("serves the page at /, revalidated on every visit, gzipped only when accepted", async () => {
    const plain = await get("/");
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(plain.headers["cache-control"], "no-cache");
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.equal(plain.headers.vary, "accept-encoding");
    assert.equal(plain.body.toString(), INDEX);

    const zipped = await get("/", { "accept-encoding": "br, gzip;q=0.8" });
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.equal(Number(zipped.headers["content-length"]), zipped.body.length);
    assert.ok(zipped.body.length < INDEX.length, "compressed is smaller");
    assert.equal(gunzipSync(zipped.body).toString(), INDEX);

    const refused = await get("/", { "accept-encoding": "gzip;q=0, *" });
    assert.equal(refused.headers["content-encoding"], undefined);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const first = await get("/");
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    const again = await get("/", { "if-none-match": `W/"other", ${etag}` });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal((await get("/", { "if-none-match": '"other"' })).status, 200);
  });

  it("serves hashed assets with a year of immutable cache, others revalidated", async () => {
    const script = await get("/assets/index-Bnl9vRny.js", { "accept-encoding": "gzip" });
    assert.equal(script.status, 200);
    assert.equal(script.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(script.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(script.headers["x-content-type-options"], "nosniff");
    assert.equal(gunzipSync(script.body).toString(), SCRIPT);

    const notes = await get("/assets/notes.txt");
    assert.equal(notes.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(notes.headers["cache-control"], "no-cache");

    const blob = await get("/assets/blob.bin", { "accept-encoding": "gzip" });
    assert.equal(blob.headers["content-type"], "application/octet-stream");
    assert.equal(blob.headers["content-encoding"], undefined, "binary is not recompressed");
    assert.deepEqual([...blob.body], [1, 2, 3]);

    const head = await get("/assets/index-Bnl9vRny.js", {}, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers["content-length"]), SCRIPT.length);
    assert.equal(head.body.length, 0);
  });

  it("never leaves the build directory", async () => {
    for (const path of [
      "/assets/..%2Fsecret.txt",
      "/assets/..%2F..%2Fsecret.txt",
      "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/assets/..%5C..%5Csecret.txt",
      "/assets/%2Fetc%2Fpasswd",
      "/assets/index.html%00.js",
      "/assets/",
      "/assets/missing-Abcdefgh.js",
      "/index.html/../../secret.txt",
      "/../secret.txt",
    ]) {
      const answer = await get(path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.includes("not for you"), false, path);
    }
    // Dot segments, even encoded, are resolved by the URL parser before routing: back to the page.
    for (const path of ["/assets/..", "/assets/.%2E", "/assets/%2e%2E/"]) {
      const answer = await get(path);
      assert.equal(answer.body.toString(), INDEX, path);
    }
  });

  it("says how to build the dashboard when it was not, and serves it once built", async () => {
    await rm(join(dist, "index.html"));
    const missing = await get("/");
    assert.equal(missing.status, 500);
    assert.equal(missing.headers["content-type"], "text/html; charset=utf-8");
    assert.match(missing.body.toString(), /The dashboard is not built/);
    assert.match(missing.body.toString(), /npm ci/);
    assert.match(missing.body.toString(), /npx vite build packages\/dashboard/);
    assert.equal(missing.body.toString().includes(root), false, "no server path in the page");
    await get("/");
    const warnings = logs.filter((l) => l.includes("the dashboard is not built"));
    assert.equal(warnings.length, 1, "warned once");
    assert.ok(warnings[0]?.includes(dist), "the log names the directory");

    await writeFile(join(dist, "index.html"), "<!doctype html><p>rebuilt</p>");
    const rebuilt = await get("/");
    assert.equal(rebuilt.status, 200);
    assert.equal(rebuilt.body.toString(), "<!doctype html><p>rebuilt</p>");
    // A rebuild writing the same size: the new modification time alone is noticed.
    await writeFile(join(dist, "index.html"), "<!doctype html><p>REBUILT</p>");
    const later = new Date(Date.now() + 5000);
    await utimes(join(dist, "index.html"), later, later);
    assert.equal((await get("/")).body.toString(), "<!doctype html><p>REBUILT</p>");
  });
});
