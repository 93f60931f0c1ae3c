// A long-lived gauge instrument: any value, one child per label set.

import type { MetricDefinition } from "./definition.ts";
import { LabeledInstrument } from "./instrument.ts";
import type { RenderedLabels } from "./labels.ts";

/** One gauge series. */
export class GaugeChild {
  readonly labels: RenderedLabels;
  value = 0;

  constructor(labels: RenderedLabels) {
    this.labels = labels;
  }

  set(value: number): void {
    this.value = value;
  }

  inc(by = 1): void {
    this.value += by;
  }

  dec(by = 1): void {
    this.value -= by;
  }
}

/** A gauge with optional labels. */
export class Gauge extends LabeledInstrument<GaugeChild> {
  constructor(def: MetricDefinition) {
    super(def, "gauge");
  }

  /** Sets the series without labels. */
  set(value: number): void {
    this.unlabeled.set(value);
  }

  inc(by = 1): void {
    this.unlabeled.inc(by);
  }

  dec(by = 1): void {
    this.unlabeled.dec(by);
  }

  /** The value of the series without labels. */
  get value(): number {
    return this.unlabeled.value;
  }

  protected createChild(labels: RenderedLabels): GaugeChild {
    return new GaugeChild(labels);
  }

  protected valueOf(child: GaugeChild): number {
    return child.value;
  }
}
