// The registry: runs every collector at collect time, isolates failures, merges families.

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
  collect(writer: MetricWriter): void | Promise<void>;
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
   * When set, every collection adds `<prefix>_scrape_collector_success{collector}` and
   * `<prefix>_scrape_collector_duration_seconds{collector}` (as node_exporter does).
   */
  readonly collectorMetricsPrefix?: string;
  /** Called once per failed collector per collection. */
  readonly onCollectorError?: (collector: string, error: unknown) => void;
}

/** Thrown when a collector is registered under a name already taken. */
export class DuplicateCollectorError extends Error {
  override name = "DuplicateCollectorError";
}

/** A registry of collectors. There is no global default: create one per exposition. */
export class Registry {
  readonly #collectors = new Map<string, Collector>();
  readonly #options: RegistryOptions;
  readonly #selfMetrics;

  constructor(options: RegistryOptions = {}) {
    this.#options = options;
    const prefix = options.collectorMetricsPrefix;
    this.#selfMetrics =
      prefix === undefined
        ? undefined
        : {
            success: defineGauge({
              name: `${prefix}_scrape_collector_success`,
              help: "Whether the collector succeeded during this scrape (1) or failed (0).",
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

  /** Runs every collector (concurrently where they are asynchronous) and merges their families. */
  async collect(): Promise<Collection> {
    const runs = await Promise.all([...this.#collectors.values()].map(runCollector));
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
  async render(format: ExpositionFormat = "text"): Promise<string> {
    return encode((await this.collect()).families, format);
  }
}

interface Run {
  readonly name: string;
  readonly durationSeconds: number;
  readonly writer?: CollectingWriter;
  readonly error?: unknown;
}

async function runCollector(collector: Collector): Promise<Run> {
  const writer = new CollectingWriter();
  const started = performance.now();
  try {
    const pending = collector.collect(writer);
    if (pending !== undefined) await pending;
    return { name: collector.name, durationSeconds: (performance.now() - started) / 1000, writer };
  } catch (error) {
    return { name: collector.name, durationSeconds: (performance.now() - started) / 1000, error };
  }
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
