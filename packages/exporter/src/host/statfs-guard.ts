// statfs with a time limit that remembers stuck mounts, as node_exporter's filesystem collector does.

import type { StatsFs } from "node:fs";
import { statfs } from "node:fs/promises";
import { FilesystemStuckError, HostError } from "./errors.ts";
import type { StatfsFunction } from "./filesystem.ts";

/** Default of `StatfsGuardOptions.timeoutMs`: node_exporter's `--collector.filesystem.mount-timeout`. */
export const DEFAULT_STATFS_TIMEOUT_MS = 5000;

/** Options of a StatfsGuard; every one has a default. */
export interface StatfsGuardOptions {
  /** The statfs to call (default `fs.promises.statfs`). */
  readonly statfs?: StatfsFunction;
  /** How long one call may take before its path is marked stuck (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Called when a path is marked stuck. */
  readonly onStuck?: (path: string, timeoutMs: number) => void;
  /** Called when the hung call of a stuck path returns: the path is asked again from then on. */
  readonly onRecovered?: (path: string, stuckMs: number) => void;
}

const TIMED_OUT = Symbol("timed out");

/**
 * Calls statfs with a time limit. A path whose call outlives it is stuck: reading it fails at
 * once with a FilesystemStuckError, without a new call, until the hung call returns (with
 * figures or an error, both dropped); the next read asks again.
 *
 * statfs cannot be cancelled: each call holds one thread of libuv's pool (4 by default, shared
 * with every file read, `dns.lookup` and crypto) until the kernel answers. Asking a hung NFS
 * mount again on every scrape would soon hold them all and stall the daemon's file I/O.
 */
export class StatfsGuard {
  readonly #statfs: StatfsFunction;
  readonly #timeoutMs: number;
  readonly #onStuck: StatfsGuardOptions["onStuck"];
  readonly #onRecovered: StatfsGuardOptions["onRecovered"];
  /** Stuck paths, with when (monotonic ms) they were marked. */
  readonly #stuck = new Map<string, number>();

  constructor(options: StatfsGuardOptions = {}) {
    this.#statfs = options.statfs ?? statfs;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_STATFS_TIMEOUT_MS;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) {
      throw new HostError(
        `statfsTimeoutMs: expected a positive number of milliseconds, got ${String(options.timeoutMs)}`,
      );
    }
    this.#onStuck = options.onStuck;
    this.#onRecovered = options.onRecovered;
  }

  /** Whether `path` is stuck now (its last call timed out and has not returned). */
  isStuck(path: string): boolean {
    return this.#stuck.has(path);
  }

  /** statfs on `path`, or a FilesystemStuckError when it is or becomes stuck. */
  async statfs(path: string): Promise<StatsFs> {
    if (this.#stuck.has(path)) throw new FilesystemStuckError(path, this.#timeoutMs);
    const call = this.#statfs(path);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      call.then(
        (stats) => ({ stats }),
        (error: unknown) => ({ error }),
      ),
      new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(resolve, this.#timeoutMs, TIMED_OUT);
      }),
    ]).finally(() => clearTimeout(timer));
    if (outcome === TIMED_OUT) {
      const since = performance.now();
      this.#stuck.set(path, since);
      this.#onStuck?.(path, this.#timeoutMs);
      const release = () => {
        this.#stuck.delete(path);
        this.#onRecovered?.(path, performance.now() - since);
      };
      call.then(release, release);
      throw new FilesystemStuckError(path, this.#timeoutMs);
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.stats;
  }
}
