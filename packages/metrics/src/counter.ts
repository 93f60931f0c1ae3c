// A long-lived counter instrument: monotonic, one series per label set.

import type { MetricDefinition } from "./definition.ts";
import { LabeledInstrument, SeriesHandle } from "./instrument.ts";
import type { RenderedLabels } from "./labels.ts";
import type { SeriesValues } from "./series-values.ts";

/** A handle on one counter series (see SeriesHandle for what happens after `remove()`). */
export class CounterChild extends SeriesHandle {
  /** Adds `by` (default 1); a negative or non-finite amount throws, since counters never go down. */
  inc(by = 1): void {
    if (!(by >= 0) || by === Number.POSITIVE_INFINITY) {
      throw new RangeError(`counter increment must be a finite non-negative number, got ${by}`);
    }
    this.add(by);
  }
}

/** A counter with optional labels. */
export class Counter extends LabeledInstrument<CounterChild> {
  constructor(def: MetricDefinition) {
    super(def, "counter");
  }

  /** Adds `by` to the series without labels. */
  inc(by = 1): void {
    this.unlabeled.inc(by);
  }

  /** The value of the series without labels. */
  get value(): number {
    return this.unlabeled.value;
  }

  protected createChild(series: SeriesValues, labels: RenderedLabels): CounterChild {
    return new CounterChild(series, labels);
  }
}
