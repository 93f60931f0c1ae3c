// Test helper: runs Prometheus's own `promtool check metrics` over an exposition.

import { spawn } from "node:child_process";

/** What promtool said about an exposition. */
export interface PromtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Pipes `text` into `promtool check metrics`. Throws when promtool is missing: the check is part
 * of the test suite and must never be skipped (Debian's `prometheus` package provides it).
 */
export function promtoolCheckMetrics(text: string | Buffer): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PROMTOOL ?? "promtool", ["check", "metrics"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new Error(
              "promtool not found: install Debian's prometheus package (apt-get install prometheus)",
            )
          : error,
      );
    });
    child.on("close", (code) => resolve({ ok: code === 0, output: output.trim() }));
    child.stdin.on("error", () => {});
    child.stdin.end(text);
  });
}

/** Throws with promtool's own words unless the exposition passes `promtool check metrics`. */
export async function assertPromtoolClean(text: string | Buffer): Promise<void> {
  const result = await promtoolCheckMetrics(text);
  if (!result.ok || result.output !== "") {
    throw new Error(
      `promtool check metrics failed:\n${result.output}\n--- exposition ---\n${String(text).slice(0, 4000)}`,
    );
  }
}
