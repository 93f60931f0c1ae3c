// The per-path cache of partner recorders: any change of status or code reaches its own series.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InstrumentMetrics } from "./metrics.ts";
import { resolveOptions } from "./options.ts";
import { Partners } from "./partners.ts";
import { histogramSeries } from "./test-support.ts";

describe("PartnerRecorders", () => {
  it("records each call in the series of its own labels, whatever came before on its path", async () => {
    const options = resolveOptions({
      syscode: "A123456789",
      partners: {
        "a.example": { partner: 1, paths: { "/x": 401 } },
        "b.example:81": { partner: 2 },
      },
    });
    const partners = new Partners(options.partners);
    const call = fc.record({
      target: fc.constantFrom(
        ["a.example", 80, "/x"],
        ["a.example", 443, "/y?q"],
        ["b.example", 81, "/x"],
      ),
      status: fc.constantFrom(200, 500),
      code: fc.constantFrom("0", "-1", "E1"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 30 }), async (calls) => {
        const metrics = InstrumentMetrics.create(options);
        const expected = new Map<string, number>();
        for (const { target, status, code } of calls) {
          const [host, port, path] = target as [string, number, string];
          const match = partners.match(host, port, port === 81 ? 80 : port, path);
          assert.ok(match !== undefined);
          metrics.partnerCalls.observe(match, status, code, 1);
          const key = JSON.stringify([match.partner, match.actionCode, String(status), code]);
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        const seen = new Map<string, number>();
        for (const s of histogramSeries(await metrics.registry.render(), "partner_http_metrics")) {
          const l = s.labels;
          seen.set(JSON.stringify([l.partner, l.action_code, l.http_status, l.code]), s.count);
        }
        assert.deepEqual([...seen].sort(), [...expected].sort());
      }),
      { numRuns: 200 },
    );
  });
});
