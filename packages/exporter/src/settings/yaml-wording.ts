// Our own words for the YAML library's errors: the library quotes the text it stumbled on (a password, say), we never do.

import type { ErrorCode, YAMLError } from "yaml";

const QUOTE_IT = "put the value in quotes";

/** The words for a quote that is never closed (readYaml points them at where it opens). */
export const UNCLOSED_QUOTE = "a quoted value without its closing quote";

/** What each of the library's error codes means, in words that quote nothing from the file. */
const BY_CODE: Readonly<Record<ErrorCode, string>> = {
  ALIAS_PROPS: "an alias (*…) with an anchor or a tag of its own",
  BAD_ALIAS: `an anchor (&…) or alias (*…) with an empty or ambiguous name; to start a value with & or *, ${QUOTE_IT}`,
  BAD_COLLECTION_TYPE: "a tag (!!…) for another kind of value than the one it is on",
  BAD_DIRECTIVE: `a directive (%…) YAML does not know; to start a value with %, ${QUOTE_IT}`,
  BAD_DQ_ESCAPE: 'an escape sequence (\\…) that "double quotes" do not allow',
  BAD_INDENT: "wrong indentation",
  BAD_PROP_ORDER: "an anchor (&…) or tag (!…) before its - ? or : instead of after it",
  BAD_SCALAR_START: `a value that starts with a character YAML reserves (@, \` or %); ${QUOTE_IT}`,
  BLOCK_AS_IMPLICIT_KEY: `a mapping or list where a single-line key was expected; a value that contains ": " needs quotes`,
  BLOCK_IN_FLOW:
    "block syntax (a - item, a | or > text, or key: on its own line) inside [ ] or { }",
  DUPLICATE_KEY: "a key given twice in one mapping",
  IMPOSSIBLE: "text the YAML parser could not follow",
  KEY_OVER_1024_CHARS: "a single-line key longer than 1024 characters",
  MISSING_CHAR: "a missing character (a closing quote, ] or }, a comma, or a space after :)",
  MULTILINE_IMPLICIT_KEY: "a key that runs over more than one line (is a closing quote missing?)",
  MULTIPLE_ANCHORS: "a value with more than one anchor (&…)",
  MULTIPLE_DOCS: "more than one document (---): the file holds one",
  MULTIPLE_TAGS: "a value with more than one tag (!…)",
  NON_STRING_KEY: "a key that is not a string",
  RESOURCE_EXHAUSTION: "more than the YAML parser will read",
  TAB_AS_INDENT: "a tab used as indentation (indent with spaces)",
  TAG_RESOLVE_FAILED: `a tag (!…) that is not supported; to start a value with !, ${QUOTE_IT}`,
  UNEXPECTED_TOKEN: "a character or token that does not belong here",
};

/**
 * Finer words for some messages of the library, told apart by the fixed start of its message;
 * the message itself (which may go on to quote the file) is never shown.
 */
const BY_MESSAGE: ReadonlyArray<readonly [ErrorCode, string, string]> = [
  [
    "BAD_INDENT",
    "Flow sequence in block",
    "a [ that is not closed, or lines of it not indented enough",
  ],
  ["BAD_INDENT", "Flow map in block", "a { that is not closed, or lines of it not indented enough"],
  ["MISSING_CHAR", "Flow sequence must end", "a [ without its closing ]"],
  ["MISSING_CHAR", "Flow map must end", "a { without its closing }"],
  ["MISSING_CHAR", "Missing closing", UNCLOSED_QUOTE],
  ["MISSING_CHAR", "Missing , ", "a missing comma between the items of [ ] or { }"],
  ["MISSING_CHAR", "Missing space after :", "a missing space after : in [ ] or { }"],
  [
    "MISSING_CHAR",
    "Implicit map keys need to be followed",
    "a line that is neither key: value nor - item (a key without a colon after it)",
  ],
  [
    "MISSING_CHAR",
    "Comments must be separated",
    "a # that starts a comment without a space before it",
  ],
  [
    "MISSING_CHAR",
    "Tags and anchors must be separated",
    "an anchor (&…) or tag (!…) with no space after it",
  ],
  [
    "UNEXPECTED_TOKEN",
    "Block scalar header includes extra characters",
    `text right after | or > (a value that starts with | or > needs quotes)`,
  ],
  ["UNEXPECTED_TOKEN", "Unexpected , in", "a comma that does not belong here"],
  ["UNEXPECTED_TOKEN", "Unexpected empty item", "an empty item in [ ] or { }"],
  [
    "BLOCK_AS_IMPLICIT_KEY",
    "A block sequence may not be used as an implicit map key",
    "a - list where a key was expected",
  ],
];

/** What a YAML library error means, without a word of the text it was about. */
export function describeYamlError(error: Pick<YAMLError, "code" | "message">): string {
  const message = typeof error.message === "string" ? error.message : "";
  for (const [code, start, words] of BY_MESSAGE)
    if (error.code === code && message.startsWith(start)) return words;
  return BY_CODE[error.code] ?? "text the YAML parser could not follow";
}
