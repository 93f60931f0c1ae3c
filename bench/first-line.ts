// The first line a child process prints: how a simulator started for a benchmark tells its URL.

import type { ChildProcess } from "node:child_process";

/** Reads `child`'s stdout up to its first line feed; throws if it exits before one. */
export async function firstLine(child: ChildProcess): Promise<string> {
  let text = "";
  for await (const chunk of child.stdout ?? []) {
    text += String(chunk);
    if (text.includes("\n")) return text.split("\n")[0] as string;
  }
  throw new Error("the simulator exited before printing its URL");
}
