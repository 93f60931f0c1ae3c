// Takes one sample of every archived series on each wall-clock boundary of the resolution and stores it in one transaction.

import type { HostSnapshot } from "../host/snapshot.ts";
import type { Logger } from "../log.ts";
import type { ArchiveStore } from "./archive-store.ts";
import { hostSamples, type SampledTarget, targetSamples } from "./collect-samples.ts";
import type { SeriesSample } from "./series.ts";

/** The clock and timers the sampler uses; tests drive them by hand. */
export interface SamplerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: SamplerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What a HistorySampler needs. */
export interface HistorySamplerOptions {
  readonly store: ArchiveStore;
  /** Sample period, ms; samples are taken on its multiples since the epoch (1 minute: on each minute). */
  readonly resolutionMs: number;
  /** The torrent targets to sample now. */
  readonly targets: () => readonly SampledTarget[];
  /** The host sampler, or undefined when host indicators are off. */
  readonly host: { sample(): Promise<HostSnapshot> } | undefined;
  readonly log: Logger;
  readonly clock?: SamplerClock;
}

/**
 * Samples every torrent target and the host once per resolution, aligned to the wall clock, and
 * writes each sample in one transaction. A tick that fires late still records the period it was
 * due for (up to one resolution late); a missed period is a gap, never a shifted point. A failed
 * write is logged (once until writes work again) and the sampler carries on.
 */
export class HistorySampler {
  readonly #options: HistorySamplerOptions;
  readonly #clock: SamplerClock;
  readonly #log: Logger;
  #timer: unknown;
  #due = 0;
  #running: Promise<void> | undefined;
  #stopped = true;
  #failing = false;
  #written = 0;

  constructor(options: HistorySamplerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#log = options.log.child({ component: "history" });
  }

  /** Samples written since start (for tests and logs). */
  get written(): number {
    return this.#written;
  }

  /** Starts sampling on the next boundary. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops the timer and waits for a sample being written. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Takes and stores one sample for the period starting at `at` (ms). */
  async sampleAt(at: number): Promise<void> {
    const samples: SeriesSample[] = [];
    const host = this.#options.host;
    if (host !== undefined) {
      try {
        samples.push(...hostSamples(await host.sample()));
      } catch (error) {
        this.#log.warn("host sample failed", { err: error });
      }
    }
    for (const target of this.#options.targets()) samples.push(...targetSamples(target));
    const started = performance.now();
    try {
      const series = this.#options.store.record(at, samples);
      this.#written++;
      if (this.#failing) this.#log.info("history writes work again");
      this.#failing = false;
      this.#log.debug("history sample written", {
        at: new Date(at).toISOString(),
        series,
        ms: Math.round((performance.now() - started) * 100) / 100,
      });
    } catch (error) {
      if (!this.#failing) this.#log.error("history write failed", { err: error });
      this.#failing = true;
    }
  }

  #schedule(): void {
    const res = this.#options.resolutionMs;
    const now = this.#clock.now();
    // Never the same period twice, even if a timer fired a little before its boundary.
    const next = Math.max(Math.floor(now / res) + 1, this.#due / res + 1) * res;
    this.#due = next;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), next - now);
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const res = this.#options.resolutionMs;
    const now = this.#clock.now();
    const at = now - this.#due < res ? this.#due : Math.floor(now / res) * res;
    this.#due = at;
    this.#running = this.sampleAt(at).finally(() => {
      this.#running = undefined;
      if (!this.#stopped) this.#schedule();
    });
  }
}
