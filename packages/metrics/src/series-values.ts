// One instrument's series: values in typed arrays, keyed by the shared label-slot table.

import { grown, type LabelSlots, labelSlots } from "./label-slots.ts";
import type { RenderedLabels } from "./labels.ts";
import type { FamilyWriter } from "./writer.ts";

/** The arrays of a SeriesValues, apart so they can be handed back once it is unreachable. */
interface Columns {
  readonly table: LabelSlots;
  /** Per table slot: 1 + the series' index in `order`, or 0 when this instrument lacks it. */
  position: Uint32Array;
  /** Slots in first-use order; an entry whose slot's position points elsewhere was removed. */
  order: Uint32Array;
  /** Values, index for index with `order`. */
  values: Float64Array;
  /** Entries of `order` in use, removed ones included. */
  length: number;
  size: number;
}

function releaseAll(columns: Columns): void {
  const { table, position, order } = columns;
  for (let i = 0; i < columns.length; i++) {
    const slot = order[i] as number;
    if (position[slot] === i + 1) table.release(slot);
  }
}

/** Squeezes removed entries out of `order` and `values`, keeping the order of the rest. */
function compact(columns: Columns): void {
  const { position, order, values } = columns;
  let kept = 0;
  for (let i = 0; i < columns.length; i++) {
    const slot = order[i] as number;
    if (position[slot] !== i + 1) continue;
    order[kept] = slot;
    values[kept] = values[i] as number;
    position[slot] = ++kept;
  }
  columns.length = kept;
}

// An instrument dropped without reset() would otherwise hold its label sets in the process-wide
// table for ever.
const abandoned = new FinalizationRegistry<Columns>(releaseAll);

/**
 * The series of one instrument: 4 bytes per slot of the shared label-slot table plus 12 per
 * series, instead of a map entry, a child object and a boxed number per series. Series are
 * collected in first-use order.
 */
export class SeriesValues {
  readonly #columns: Columns;

  constructor(table: LabelSlots = labelSlots) {
    this.#columns = {
      table,
      position: new Uint32Array(0),
      order: new Uint32Array(0),
      values: new Float64Array(0),
      length: 0,
      size: 0,
    };
    abandoned.register(this, this.#columns);
  }

  /** Number of series held. */
  get size(): number {
    return this.#columns.size;
  }

  /** The slot of the series of `labels`, added at 0 when absent. */
  hold(labels: RenderedLabels): number {
    const columns = this.#columns;
    const found = columns.table.find(labels);
    if (found >= 0 && this.#has(found)) return found;
    const slot = columns.table.acquire(labels);
    columns.position = grown(columns.position, columns.table.capacity);
    if (columns.length === columns.order.length) {
      columns.order = grown(columns.order, columns.length + 1);
      columns.values = grown(columns.values, columns.length + 1);
    }
    columns.order[columns.length] = slot;
    columns.values[columns.length] = 0;
    columns.position[slot] = ++columns.length;
    columns.size++;
    return slot;
  }

  /** Whether `slot` still holds the series it held when the table gave `generation` for it. */
  holds(slot: number, generation: number): boolean {
    return this.#has(slot) && this.#columns.table.generationOf(slot) === generation;
  }

  /** The table's generation of `slot`, to check a remembered slot later with `holds`. */
  generationOf(slot: number): number {
    return this.#columns.table.generationOf(slot);
  }

  /** The value at a held slot. */
  get(slot: number): number {
    const columns = this.#columns;
    return columns.values[(columns.position[slot] as number) - 1] as number;
  }

  /** Sets the value at a held slot. */
  set(slot: number, value: number): void {
    const columns = this.#columns;
    columns.values[(columns.position[slot] as number) - 1] = value;
  }

  /** Adds to the value at a held slot. */
  add(slot: number, by: number): void {
    const columns = this.#columns;
    const at = (columns.position[slot] as number) - 1;
    columns.values[at] = (columns.values[at] as number) + by;
  }

  /** The value of the series of `labels`, or 0 when there is none. */
  valueOf(labels: RenderedLabels): number {
    const slot = this.#columns.table.find(labels);
    return slot >= 0 && this.#has(slot) ? this.get(slot) : 0;
  }

  /** Forgets the series of `labels`; returns whether it existed. */
  remove(labels: RenderedLabels): boolean {
    const columns = this.#columns;
    const slot = columns.table.find(labels);
    if (slot < 0 || !this.#has(slot)) return false;
    columns.position[slot] = 0;
    columns.size--;
    columns.table.release(slot);
    // Squeezed once removed entries outnumber live ones, so each removal pays for about one move.
    if (columns.length - columns.size > columns.size) compact(columns);
    return true;
  }

  /** Forgets every series and gives the arrays back. */
  clear(): void {
    const columns = this.#columns;
    releaseAll(columns);
    columns.position = new Uint32Array(0);
    columns.order = new Uint32Array(0);
    columns.values = new Float64Array(0);
    columns.length = 0;
    columns.size = 0;
  }

  /** Writes every series to `family`, in first-use order. */
  collect(family: FamilyWriter): void {
    const { table, position, order, values, length } = this.#columns;
    for (let i = 0; i < length; i++) {
      const slot = order[i] as number;
      if (position[slot] === i + 1) family.sample(table.labelsOf(slot), values[i] as number);
    }
  }

  #has(slot: number): boolean {
    const position = this.#columns.position;
    return slot < position.length && position[slot] !== 0;
  }
}
