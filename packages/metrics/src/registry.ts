// The registry: runs every collector at collect time within a deadline, isolates failures, merges families.

import { defineGauge } from "./definition.ts";
import { type ExpositionFormat, encode } from "./exposition.ts";
import { foreignFamilies } from "./foreign.ts";
import type { RenderedLabels } from "./labels.ts";
import { renderLabels } from "./labels.ts";
import {
  CollectingWriter,
  FamilyBuffer,
  FamilyConflictError,
  type MetricWriter,
  sameFamily,
} from "./writer.ts";

/**
 * Something that produces samples when the registry collects: a const-metric collector that
 * renders fresh samples from its state, or a long-lived instrument.
 */
export interface Collector {
  /** Unique within a registry; names the collector in failure reports and self metrics. */
  readonly name: string;
  /**
   * Writes this collection's samples. An asynchronous collector has until the collection's
   * deadline: past it, it is reported as failed, `signal` is aborted (with a
   * CollectorTimeoutError as the reason) so it can stop its work, and whatever it writes later
   * is dropped. A synchronous one cannot be interrupted: it runs to its end, however long, and
   * its samples are served.
   */
  collect(writer: MetricWriter, signal: AbortSignal): void | Promise<void>;
}

/** How one collector fared during a collection. */
export interface CollectorReport {
  readonly name: string;
  readonly ok: boolean;
  readonly durationSeconds: number;
  readonly error?: unknown;
}

/** The outcome of one collection: merged families, and a report per collector. */
export interface Collection {
  readonly families: readonly FamilyBuffer[];
  readonly reports: readonly CollectorReport[];
}

/** Registry options. */
export interface RegistryOptions {
  /**
   * How long an asynchronous collector may take in one collection, in milliseconds (default
   * 10,000, Prometheus's default scrape timeout). A collection's own deadline shortens it.
   */
  readonly collectorTimeoutMs?: number;
  /**
   * When set, every collection adds `<prefix>_scrape_collector_success{collector}` and
   * `<prefix>_scrape_collector_duration_seconds{collector}` (as node_exporter does).
   */
  readonly collectorMetricsPrefix?: string;
  /** Called once per failed collector per collection. */
  readonly onCollectorError?: (collector: string, error: unknown) => void;
}

/** Options of one collection. */
export interface CollectOptions {
  /**
   * When the collection must be over, in milliseconds since the Unix epoch (a scrape's deadline,
   * e.g. from `X-Prometheus-Scrape-Timeout-Seconds`); bounds every collector's time together
   * with `collectorTimeoutMs`.
   */
  readonly deadline?: number;
}

/** Default of `RegistryOptions.collectorTimeoutMs`. */
export const DEFAULT_COLLECTOR_TIMEOUT_MS = 10_000;

/** Thrown when a collector is registered under a name already taken. */
export class DuplicateCollectorError extends Error {
  override name = "DuplicateCollectorError";
}

/** Reported for an asynchronous collector that did not finish before the collection's deadline. */
export class CollectorTimeoutError extends Error {
  override name = "CollectorTimeoutError";
  /** The collector's name. */
  readonly collector: string;
  /** The time it had, in seconds. */
  readonly timeoutSeconds: number;

  constructor(collector: string, timeoutSeconds: number) {
    super(`collector ${collector} timed out after ${formatSeconds(timeoutSeconds)}`);
    this.collector = collector;
    this.timeoutSeconds = timeoutSeconds;
  }
}

/** A registry of collectors. There is no global default: create one per exposition. */
export class Registry {
  readonly #collectors = new Map<string, Collector>();
  readonly #options: RegistryOptions;
  readonly #selfMetrics;

  constructor(options: RegistryOptions = {}) {
    const timeout = options.collectorTimeoutMs;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
      throw new RangeError(
        `collectorTimeoutMs: expected a positive number of milliseconds, got ${String(timeout)}`,
      );
    }
    this.#options = options;
    const prefix = options.collectorMetricsPrefix;
    this.#selfMetrics =
      prefix === undefined
        ? undefined
        : {
            success: defineGauge({
              name: `${prefix}_scrape_collector_success`,
              help: "Whether the collector succeeded during this scrape (1) or failed or timed out (0).",
              labelNames: ["collector"],
            }),
            duration: defineGauge({
              name: `${prefix}_scrape_collector_duration_seconds`,
              help: "How long the collector took during this scrape.",
              unit: "seconds",
              labelNames: ["collector"],
            }),
          };
  }

  /** Adds a collector (or instrument) and returns it. */
  register<T extends Collector>(collector: T): T {
    if (this.#collectors.has(collector.name)) {
      throw new DuplicateCollectorError(
        `a collector named ${collector.name} is already registered`,
      );
    }
    this.#collectors.set(collector.name, collector);
    return collector;
  }

  /**
   * Adds a source of foreign exposition text (either format), such as a prom-client
   * registry's `metrics()`. Its families are parsed and re-encoded in the negotiated format.
   */
  registerExposition(name: string, produce: () => string | Promise<string>): void {
    this.register({
      name,
      async collect(writer) {
        for (const family of foreignFamilies(await produce())) {
          writer.family(family.def).appendRendered(family.text);
        }
      },
    });
  }

  /** Removes the collector registered under `name`; returns whether there was one. */
  unregister(name: string): boolean {
    return this.#collectors.delete(name);
  }

  /**
   * Runs every collector (concurrently where they are asynchronous) and merges their families.
   * A collector that throws, rejects or misses the deadline is left out and reported; the rest
   * is served.
   */
  async collect(options: CollectOptions = {}): Promise<Collection> {
    // One deadline for the whole collection, on the monotonic clock: a collector started late
    // (after a slow synchronous one) gets what is left, not a fresh allowance.
    let budgetMs = this.#options.collectorTimeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS;
    if (options.deadline !== undefined)
      budgetMs = Math.min(budgetMs, Math.max(0, options.deadline - Date.now()));
    const deadline = performance.now() + budgetMs;
    const runs = await Promise.all(
      [...this.#collectors.values()].map((collector) => runCollector(collector, deadline)),
    );
    const merged = new Map<string, FamilyBuffer>();
    const reports: CollectorReport[] = [];
    for (const run of runs) {
      let error = run.error;
      if (run.writer !== undefined) {
        error = conflictIn(run.writer, merged);
        if (error === undefined) mergeInto(run.writer, merged);
      }
      if (error === undefined) {
        reports.push({ name: run.name, ok: true, durationSeconds: run.durationSeconds });
      } else {
        reports.push({ name: run.name, ok: false, durationSeconds: run.durationSeconds, error });
        this.#options.onCollectorError?.(run.name, error);
      }
    }
    const families = [...merged.values()];
    if (this.#selfMetrics !== undefined) {
      const success = new FamilyBuffer(this.#selfMetrics.success);
      const duration = new FamilyBuffer(this.#selfMetrics.duration);
      for (const report of reports) {
        const labels: RenderedLabels = renderLabels(["collector"], [report.name]);
        success.sample(labels, report.ok ? 1 : 0);
        duration.sample(labels, report.durationSeconds);
      }
      families.push(success, duration);
    }
    return { families, reports };
  }

  /** Collects and encodes in one step. */
  async render(format: ExpositionFormat = "text", options: CollectOptions = {}): Promise<string> {
    return encode((await this.collect(options)).families, format);
  }
}

interface Run {
  readonly name: string;
  readonly durationSeconds: number;
  readonly writer?: CollectingWriter;
  readonly error?: unknown;
}

const DONE = Symbol("done");
const TIMED_OUT = Symbol("timed out");

async function runCollector(collector: Collector, deadline: number): Promise<Run> {
  // A writer of this run only: a collector that finishes late writes into it, and it is dropped.
  const writer = new CollectingWriter();
  const controller = new AbortController();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const pending = collector.collect(writer, controller.signal);
    if (pending !== undefined) {
      const allowedMs = Math.max(0, deadline - started);
      const outcome = await Promise.race([
        Promise.resolve(pending).then(() => DONE),
        new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(resolve, allowedMs, TIMED_OUT);
        }),
      ]);
      if (outcome === TIMED_OUT) {
        const error = new CollectorTimeoutError(collector.name, allowedMs / 1000);
        controller.abort(error);
        // Its late outcome is nobody's: an unobserved rejection would crash the process.
        Promise.resolve(pending).catch(() => {});
        return { name: collector.name, durationSeconds: elapsed(), error };
      }
    }
    return { name: collector.name, durationSeconds: elapsed(), writer };
  } catch (error) {
    return { name: collector.name, durationSeconds: elapsed(), error };
  } finally {
    clearTimeout(timer);
  }
}

/** `2s`, `1.5s`, `0.25s`: seconds as a person writes them, to the millisecond. */
function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

function conflictIn(
  writer: CollectingWriter,
  merged: Map<string, FamilyBuffer>,
): Error | undefined {
  for (const [name, family] of writer.families) {
    const existing = merged.get(name);
    if (existing !== undefined && !sameFamily(existing.def, family.def)) {
      return new FamilyConflictError(
        `metric family ${name} is defined differently by another collector`,
      );
    }
  }
  return undefined;
}

function mergeInto(writer: CollectingWriter, merged: Map<string, FamilyBuffer>): void {
  for (const [name, family] of writer.families) {
    const existing = merged.get(name);
    if (existing === undefined) merged.set(name, family);
    else existing.appendChunks(family.chunks());
  }
}
