import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Counter } from "./counter.ts";
import {
  defineCounter,
  defineGauge,
  defineGaugeHistogram,
  defineHistogram,
  defineInfo,
} from "./definition.ts";
import { CONTENT_TYPES, type ExpositionFormat, encode } from "./exposition.ts";
import { Histogram } from "./histogram.ts";
import { Registry } from "./registry.ts";
import { createSessionCounters, SESSION_CATALOG, SESSION_METRIC } from "./session-catalog.ts";
import { SessionCollector } from "./session-collector.ts";
import { type PrometheusServer, startPrometheus } from "./testing/prometheus.ts";

// A real Prometheus scrapes both formats: promtool only reads text 0.0.4, so this is where the
// OpenMetrics encoding meets a real parser.
describe("a real Prometheus scraping both formats", () => {
  const registry = new Registry({ collectorMetricsPrefix: "seedwatch" });
  const bytes = registry.register(
    new Counter(
      defineCounter({
        name: "pt_upload_bytes_total",
        help: "Up.",
        unit: "bytes",
        labelNames: ["name", "tracker"],
      }),
    ),
  );
  const latency = registry.register(
    new Histogram(
      defineHistogram({
        name: "req_seconds",
        help: "Latency.",
        unit: "seconds",
        buckets: [0.1, 1, 10],
      }),
    ),
  );
  const odd = defineGauge({
    name: "odd_values",
    help: 'Values "odd" \\ and\nmultiline.',
    labelNames: ["kind"],
  });
  const info = defineInfo({
    name: "seedwatch_build_info",
    help: "Build.",
    labelNames: ["version"],
  });
  const ratio = defineGaugeHistogram({
    name: "pt_tracker_ratio",
    help: "Torrents by share ratio.",
    labelNames: ["tracker"],
    buckets: [0.5, 1, 2, 5, 10],
  });
  const session = createSessionCounters({ startedAt: Date.now() - 60_000 });
  session.set(SESSION_METRIC.DHT_NODES, 321);
  session.set(SESSION_METRIC.DISK_JOB_TIME_US, 2_500_000);
  registry.register(
    new SessionCollector({
      name: "session",
      catalog: SESSION_CATALOG,
      prefix: "pt_session_",
      labelNames: ["name"],
      sessions: () => [{ labels: ["box1"], counters: session }],
    }),
  );
  registry.register({
    name: "consts",
    collect(w) {
      const family = w.family(odd);
      family.sample(["nan"], Number.NaN);
      family.sample(["inf"], Number.POSITIVE_INFINITY);
      family.sample(['quote " backslash \\ newline \n 文字'], -1.5);
      w.family(info).sample(["0.1.0"], 1);
      w.family(ratio).histogram(["a.example"], [1, 2, 2, 2, 3, 4], 13.5);
    },
  });
  bytes.labels("box1", "tracker.example.org").inc(4096);
  latency.observe(0.5);
  latency.observe(5);

  const server = createServer(async (req, res) => {
    const format: ExpositionFormat = req.url === "/openmetrics" ? "openmetrics" : "text";
    const text = encode((await registry.collect()).families, format);
    res.writeHead(200, { "content-type": CONTENT_TYPES[format] });
    res.end(text);
  });
  let prometheus: PrometheusServer;

  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    prometheus = await startPrometheus([
      { job: "openmetrics", target, path: "/openmetrics" },
      { job: "text", target, path: "/text" },
    ]);
  });
  after(async () => {
    await prometheus?.stop();
    server.close();
  });

  it("ingests every sample of both formats with the same identity", async () => {
    await prometheus.waitUntilAllUp();
    const value = async (expr: string) =>
      (await prometheus.query(expr)).map((r) => `${r.metric.job}=${r.value[1]}`).sort();
    assert.deepEqual(await value('pt_upload_bytes_total{tracker="tracker.example.org"}'), [
      "openmetrics=4096",
      "text=4096",
    ]);
    assert.deepEqual(await value('req_seconds_bucket{le="1.0"}'), ["openmetrics=1", "text=1"]);
    assert.deepEqual(await value("req_seconds_count"), ["openmetrics=2", "text=2"]);
    assert.deepEqual(await value('seedwatch_build_info{version="0.1.0"}'), [
      "openmetrics=1",
      "text=1",
    ]);
    assert.deepEqual(await value('odd_values{kind="inf"}'), ["openmetrics=+Inf", "text=+Inf"]);
    assert.deepEqual(await value('odd_values{kind=~"(?s)quote.*"}'), [
      "openmetrics=-1.5",
      "text=-1.5",
    ]);
    // A gauge histogram: OpenMetrics keeps its type's _gcount, text has a classic _count.
    assert.deepEqual(await value('pt_tracker_ratio_bucket{le="1.0"}'), ["openmetrics=2", "text=2"]);
    assert.deepEqual(await value("pt_tracker_ratio_gcount"), ["openmetrics=4"]);
    assert.deepEqual(await value("pt_tracker_ratio_count"), ["text=4"]);
    assert.deepEqual(await value("pt_tracker_ratio_gsum"), ["openmetrics=13.5"]);
    assert.deepEqual(await value("pt_session_dht_nodes"), ["openmetrics=321", "text=321"]);
    assert.deepEqual(await value("pt_session_disk_job_time_seconds_total"), [
      "openmetrics=2.5",
      "text=2.5",
    ]);
    assert.deepEqual(await value('seedwatch_scrape_collector_success{collector="consts"}'), [
      "openmetrics=1",
      "text=1",
    ]);
  });
});
