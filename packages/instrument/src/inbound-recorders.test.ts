// The per-path cache of inbound recorders: any change of any label reaches its own series.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InstrumentMetrics } from "./metrics.ts";
import { resolveOptions } from "./options.ts";
import { histogramSeries } from "./test-support.ts";

const LONG_UA = "Mozilla/5.0 (X11; Linux x86_64) cached";

describe("InboundRecorders", () => {
  it("records each request in the series of its own labels, whatever came before on its path", async () => {
    const request = fc.record({
      path: fc.constantFrom("/a", "/b"),
      userAgent: fc.constantFrom(undefined, "curl/8", LONG_UA, `${LONG_UA} other`),
      status: fc.constantFrom(200, 201, 500),
      code: fc.constantFrom("", "0", "-1", "E1"),
      methodCode: fc.constantFrom("", "M1"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { maxLength: 40 }), async (requests) => {
        const metrics = InstrumentMetrics.create(resolveOptions({ syscode: "A123456789" }));
        const expected = new Map<string, number>();
        for (const r of requests) {
          metrics.inbound.path(r.path).observe(r.userAgent, r.status, r.code, r.methodCode, 1);
          const fCode =
            r.userAgent === undefined
              ? ""
              : r.userAgent.length > 20
                ? `${r.userAgent.slice(0, 20)}...`
                : r.userAgent;
          const key = JSON.stringify([fCode, r.path, String(r.status), r.code, r.methodCode]);
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        const seen = new Map<string, number>();
        for (const s of histogramSeries(
          await metrics.registry.render(),
          "A123456789_inner_metrics",
        )) {
          const l = s.labels;
          assert.equal(l.appid, "A123");
          assert.equal(l.application, "A123456789");
          const key = JSON.stringify([l.f_code, l.path, l.http_status, l.code, l.method_code]);
          seen.set(key, s.count);
        }
        assert.deepEqual([...seen].sort(), [...expected].sort());
      }),
      { numRuns: 200 },
    );
  });
});
