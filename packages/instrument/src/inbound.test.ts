// Inbound HTTP against real node:http, Express 5, Fastify 5 and Koa apps: exact series, routes, codes, /metrics.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertPromtoolClean, waitFor } from "@seedwatch/metrics/testing";
import { type AppKind, KINDS, type RunningApp, startApp } from "./fixtures/apps.ts";
import { type Instrument, init } from "./index.ts";
import { counts, histogramSeries } from "./test-support.ts";

const UA = "Mozilla/5.0 (X11; Linux x86_64) Seedwatch-test";
const INNER = "A123456789_inner_metrics";
const BOOM_CODE: Record<AppKind, string> = {
  // Express's default error page is HTML, Koa's and ours are text: not JSON.
  "node-http": "-1",
  express: "-1",
  // Fastify answers {"statusCode":500,"error":...,"message":"boom"}: JSON without a code.
  fastify: "",
  koa: "-1",
};

function labels(fCode: string, path: string, status: number, code: string, methodCode: string) {
  return {
    appid: "A123",
    application: "A123456789",
    f_code: fCode,
    path,
    http_status: String(status),
    code,
    method_code: methodCode,
  };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return response;
}

for (const kind of KINDS) {
  describe(`inbound: ${kind}`, { timeout: 60_000 }, () => {
    let app: RunningApp;
    let instrument: Instrument;
    // Where the framework knows the route template, that is the path label.
    const route = (template: string, raw: string) => (kind === "node-http" ? raw : template);

    before(async () => {
      instrument = init({ syscode: "a123456789", metricsPort: false });
      app = await startApp(kind);
    });
    after(async () => {
      await app?.close();
      await instrument?.close();
    });

    it("records every request once, with channel-exporter's labels and rules", async () => {
      const f = "Mozilla/5.0 (X11; Li...";
      assert.equal((await get(`${app.url}/users/123`, { "user-agent": UA })).status, 200);
      assert.equal((await get(`${app.url}/users/456`, { "user-agent": UA })).status, 200);
      assert.equal((await get(`${app.url}/api/items/7`, { "user-agent": "curl/8" })).status, 200);
      const order = await fetch(`${app.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": UA },
        body: JSON.stringify({ n: 1, method_code: "M01" }),
      });
      assert.equal(order.status, 201);
      assert.deepEqual(await order.json(), {
        data: { code: "inner" },
        code: "E2",
        got: { n: 1, method_code: "M01" },
      });
      assert.equal(
        (await get(`${app.url}/text`, { "user-agent": "curl/8", "method-code": "H7" })).status,
        200,
      );
      const gzip = await fetch(`${app.url}/gzip?method_code=Q1`, {
        headers: { "user-agent": "curl/8" },
      });
      assert.deepEqual(await gzip.json(), { errorCode: 9, code: "Z1" });
      assert.equal((await get(`${app.url}/empty`, { "user-agent": "curl/8" })).status, 204);
      assert.equal((await get(`${app.url}/boom`, { "user-agent": "curl/8" })).status, 500);
      assert.equal((await get(`${app.url}/healthcheck`)).status, 200);
      assert.equal((await get(`${app.url}/nowhere`)).status, 404);

      const expected = [
        {
          labels: labels(f, route("/users/:id", "/users/123"), 200, "0", ""),
          count: kind === "node-http" ? 1 : 2,
        },
        ...(kind === "node-http"
          ? [{ labels: labels(f, "/users/456", 200, "0", ""), count: 1 }]
          : []),
        {
          labels: labels("curl/8", route("/api/items/:item", "/api/items/7"), 200, "1", ""),
          count: 1,
        },
        { labels: labels(f, "/orders", 201, "E2", "M01"), count: 1 },
        { labels: labels("curl/8", "/text", 200, "-1", "H7"), count: 1 },
        { labels: labels("curl/8", "/gzip", 200, "Z1", "Q1"), count: 1 },
        { labels: labels("curl/8", "/empty", 204, "-1", ""), count: 1 },
        { labels: labels("curl/8", "/boom", 500, BOOM_CODE[kind], ""), count: 1 },
      ].sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
      const total = expected.reduce((n, s) => n + s.count, 0);
      const series = await waitFor("all requests recorded", async () => {
        const found = histogramSeries(await instrument.metrics(), INNER);
        return found.reduce((n, s) => n + s.count, 0) >= total ? found : undefined;
      });
      assert.deepEqual(counts(series), expected);
      for (const s of series) {
        assert.ok(s.sum > 0, `${s.labels.path}: a duration was recorded`);
        assert.deepEqual(Object.keys(s.buckets), [
          "100.0",
          "200.0",
          "500.0",
          "800.0",
          "1000.0",
          "1500.0",
          "2000.0",
          "2500.0",
          "3000.0",
          "4000.0",
          "5000.0",
          "6000.0",
          "8000.0",
          "+Inf",
        ]);
      }
    });

    it("times a request from its start to the end of its response", async () => {
      assert.equal((await get(`${app.url}/slow`, { "user-agent": "timer" })).status, 200);
      const [slow] = await waitFor("the slow request recorded", async () => {
        const found = histogramSeries(await instrument.metrics(), INNER).filter(
          (s) => s.labels.f_code === "timer",
        );
        return found.length > 0 ? found : undefined;
      });
      assert.deepEqual(slow?.labels, labels("timer", "/slow", 200, "late", ""));
      assert.equal(slow?.count, 1);
      // The handler waits 250 ms: the observation cannot be in the 100 or 200 ms buckets.
      assert.equal(slow?.buckets["200.0"], 0);
      assert.ok((slow?.sum ?? 0) >= 250, `sum ${slow?.sum}`);
    });

    it("answers /metrics on the app's own port before the app sees it", async () => {
      const response = await fetch(`${app.url}/metrics`, {
        headers: { "accept-encoding": "identity" },
      });
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.equal(
        response.headers.get("content-type"),
        "text/plain; version=0.0.4; charset=utf-8",
      );
      assert.match(text, /^# HELP A123456789_inner_metrics /m);
      assert.equal(app.hits.get("/metrics"), undefined);
      await assertPromtoolClean(text);
      const head = await fetch(`${app.url}/metrics`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
      // Only GET and HEAD are ours: anything else is the app's business.
      const post = await fetch(`${app.url}/metrics`, { method: "POST" });
      await post.arrayBuffer();
      assert.equal(app.hits.get("/metrics"), 1);
      assert.equal(
        histogramSeries(await instrument.metrics(), INNER).some(
          (s) => s.labels.path === "/metrics",
        ),
        false,
      );
    });
  });
}

describe("inbound: raw path option", { timeout: 60_000 }, () => {
  it("labels the raw path when pathLabel is raw, even where a route is known", async () => {
    const instrument = init({ syscode: "B000000001", metricsPort: false, pathLabel: "raw" });
    const app = await startApp("express");
    try {
      await get(`${app.url}/users/42`, { "user-agent": "raw" });
      await get(`${app.url}/api/items/9`, { "user-agent": "raw" });
      const series = await waitFor("both recorded", async () => {
        const found = histogramSeries(await instrument.metrics(), "B000000001_inner_metrics");
        return found.length === 2 ? found : undefined;
      });
      assert.deepEqual(
        series.map((s) => s.labels.path),
        ["/api/items/9", "/users/42"],
      );
    } finally {
      await app.close();
      await instrument.close();
    }
  });

  it("does nothing after close(), and a second init() is a no-op", async () => {
    const first = init({ syscode: "C000000001", metricsPort: false });
    assert.equal(init({ syscode: "D000000001" }), first);
    assert.equal(first.options.syscode, "C000000001");
    await first.close();
    const app = await startApp("node-http");
    try {
      await get(`${app.url}/users/1`);
      assert.equal(histogramSeries(await first.metrics(), "C000000001_inner_metrics").length, 0);
    } finally {
      await app.close();
    }
  });
});
