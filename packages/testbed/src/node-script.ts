// Runs an ES module script in a fresh Node process (a clean V8, flags of its own) and parses what it prints as JSON.

import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs `script` (an ES module, given with `-e`) in a fresh Node with `flags` before it and `args`
 * after it (`process.argv[1]` on), and returns its standard output parsed as JSON. Throws, with
 * the child's standard error, if it fails or runs longer than `timeoutMs`.
 */
export async function jsonFromScript<T = unknown>(
  script: string,
  options: {
    readonly flags?: readonly string[];
    readonly args?: readonly string[];
    readonly timeoutMs?: number;
  } = {},
): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    [...(options.flags ?? []), "--input-type=module", "-e", script, ...(options.args ?? [])],
    { timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 2 ** 20 },
  );
  return JSON.parse(stdout) as T;
}
