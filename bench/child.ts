// Runs one benchmark variant in a fresh Node process and returns the JSON it writes.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { daemonLaunch } from "../packages/testbed/src/daemon-flags.ts";

const run = promisify(execFile);

/** Runs `script` with `args` plus a result file path (extra environment, Node flags), and parses that file. */
export async function runChild<T>(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  nodeFlags: readonly string[] = [],
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "seedwatch-bench-"));
  const out = join(dir, "result.json");
  try {
    await run(process.execPath, [...nodeFlags, script, ...args, out], {
      maxBuffer: 16 * 2 ** 20,
      env: { ...process.env, ...env },
    });
    return JSON.parse(await readFile(out, "utf8")) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Node flags the seedwatch executable starts with (its first line, packages/exporter/src/main.ts). */
export const DAEMON_NODE_FLAGS: readonly string[] = daemonLaunch().nodeFlags;

/** The environment the seedwatch executable starts with (the same line). */
export const DAEMON_ENV: Readonly<Record<string, string>> = daemonLaunch().env;

/** Runs a child that stands for the daemon, with the daemon's own Node flags and environment. */
export function runDaemonChild<T>(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<T> {
  return runChild<T>(script, args, { ...DAEMON_ENV, ...env }, DAEMON_NODE_FLAGS);
}
