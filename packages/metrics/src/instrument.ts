// The shared part of long-lived instruments: label children kept in a map keyed by their rendered labels.

import type { MetricDefinition } from "./definition.ts";
import { type RenderedLabels, renderLabels } from "./labels.ts";
import type { Collector } from "./registry.ts";
import type { MetricWriter } from "./writer.ts";

/** A value holder bound to one label set. */
export interface Child {
  readonly labels: RenderedLabels;
}

/** Base of Counter and Gauge: children per label set, created on first use and kept until removed. */
export abstract class LabeledInstrument<C extends Child> implements Collector {
  readonly def: MetricDefinition;
  readonly #children = new Map<string, C>();
  #unlabeled: C | undefined;

  constructor(def: MetricDefinition, kind: MetricDefinition["kind"]) {
    if (def.kind !== kind) throw new TypeError(`${def.name} is a ${def.kind}, not a ${kind}`);
    this.def = def;
  }

  get name(): string {
    return this.def.name;
  }

  /** The child for these label values (in the definition's label order), created on first use. */
  labels(...values: string[]): C {
    return this.withLabels(renderLabels(this.def.labelNames, values));
  }

  /**
   * The child for a label set rendered beforehand (with `renderLabels` and this definition's
   * label names). Instruments given the same rendered set share its text instead of each
   * keeping a copy.
   */
  withLabels(labels: RenderedLabels): C {
    let child = this.#children.get(labels);
    if (child === undefined) {
      child = this.createChild(labels);
      this.#children.set(labels, child);
    }
    return child;
  }

  /** Forgets the series of these label values; returns whether it existed. */
  remove(...values: string[]): boolean {
    return this.#children.delete(renderLabels(this.def.labelNames, values));
  }

  /** Forgets every series. */
  reset(): void {
    this.#children.clear();
    this.#unlabeled = undefined;
  }

  /** Number of series currently held. */
  get size(): number {
    return this.#children.size;
  }

  collect(writer: MetricWriter): void {
    if (this.#children.size === 0) return;
    const family = writer.family(this.def);
    for (const child of this.#children.values()) family.sample(child.labels, this.valueOf(child));
  }

  /** The child of a metric without labels. */
  protected get unlabeled(): C {
    if (this.def.labelNames.length > 0) {
      throw new TypeError(
        `${this.def.name} has labels (${this.def.labelNames.join(", ")}): use labels()`,
      );
    }
    this.#unlabeled ??= this.labels();
    return this.#unlabeled;
  }

  protected abstract createChild(labels: RenderedLabels): C;
  protected abstract valueOf(child: C): number;
}
