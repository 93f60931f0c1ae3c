// Prunes the audit log on a timer, in small steps that give the event loop back between them.

import type { Logger } from "../log.ts";
import { type AuditLog, PRUNE_BATCH } from "./audit-log.ts";

/** How often the audit log is pruned besides on every write (entries age out without writes too). */
export const AUDIT_PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Runs `AuditLog.pruneStep` at start and then every `intervalMs`, step after step (each at most
 * PRUNE_BATCH entries) with a `setImmediate` between them, until a step finds nothing to delete.
 */
export class AuditPruner {
  readonly #audit: AuditLog;
  readonly #log: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(audit: AuditLog, log: Logger, intervalMs: number = AUDIT_PRUNE_INTERVAL_MS) {
    this.#audit = audit;
    this.#log = log;
    this.#intervalMs = intervalMs;
  }

  /** Prunes now, then on the timer (which does not keep the process alive). */
  start(): void {
    this.#stopped = false;
    void this.run();
    this.#timer = setInterval(() => void this.run(), this.#intervalMs);
    this.#timer.unref();
  }

  /** One pass (joined when one is under way); resolves with how many entries went. */
  run(): Promise<number> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #pass(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const deleted = this.#audit.pruneStep(PRUNE_BATCH);
        total += deleted;
        if (deleted === 0 || this.#stopped) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.#log.error("pruning the removal audit log failed", { err: error });
    }
    if (total > 0) this.#log.debug("removal audit log pruned", { entries: total });
    return total;
  }
}
