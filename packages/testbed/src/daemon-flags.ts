// The Node flags and environment the seedwatch executable starts with, read from its first line (the one place they are set).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The daemon's entry point in the sources; its `#!` line holds its flags and environment. */
export const SEEDWATCH_MAIN = fileURLToPath(new URL("../../exporter/src/main.ts", import.meta.url));

/** How the executable runs Node: the environment and the flags before the script. */
export interface DaemonLaunch {
  readonly env: Readonly<Record<string, string>>;
  readonly nodeFlags: readonly string[];
}

/**
 * Parses a `#!/usr/bin/env -S NAME=value… node --flag…` line. Throws if the line is not of that
 * form, so a changed first line cannot silently start tests and benchmarks another way.
 */
export function parseLaunchLine(line: string): DaemonLaunch {
  const words = line.startsWith("#!/usr/bin/env -S ") ? line.slice(18).trim().split(/\s+/) : [];
  const node = words.indexOf("node");
  if (node === -1) throw new Error(`not a '#!/usr/bin/env -S … node …' line: ${line}`);
  const env: Record<string, string> = {};
  for (const word of words.slice(0, node)) {
    const eq = word.indexOf("=");
    if (eq <= 0) throw new Error(`expected NAME=value before node, found ${word}`);
    env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  const nodeFlags = words.slice(node + 1);
  const notFlag = nodeFlags.find((word) => !word.startsWith("--"));
  if (notFlag !== undefined) throw new Error(`expected only --flags after node, found ${notFlag}`);
  return { env, nodeFlags };
}

/** The executable's environment and Node flags, from its first line. */
export function daemonLaunch(): DaemonLaunch {
  return parseLaunchLine(readFileSync(SEEDWATCH_MAIN, "utf8").split("\n", 1)[0] ?? "");
}
