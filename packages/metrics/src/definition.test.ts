import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defineCounter,
  defineGauge,
  defineHistogram,
  defineInfo,
  defineUntyped,
} from "./definition.ts";
import { MetricNameError } from "./names.ts";

describe("metric definitions", () => {
  it("gives counters a _total sample name whether or not the name has it", () => {
    for (const name of ["pt_upload_bytes", "pt_upload_bytes_total"]) {
      const def = defineCounter({ name, help: "Uploaded.", unit: "bytes" });
      assert.equal(def.sampleName, "pt_upload_bytes_total");
      assert.equal(
        def.textHeader,
        "# HELP pt_upload_bytes_total Uploaded.\n# TYPE pt_upload_bytes_total counter\n",
      );
      assert.equal(
        def.openMetricsHeader,
        "# HELP pt_upload_bytes Uploaded.\n# TYPE pt_upload_bytes counter\n# UNIT pt_upload_bytes bytes\n",
      );
    }
  });

  it("exposes infos as gauges in text 0.0.4 and as info in OpenMetrics", () => {
    const def = defineInfo({ name: "miner_exporter_info", help: "Device.", labelNames: ["sn"] });
    assert.equal(def.sampleName, "miner_exporter_info");
    assert.match(def.textHeader, /# TYPE miner_exporter_info gauge\n$/);
    assert.match(def.openMetricsHeader, /# TYPE miner_exporter info\n$/);
  });

  it("rejects bad names at definition time", () => {
    const bad: Array<() => unknown> = [
      () => defineGauge({ name: "1abc", help: "x" }),
      () => defineGauge({ name: "has-dash", help: "x" }),
      () => defineGauge({ name: "requests_total", help: "x" }),
      () => defineGauge({ name: "x_bucket", help: "x" }),
      () => defineGauge({ name: "ok", help: "" }),
      () => defineGauge({ name: "ok", help: "x", labelNames: ["__reserved"] }),
      () => defineGauge({ name: "ok", help: "x", labelNames: ["a", "a"] }),
      () => defineGauge({ name: "ok", help: "x", labelNames: ["bad-label"] }),
      () => defineGauge({ name: "size", help: "x", unit: "bytes" }),
      () => defineHistogram({ name: "h", help: "x", buckets: [] }),
      () => defineHistogram({ name: "h", help: "x", buckets: [2, 1] }),
      () => defineHistogram({ name: "h", help: "x", buckets: [1, Number.NaN] }),
      () => defineHistogram({ name: "h", help: "x", buckets: [1], labelNames: ["le"] }),
    ];
    for (const define of bad) assert.throws(define, MetricNameError);
  });

  it("drops a trailing +Inf bound and renders canonical le values", () => {
    const def = defineHistogram({
      name: "lat",
      help: "x",
      buckets: [0.5, 1, 100, Number.POSITIVE_INFINITY],
    });
    assert.deepEqual(def.buckets, [0.5, 1, 100]);
    assert.deepEqual(def.bucketLabelTails, ['le="0.5"}', 'le="1.0"}', 'le="100.0"}', 'le="+Inf"}']);
  });

  it("keeps legacy names promtool would reject with a type as untyped", () => {
    const def = defineUntyped({
      name: "pt_torrents_count",
      help: "Torrents.",
      labelNames: ["status"],
    });
    assert.equal(
      def.textHeader,
      "# HELP pt_torrents_count Torrents.\n# TYPE pt_torrents_count untyped\n",
    );
    assert.equal(
      def.openMetricsHeader,
      "# HELP pt_torrents_count Torrents.\n# TYPE pt_torrents_count unknown\n",
    );
    assert.throws(() => defineUntyped({ name: "bad-name", help: "x" }), MetricNameError);
  });

  it("escapes help differently per format", () => {
    const def = defineGauge({ name: "g", help: 'back\\slash "quoted"\nnext' });
    assert.equal(def.textHeader, '# HELP g back\\\\slash "quoted"\\nnext\n# TYPE g gauge\n');
    assert.equal(
      def.openMetricsHeader,
      '# HELP g back\\\\slash \\"quoted\\"\\nnext\n# TYPE g gauge\n',
    );
  });
});
