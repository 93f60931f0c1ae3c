// What collectors write into: one text buffer of sample lines per metric family.

import type { MetricDefinition } from "./definition.ts";
import { formatValue } from "./escape.ts";
import { LabelError, type LabelValues, labelText } from "./labels.ts";

/** A piece of exposition text: a string, or UTF-8 bytes (see `ByteLines`). */
export type Chunk = string | Uint8Array;

/** Receives the samples of one family. */
export interface FamilyWriter {
  /** Adds a counter, gauge, info or unknown sample. */
  sample(labels: LabelValues, value: number): void;
  /**
   * Adds one histogram series: `cumulativeCounts` has one entry per bucket bound plus the +Inf
   * bucket (which is the count), as Prometheus exposes them. A gauge histogram's count and sum
   * are written as OpenMetrics has them (`_gcount`, `_gsum`); the text format renames them.
   */
  histogram(labels: LabelValues, cumulativeCounts: ArrayLike<number>, sum: number): void;
  /** Appends sample lines rendered earlier for the same definition (a cache, or foreign text). */
  appendRendered(lines: string): void;
  /**
   * Appends whole sample lines of the same definition as chunks (a cache, or bytes written by
   * `ByteLines`); each chunk ends with a line feed.
   */
  appendChunks(chunks: readonly Chunk[]): void;
}

/** Receives families from a collector. */
export interface MetricWriter {
  /** Opens the family of `def` (again, if this collector already wrote to it). */
  family(def: MetricDefinition): FamilyWriter;
}

/** Thrown when two different definitions claim one family name. */
export class FamilyConflictError extends Error {
  override name = "FamilyConflictError";
}

// Lines are gathered in flat chunks of about this many characters: one giant `+=` string is a
// deep rope that costs more to flatten than the rendering itself.
const CHUNK_CHARS = 64 * 1024;

/** Makes V8 flatten a rope string now (ToNumber flattens its argument), while it is small. */
function flatten(text: string): string {
  Number(text);
  return text;
}

/** The sample lines collected for one family, kept as a list of flat text (or byte) chunks. */
export class FamilyBuffer implements FamilyWriter {
  readonly def: MetricDefinition;
  readonly #sealed: Chunk[] = [];
  #open = "";

  constructor(def: MetricDefinition) {
    this.def = def;
  }

  sample(labels: LabelValues, value: number): void {
    if (
      this.def.kind === "histogram" ||
      this.def.kind === "gaugehistogram" ||
      this.def.kind === "summary"
    ) {
      throw new LabelError(`${this.def.name} is a ${this.def.kind}: use histogram()`);
    }
    this.#open += `${this.def.sampleName}${labelText(this.def, labels)} ${formatValue(value)}\n`;
    if (this.#open.length >= CHUNK_CHARS) this.#seal();
  }

  histogram(labels: LabelValues, cumulativeCounts: ArrayLike<number>, sum: number): void {
    const def = this.def;
    const tails = def.bucketLabelTails;
    const gauge = def.kind === "gaugehistogram";
    if (def.kind !== "histogram" && !gauge) throw new LabelError(`${def.name} is not a histogram`);
    if (cumulativeCounts.length !== tails.length) {
      throw new LabelError(
        `${def.name}: expected ${tails.length} cumulative bucket counts, got ${cumulativeCounts.length}`,
      );
    }
    const text = labelText(def, labels);
    const head = text === "" ? `${def.name}_bucket{` : `${def.name}_bucket${text.slice(0, -1)},`;
    let out = "";
    for (let i = 0; i < tails.length; i++) {
      out += `${head}${tails[i]} ${formatValue(cumulativeCounts[i] as number)}\n`;
    }
    const count = cumulativeCounts[tails.length - 1] as number;
    out += gauge
      ? `${def.name}_gcount${text} ${formatValue(count)}\n${def.name}_gsum${text} ${formatValue(sum)}\n`
      : `${def.name}_sum${text} ${formatValue(sum)}\n${def.name}_count${text} ${formatValue(count)}\n`;
    this.appendRendered(out);
  }

  appendRendered(lines: string): void {
    this.#open += lines;
    if (this.#open.length >= CHUNK_CHARS) this.#seal();
  }

  appendChunks(chunks: readonly Chunk[]): void {
    this.#seal();
    for (const chunk of chunks) this.#sealed.push(chunk);
  }

  /** Whether no sample was written. */
  get isEmpty(): boolean {
    return this.#open === "" && this.#sealed.length === 0;
  }

  /** The sample lines as flat chunks, each ending in a line feed. */
  chunks(): readonly Chunk[] {
    this.#seal();
    return this.#sealed;
  }

  /** The sample lines as one string. */
  get text(): string {
    return joinChunks(this.chunks());
  }

  #seal(): void {
    if (this.#open === "") return;
    this.#sealed.push(flatten(this.#open));
    this.#open = "";
  }
}

/** Chunks as one string (bytes decoded as UTF-8). */
export function joinChunks(chunks: readonly Chunk[]): string {
  return chunks.map((c) => (typeof c === "string" ? c : decoder.decode(c))).join("");
}

const decoder = new TextDecoder();

/** Whether two definitions describe the same family (so their samples may be merged). */
export function sameFamily(a: MetricDefinition, b: MetricDefinition): boolean {
  return (
    a === b ||
    (a.name === b.name &&
      a.kind === b.kind &&
      a.help === b.help &&
      a.unit === b.unit &&
      a.buckets.join() === b.buckets.join())
  );
}

/** A MetricWriter that keeps each family's buffer, in first-written order. */
export class CollectingWriter implements MetricWriter {
  readonly families = new Map<string, FamilyBuffer>();

  family(def: MetricDefinition): FamilyBuffer {
    const existing = this.families.get(def.name);
    if (existing === undefined) {
      const buffer = new FamilyBuffer(def);
      this.families.set(def.name, buffer);
      return buffer;
    }
    if (!sameFamily(existing.def, def)) {
      throw new FamilyConflictError(`two different definitions for metric family ${def.name}`);
    }
    return existing;
  }
}
