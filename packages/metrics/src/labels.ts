// Label sets rendered once into their exposition text, so hot paths never re-escape them.

import type { MetricDefinition } from "./definition.ts";
import { escapeLabelValue } from "./escape.ts";

/**
 * A label set already rendered as exposition text: `{a="x",b="y"}`, or "" for no labels.
 * The same text is valid in both formats, so it can be computed once and reused on every scrape.
 */
export type RenderedLabels = string & { readonly __renderedLabels: true };

/** Label values in the order of a definition's label names, or a label set rendered beforehand. */
export type LabelValues = readonly string[] | RenderedLabels;

/** Thrown when a sample's label values do not match its definition. */
export class LabelError extends Error {
  override name = "LabelError";
}

/** Renders label values, in the order of `names`, to exposition text. */
export function renderLabels(names: readonly string[], values: readonly string[]): RenderedLabels {
  if (names.length !== values.length) {
    throw new LabelError(
      `expected ${names.length} label values (${names.join(", ")}), got ${values.length}`,
    );
  }
  if (names.length === 0) return "" as RenderedLabels;
  // join() builds one flat string; `+=` would keep a tree of fragments alive for as long as the
  // label set lives (four times the memory at 100,000 series).
  const parts = new Array<string>(names.length);
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    if (typeof value !== "string") {
      throw new LabelError(`label ${names[i]} must be a string, got ${typeof value}`);
    }
    parts[i] = `${names[i]}="${escapeLabelValue(value)}"`;
  }
  parts[0] = `{${parts[0]}`;
  parts[names.length - 1] += "}";
  return parts.join(",") as RenderedLabels;
}

/** Renders label values for a definition. */
export function renderLabelsFor(def: MetricDefinition, values: readonly string[]): RenderedLabels {
  return renderLabels(def.labelNames, values);
}

/**
 * Joins two rendered label sets (`{a="x"}` + `{b="y"}` -> `{a="x",b="y"}`), for a constant set
 * (the target's labels) in front of a varying one.
 */
export function joinLabels(head: RenderedLabels, tail: RenderedLabels): RenderedLabels {
  if (head === "") return tail;
  if (tail === "") return head;
  return `${head.slice(0, -1)},${tail.slice(1)}` as RenderedLabels;
}

/** Returns the rendered text for `labels`, rendering value arrays for `def`. */
export function labelText(def: MetricDefinition, labels: LabelValues): RenderedLabels {
  return typeof labels === "string" ? labels : renderLabels(def.labelNames, labels);
}
