// Compares a rendering with its committed golden file, or rewrites the file when UPDATE_GOLDEN=1.

import { AssertionError } from "node:assert";
import { readFile, writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { unifiedDiff } from "./unified-diff.ts";

/** Whether this run rewrites golden files instead of comparing (`UPDATE_GOLDEN=1 node --test …`). */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

/**
 * Throws an AssertionError with a unified diff (golden file → this rendering) unless `actual` is
 * exactly the content of `file`; with UPDATE_GOLDEN=1, writes `actual` to `file` instead.
 */
export async function assertGolden(actual: string, file: string): Promise<void> {
  const name = relative(process.cwd(), file);
  if (UPDATE_GOLDEN) {
    await writeFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, "utf8");
  } catch (error) {
    throw new AssertionError({
      message: `${name} is missing: run with UPDATE_GOLDEN=1 to write it (${(error as Error).message})`,
    });
  }
  if (expected === actual) return;
  const diff = unifiedDiff(expected, actual, { expected: name, actual: "rendered now" });
  throw new AssertionError({
    message: `the rendering differs from ${name}; if the change is intended, rerun with UPDATE_GOLDEN=1 and commit the file:\n${diff}`,
  });
}
