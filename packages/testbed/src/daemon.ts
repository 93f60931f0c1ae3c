// Starting and stopping a real daemon for a test: its own temp dir, its PID, its log tail.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@seedwatch/metrics/testing";
import { listeningPorts } from "./proc.ts";

/** A daemon this test started. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  /** The last few KB of what it printed. */
  logs(): string;
  /** Whether it is still running. */
  get running(): boolean;
  /** Sends a signal to this daemon's PID only. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL (a crash: no shutdown, no last write), even when stopped; resolves when it has exited. */
  kill(): Promise<void>;
  /** How it ended (code, or the signal that ended it); undefined while it runs. */
  readonly exit:
    | { readonly code: number | null; readonly signal: NodeJS.Signals | null }
    | undefined;
}

/** How to start a daemon and tell when it is ready. */
export interface DaemonSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Resolves true once the daemon answers; polled until `readyTimeoutMs`. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
  /**
   * TCP ports the daemon itself must listen on once ready. Ports come from `freePort()`, and
   * another test process can take one before the daemon binds it; the daemon may then run on
   * without it while the intruder answers in its place.
   */
  readonly listens?: readonly number[];
}

/** A port a daemon was given was taken by another process first: start again on fresh ports. */
export class PortTakenError extends Error {
  override name = "PortTakenError";
}

/**
 * Runs `start` (which picks fresh ports each time) again when a port it picked was taken by
 * another process before its daemon could bind it, up to `attempts` times.
 */
export async function retryWhilePortsTaken<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= attempts) throw error;
    }
  }
}

// How daemons say that a port they were given is bound already (qBittorrent: "The bound address
// is already in use"; libc: "Address already in use"): another process took it after freePort().
const ADDRESS_IN_USE = /already in use|EADDRINUSE/i;

const running = new Set<Daemon>();
process.once("exit", () => {
  for (const daemon of running) daemon.signal("SIGKILL");
});

/**
 * Spawns a daemon (stdin from /dev/null), waits until `ready()` holds, and returns a handle that
 * stops exactly this PID. Throws with the daemon's own output if it exits or never gets ready.
 * Every daemon still running when the test process exits is killed.
 */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  const child: ChildProcess = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let spawnError: Error | undefined;
  child.on("error", (error) => {
    spawnError = error;
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const daemon: Daemon = {
    name: spec.name,
    pid: child.pid ?? -1,
    logs: () => tail,
    get running() {
      return !exited();
    },
    get exit() {
      return exited() ? { code: child.exitCode, signal: child.signalCode } : undefined;
    },
    signal(signal) {
      if (!exited()) child.kill(signal);
    },
    async stop(graceMs = 5000) {
      running.delete(daemon);
      if (exited()) return;
      const done = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await done;
      clearTimeout(timer);
    },
    async kill() {
      running.delete(daemon);
      if (exited()) return;
      const done = once(child, "exit");
      child.kill("SIGKILL");
      await done;
    },
  };
  running.add(daemon);
  try {
    // A daemon that dies or cannot spawn ends the wait at once (waitFor retries what throws).
    const outcome = await waitFor(
      `${spec.name} to be ready`,
      async () => {
        if (spawnError !== undefined || exited()) return "gone";
        return (await spec.ready()) ? "ready" : undefined;
      },
      { timeoutMs: spec.readyTimeoutMs ?? 30_000, intervalMs: 100 },
    );
    if (outcome === "gone") {
      if (spawnError) throw new Error(`${spec.name} could not start: ${spawnError.message}`);
      const message = `${spec.name} exited with ${child.exitCode ?? child.signalCode}`;
      throw ADDRESS_IN_USE.test(tail) ? new PortTakenError(message) : new Error(message);
    }
  } catch (error) {
    await daemon.stop(1000);
    const Failure = error instanceof PortTakenError ? PortTakenError : Error;
    throw new Failure(`${(error as Error).message}\n--- ${spec.name} output ---\n${tail}`, {
      cause: error,
    });
  }
  if (spec.listens !== undefined && spec.listens.length > 0) {
    const own = await listeningPorts(daemon.pid);
    const missing = spec.listens.filter((port) => !own.has(port));
    if (missing.length > 0) {
      await daemon.stop(1000);
      throw new PortTakenError(
        `${spec.name} (PID ${daemon.pid}) answers but does not listen on port ${missing.join(", ")} itself: another process took it`,
      );
    }
  }
  return daemon;
}

/**
 * Runs `use` with a fresh temporary directory and removes the directory if `use` throws (on
 * success the daemon started in it owns it, and removes it when it stops).
 */
export async function inTempDir<T>(
  prefix: string,
  use: (dir: { path: string; remove(): Promise<void> }) => Promise<T>,
): Promise<T> {
  const dir = await tempDir(prefix);
  try {
    return await use(dir);
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `seedwatch-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
