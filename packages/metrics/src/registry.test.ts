import assert from "node:assert/strict";
import { describe, it } from "node:test";
import client from "prom-client";
import { Counter } from "./counter.ts";
import { defineCounter, defineGauge, defineHistogram, defineInfo } from "./definition.ts";
import { encode } from "./exposition.ts";
import { Gauge } from "./gauge.ts";
import { parseExposition } from "./parse.ts";
import { CollectorTimeoutError, DuplicateCollectorError, Registry } from "./registry.ts";
import { assertPromtoolClean, promtoolCheckMetrics } from "./testing/promtool.ts";
import { FamilyConflictError } from "./writer.ts";

const UP = defineGauge({
  name: "pt_up",
  help: "Whether the target answered.",
  labelNames: ["name"],
});
const BYTES = defineCounter({
  name: "pt_upload_bytes_total",
  help: "Bytes uploaded.",
  unit: "bytes",
  labelNames: ["name"],
});
const LATENCY = defineHistogram({
  name: "req_seconds",
  help: "Latency.",
  unit: "seconds",
  buckets: [0.1, 1],
});
const INFO = defineInfo({ name: "build_info", help: "Build.", labelNames: ["version"] });

function sampleRegistry(): Registry {
  const registry = new Registry();
  registry.register({
    name: "box1",
    collect(w) {
      w.family(UP).sample(["box1"], 1);
      w.family(BYTES).sample(["box1"], 1024);
      w.family(LATENCY).histogram([], [1, 3, 4], 2.5);
      w.family(INFO).sample(['1.0 "beta"'], 1);
    },
  });
  registry.register({
    name: "box2",
    collect(w) {
      w.family(UP).sample(["box2"], 0);
    },
  });
  return registry;
}

describe("Registry", () => {
  it("merges families from several collectors and encodes text 0.0.4 exactly", async () => {
    const text = await sampleRegistry().render("text");
    assert.equal(
      text,
      [
        "# HELP pt_up Whether the target answered.",
        "# TYPE pt_up gauge",
        'pt_up{name="box1"} 1',
        'pt_up{name="box2"} 0',
        "# HELP pt_upload_bytes_total Bytes uploaded.",
        "# TYPE pt_upload_bytes_total counter",
        'pt_upload_bytes_total{name="box1"} 1024',
        "# HELP req_seconds Latency.",
        "# TYPE req_seconds histogram",
        'req_seconds_bucket{le="0.1"} 1',
        'req_seconds_bucket{le="1.0"} 3',
        'req_seconds_bucket{le="+Inf"} 4',
        "req_seconds_sum 2.5",
        "req_seconds_count 4",
        "# HELP build_info Build.",
        "# TYPE build_info gauge",
        'build_info{version="1.0 \\"beta\\""} 1',
        "",
      ].join("\n"),
    );
    await assertPromtoolClean(text);
  });

  it("encodes OpenMetrics with family names, units, info and # EOF", async () => {
    const text = await sampleRegistry().render("openmetrics");
    assert.match(
      text,
      /# TYPE pt_upload_bytes counter\n# UNIT pt_upload_bytes bytes\npt_upload_bytes_total\{name="box1"\} 1024\n/,
    );
    assert.match(text, /# TYPE build info\nbuild_info\{version="1.0 \\"beta\\""\} 1\n/);
    assert.match(text, /# TYPE req_seconds histogram\n# UNIT req_seconds seconds\n/);
    assert.ok(text.endsWith("# EOF\n"));
    const families = parseExposition(text);
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.samples.length]),
      [
        ["pt_up", "gauge", 2],
        ["pt_upload_bytes", "counter", 1],
        ["req_seconds", "histogram", 5],
        ["build", "info", 1],
      ],
    );
  });

  it("serves the rest when one collector throws, and reports it", async () => {
    const failures: string[] = [];
    const registry = new Registry({
      collectorMetricsPrefix: "seedwatch",
      onCollectorError: (name, error) => failures.push(`${name}: ${(error as Error).message}`),
    });
    registry.register({
      name: "broken",
      collect(w) {
        w.family(UP).sample(["half-written"], 1);
        throw new Error("client answered garbage");
      },
    });
    registry.register({
      name: "fine",
      collect(w) {
        w.family(UP).sample(["fine"], 1);
      },
    });
    const { families, reports } = await registry.collect();
    assert.deepEqual(failures, ["broken: client answered garbage"]);
    assert.deepEqual(
      reports.map((r) => [r.name, r.ok]),
      [
        ["broken", false],
        ["fine", true],
      ],
    );
    const text = await registry.render();
    assert.doesNotMatch(text, /half-written/);
    assert.match(text, /pt_up\{name="fine"\} 1/);
    assert.match(text, /seedwatch_scrape_collector_success\{collector="broken"\} 0/);
    assert.match(text, /seedwatch_scrape_collector_success\{collector="fine"\} 1/);
    assert.match(text, /seedwatch_scrape_collector_duration_seconds\{collector="fine"\} \d/);
    assert.deepEqual(
      families.map((f) => f.def.name),
      [
        "pt_up",
        "seedwatch_scrape_collector_success",
        "seedwatch_scrape_collector_duration_seconds",
      ],
    );
    await assertPromtoolClean(text);
  });

  it("waits for asynchronous collectors and isolates their rejections", async () => {
    const registry = new Registry();
    registry.register({
      name: "slow",
      async collect(w) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        w.family(UP).sample(["slow"], 1);
      },
    });
    registry.register({
      name: "rejects",
      async collect() {
        throw new Error("timeout");
      },
    });
    const { reports } = await registry.collect();
    assert.deepEqual(
      reports.map((r) => r.ok),
      [true, false],
    );
    assert.match(await registry.render(), /pt_up\{name="slow"\} 1/);
  });

  it("serves the rest when an asynchronous collector never finishes, and reports it as timed out", async () => {
    const failures: unknown[] = [];
    let signal: AbortSignal | undefined;
    const registry = new Registry({
      collectorMetricsPrefix: "seedwatch",
      collectorTimeoutMs: 50,
      onCollectorError: (name, error) => failures.push([name, error]),
    });
    registry.register({
      name: "hung",
      collect(w, s) {
        signal = s;
        w.family(UP).sample(["hung-before-the-deadline"], 1);
        return new Promise<void>(() => {});
      },
    });
    registry.register({
      name: "fine",
      async collect(w) {
        w.family(UP).sample(["fine"], 1);
      },
    });
    const { families, reports } = await registry.collect();
    assert.deepEqual(
      reports.map((r) => [r.name, r.ok]),
      [
        ["hung", false],
        ["fine", true],
      ],
    );
    const hung = reports[0];
    assert.ok(hung?.error instanceof CollectorTimeoutError);
    assert.equal(hung.error.message, "collector hung timed out after 0.05s");
    assert.equal(hung.error.collector, "hung");
    assert.ok((hung.durationSeconds ?? 0) > 0);
    assert.deepEqual(failures, [["hung", hung.error]]);
    assert.equal(signal?.aborted, true, "the collector is told to stop");
    assert.equal(signal?.reason, hung.error);
    const text = encode(families, "text");
    assert.doesNotMatch(text, /hung-before-the-deadline/);
    assert.match(text, /pt_up\{name="fine"\} 1\n/);
    assert.match(text, /seedwatch_scrape_collector_success\{collector="hung"\} 0\n/);
    assert.match(text, /seedwatch_scrape_collector_success\{collector="fine"\} 1\n/);
    assert.match(text, /seedwatch_scrape_collector_duration_seconds\{collector="hung"\} 0\.\d+\n/);
    await assertPromtoolClean(text);
  });

  it("drops what a timed-out collector writes after its deadline: it never reaches a later scrape", async () => {
    let release: () => void = () => {};
    let wroteLate: Promise<void> | undefined;
    let calls = 0;
    const registry = new Registry({ collectorTimeoutMs: 20 });
    registry.register({
      name: "slow",
      collect(w) {
        calls++;
        if (calls > 1) {
          w.family(UP).sample(["fresh"], 1);
          return Promise.resolve();
        }
        const late = new Promise<void>((resolve) => {
          release = resolve;
        }).then(() => {
          w.family(UP).sample(["late"], 1);
          w.family(BYTES).sample(["late"], 1);
        });
        wroteLate = late;
        return late;
      },
    });
    const first = await registry.collect();
    assert.equal(first.reports[0]?.ok, false);
    assert.deepEqual(first.families, []);
    release();
    await wroteLate;
    const second = await registry.render();
    assert.equal(
      second,
      '# HELP pt_up Whether the target answered.\n# TYPE pt_up gauge\npt_up{name="fresh"} 1\n',
    );
  });

  it("bounds collectors by the collection's deadline too, and serves what needs no waiting", async () => {
    const registry = new Registry({ collectorTimeoutMs: 60_000 });
    registry.register({ name: "sync", collect: (w) => w.family(UP).sample(["sync"], 1) });
    registry.register({
      name: "ready",
      async collect(w) {
        w.family(UP).sample(["ready"], 1);
      },
    });
    registry.register({ name: "hung", collect: () => new Promise<void>(() => {}) });
    const shortly = await registry.collect({ deadline: Date.now() + 20 });
    const timeout = shortly.reports[2]?.error;
    assert.ok(timeout instanceof CollectorTimeoutError);
    assert.ok(timeout.timeoutSeconds <= 0.02, String(timeout.timeoutSeconds));
    // A deadline already gone: a synchronous collector cannot be interrupted and an
    // asynchronous one that has nothing to wait for finishes first; both are served.
    const late = await registry.collect({ deadline: Date.now() - 1000 });
    assert.deepEqual(
      late.reports.map((r) => [r.name, r.ok]),
      [
        ["sync", true],
        ["ready", true],
        ["hung", false],
      ],
    );
    const gone = late.reports[2]?.error;
    assert.ok(gone instanceof CollectorTimeoutError);
    assert.equal(gone.timeoutSeconds, 0);
    assert.throws(
      () => new Registry({ collectorTimeoutMs: 0 }),
      /collectorTimeoutMs: expected a positive number of milliseconds, got 0/,
    );
  });

  it("fails the collector that redefines a family differently", async () => {
    const registry = new Registry();
    registry.register({ name: "a", collect: (w) => w.family(UP).sample(["a"], 1) });
    const other = defineGauge({ name: "pt_up", help: "Different help.", labelNames: ["name"] });
    registry.register({ name: "b", collect: (w) => w.family(other).sample(["b"], 1) });
    const { reports } = await registry.collect();
    assert.equal(reports[1]?.ok, false);
    assert.ok(reports[1]?.error instanceof FamilyConflictError);
  });

  it("refuses two collectors with one name, and can unregister", () => {
    const registry = new Registry();
    registry.register({ name: "x", collect() {} });
    assert.throws(() => registry.register({ name: "x", collect() {} }), DuplicateCollectorError);
    assert.equal(registry.unregister("x"), true);
    assert.equal(registry.unregister("x"), false);
  });

  it("serves long-lived instruments with pre-bound children", async () => {
    const registry = new Registry();
    const counter = registry.register(
      new Counter(defineCounter({ name: "jobs_total", help: "Jobs.", labelNames: ["queue"] })),
    );
    const gauge = registry.register(
      new Gauge(defineGauge({ name: "temperature_celsius", help: "T.", unit: "celsius" })),
    );
    const fast = counter.labels("fast");
    fast.inc();
    fast.inc(2);
    counter.labels("slow").inc();
    gauge.set(21.5);
    gauge.dec(0.5);
    assert.throws(() => fast.inc(-1), RangeError);
    assert.throws(() => counter.inc(), TypeError);
    const text = await registry.render();
    assert.match(text, /jobs_total\{queue="fast"\} 3\njobs_total\{queue="slow"\} 1\n/);
    assert.match(text, /temperature_celsius 21\n/);
    counter.remove("slow");
    assert.doesNotMatch(await registry.render(), /slow/);
    await assertPromtoolClean(text);
  });

  it("appends a prom-client registry's output, re-encoded in the negotiated format", async () => {
    const foreign = new client.Registry();
    new client.Counter({
      name: "legacy_requests",
      help: "A counter without _total.",
      registers: [foreign],
    }).inc(2);
    new client.Counter({
      name: "http_requests_total",
      help: "Requests.",
      labelNames: ["code"],
      registers: [foreign],
    })
      .labels("200")
      .inc(5);
    new client.Histogram({
      name: "job_seconds",
      help: "Jobs.",
      buckets: [1, 5],
      registers: [foreign],
    }).observe(3);
    new client.Summary({
      name: "payload_bytes",
      help: "Payloads.",
      percentiles: [0.5],
      registers: [foreign],
    }).observe(10);
    const registry = sampleRegistry();
    registry.registerExposition("prom-client", () => foreign.metrics());

    const text = await registry.render("text");
    assert.match(text, /# TYPE http_requests_total counter\nhttp_requests_total\{code="200"\} 5\n/);
    assert.match(text, /# TYPE legacy_requests counter\nlegacy_requests 2\n/);
    assert.match(text, /job_seconds_bucket\{le="5.0"\} 1\n/);
    assert.match(text, /payload_bytes\{quantile="0.5"\} 10\n/);
    // The one complaint is about the foreign producer's own naming, which is kept faithfully.
    const lint = await promtoolCheckMetrics(text);
    assert.equal(lint.output, 'legacy_requests counter metrics should have "_total" suffix');

    const om = await registry.render("openmetrics");
    assert.match(om, /# TYPE http_requests counter\nhttp_requests_total\{code="200"\} 5\n/);
    assert.match(om, /# TYPE legacy_requests unknown\nlegacy_requests 2\n/);
    assert.equal(om.match(/# EOF/g)?.length, 1);
    assert.ok(parseExposition(om).length > 5);
  });

  it("reports unparsable foreign text as a failed collector", async () => {
    const registry = sampleRegistry();
    registry.registerExposition("garbage", () => "this is not { an exposition\n");
    const { reports } = await registry.collect();
    assert.deepEqual(
      reports.map((r) => [r.name, r.ok]),
      [
        ["box1", true],
        ["box2", true],
        ["garbage", false],
      ],
    );
  });
});
