// The shared part of long-lived instruments: series values by label slot, and light child handles.

import type { MetricDefinition } from "./definition.ts";
import { type RenderedLabels, renderLabels } from "./labels.ts";
import type { Collector } from "./registry.ts";
import { SeriesValues } from "./series-values.ts";
import type { MetricWriter } from "./writer.ts";

/** A value holder bound to one label set. */
export interface Child {
  readonly labels: RenderedLabels;
}

/**
 * A handle on one series: its label set and the slot its value lives in. Handles are cheap and
 * not unique (two `labels()` calls give two handles on one series). A handle kept across
 * `remove()` of its series, or `reset()`, re-creates the series on its next write (at 0 before
 * that write), as prom-client does; reading it meanwhile gives 0. It never writes to another
 * label set that took its slot.
 */
export abstract class SeriesHandle implements Child {
  readonly labels: RenderedLabels;
  readonly #series: SeriesValues;
  #slot: number;
  #generation: number;

  constructor(series: SeriesValues, labels: RenderedLabels) {
    this.labels = labels;
    this.#series = series;
    this.#slot = series.hold(labels);
    this.#generation = series.generationOf(this.#slot);
  }

  /** The current value. */
  get value(): number {
    return this.#series.holds(this.#slot, this.#generation)
      ? this.#series.get(this.#slot)
      : this.#series.valueOf(this.labels);
  }

  protected store(value: number): void {
    this.#series.set(this.#live(), value);
  }

  protected add(by: number): void {
    this.#series.add(this.#live(), by);
  }

  /** The slot of this handle's series, re-created if it was removed. */
  #live(): number {
    if (!this.#series.holds(this.#slot, this.#generation)) {
      this.#slot = this.#series.hold(this.labels);
      this.#generation = this.#series.generationOf(this.#slot);
    }
    return this.#slot;
  }
}

/** Base of Counter and Gauge: series per label set, created on first use and kept until removed. */
export abstract class LabeledInstrument<C extends Child> implements Collector {
  readonly def: MetricDefinition;
  readonly #series = new SeriesValues();
  #unlabeled: C | undefined;

  constructor(def: MetricDefinition, kind: MetricDefinition["kind"]) {
    if (def.kind !== kind) throw new TypeError(`${def.name} is a ${def.kind}, not a ${kind}`);
    this.def = def;
  }

  get name(): string {
    return this.def.name;
  }

  /** A child for these label values (in the definition's label order), creating the series. */
  labels(...values: string[]): C {
    return this.withLabels(renderLabels(this.def.labelNames, values));
  }

  /**
   * A child for a label set rendered beforehand (with `renderLabels` and this definition's label
   * names). Instruments given the same rendered set share its text instead of each keeping a copy.
   */
  withLabels(labels: RenderedLabels): C {
    return this.createChild(this.#series, labels);
  }

  /** Forgets the series of these label values; returns whether it existed. */
  remove(...values: string[]): boolean {
    return this.#series.remove(renderLabels(this.def.labelNames, values));
  }

  /** Forgets every series. */
  reset(): void {
    this.#series.clear();
  }

  /** Number of series currently held. */
  get size(): number {
    return this.#series.size;
  }

  collect(writer: MetricWriter): void {
    if (this.#series.size === 0) return;
    this.#series.collect(writer.family(this.def));
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

  protected abstract createChild(series: SeriesValues, labels: RenderedLabels): C;
}
