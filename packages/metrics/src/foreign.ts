// Turns foreign exposition text (say a prom-client registry's) into families our encoder can merge.

import { defineForeign, type FamilyKind } from "./definition.ts";
import { formatBucketBound, formatValue } from "./escape.ts";
import { renderLabels } from "./labels.ts";
import { type ParsedFamily, parseExposition } from "./parse.ts";
import { FamilyBuffer } from "./writer.ts";

/** Thrown when foreign text holds something we cannot re-encode faithfully. */
export class ForeignExpositionError extends Error {
  override name = "ForeignExpositionError";
}

const KINDS: Readonly<Record<string, FamilyKind>> = {
  counter: "counter",
  gauge: "gauge",
  histogram: "histogram",
  summary: "summary",
  info: "info",
  untyped: "unknown",
  unknown: "unknown",
  stateset: "gauge",
};

/**
 * Parses foreign text (either format) and returns one buffer per family, with samples rendered
 * the way ours are: `le` and `quantile` in canonical float form, `_created` samples dropped,
 * exemplars dropped. Timestamps are not kept: a scrape is a snapshot.
 */
export function foreignFamilies(text: string): FamilyBuffer[] {
  return parseExposition(text).map(toBuffer);
}

function toBuffer(family: ParsedFamily): FamilyBuffer {
  const kind = KINDS[family.type];
  if (kind === undefined) {
    throw new ForeignExpositionError(`family ${family.name}: type ${family.type} is not supported`);
  }
  let familyName = family.name;
  let sampleName = family.name;
  if (kind === "counter") {
    // Text 0.0.4 names a counter family by its sample name (`x_total`); OpenMetrics by its base.
    if (familyName.endsWith("_total")) familyName = familyName.slice(0, -"_total".length);
    else if (family.samples.some((s) => s.name === `${familyName}_total`)) {
      sampleName = `${familyName}_total`;
    }
  } else if (kind === "info") {
    familyName = familyName.replace(/_info$/, "");
    sampleName = `${familyName}_info`;
  }
  const buffer = new FamilyBuffer(
    defineForeign({ kind, family: familyName, sampleName, help: family.help, unit: family.unit }),
  );
  for (const sample of family.samples) {
    if (sample.name === `${familyName}_created`) continue;
    const names: string[] = [];
    const values: string[] = [];
    for (const [name, value] of sample.labels) {
      names.push(name);
      values.push(name === "le" || name === "quantile" ? canonical(value) : value);
    }
    buffer.appendRendered(
      `${sample.name}${renderLabels(names, values)} ${formatValue(sample.value)}\n`,
    );
  }
  return buffer;
}

function canonical(bound: string): string {
  const value = bound === "+Inf" ? Number.POSITIVE_INFINITY : Number(bound);
  return Number.isNaN(value) ? bound : formatBucketBound(value);
}
