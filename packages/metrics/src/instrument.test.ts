import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Counter } from "./counter.ts";
import { defineCounter, defineGauge } from "./definition.ts";
import { Gauge } from "./gauge.ts";
import { labelSlots } from "./label-slots.ts";
import { type RenderedLabels, renderLabels } from "./labels.ts";
import type { FamilyWriter } from "./writer.ts";

const NAMES = ["torrent", "tracker"];

function gauge(name: string): Gauge {
  return new Gauge(defineGauge({ name, help: "G.", labelNames: NAMES }));
}

/** The samples an instrument collects, in order. */
function samples(instrument: Gauge | Counter): [string, number][] {
  const out: [string, number][] = [];
  const family: FamilyWriter = {
    sample: (labels, value) => out.push([labels as string, value]),
    histogram: () => assert.fail("no histograms here"),
    appendRendered: () => assert.fail("no rendered text here"),
    appendChunks: () => assert.fail("no chunks here"),
  };
  instrument.collect({ family: () => family });
  return out;
}

describe("Counter and Gauge over the shared label-slot table", () => {
  it("keeps one slot per label set for all the instruments that use it", () => {
    const before = labelSlots.size;
    const gauges = [gauge("shared_a"), gauge("shared_b"), gauge("shared_c")];
    for (let i = 0; i < 100; i++) {
      const labels = renderLabels(NAMES, [`shared-${i}`, "t"]);
      gauges.forEach((g, f) => {
        g.withLabels(labels).set(i * 10 + f);
      });
    }
    assert.equal(labelSlots.size, before + 100);
    assert.deepEqual(
      gauges.map((g) => g.size),
      [100, 100, 100],
    );
    assert.deepEqual(samples(gauges[1] as Gauge)[7], ['{torrent="shared-7",tracker="t"}', 71]);
    (gauges[0] as Gauge).reset();
    (gauges[1] as Gauge).reset();
    assert.equal(labelSlots.size, before + 100, "still held by the third gauge");
    (gauges[2] as Gauge).reset();
    assert.equal(labelSlots.size, before);
  });

  it("gives every slot back when 100,000 label sets come and go, round after round", () => {
    const before = labelSlots.size;
    const speed = gauge("churn_speed");
    const bytes = new Counter(
      defineCounter({ name: "churn_bytes_total", help: "C.", labelNames: NAMES }),
    );
    let capacity = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100_000; i++) {
        const values = [`churn-${round}-${i}`, "t"];
        speed.labels(...values).set(i);
        bytes.labels(...values).inc(i);
      }
      assert.equal(labelSlots.size, before + 100_000);
      for (let i = 0; i < 100_000; i++) {
        const values = [`churn-${round}-${i}`, "t"];
        assert.equal(speed.remove(...values), true);
        assert.equal(bytes.remove(...values), true);
      }
      assert.equal(speed.size, 0);
      assert.equal(bytes.size, 0);
      assert.equal(labelSlots.size, before);
      if (round === 0) capacity = labelSlots.capacity;
      else assert.equal(labelSlots.capacity, capacity, "freed slots are reused");
    }
    assert.equal(speed.remove("churn-0-0", "t"), false);
  });

  it("never lets a handle kept across remove() write to the label set that took its slot", () => {
    const speed = gauge("stale_speed");
    const old = speed.labels("old", "t");
    old.set(5);
    const slot = labelSlots.find(old.labels);
    assert.equal(speed.remove("old", "t"), true);
    assert.equal(old.value, 0, "a removed series reads as 0");
    const next = speed.labels("next", "t");
    assert.equal(labelSlots.find(next.labels), slot, "the freed slot was reused");
    next.set(7);
    old.inc(2);
    assert.equal(next.value, 7);
    assert.equal(old.value, 2);
    assert.deepEqual(samples(speed), [
      ['{torrent="next",tracker="t"}', 7],
      ['{torrent="old",tracker="t"}', 2],
    ]);
    speed.reset();
  });

  it("re-creates a removed series still held by another instrument on the next write", () => {
    const up = gauge("kept_up");
    const down = gauge("kept_down");
    const labels = renderLabels(NAMES, ["kept", "t"]);
    const handle = up.withLabels(labels);
    handle.set(3);
    down.withLabels(labels).set(4);
    assert.equal(up.remove("kept", "t"), true);
    assert.deepEqual(samples(up), []);
    handle.dec(1);
    assert.deepEqual(samples(up), [[labels, -1]]);
    assert.deepEqual(samples(down), [[labels, 4]]);
    up.reset();
    down.reset();
  });

  it("creates a series on labels(), collects in first-use order and forgets all on reset()", () => {
    const before = labelSlots.size;
    const jobs = new Counter(
      defineCounter({ name: "order_jobs_total", help: "J.", labelNames: ["queue"] }),
    );
    jobs.labels("b");
    jobs.labels("a").inc(2);
    jobs.labels("b").inc();
    assert.deepEqual(samples(jobs), [
      ['{queue="b"}', 1],
      ['{queue="a"}', 2],
    ]);
    const a = jobs.labels("a");
    jobs.reset();
    assert.equal(jobs.size, 0);
    assert.equal(labelSlots.size, before);
    assert.deepEqual(samples(jobs), []);
    a.inc();
    assert.deepEqual(samples(jobs), [['{queue="a"}', 1]]);
    jobs.reset();
  });

  it("keeps first-use order when removals are squeezed out", () => {
    const level = new Gauge(defineGauge({ name: "squeeze", help: "S.", labelNames: ["n"] }));
    for (let n = 0; n < 10; n++) level.labels(`squeeze-${n}`).set(n);
    for (const n of [0, 2, 4, 6, 8, 9]) level.remove(`squeeze-${n}`);
    level.labels("squeeze-0").set(10);
    level.labels("squeeze-3").inc(100);
    assert.deepEqual(samples(level), [
      ['{n="squeeze-1"}', 1],
      ['{n="squeeze-3"}', 103],
      ['{n="squeeze-5"}', 5],
      ['{n="squeeze-7"}', 7],
      ['{n="squeeze-0"}', 10],
    ]);
    level.reset();
  });

  it("keeps counters monotonic and serves metrics without labels", () => {
    const total = new Counter(defineCounter({ name: "plain_total", help: "P." }));
    const level = new Gauge(defineGauge({ name: "plain_level", help: "L." }));
    total.inc();
    total.inc(0.5);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => total.inc(bad), RangeError);
    }
    assert.equal(total.value, 1.5);
    level.set(10);
    level.inc(2);
    level.dec(0.5);
    assert.equal(level.value, 11.5);
    assert.deepEqual(samples(level), [["", 11.5]]);
    assert.throws(() => gauge("labeled").set(1), TypeError);
    assert.throws(() => new Counter(defineGauge({ name: "g", help: "G." })), TypeError);
  });

  it("gives back the slots of an instrument dropped without reset()", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const dropped = Array.from({ length: 1000 }, (_, i) =>
      renderLabels(NAMES, [`dropped-${i}`, "t"]),
    );
    (() => {
      const level = gauge("dropped");
      for (const labels of dropped) level.withLabels(labels).set(1);
    })();
    assert.ok(dropped.every((labels) => labelSlots.find(labels) >= 0));
    // Finalizers run some time after the collection that found the instrument unreachable.
    for (
      let round = 0;
      round < 100 && labelSlots.find(dropped[0] as RenderedLabels) >= 0;
      round++
    ) {
      gc();
      await setImmediate();
    }
    assert.ok(dropped.every((labels) => labelSlots.find(labels) === -1));
  });
});
