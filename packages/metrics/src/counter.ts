// A long-lived counter instrument: monotonic, one child per label set.

import type { MetricDefinition } from "./definition.ts";
import { LabeledInstrument } from "./instrument.ts";
import type { RenderedLabels } from "./labels.ts";

/** One counter series. */
export class CounterChild {
  readonly labels: RenderedLabels;
  value = 0;

  constructor(labels: RenderedLabels) {
    this.labels = labels;
  }

  /** Adds `by` (default 1); a negative or non-finite amount throws, since counters never go down. */
  inc(by = 1): void {
    if (!(by >= 0) || by === Number.POSITIVE_INFINITY) {
      throw new RangeError(`counter increment must be a finite non-negative number, got ${by}`);
    }
    this.value += by;
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

  protected createChild(labels: RenderedLabels): CounterChild {
    return new CounterChild(labels);
  }

  protected valueOf(child: CounterChild): number {
    return child.value;
  }
}
