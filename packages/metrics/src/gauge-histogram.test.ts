import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defineGaugeHistogram } from "./definition.ts";
import { encode } from "./exposition.ts";
import { MetricNameError } from "./names.ts";
import { parseExposition } from "./parse.ts";
import { assertPromtoolClean } from "./testing/promtool.ts";
import { CollectingWriter } from "./writer.ts";

const ratio = defineGaugeHistogram({
  name: "pt_tracker_ratio",
  help: "Torrents by share ratio.",
  labelNames: ["tracker"],
  buckets: [0.5, 1, 2, 5, 10],
});

function families() {
  const w = new CollectingWriter();
  const family = w.family(ratio);
  family.histogram(["a.example"], [1, 1, 3, 3, 4, 5], 21.5);
  // A label value that looks like a count line must stay as it is.
  family.histogram(["pt_tracker_ratio_gcount"], [0, 0, 0, 0, 0, 2], 30);
  return w.families.values();
}

describe("gauge histograms", () => {
  it("are OpenMetrics gaugehistograms, with _gcount and _gsum, that the OpenMetrics parser reads", () => {
    const text = encode(families(), "openmetrics");
    assert.match(text, /^# TYPE pt_tracker_ratio gaugehistogram$/m);
    assert.match(text, /^pt_tracker_ratio_bucket\{tracker="a.example",le="1.0"\} 1$/m);
    assert.match(text, /^pt_tracker_ratio_gcount\{tracker="a.example"\} 5$/m);
    assert.match(text, /^pt_tracker_ratio_gsum\{tracker="a.example"\} 21.5$/m);
    assert.doesNotMatch(text, /_count\{|_sum\{/);
    const [family] = parseExposition(text, { format: "openmetrics" });
    assert.equal(family?.type, "gaugehistogram");
    assert.equal(family?.samples.length, 2 * 8);
  });

  it("fall back to classic histograms in the text format, which promtool accepts", async () => {
    const text = encode(families(), "text");
    assert.match(text, /^# TYPE pt_tracker_ratio histogram$/m);
    assert.match(text, /^pt_tracker_ratio_count\{tracker="a.example"\} 5$/m);
    assert.match(text, /^pt_tracker_ratio_sum\{tracker="a.example"\} 21.5$/m);
    assert.match(text, /^pt_tracker_ratio_count\{tracker="pt_tracker_ratio_gcount"\} 2$/m);
    assert.doesNotMatch(text, /_gcount\{|_gsum\{/);
    await assertPromtoolClean(text);
  });

  it("reserve their own suffixes and the le label", () => {
    for (const options of [
      { name: "x_gcount", help: "x", buckets: [1] },
      { name: "x_gsum", help: "x", buckets: [1] },
      { name: "x", help: "x", buckets: [1], labelNames: ["le"] },
      { name: "x", help: "x", buckets: [] },
    ]) {
      assert.throws(() => defineGaugeHistogram(options), MetricNameError);
    }
  });
});
