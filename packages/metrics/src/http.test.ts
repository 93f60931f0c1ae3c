import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { defineGauge } from "./definition.ts";
import { negotiateFormat } from "./exposition.ts";
import { serveMetrics } from "./http.ts";
import { Registry } from "./registry.ts";

const PROMETHEUS_ACCEPT =
  "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

describe("negotiation", () => {
  it("picks the format from Accept as Prometheus and browsers send it", () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, "text"],
      ["*/*", "text"],
      ["text/html,application/xhtml+xml,*/*;q=0.8", "text"],
      [PROMETHEUS_ACCEPT, "openmetrics"],
      [
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=0.0.4;q=0.4",
        "openmetrics",
      ],
      ["text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5", "text"],
      ["application/openmetrics-text;version=2.0.0", "text"],
      ["application/openmetrics-text;q=0", "text"],
    ];
    for (const [accept, expected] of cases)
      assert.equal(negotiateFormat(accept), expected, String(accept));
  });
});

describe("serveMetrics over a real socket", () => {
  const registry = new Registry();
  const big = defineGauge({ name: "series_value", help: "Many series.", labelNames: ["i"] });
  registry.register({
    name: "many",
    collect(w) {
      const family = w.family(big);
      for (let i = 0; i < 500; i++) family.sample([String(i)], i);
    },
  });
  const server = createServer((req, res) => void serveMetrics(registry, req, res));
  let port = 0;
  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const get = (method: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port, method, path: "/metrics", headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks),
              }),
            );
          },
        );
        req.on("error", reject);
        req.end();
      },
    );

  it("answers OpenMetrics gzipped to a Prometheus-like request", async () => {
    const res = await get("GET", { accept: PROMETHEUS_ACCEPT, "accept-encoding": "gzip" });
    assert.equal(res.status, 200);
    assert.equal(
      res.headers["content-type"],
      "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
    assert.equal(res.headers["content-encoding"], "gzip");
    const text = gunzipSync(res.body).toString();
    assert.match(text, /series_value\{i="499"\} 499\n# EOF\n$/);
  });

  it("answers plain text without compression when not asked", async () => {
    const res = await get("GET", {});
    assert.equal(res.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(res.headers["content-encoding"], undefined);
    assert.equal(Number(res.headers["content-length"]), res.body.length);
    assert.match(res.body.toString(), /^# HELP series_value/);
  });

  it("does not compress for a client that refuses gzip by name, even when it accepts *", async () => {
    const res = await get("GET", { "accept-encoding": "*, gzip;q=0" });
    assert.equal(res.headers["content-encoding"], undefined);
    assert.match(res.body.toString(), /^# HELP series_value/);
  });

  it("answers HEAD without a body and refuses other methods", async () => {
    const head = await get("HEAD", {});
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const post = await get("POST", {});
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, HEAD");
  });
});
