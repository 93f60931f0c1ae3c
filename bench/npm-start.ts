// How `npm start` runs the daemon: its Node flags, its environment and a warm compile cache.

import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from "./child.ts";

const run = promisify(execFile);

/** The daemon's entry point in the sources, as `npm start` runs it. */
export const DAEMON_MAIN = join(
  fileURLToPath(new URL("..", import.meta.url)),
  "packages/exporter/src/main.ts",
);

/** `npm start`'s Node flags (package.json): the executable's own. */
export const START_FLAGS: readonly string[] = DAEMON_NODE_FLAGS;

/** `npm start`'s environment (package.json): the executable's, and its compile cache in `cache`. */
export function startEnv(cache: string): Record<string, string> & { NODE_COMPILE_CACHE: string } {
  return { ...DAEMON_ENV, NODE_COMPILE_CACHE: cache };
}

/**
 * Runs `main --version` once with the compile cache in `cache`, as npm start's first run leaves
 * it: from then on Node takes the stripped, compiled sources from the cache and does not load its
 * type stripper (a WebAssembly build of SWC, about 18 MB resident). `--version` also imports the
 * modules the daemon loads on first use (src/lazy-modules.ts). V8 refuses a cache written under
 * other flags, so a run with flags of its own needs a cache warmed with them (`flags`).
 */
export async function warmCompileCache(
  cache: string,
  main: string = DAEMON_MAIN,
  flags: readonly string[] = START_FLAGS,
): Promise<void> {
  await run(process.execPath, [...flags, main, "--version"], {
    env: { ...process.env, ...startEnv(cache) },
  });
}
