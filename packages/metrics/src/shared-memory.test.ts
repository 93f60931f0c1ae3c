import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { defineHistogram } from "./definition.ts";
import type { HammerJob } from "./hammer.worker.ts";
import { Histogram } from "./histogram.ts";
import { parseExposition } from "./parse.ts";
import { Registry } from "./registry.ts";
import { createSessionCounters, SESSION_METRIC } from "./session-catalog.ts";
import { SharedLayoutError } from "./shared-label-table.ts";
import { assertPromtoolClean } from "./testing/promtool.ts";

const HAMMER = defineHistogram({
  name: "hammer_values",
  help: "Hammered.",
  buckets: [1, 10, 100],
  labelNames: ["route", "worker"],
});

describe("shared memory across worker threads", () => {
  it("gives exact totals when four workers hammer one histogram and one counter set", async () => {
    const workers = 4;
    const iterations = 20_000;
    const histogram = new Histogram(HAMMER);
    const counters = createSessionCounters({ diagnostics: true });
    const runs = Array.from({ length: workers }, (_, worker) => {
      const job: HammerJob = {
        histogram: histogram.buffer,
        counters: counters.buffer,
        iterations,
        worker,
      };
      const thread = new Worker(new URL("./hammer.worker.ts", import.meta.url), {
        workerData: job,
      });
      return once(thread, "message");
    });
    await Promise.all(runs);

    const registry = new Registry();
    registry.register(histogram);
    const text = await registry.render();
    await assertPromtoolClean(text);
    const samples = new Map(
      parseExposition(text)
        .flatMap((f) => f.samples)
        .map((s) => [`${s.name}${JSON.stringify(Object.fromEntries(s.labels))}`, s.value]),
    );
    const total = workers * iterations;
    // i % 200 over 20,000 iterations: values 0..199, each 100 times per worker.
    const perValue = (iterations / 200) * workers;
    assert.equal(samples.get('hammer_values_count{"route":"/shared","worker":"all"}'), total);
    assert.equal(
      samples.get('hammer_values_bucket{"route":"/shared","worker":"all","le":"1.0"}'),
      2 * perValue,
    );
    assert.equal(
      samples.get('hammer_values_bucket{"route":"/shared","worker":"all","le":"10.0"}'),
      11 * perValue,
    );
    assert.equal(
      samples.get('hammer_values_bucket{"route":"/shared","worker":"all","le":"100.0"}'),
      101 * perValue,
    );
    assert.equal(
      samples.get('hammer_values_bucket{"route":"/shared","worker":"all","le":"+Inf"}'),
      total,
    );
    assert.equal(
      samples.get('hammer_values_sum{"route":"/shared","worker":"all"}'),
      ((199 * 200) / 2) * 100 * workers,
    );
    for (let worker = 0; worker < workers; worker++) {
      assert.equal(
        samples.get(`hammer_values_count{"route":"/own","worker":"${worker}"}`),
        iterations,
      );
      assert.equal(
        samples.get(`hammer_values_sum{"route":"/own","worker":"${worker}"}`),
        iterations * 0.5,
      );
    }
    assert.equal(counters.get(SESSION_METRIC.NET_BYTES_SENT), 3 * total);
    assert.equal(counters.get(SESSION_METRIC.DISPATCH_ACQUIRE_TOTAL), total);
    assert.equal(counters.get(SESSION_METRIC.DISPATCH_TX_HIGH_WATER), workers * iterations - 1);
  });

  it("keeps one slot per label set and drops (and counts) series beyond capacity", () => {
    const histogram = new Histogram(HAMMER, { maxSeries: 2 });
    histogram.labels("/a", "0").observe(1);
    histogram.labels("/b", "0").observe(1);
    histogram.labels("/c", "0").observe(1);
    histogram.labels("/c", "0").observe(1);
    histogram.labels("/c", "0").observe(1);
    histogram.labels("/a", "0").observe(1);
    assert.equal(histogram.droppedSeries, 1, "one refused label set, however many observations");
    const twin = Histogram.attach(HAMMER, histogram.buffer);
    twin.labels("/a", "0").observe(5);
    const writer = new Registry();
    writer.register(twin);
    return writer.render().then((text) => {
      assert.match(text, /hammer_values_count\{route="\/a",worker="0"\} 3\n/);
      assert.doesNotMatch(text, /\/c/);
    });
  });

  it("refuses a buffer of the wrong shape", () => {
    const histogram = new Histogram(HAMMER);
    const other = defineHistogram({ name: "other", help: "x", buckets: [1] });
    assert.throws(() => Histogram.attach(other, histogram.buffer), SharedLayoutError);
    assert.throws(() => Histogram.attach(HAMMER, new SharedArrayBuffer(64)), SharedLayoutError);
  });
});
