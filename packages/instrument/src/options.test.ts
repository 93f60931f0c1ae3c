// init()'s options and their environment variables: defaults, channel-exporter's syscode rule, clear errors.

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { InstrumentConfigError } from "./errors.ts";
import { DEFAULT_BUCKETS, normalizeHostPort, optionsFromEnv, resolveOptions } from "./options.ts";

function fails(run: () => unknown, field: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InstrumentConfigError, String(error));
    assert.equal(error.field, field);
    assert.match(error.message, message);
    return true;
  });
}

describe("resolveOptions", () => {
  it("fills in channel-exporter's defaults", () => {
    const options = resolveOptions({ syscode: "a123456789" });
    assert.deepEqual(options, {
      syscode: "A123456789",
      appid: "A123",
      innerMetricsBuckets: DEFAULT_BUCKETS,
      partnerHttpMetricsBuckets: DEFAULT_BUCKETS,
      consumerMetricsBuckets: DEFAULT_BUCKETS,
      partners: {},
      metricsPort: 9166,
      metricsHost: undefined,
      metricsPath: "/metrics",
      serveOnAppServer: true,
      appServerWaitMs: 40_000,
      pathLabel: "route",
      skipPaths: ["/healthcheck", "/metrics"],
      maxBodyBytes: 65_536,
      maxSeries: 2048,
    });
    assert.deepEqual(
      DEFAULT_BUCKETS,
      [100, 200, 500, 800, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000],
    );
  });

  it("accepts a letter and 9 digits as the syscode, and nothing else", () => {
    assert.equal(resolveOptions({ syscode: "Z000000000" }).appid, "Z000");
    for (const bad of [
      "1234567890",
      "A12345678",
      "AB23456789",
      "A1234567890",
      "",
      " A123456789",
      "Ä123456789",
    ]) {
      fails(
        () => resolveOptions({ syscode: bad }),
        "syscode",
        /expected a letter followed by 9 digits/,
      );
    }
    fails(() => resolveOptions({ syscode: 5 as unknown as string }), "syscode", /got number 5/);
    fails(() => resolveOptions(undefined as never), "options", /expected an object/);
  });

  it("validates every option and names it", () => {
    const s = "A123456789";
    fails(
      () => resolveOptions({ syscode: s, innerMetricsBuckets: [] }),
      "innerMetricsBuckets",
      /non-empty/,
    );
    fails(
      () => resolveOptions({ syscode: s, consumerMetricsBuckets: [5, 5] }),
      "consumerMetricsBuckets",
      /strictly increasing/,
    );
    fails(() => resolveOptions({ syscode: s, metricsPort: 70000 }), "metricsPort", /1-65535/);
    fails(
      () => resolveOptions({ syscode: s, metricsPath: "metrics" }),
      "metricsPath",
      /starting with "\/"/,
    );
    fails(
      () => resolveOptions({ syscode: s, pathLabel: "template" as "raw" }),
      "pathLabel",
      /"route" or "raw"/,
    );
    fails(() => resolveOptions({ syscode: s, maxSeries: 0 }), "maxSeries", /from 1 to/);
    fails(() => resolveOptions({ syscode: s, maxBodyBytes: -1 }), "maxBodyBytes", /from 0 to/);
    fails(
      () => resolveOptions({ syscode: s, serveOnAppServer: "yes" as unknown as boolean }),
      "serveOnAppServer",
      /true or false/,
    );
    fails(() => resolveOptions({ syscode: s, port: 1 } as never), "port", /unknown option/);
    assert.deepEqual(
      resolveOptions({ syscode: s, metricsPath: "/m", skipPaths: ["/x"] }).skipPaths,
      ["/x", "/m"],
    );
    assert.equal(resolveOptions({ syscode: s, metricsPort: false }).metricsPort, false);
  });

  it("normalizes the partner table and refuses malformed entries", () => {
    const options = resolveOptions({
      syscode: "A123456789",
      partners: {
        "API.Example.com:8443": { partner: 1, paths: { "/a": 801, "/b": "" } },
        "[::1]:9000": { partner: "local" },
        "plain.example": { partner: 2, paths: {} },
      },
    });
    assert.deepEqual(options.partners, {
      "api.example.com:8443": { partner: "1", paths: { "/a": "801", "/b": "" } },
      "[::1]:9000": { partner: "local", paths: {} },
      "plain.example": { partner: "2", paths: {} },
    });
    const s = "A123456789";
    fails(
      () => resolveOptions({ syscode: s, partners: { "http://x:1/": { partner: 1 } } }),
      'partners["http://x:1/"]',
      /host:port/,
    );
    fails(
      () => resolveOptions({ syscode: s, partners: { "x:1": { partner: null } as never } }),
      'partners["x:1"].partner',
      /string or number/,
    );
    fails(
      () => resolveOptions({ syscode: s, partners: { "x:1": { partner: 1, paths: { a: 1 } } } }),
      'partners["x:1"].paths["a"]',
      /starting with \//,
    );
    fails(
      () => resolveOptions({ syscode: s, partners: { "x:1": { partner: 1, path: {} } as never } }),
      'partners["x:1"].path',
      /unknown field/,
    );
    assert.equal(normalizeHostPort("user:pw@x:1"), undefined);
    assert.equal(normalizeHostPort("Host:80"), "host:80");
  });
});

describe("optionsFromEnv", () => {
  it("reads every SEEDWATCH_* variable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "seedwatch-options-"));
    try {
      const file = join(dir, "partners.json");
      await writeFile(file, JSON.stringify({ "x:1": { partner: 3, paths: { "/p": 7 } } }));
      const options = optionsFromEnv({
        SEEDWATCH_SYSCODE: " b000000001 ",
        SEEDWATCH_INNER_METRICS_BUCKETS: "10, 20,30",
        SEEDWATCH_PARTNER_HTTP_METRICS_BUCKETS: "1",
        SEEDWATCH_CONSUMER_METRICS_BUCKETS: "5,50",
        SEEDWATCH_PARTNERS_FILE: file,
        SEEDWATCH_METRICS_PORT: "off",
        SEEDWATCH_METRICS_HOST: "127.0.0.1",
        SEEDWATCH_METRICS_PATH: "/m",
        SEEDWATCH_SERVE_ON_APP_SERVER: "false",
        SEEDWATCH_APP_SERVER_WAIT_MS: "0",
        SEEDWATCH_PATH_LABEL: "raw",
        SEEDWATCH_SKIP_PATHS: "/a, /b",
        SEEDWATCH_MAX_BODY_BYTES: "100",
        SEEDWATCH_MAX_SERIES: "10",
        UNRELATED: "x",
      });
      assert.deepEqual(options, {
        syscode: "b000000001",
        innerMetricsBuckets: [10, 20, 30],
        partnerHttpMetricsBuckets: [1],
        consumerMetricsBuckets: [5, 50],
        partners: { "x:1": { partner: 3, paths: { "/p": 7 } } },
        metricsPort: false,
        metricsHost: "127.0.0.1",
        metricsPath: "/m",
        serveOnAppServer: false,
        appServerWaitMs: 0,
        pathLabel: "raw",
        skipPaths: ["/a", "/b"],
        maxBodyBytes: 100,
        maxSeries: 10,
      });
      assert.equal(resolveOptions(options).syscode, "B000000001");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the variable when one cannot be read", () => {
    const s = { SEEDWATCH_SYSCODE: "A123456789" };
    fails(() => optionsFromEnv({}), "SEEDWATCH_SYSCODE", /not set/);
    fails(
      () => optionsFromEnv({ ...s, SEEDWATCH_METRICS_PORT: "nine" }),
      "SEEDWATCH_METRICS_PORT",
      /a port \(1-65535\) or "off", got "nine"/,
    );
    fails(
      () => optionsFromEnv({ ...s, SEEDWATCH_PARTNERS: "{x" }),
      "SEEDWATCH_PARTNERS",
      /JSON object/,
    );
    fails(
      () => optionsFromEnv({ ...s, SEEDWATCH_INNER_METRICS_BUCKETS: "1,,2" }),
      "SEEDWATCH_INNER_METRICS_BUCKETS",
      /bucket bounds/,
    );
    fails(
      () => optionsFromEnv({ ...s, SEEDWATCH_SERVE_ON_APP_SERVER: "maybe" }),
      "SEEDWATCH_SERVE_ON_APP_SERVER",
      /true or false/,
    );
    fails(
      () => optionsFromEnv({ ...s, SEEDWATCH_PARTNERS_FILE: "/nonexistent/p.json" }),
      "SEEDWATCH_PARTNERS_FILE",
      /cannot read/,
    );
    fails(
      () => optionsFromEnv({ ...s, SEEDWATCH_PARTNERS: "{}", SEEDWATCH_PARTNERS_FILE: "/x" }),
      "SEEDWATCH_PARTNERS_FILE",
      /either SEEDWATCH_PARTNERS or SEEDWATCH_PARTNERS_FILE/,
    );
  });
});
