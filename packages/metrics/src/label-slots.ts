// The process-wide table of label sets held by long-lived instruments: one numbered slot per set.

import type { RenderedLabels } from "./labels.ts";

/** Grows a typed array to at least `length` entries, by half again so appends stay amortized. */
export function grown<A extends Float64Array | Uint32Array | Uint8Array>(
  array: A,
  length: number,
): A {
  if (length <= array.length) return array;
  const next = new (array.constructor as new (length: number) => A)(
    Math.max(length, array.length + (array.length >> 1), 16),
  );
  next.set(array);
  return next;
}

/**
 * Numbers every label set in use so that instruments keep their values in typed arrays indexed by
 * slot. Instruments over the same label sets (ten gauges per torrent) share one map instead of
 * each keeping its own. A slot counts the instruments holding a series with its set; when the
 * last one lets go the slot is freed for reuse and its generation advances, so a handle that
 * remembered the old set can tell its slot now means something else.
 */
export class LabelSlots {
  readonly #slots = new Map<RenderedLabels, number>();
  readonly #labels: RenderedLabels[] = [];
  readonly #free: number[] = [];
  #refs = new Uint32Array(0);
  #generations = new Uint32Array(0);

  /** Number of label sets held by at least one instrument. */
  get size(): number {
    return this.#slots.size;
  }

  /** One more than the highest slot ever handed out: the length instruments' arrays need. */
  get capacity(): number {
    return this.#labels.length;
  }

  /** The slot of `labels`, or -1 when no instrument holds it. */
  find(labels: RenderedLabels): number {
    return this.#slots.get(labels) ?? -1;
  }

  /** The slot of `labels`, numbered on first use, with one more holder counted. */
  acquire(labels: RenderedLabels): number {
    let slot = this.#slots.get(labels);
    if (slot === undefined) {
      slot = this.#free.pop();
      if (slot === undefined) {
        slot = this.#labels.length;
        this.#labels.push(labels);
        this.#refs = grown(this.#refs, slot + 1);
        this.#generations = grown(this.#generations, slot + 1);
      } else {
        this.#labels[slot] = labels;
      }
      this.#slots.set(labels, slot);
    }
    this.#refs[slot] = (this.#refs[slot] as number) + 1;
    return slot;
  }

  /** Counts one holder fewer; the last one frees the slot. */
  release(slot: number): void {
    const refs = (this.#refs[slot] as number) - 1;
    this.#refs[slot] = refs;
    if (refs > 0) return;
    this.#slots.delete(this.#labels[slot] as RenderedLabels);
    this.#labels[slot] = "" as RenderedLabels;
    this.#generations[slot] = (this.#generations[slot] as number) + 1;
    this.#free.push(slot);
  }

  /** The label set a held slot stands for. */
  labelsOf(slot: number): RenderedLabels {
    return this.#labels[slot] as RenderedLabels;
  }

  /** How many times `slot` has been freed: a handle compares it with the one it started with. */
  generationOf(slot: number): number {
    return this.#generations[slot] as number;
  }
}

/** The table every Counter and Gauge of this process shares. */
export const labelSlots = new LabelSlots();
