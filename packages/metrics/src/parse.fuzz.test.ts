import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ExpositionParseError, parseExposition } from "./parse.ts";

/** Only families or an ExpositionParseError naming a line: nothing else may come out. */
function onlyParseErrors(text: string, format?: "text" | "openmetrics"): void {
  try {
    const families = parseExposition(text, { maxSamples: 1000, ...(format ? { format } : {}) });
    for (const family of families) {
      assert.match(family.name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      for (const sample of family.samples) assert.equal(typeof sample.value, "number");
    }
  } catch (error) {
    if (!(error instanceof ExpositionParseError)) throw error;
    // Line 0 is what an empty OpenMetrics text gets ("missing # EOF" before any line).
    assert.ok(Number.isInteger(error.line) && error.line >= 0);
  }
}

const name = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,12}$/);
const labelValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('\\"', "\\n", "\\\\", "\\x", "\\"),
);
const number = fc.oneof(
  fc.double().map(String),
  fc.constantFrom("+Inf", "-Inf", "NaN", "1e400", "-0", ".5", "1.", "0x1", "", "1_0"),
);
/** Lines close to the grammar, so the parser's deeper branches are reached. */
const line = fc.oneof(
  fc
    .tuple(name, fc.array(fc.tuple(name, labelValue), { maxLength: 3 }), number, fc.option(number))
    .map(
      ([n, labels, value, ts]) =>
        `${n}${labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${v}"`).join(",")}}`} ${value}${ts === null ? "" : ` ${ts}`}`,
    ),
  fc
    .tuple(
      fc.constantFrom("HELP", "TYPE", "UNIT", "EOF", "help"),
      name,
      fc.string({ maxLength: 20 }),
    )
    .map(([kind, n, rest]) => (kind === "EOF" ? "# EOF" : `# ${kind} ${n} ${rest}`)),
  fc
    .tuple(
      name,
      fc.constantFrom(
        "counter",
        "gauge",
        "histogram",
        "summary",
        "untyped",
        "info",
        "stateset",
        "bogus",
      ),
    )
    .map(([n, type]) => `# TYPE ${n} ${type}`),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "#", "{", 'a{b="c"', "a{=1} 1", 'a{b="c",} 1', 'a 1 # {t="x"} 1 2'),
);

describe("parseExposition under hostile input", () => {
  it("answers any text with families or an ExpositionParseError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => onlyParseErrors(text)),
      {
        numRuns: 1000,
        interruptAfterTimeLimit: 3000,
      },
    );
  });

  it("answers near-grammatical text, in both formats, with families or an ExpositionParseError", () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.constantFrom(undefined, "text" as const, "openmetrics" as const),
        (lines, format) => onlyParseErrors(lines.join("\n"), format),
      ),
      { numRuns: 2000, interruptAfterTimeLimit: 5000 },
    );
  });

  it("stops at the sample bound", () => {
    const text = "a 1\n".repeat(1001);
    assert.throws(
      () => parseExposition(text, { maxSamples: 1000 }),
      /line 1001: more than 1000 samples/,
    );
  });
});
