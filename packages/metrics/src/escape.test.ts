import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeLabelValue, formatBucketBound, formatValue } from "./escape.ts";
import { joinLabels, LabelError, renderLabels } from "./labels.ts";

describe("escaping and values", () => {
  it("escapes backslash, double quote and line feed in label values", () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeLabelValue("plain 文字"), "plain 文字");
  });

  it("formats special and ordinary values", () => {
    assert.equal(formatValue(Number.NaN), "NaN");
    assert.equal(formatValue(Number.POSITIVE_INFINITY), "+Inf");
    assert.equal(formatValue(Number.NEGATIVE_INFINITY), "-Inf");
    assert.equal(formatValue(42), "42");
    assert.equal(formatValue(-0.25), "-0.25");
    assert.equal(formatValue(1e21), "1e+21");
    assert.equal(formatValue(2 ** 53), "9007199254740992");
  });

  it("formats bucket bounds canonically", () => {
    assert.equal(formatBucketBound(1), "1.0");
    assert.equal(formatBucketBound(0.005), "0.005");
    assert.equal(formatBucketBound(1e21), "1e+21");
    assert.equal(formatBucketBound(Number.POSITIVE_INFINITY), "+Inf");
  });

  it("renders and joins label sets", () => {
    const head = renderLabels(["name", "host"], ["box1", "h"]);
    const tail = renderLabels(["tracker"], ['a"b']);
    assert.equal(head, '{name="box1",host="h"}');
    assert.equal(joinLabels(head, tail), '{name="box1",host="h",tracker="a\\"b"}');
    assert.equal(joinLabels(renderLabels([], []), tail), tail);
    assert.throws(() => renderLabels(["a"], []), LabelError);
    assert.throws(() => renderLabels(["a"], [5 as unknown as string]), LabelError);
  });
});
