// Test helper: reads an exposition into a lookup of samples by name and labels.

import { parseExposition } from "@seedwatch/metrics";

/** Samples of one exposition, looked up by name and (a subset of) labels. */
export class Samples {
  readonly all: ReadonlyArray<{ name: string; labels: Record<string, string>; value: number }>;

  constructor(text: string) {
    this.all = parseExposition(text).flatMap((family) =>
      family.samples.map((s) => ({
        name: s.name,
        labels: Object.fromEntries(s.labels),
        value: s.value,
      })),
    );
  }

  /** Samples named `name` whose labels include every pair of `labels`. */
  find(
    name: string,
    labels: Record<string, string> = {},
  ): Array<{ labels: Record<string, string>; value: number }> {
    return this.all.filter(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  }

  /** The value of the single sample matching; throws when there is none or several. */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.find(name, labels);
    if (found.length !== 1) {
      throw new Error(
        `expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}`,
      );
    }
    return (found[0] as { value: number }).value;
  }

  /** Whether any sample named `name` matches. */
  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.find(name, labels).length > 0;
  }
}
