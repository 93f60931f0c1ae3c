import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ErrorCode } from "yaml";
import { describeYamlError } from "./yaml-wording.ts";

const CODES: readonly ErrorCode[] = [
  "ALIAS_PROPS",
  "BAD_ALIAS",
  "BAD_COLLECTION_TYPE",
  "BAD_DIRECTIVE",
  "BAD_DQ_ESCAPE",
  "BAD_INDENT",
  "BAD_PROP_ORDER",
  "BAD_SCALAR_START",
  "BLOCK_AS_IMPLICIT_KEY",
  "BLOCK_IN_FLOW",
  "DUPLICATE_KEY",
  "IMPOSSIBLE",
  "KEY_OVER_1024_CHARS",
  "MISSING_CHAR",
  "MULTILINE_IMPLICIT_KEY",
  "MULTIPLE_ANCHORS",
  "MULTIPLE_DOCS",
  "MULTIPLE_TAGS",
  "NON_STRING_KEY",
  "RESOURCE_EXHAUSTION",
  "TAB_AS_INDENT",
  "TAG_RESOLVE_FAILED",
  "UNEXPECTED_TOKEN",
];

describe("describeYamlError", () => {
  it("words every error code without a word of the library's message", () => {
    // The library's messages go on to quote the file: "...extra characters: |hunter2".
    for (const code of CODES) {
      for (const message of [
        "Block scalar header includes extra characters: |hunter2",
        'Missing closing "quote hunter2',
        "Unresolved tag: !hunter2",
        "hunter2",
        "",
      ]) {
        const words = describeYamlError({ code, message });
        assert.ok(words.length > 10, code);
        assert.doesNotMatch(words, /hunter2/, code);
      }
    }
  });

  it("tells some messages of one code apart by their fixed start", () => {
    assert.equal(
      describeYamlError({ code: "MISSING_CHAR", message: "Missing closing 'quote" }),
      "a quoted value without its closing quote",
    );
    assert.equal(
      describeYamlError({
        code: "UNEXPECTED_TOKEN",
        message: "Block scalar header includes extra characters: |x",
      }),
      "text right after | or > (a value that starts with | or > needs quotes)",
    );
    assert.equal(
      describeYamlError({ code: "UNEXPECTED_TOKEN", message: "something new" }),
      "a character or token that does not belong here",
    );
  });
});
