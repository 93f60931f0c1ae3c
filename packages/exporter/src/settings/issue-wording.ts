// Our words for schema problems zod finds: what was expected and what kind of value came, never the value itself.

import type { z } from "zod";

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  bigint: "a number",
  null: "nothing",
};

/** The kind of a value (never the value): "a string", "a list", "nothing". */
export function kindOf(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "an empty value";
  if (Array.isArray(input)) return "a list";
  switch (typeof input) {
    case "string":
      return "a string";
    case "number":
    case "bigint":
      return "a number";
    case "boolean":
      return "true or false";
    case "object":
      return "a mapping";
    default:
      return "a value of another kind";
  }
}

/** A value from the schema (an enum member, a limit), as a message shows it. */
function shown(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

function plural(count: number | bigint, one: string, many: string): string {
  return `${count} ${Number(count) === 1 ? one : many}`;
}

/**
 * Words for a zod issue that the schema has no message of its own for. Pass it as the `error`
 * option of `safeParse`: zod's own messages are kept out, since some of them could grow to
 * quote the input in a later version, and ours say it plainly.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
      return issue.input === undefined
        ? `required: expected ${expected}`
        : `expected ${expected}, got ${kindOf(issue.input)}`;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? `expected ${shown(issue.values[0])}`
        : `expected one of ${issue.values.map(shown).join(", ")}`;
    case "too_small": {
      const { minimum, inclusive, origin } = issue;
      if (origin === "string")
        return Number(minimum) <= 1
          ? "expected a non-empty string"
          : `expected at least ${plural(minimum, "character", "characters")}`;
      if (origin === "array" || origin === "set")
        return `expected at least ${plural(minimum, "item", "items")}`;
      return `expected ${inclusive ? "at least" : "more than"} ${minimum}`;
    }
    case "too_big": {
      const { maximum, inclusive, origin } = issue;
      if (origin === "string")
        return `expected at most ${plural(maximum, "character", "characters")}`;
      if (origin === "array" || origin === "set")
        return `expected at most ${plural(maximum, "item", "items")}`;
      return `expected ${inclusive ? "at most" : "less than"} ${maximum}`;
    }
    case "invalid_format":
      return issue.format === "regex"
        ? "expected text of another form"
        : `expected ${issue.format}`;
    case "not_multiple_of":
      return `expected a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return "unknown key";
    case "invalid_key":
      return "a key that is not allowed here";
    case "invalid_element":
      return "an item that is not allowed here";
    case "invalid_union": {
      const kinds = issue.errors.map((options) =>
        options.length === 1 && options[0]?.code === "invalid_type"
          ? (EXPECTED[options[0].expected] ?? `a ${options[0].expected}`)
          : undefined,
      );
      return kinds.every((kind) => kind !== undefined) && kinds.length > 0
        ? `expected ${kinds.join(" or ")}, got ${kindOf(issue.input)}`
        : "a value of a kind that is not allowed here";
    }
    default:
      return "a value that is not allowed here";
  }
};
