import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defineHistogram } from "./definition.ts";
import { encode } from "./exposition.ts";
import { Histogram } from "./histogram.ts";
import { type Chunk, CollectingWriter, FamilyBuffer, joinChunks } from "./writer.ts";

const LATENCY = defineHistogram({
  name: "t_latency",
  help: "Latency.",
  labelNames: ["route", "code"],
  buckets: [1, 2.5, 100],
});
const BARE = defineHistogram({ name: "t_bare", help: "No labels.", buckets: [10] });

/** What a histogram's collect() writes, as chunks. */
function collect(histogram: Histogram): readonly Chunk[] {
  const writer = new CollectingWriter();
  histogram.collect(writer);
  return writer.families.get(histogram.name)?.chunks() ?? [];
}

/** The text FamilyWriter.histogram() writes for these series (observations by label set). */
function expected(def: typeof LATENCY, series: ReadonlyMap<string[], number[]>): string {
  const family = new FamilyBuffer(def);
  for (const [labels, values] of series) {
    const bounds = [...def.buckets, Number.POSITIVE_INFINITY];
    const cumulative = bounds.map((b) => values.filter((v) => v <= b).length);
    family.histogram(
      labels,
      cumulative,
      values.reduce((a, b) => a + b, 0),
    );
  }
  return family.text;
}

/** The text's lines, sorted (the order of series is the table's). */
function lines(text: string): string[] {
  return text.split("\n").sort();
}

describe("HistogramChunks (a histogram's collect)", () => {
  it("writes byte for byte what FamilyWriter.histogram writes", () => {
    const histogram = new Histogram(LATENCY, { maxSeries: 64 });
    const series = new Map<string[], number[]>([
      [
        ["/a", "0"],
        [0.5, 1, 2.5, 7, 250],
      ],
      [
        ["/ü/日本", 'quote " and \\ and \n'],
        [0.1, 1e-7],
      ],
      [
        ["", ""],
        [-3, 1e21],
      ],
    ]);
    for (const [labels, values] of series) {
      const recorder = histogram.labels(...labels);
      for (const value of values) recorder.observe(value);
    }
    histogram.labels("/never", "observed");
    series.set(["/never", "observed"], []);
    assert.deepEqual(lines(joinChunks(collect(histogram))), lines(expected(LATENCY, series)));
    // The same in both formats, headers apart.
    const writer = new CollectingWriter();
    histogram.collect(writer);
    assert.match(
      encode(writer.families.values(), "openmetrics"),
      /^t_latency_count\{route="\/a",code="0"\} 5$/m,
    );

    const bare = new Histogram(BARE, { maxSeries: 4 });
    bare.observe(3);
    bare.observe(30.25);
    assert.equal(
      joinChunks(collect(bare)),
      't_bare_bucket{le="10.0"} 1\nt_bare_bucket{le="+Inf"} 2\nt_bare_sum 33.25\nt_bare_count 2\n',
    );
  });

  it("hands out a group of series none of which was observed since as the same chunk", () => {
    const histogram = new Histogram(LATENCY, { maxSeries: 256 });
    const recorders = Array.from({ length: 200 }, (_, i) => histogram.labels(`/r/${i}`, "0"));
    for (const recorder of recorders) recorder.observe(1);
    const first = collect(histogram);
    assert.ok(first.length > 1, "several chunks");
    assert.ok(
      first.every((chunk) => chunk instanceof Uint8Array),
      "bytes, whose identity tells reuse",
    );
    const second = collect(histogram);
    assert.equal(second.length, first.length);
    for (let i = 0; i < first.length; i++) assert.equal(second[i], first[i], `chunk ${i} reused`);

    recorders[17]?.observe(50);
    const third = collect(histogram);
    const reused = third.filter((chunk, i) => chunk === second[i]).length;
    assert.equal(reused, third.length - 1, "only the observed series' chunk is new");
    const text = joinChunks(third);
    assert.match(text, /^t_latency_count\{route="\/r\/17",code="0"\} 2$/m);
    assert.match(text, /^t_latency_sum\{route="\/r\/17",code="0"\} 51$/m);
    assert.match(text, /^t_latency_count\{route="\/r\/18",code="0"\} 1$/m);
    // The series that did not change were copied, not lost.
    assert.equal((text.match(/_count\{/g) ?? []).length, 200);
  });

  it("sees new series and observations made through another thread's view of the memory", () => {
    const histogram = new Histogram(LATENCY, { maxSeries: 32 });
    histogram.labels("/a", "0").observe(1);
    const before = joinChunks(collect(histogram));
    // A worker attaches to the same buffer; here a second view stands for it.
    const twin = Histogram.attach(LATENCY, histogram.buffer);
    twin.labels("/a", "0").observe(2);
    twin.labels("/b", "0").observe(3);
    const after = joinChunks(collect(histogram));
    assert.notEqual(after, before);
    assert.deepEqual(
      lines(after),
      lines(
        expected(
          LATENCY,
          new Map([
            [
              ["/a", "0"],
              [1, 2],
            ],
            [["/b", "0"], [3]],
          ]),
        ),
      ),
    );
  });
});
