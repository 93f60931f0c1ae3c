import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseStrictJson, StrictJsonError } from "./strict-json.ts";

const refusal = (text: string): string => {
  try {
    parseStrictJson(text);
  } catch (error) {
    assert.ok(error instanceof StrictJsonError);
    return error.message;
  }
  return "accepted";
};

describe("parseStrictJson", () => {
  it("parses what JSON.parse parses when no object repeats a key", () => {
    const text = '{"a":[{"b":1},{"b":2}],"c":{"a":"a,\\"a\\":{"},"d":"}"}';
    assert.deepEqual(parseStrictJson(text), JSON.parse(text));
    assert.deepEqual(parseStrictJson("[1,2,3]"), [1, 2, 3]);
    assert.equal(parseStrictJson('"x"'), "x");
    assert.equal(parseStrictJson(" null "), null);
  });

  it("refuses a repeated key at any depth, naming it and where", () => {
    assert.equal(
      refusal('{"dryRun":true,"dryRun":false}'),
      'the body names the key "dryRun" twice',
    );
    assert.equal(
      refusal('{"rules":[{"name":"a"},{"ratio":{"min":1, "min" :2}}]}'),
      'the body names the key "min" twice in rules[1].ratio',
    );
    assert.equal(refusal('{"a b":{"x":1,"x":1}}'), 'the body names the key "x" twice in "a b"');
    assert.equal(refusal('[[{"k":1,"k":1}]]'), 'the body names the key "k" twice in [0][0]');
  });

  it("compares keys after unescaping them", () => {
    assert.equal(
      refusal('{"dryRun":true,"dry\\u0052un":false}'),
      'the body names the key "dryRun" twice',
    );
    assert.equal(
      refusal('{"__proto__":1,"__proto__":2}'),
      'the body names the key "__proto__" twice',
    );
  });

  it("says when the text is not JSON", () => {
    for (const text of ["", "{", '{"a":1,}', "nope", '{"a":1}x'])
      assert.equal(refusal(text), "the body is not JSON", text);
  });

  it("agrees with JSON.parse on any JSON without repeated keys (property-based, bounded)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value);
        assert.deepEqual(parseStrictJson(text), JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("finds every repeated key JSON.parse would silently drop (property-based, bounded)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 8 }), (value, key) => {
        const inner = JSON.stringify(key);
        const text = `{"wrap":[${JSON.stringify(value)},{${inner}:1,${inner}:2}]}`;
        assert.match(refusal(text), /^the body names the key /);
      }),
      { numRuns: 300 },
    );
  });
});
