import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExpositionParseError, parseExposition } from "./parse.ts";

describe("parseExposition", () => {
  it("reads text 0.0.4 with escapes, special values and timestamps", () => {
    const [family, untyped] = parseExposition(
      [
        "# HELP a_total Line\\nbreak and \\\\ backslash.",
        "# TYPE a_total counter",
        'a_total{x="q\\"uote",y="new\\nline",} 1.5e3 1700000000000',
        'a_total{x="inf"} +Inf',
        "loose NaN",
        "",
      ].join("\n"),
    );
    assert.equal(family?.help, "Line\nbreak and \\ backslash.");
    assert.deepEqual(family?.samples[0], {
      name: "a_total",
      labels: [
        ["x", 'q"uote'],
        ["y", "new\nline"],
      ],
      value: 1500,
      timestampMs: 1_700_000_000_000,
    });
    assert.equal(family?.samples[1]?.value, Number.POSITIVE_INFINITY);
    assert.equal(untyped?.type, "untyped");
    assert.ok(Number.isNaN(untyped?.samples[0]?.value));
  });

  it("groups OpenMetrics samples under their family and drops exemplars", () => {
    const families = parseExposition(
      [
        "# TYPE req counter",
        "# UNIT req requests",
        'req_total{a="1"} 3 # {trace_id="abc"} 1.0 1700000000.5',
        "req_created 1700000000",
        "# TYPE lat histogram",
        'lat_bucket{le="1.0"} 1',
        'lat_bucket{le="+Inf"} 2',
        "lat_sum 3",
        "lat_count 2",
        "# EOF",
      ].join("\n"),
    );
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.unit, f.samples.map((s) => s.name)]),
      [
        ["req", "counter", "requests", ["req_total", "req_created"]],
        ["lat", "histogram", "", ["lat_bucket", "lat_bucket", "lat_sum", "lat_count"]],
      ],
    );
  });

  it("names the line of every malformed input", () => {
    const cases: Array<[string, number]> = [
      ["ok 1\nbad{ 1\n", 2],
      ['x{a="1"} one\n', 1],
      ['x{a="unterminated} 1\n', 1],
      ['x{a="1",a="2"} 1\n', 1],
      ['x{1a="1"} 1\n', 1],
      ["x 1 2 3\n", 1],
      ["# TYPE x nonsense\n", 1],
      ["# TYPE x gauge\nx 1\n# EOF\nx 2\n", 4],
      ["# TYPE x gauge\n\nx 1\n# EOF\n", 2],
      ["x 1\ny 2\n# TYPE x gauge\n", 3],
      ['x{a="\\q"} 1\n', 1],
      ["x 0x10\n", 1],
    ];
    for (const [text, line] of cases) {
      assert.throws(
        () => parseExposition(text),
        (error: unknown) => error instanceof ExpositionParseError && error.line === line,
        JSON.stringify(text),
      );
    }
    assert.throws(
      () => parseExposition("# TYPE x gauge\nx 1\n", { format: "openmetrics" }),
      /missing # EOF/,
    );
  });

  it("bounds the number of samples", () => {
    assert.throws(
      () => parseExposition("a 1\nb 2\nc 3\n", { maxSamples: 2 }),
      /more than 2 samples/,
    );
  });
});
