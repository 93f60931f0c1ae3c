import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_YAML_DEPTH, MAX_YAML_TOKENS, readYaml } from "./yaml-reader.ts";

/** The problems of `text` as `line:col: path: message` lines. */
function problemsOf(text: string, dataMaps?: Parameters<typeof readYaml>[1]): string[] {
  return readYaml(text, dataMaps).problems.map(
    (p) => `${p.line}:${p.col}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`,
  );
}

describe("readYaml", () => {
  it("reads a document into plain data, aliases sharing what their anchor names", () => {
    const { value, problems } = readYaml(
      "base: &b { timeout: 5s, tags: [a, b] }\nother: *b\nn: 1\nyes: true\nnone:\nq: '01'\n",
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(value, {
      base: { timeout: "5s", tags: ["a", "b"] },
      other: { timeout: "5s", tags: ["a", "b"] },
      n: 1,
      yes: true,
      none: null,
      q: "01",
    });
    assert.deepEqual(readYaml("").value, null);
    assert.deepEqual(readYaml("# only a comment\n").value, null);
  });

  it("keeps a __proto__ key as data, not as the object's prototype", () => {
    const value = readYaml("__proto__: { polluted: 1 }\n").value as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("finds a key given twice, pointing at both, with data keys hidden", () => {
    assert.deepEqual(problemsOf("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"), [
      "4:3: b.c: a key given twice in one mapping (first at line 3, column 3)",
      "5:1: a: a key given twice in one mapping (first at line 1, column 1)",
    ]);
    assert.deepEqual(
      problemsOf(
        "rename:\n  tracker.example: x\n  tracker.example: y\n",
        (parent) => parent.at(-1) === "rename",
      ),
      ["3:3: rename.<key>: a key given twice in one mapping (first at line 2, column 3)"],
    );
    // Keys as JS objects see them: 1 and "1" are the same key.
    assert.deepEqual(problemsOf("1: a\n'1': b\n"), [
      "2:1: <key>: a key given twice in one mapping (first at line 1, column 1)",
    ]);
  });

  it("refuses aliases that cannot be resolved, that contain themselves, or that are keys", () => {
    assert.deepEqual(problemsOf("password: *Abc123\n"), [
      "1:11: password: an alias (*…) with no anchor (&…) of its name before it; to start a value with *, put it in quotes",
    ]);
    assert.deepEqual(problemsOf("a: &x [1, *x]\n"), [
      "1:11: a[1]: an alias (*…) inside the value its anchor (&…) names: that value would contain itself",
    ]);
    assert.deepEqual(problemsOf("k: &k v\n*k : 2\n"), [
      "2:1: an alias (*…) used as a key; to start a key with *, put it in quotes",
    ]);
    assert.deepEqual(problemsOf("[a]: 1\n"), ["1:1: a list or mapping used as a key"]);
  });

  it("refuses an anchor on an empty value unless an alias uses it", () => {
    assert.deepEqual(problemsOf("password: &Abc123\n"), [
      "1:18: password: an anchor (&…) on an empty value; to start a value with &, put it in quotes",
    ]);
    assert.deepEqual(problemsOf("a: &e\nb: *e\n"), []);
  });

  it("bounds alias expansion: aliases may add the file's own values again, plus 10,000", () => {
    const laughs = `a0: &a0 [x]\n${Array.from(
      { length: 9 },
      (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]\n`,
    ).join("")}`;
    const problems = problemsOf(laughs);
    assert.equal(problems.length, 1);
    assert.match(problems[0] as string, /^\d+:\d+: aliases \(\*…\) repeat too much/);
    // Sharing one block of settings a few times is what aliases are for.
    const shared = `s: &s { ${Array.from({ length: 50 }, (_, i) => `k${i}: ${i}`).join(", ")} }\n${Array.from({ length: 100 }, (_, i) => `t${i}: *s`).join("\n")}\n`;
    assert.deepEqual(problemsOf(shared), []);
  });

  it(`refuses nesting deeper than ${MAX_YAML_DEPTH} levels, through aliases too`, () => {
    const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    assert.deepEqual(problemsOf(nested(MAX_YAML_DEPTH)), []);
    assert.deepEqual(problemsOf(nested(MAX_YAML_DEPTH + 1)), [
      `1:${MAX_YAML_DEPTH + 1}: ${"[0]".repeat(MAX_YAML_DEPTH)}: nested more than ${MAX_YAML_DEPTH} levels deep (counting what aliases stand for)`,
    ]);
    const deep = `a: &d ${nested(20)}\nb: ${"[".repeat(20)}*d${"]".repeat(20)}\n`;
    assert.match(problemsOf(deep).join("\n"), /^2:24: b(\[0\]){20}: nested more than 32/);
  });

  it("stops the parser itself early on a file of nothing but nesting", () => {
    // A MiB of [ kept the library busy for about ten seconds before the cut-off.
    const problems = problemsOf("[".repeat(1024 * 1024));
    assert.deepEqual(problems, [`1:41: nested more than ${MAX_YAML_DEPTH} levels deep`]);
  });

  it(`stops after ${MAX_YAML_TOKENS} tokens, which a MiB of any normal config stays under`, () => {
    const dense = `x: [${"1,".repeat(MAX_YAML_TOKENS)}1]\n`;
    const problems = problemsOf(dense);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0] as string,
      /^1:\d+: more than 500000 YAML tokens \(keys, values, indentation, punctuation\), the most a file may hold$/,
    );
    // A MiB of tracker.rename entries in flow style, the densest way a config is written.
    let entries = "";
    for (let i = 0; entries.length < 1024 * 1024 - 100; i++) entries += `t${i}.org: T${i}, `;
    const read = readYaml(`rename: {${entries}}\n`);
    assert.deepEqual(read.problems, []);
    assert.ok(Object.keys((read.value as { rename: object }).rename).length > 45_000);
  });

  it("leaves Error.stackTraceLimit as it found it", () => {
    const limit = Error.stackTraceLimit;
    problemsOf("a: @x\nb: @y\n");
    problemsOf(`x: [${"1,".repeat(MAX_YAML_TOKENS)}1]\n`);
    assert.equal(Error.stackTraceLimit, limit);
  });

  it("makes YAML warnings problems: an unknown tag is not a value", () => {
    assert.deepEqual(problemsOf("password: !Abc123\n"), [
      "1:11: a tag (!…) that is not supported; to start a value with !, put the value in quotes",
    ]);
    assert.deepEqual(problemsOf("x: !!binary aGVsbG8=\n"), [
      "1:4: a tag (!…) that is not supported; to start a value with !, put the value in quotes",
    ]);
  });

  it("refuses a second document", () => {
    assert.deepEqual(problemsOf("a: 1\n---\nb: 2\n"), [
      "2:1: more than one document (---): the file holds one",
    ]);
  });

  it("locates values and keys by field path, through aliases to their anchor", () => {
    const yaml = readYaml(
      "t: &t\n  name: b\ntargets:\n  - name: a\n    url: http://h\n  - *t\nempty:\n",
    );
    assert.deepEqual(yaml.problems, []);
    assert.deepEqual(yaml.locate(["targets", 0, "url"]), { line: 5, col: 10 });
    assert.deepEqual(yaml.locate(["targets", 0, "url"], "key"), { line: 5, col: 5 });
    assert.deepEqual(yaml.locate(["targets", 1, "name"]), { line: 2, col: 9 });
    // A path the file does not have ends at the nearest value it does have.
    assert.deepEqual(yaml.locate(["targets", 0, "password"]), { line: 4, col: 5 });
    assert.deepEqual(yaml.locate(["targets", 7]), { line: 4, col: 3 });
    assert.deepEqual(yaml.locate([]), { line: 1, col: 1 });
    assert.deepEqual(yaml.locate(["empty"]).line, 7);
  });
});
