// A long-lived gauge instrument: any value, one series per label set.

import type { MetricDefinition } from "./definition.ts";
import { LabeledInstrument, SeriesHandle } from "./instrument.ts";
import type { RenderedLabels } from "./labels.ts";
import type { SeriesValues } from "./series-values.ts";

/** A handle on one gauge series (see SeriesHandle for what happens after `remove()`). */
export class GaugeChild extends SeriesHandle {
  set(value: number): void {
    this.store(value);
  }

  inc(by = 1): void {
    this.add(by);
  }

  dec(by = 1): void {
    this.add(-by);
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

  protected createChild(series: SeriesValues, labels: RenderedLabels): GaugeChild {
    return new GaugeChild(series, labels);
  }
}
