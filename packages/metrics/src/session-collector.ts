// Exports session counter sets to Prometheus under names derived from the catalog's dotted names.

import type { Catalog } from "./catalog.ts";
import { prometheusNaming } from "./catalog.ts";
import { defineCounter, defineGauge, type MetricDefinition } from "./definition.ts";
import type { LabelValues } from "./labels.ts";
import type { Collector } from "./registry.ts";
import type { SessionCounters } from "./session-counters.ts";
import type { MetricWriter } from "./writer.ts";

/** One counter set to export, with the label values that tell it apart (a target, say). */
export interface LabeledSession {
  readonly labels: LabelValues;
  readonly counters: SessionCounters;
}

/** Options of a session collector. */
export interface SessionCollectorOptions {
  /** Collector name in the registry. */
  readonly name: string;
  readonly catalog: Catalog;
  /** Prepended to every derived name, e.g. `pt_session_`. */
  readonly prefix: string;
  /** Label names carried by every series, in the order of each set's label values. */
  readonly labelNames: readonly string[];
  /** The sets to export at collect time. */
  readonly sessions: () => Iterable<LabeledSession>;
}

/**
 * Exports every filled slot of each counter set: a slot nothing wrote to is left out, so a
 * client that does not report a figure shows no series for it rather than a zero.
 */
export class SessionCollector implements Collector {
  readonly name: string;
  /** One definition per catalog slot, built once (bad names fail here, at start-up). */
  readonly definitions: readonly MetricDefinition[];
  readonly #scales: readonly number[];
  readonly #sessions: () => Iterable<LabeledSession>;

  constructor(options: SessionCollectorOptions) {
    this.name = options.name;
    this.#sessions = options.sessions;
    const namings = options.catalog.entries.map((entry) => prometheusNaming(entry, options.prefix));
    this.#scales = namings.map((naming) => naming.scale);
    this.definitions = options.catalog.entries.map((entry, i) => {
      const naming = namings[i] as (typeof namings)[number];
      const define = entry.kind === "counter" ? defineCounter : defineGauge;
      return define({
        name: naming.name,
        help: `${entry.help} (${entry.name})`,
        unit: naming.unit,
        labelNames: options.labelNames,
      });
    });
  }

  collect(writer: MetricWriter): void {
    for (const { labels, counters } of this.#sessions()) {
      const snapshot = counters.snapshot();
      for (let i = 0; i < this.definitions.length; i++) {
        if (!snapshot.filled[i]) continue;
        const def = this.definitions[i] as MetricDefinition;
        writer
          .family(def)
          .sample(labels, (snapshot.values[i] as number) * (this.#scales[i] as number));
      }
    }
  }
}
