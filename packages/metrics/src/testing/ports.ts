// Test helper: free loopback ports, and waiting until a condition holds.

import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A TCP port that was free on `host` a moment ago (for daemons that need a port up front). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}

/**
 * The first of `count` consecutive TCP ports that were all free on `host` a moment ago, for a
 * daemon that derives ports from a base (a cluster worker's is the base plus its id).
 */
export async function freePortRun(count: number, host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort(host);
    if (base + count - 1 > 65_535) continue;
    const servers = Array.from({ length: count - 1 }, () => createServer());
    const bound = await Promise.all(
      servers.map(
        (server, i) =>
          new Promise<boolean>((resolve) => {
            server.once("error", () => resolve(false));
            server.listen(base + i + 1, host, () => resolve(true));
          }),
      ),
    );
    await Promise.all(
      servers.map((server, i) =>
        bound[i] ? new Promise((resolve) => server.close(resolve)) : undefined,
      ),
    );
    if (bound.every(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free ports found on ${host}`);
}

/**
 * Calls `probe` until it returns a value other than undefined, or throws after `timeoutMs` with
 * the last error seen. Used to wait for daemons to come up and for values to settle.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, {
        cause: lastError,
      });
    }
    await sleep(intervalMs);
  }
}
