import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unifiedDiff } from "./unified-diff.ts";

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);
const text = (lines: readonly string[]) => `${lines.join("\n")}\n`;

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    assert.equal(unifiedDiff("a\nb\n", "a\nb\n"), "");
  });

  it("shows a changed line with three lines of context, numbered as diff -u does", () => {
    const before = numbered(10);
    const after = before.with(5, "line six, changed");
    assert.equal(
      unifiedDiff(text(before), text(after)),
      [
        "--- expected",
        "+++ actual",
        "@@ -3,7 +3,7 @@",
        " line 3",
        " line 4",
        " line 5",
        "-line 6",
        "+line six, changed",
        " line 7",
        " line 8",
        " line 9",
        "",
      ].join("\n"),
    );
  });

  it("keeps changes more than six unchanged lines apart in separate hunks, and nearer ones together", () => {
    const before = numbered(30);
    const far = before.with(2, "x").with(20, "y");
    assert.equal(unifiedDiff(text(before), text(far)).match(/^@@/gm)?.length, 2);
    const near = before.with(2, "x").with(9, "y");
    assert.equal(unifiedDiff(text(before), text(near)).match(/^@@/gm)?.length, 1);
  });

  it("counts added and removed lines at either end", () => {
    assert.equal(
      unifiedDiff("a\nb\n", "z\na\nb\nc\n", { expected: "old", actual: "new" }),
      "--- old\n+++ new\n@@ -1,2 +1,4 @@\n+z\n a\n b\n+c\n",
    );
    assert.equal(unifiedDiff("a\n", ""), "--- expected\n+++ actual\n@@ -1,1 +0,0 @@\n-a\n");
  });
});
