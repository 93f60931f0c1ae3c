import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { ConfigError, parseConfig } from "./load.ts";

const GOOD = {
  global: { poll_interval: "5s", removal: { rules: [{ name: "r", ratio: { min: 2 } }] } },
  web: { loopback_only: ["actions"] },
  targets: [
    { name: "a", type: "qbittorrent", url: "http://127.0.0.1:8080", username: "u", password: "p" },
    { name: "b", type: "rtorrent", url: "scgi://127.0.0.1:5000", removal: { enabled: true } },
  ],
};

/** Nine levels of ten aliases each: a billion values once expanded, from a few hundred bytes. */
const BILLION_LAUGHS = `a0: &a0 [x]\n${Array.from(
  { length: 9 },
  (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]\n`,
).join("")}targets: *a9\n`;

/** Only a Config or a ConfigError with one line per problem: nothing else may come out. */
function onlyConfigErrors(text: string): void {
  try {
    const config = parseConfig(text, "/etc/seedwatch/seedwatch.yml", { SET: "value" });
    assert.ok(config.targets.length >= 1);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    assert.ok(error.problems.length >= 1);
    for (const problem of error.problems)
      assert.match(problem, /^\/etc\/seedwatch\/seedwatch\.yml(:\d+:\d+)?: /);
  }
}

describe("parseConfig under hostile input", () => {
  it("answers any text with a config or a ConfigError", () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), onlyConfigErrors), {
      numRuns: 500,
      interruptAfterTimeLimit: 4000,
    });
  });

  it("answers any YAML document with a config or a ConfigError", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => onlyConfigErrors(stringify(value))),
      { numRuns: 300, interruptAfterTimeLimit: 4000 },
    );
  });

  it("answers a valid config with any value replaced by anything", () => {
    const paths = [
      ["global"],
      ["global", "poll_interval"],
      ["global", "removal"],
      ["global", "removal", "rules", 0],
      ["global", "removal", "rules", 0, "ratio"],
      ["web"],
      ["web", "loopback_only", 0],
      ["targets", 0],
      ["targets", 0, "url"],
      ["targets", 0, "name"],
      ["targets", 1, "removal"],
      ["targets", 1, "removal", "enabled"],
    ] as const;
    const anything = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      // Environment references, set and unset, as a user writes them (not template literals).
      fc.constantFrom(
        "$" + "{UNSET}",
        "$" + "{SET}",
        "__proto__",
        "-1s",
        "1e400",
        "*.",
        "::",
        "\u0000",
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...paths), anything, (path, value) => {
        const doc = structuredClone(GOOD) as Record<string, unknown>;
        let at: Record<string | number, unknown> = doc;
        for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
        at[path.at(-1) as string | number] = value;
        onlyConfigErrors(stringify(doc));
      }),
      { numRuns: 500, interruptAfterTimeLimit: 4000 },
    );
  });

  it("survives YAML's own traps: aliases, deep nesting, duplicate keys, tags", () => {
    // Regressions found by the properties above: each used to escape as a ReferenceError or a
    // RangeError (stack overflow) instead of a ConfigError.
    const regressions: Array<[string, RegExp]> = [
      ["*!", /seedwatch\.yml:1:1: YAML syntax: an alias \(\*…\) with no anchor/],
      ["a: &x [*x]\ntargets: *x\n", /:1:8: a\[0\]: YAML syntax: an alias .* would contain itself/],
      ["a: &x [*x, *x, *x, *x]\ntargets: []\n", /would contain itself/],
      [BILLION_LAUGHS, /YAML syntax: aliases \(\*…\) repeat too much/],
      [
        `targets: ${"[".repeat(2000)}${"]".repeat(2000)}\n`,
        /:1:\d+: YAML syntax: nested more than 32/,
      ],
    ];
    for (const [text, problem] of regressions) {
      assert.throws(
        () => parseConfig(text, "/etc/seedwatch/seedwatch.yml", {}),
        (error: unknown) => error instanceof ConfigError && problem.test(error.message),
        text,
      );
    }
    for (const text of [
      "a: &x [*x]\ntargets: *x\n",
      `targets: ${"[".repeat(2000)}${"]".repeat(2000)}\n`,
      "targets: []\ntargets: []\n",
      "targets: !!binary aGVsbG8=\n",
      "targets:\n  - !!js/function 'x'\n",
      "<<: {targets: 1}\n",
      `x: &a [1]\ny: &b [*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b]\nw: [*c,*c,*c,*c,*c,*c,*c,*c]\ntargets: []\n`,
    ])
      onlyConfigErrors(text);
  });
});
