// Calls to a real local partner API through fetch, http.request and axios: exact partner_http_metrics, bodies untouched.

import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import axios from "axios";
import { PARTNER_BODIES, partnerServer } from "./fixtures/partner-server.ts";
import { type Instrument, init } from "./index.ts";
import { close, counts, histogramSeries, listen } from "./test-support.ts";

const PARTNER = "partner_http_metrics";

/** What every client below calls, and what each call must record (undefined: nothing). */
const CALLS: ReadonlyArray<{ path: string; action?: string; status?: number; code?: string }> = [
  { path: "/ocr/front", action: "401", status: 200, code: "0" },
  { path: "/face/compare?x=1", action: "807", status: 200, code: "E100" },
  { path: "/plain", action: "", status: 200, code: "-1" },
  { path: "/gzip", action: "", status: 200, code: "7" },
  { path: "/big", action: "", status: 200, code: "-1" },
  { path: "/nocode", action: "", status: 200, code: "-1" },
  { path: "/status500", action: "", status: 500, code: "500" },
  { path: "/reset" },
];

/** The series CALLS must produce: one per label set, counting the calls that share it. */
function expected(partner: string) {
  const bySet = new Map<string, { labels: Record<string, string>; count: number }>();
  for (const call of CALLS) {
    if (call.status === undefined) continue;
    const labels = {
      appid: "P000",
      application: "P000000001",
      partner,
      action_code: call.action as string,
      http_status: String(call.status),
      code: call.code as string,
    };
    const key = JSON.stringify(labels);
    const series = bySet.get(key) ?? { labels, count: 0 };
    series.count++;
    bySet.set(key, series);
  }
  return [...bySet.values()].sort((a, b) =>
    JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)),
  );
}

/** A GET through http.request, reading the body as an app would ('data' events). */
function httpGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("aborted")));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("outbound calls to partners", { timeout: 60_000 }, () => {
  const partner = partnerServer();
  const stranger = partnerServer();
  let partnerUrl: string;
  let strangerUrl: string;
  let deadPort: number;

  before(async () => {
    partnerUrl = await listen(partner);
    strangerUrl = await listen(stranger);
    deadPort = await freePort();
  });
  after(async () => {
    await close(partner);
    await close(stranger);
  });

  function start(): Instrument {
    const port = new URL(partnerUrl).port;
    return init({
      syscode: "P000000001",
      metricsPort: false,
      maxBodyBytes: 1024,
      partners: {
        [`127.0.0.1:${port}`]: { partner: 1, paths: { "/ocr/front": 401, "/face/compare": "807" } },
        [`127.0.0.1:${deadPort}`]: { partner: 9, paths: {} },
      },
    });
  }

  async function recorded(instrument: Instrument, total: number) {
    return waitFor(`${total} partner calls recorded`, async () => {
      const series = histogramSeries(await instrument.metrics(), PARTNER);
      return series.reduce((n, s) => n + s.count, 0) >= total ? series : undefined;
    });
  }

  it("measures global fetch, and the app reads the same bodies", async () => {
    const instrument = start();
    try {
      for (const call of CALLS) {
        if (call.status === undefined) {
          await assert.rejects(fetch(`${partnerUrl}${call.path}`).then((r) => r.text()));
          continue;
        }
        const response = await fetch(`${partnerUrl}${call.path}`);
        assert.equal(response.status, call.status);
        const body = await response.text();
        const known = PARTNER_BODIES[call.path.split("?")[0] as keyof typeof PARTNER_BODIES];
        if (known !== undefined) assert.deepEqual(JSON.parse(body), known);
      }
      await assert.rejects(fetch(`http://127.0.0.1:${deadPort}/ocr/front`));
      assert.equal((await fetch(`${strangerUrl}/ocr/front`)).status, 200);
      const series = await recorded(instrument, 7);
      assert.deepEqual(counts(series), expected("1"));
    } finally {
      await instrument.close();
    }
  });

  it("measures http.request, and the app reads the same bytes", async () => {
    const instrument = start();
    try {
      for (const call of CALLS) {
        if (call.status === undefined) {
          await assert.rejects(httpGet(`${partnerUrl}${call.path}`));
          continue;
        }
        const { status, body } = await httpGet(`${partnerUrl}${call.path}`);
        assert.equal(status, call.status);
        const known = PARTNER_BODIES[call.path.split("?")[0] as keyof typeof PARTNER_BODIES];
        const text = call.path === "/gzip" ? gunzipSync(body).toString() : body.toString();
        if (known !== undefined) assert.deepEqual(JSON.parse(text), known);
      }
      await assert.rejects(httpGet(`http://127.0.0.1:${deadPort}/ocr/front`));
      assert.equal((await httpGet(`${strangerUrl}/ocr/front`)).status, 200);
      const series = await recorded(instrument, 7);
      assert.deepEqual(counts(series), expected("1"));
    } finally {
      await instrument.close();
    }
  });

  it("measures an http.request through an HTTP proxy as a call to the host its URL names", async () => {
    const instrument = start();
    try {
      // The unlisted server stands for the proxy: the request's path is the partner's full URL.
      const proxy = new URL(strangerUrl);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: proxy.hostname, port: proxy.port, path: `${partnerUrl}/ocr/front` },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end();
      });
      assert.equal(status, 200);
      const series = await recorded(instrument, 1);
      assert.deepEqual(counts(series), [
        {
          labels: {
            appid: "P000",
            application: "P000000001",
            partner: "1",
            action_code: "401",
            http_status: "200",
            code: "0",
          },
          count: 1,
        },
      ]);
    } finally {
      await instrument.close();
    }
  });

  it("measures axios (over http.request), which decompresses and parses as usual", async () => {
    const instrument = start();
    try {
      const client = axios.create({ baseURL: partnerUrl, validateStatus: () => true });
      for (const call of CALLS) {
        if (call.status === undefined) {
          await assert.rejects(client.get(call.path));
          continue;
        }
        const response = await client.get(call.path);
        assert.equal(response.status, call.status);
        const known = PARTNER_BODIES[call.path.split("?")[0] as keyof typeof PARTNER_BODIES];
        if (known !== undefined) assert.deepEqual(response.data, known);
      }
      const post = await client.post("/face/compare", { image: "x" });
      assert.deepEqual(post.data, PARTNER_BODIES["/face/compare"]);
      await assert.rejects(axios.get(`http://127.0.0.1:${deadPort}/ocr/front`));
      const series = await recorded(instrument, 8);
      const want = expected("1").map((s) =>
        s.labels.action_code === "807" ? { ...s, count: 2 } : s,
      );
      assert.deepEqual(counts(series), want);
    } finally {
      await instrument.close();
    }
  });

  it("times a call until its body has arrived", async () => {
    const port = new URL(partnerUrl).port;
    const instrument = init({
      syscode: "P000000001",
      metricsPort: false,
      partners: { [`127.0.0.1:${port}`]: { partner: "slowpoke", paths: { "/slow": "S1" } } },
    });
    try {
      assert.deepEqual(await (await fetch(`${partnerUrl}/slow`)).json(), { code: "slow" });
      assert.deepEqual(JSON.parse((await httpGet(`${partnerUrl}/slow`)).body.toString()), {
        code: "slow",
      });
      const [series] = await recorded(instrument, 2);
      assert.deepEqual(series?.labels, {
        appid: "P000",
        application: "P000000001",
        partner: "slowpoke",
        action_code: "S1",
        http_status: "200",
        code: "slow",
      });
      assert.equal(series?.count, 2);
      // Both calls took at least 250 ms: nothing in the 100 or 200 ms buckets.
      assert.equal(series?.buckets["200.0"], 0);
      assert.ok((series?.sum ?? 0) >= 500, `sum ${series?.sum}`);
    } finally {
      await instrument.close();
    }
  });

  it("measures nothing without a partner table", async () => {
    const instrument = init({ syscode: "P000000001", metricsPort: false });
    try {
      await (await fetch(`${partnerUrl}/ocr/front`)).text();
      await httpGet(`${partnerUrl}/ocr/front`);
      assert.deepEqual(histogramSeries(await instrument.metrics(), PARTNER), []);
    } finally {
      await instrument.close();
    }
  });
});
