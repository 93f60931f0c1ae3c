// Metric definitions: name, help, kind, unit and label names, validated once when defined.

import { escapeHelp, escapeOpenMetricsHelp, formatBucketBound } from "./escape.ts";
import { assertLabelNames, assertMetricName, MetricNameError } from "./names.ts";

/** The kinds a metric can be defined with. */
export type MetricKind = "counter" | "gauge" | "histogram" | "gaugehistogram" | "info";

/** Every kind a family can have; `summary` and `unknown` only arrive in foreign exposition text. */
export type FamilyKind = MetricKind | "summary" | "unknown";

/** What a caller gives to define a counter, gauge or info metric. */
export interface MetricOptions {
  /** The name as Prometheus shows it; counters get `_total` and infos `_info` if missing. */
  readonly name: string;
  readonly help: string;
  /** Base unit (`bytes`, `seconds`, ...); the name must end with it. Emitted as OpenMetrics `# UNIT`. */
  readonly unit?: string;
  readonly labelNames?: readonly string[];
}

/** What a caller gives to define a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, strictly increasing and finite; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

/** A validated, immutable metric definition with everything the encoders need precomputed. */
export interface MetricDefinition {
  readonly kind: FamilyKind;
  /** The name given at definition (for counters and infos, with their suffix). */
  readonly name: string;
  readonly help: string;
  /** Base unit, or "" when none. */
  readonly unit: string;
  readonly labelNames: readonly string[];
  /** Histogram upper bounds without +Inf; empty for other kinds. */
  readonly buckets: readonly number[];
  /** Name on sample lines (`x_total` for counters, `x_info` for infos, the name otherwise). */
  readonly sampleName: string;
  /** `# HELP`/`# TYPE` block for the Prometheus text format 0.0.4, ending in a line feed. */
  readonly textHeader: string;
  /** `# HELP`/`# TYPE`/`# UNIT` block for OpenMetrics 1.0, ending in a line feed. */
  readonly openMetricsHeader: string;
  /** For histograms: the `le="..."}` tail of each bucket's label set, +Inf last. */
  readonly bucketLabelTails: readonly string[];
}

const RESERVED_SUFFIXES = ["_total", "_bucket", "_count", "_sum", "_created", "_info"];
const UNIT = /^[a-z][a-z0-9_]*$/;

/** Defines a counter; its samples are named `<base>_total`. */
export function defineCounter(options: MetricOptions): MetricDefinition {
  const base = stripSuffix(options.name, "_total");
  return build("counter", options, base, `${base}_total`, []);
}

/** Defines a gauge. */
export function defineGauge(options: MetricOptions): MetricDefinition {
  return build("gauge", options, options.name, options.name, []);
}

/** Defines an info metric: a gauge of value 1 whose labels carry the information. */
export function defineInfo(options: MetricOptions): MetricDefinition {
  const base = stripSuffix(options.name, "_info");
  return build("info", options, base, `${base}_info`, []);
}

/** Defines a histogram with fixed bucket bounds. */
export function defineHistogram(options: HistogramOptions): MetricDefinition {
  return buildHistogram("histogram", options);
}

/**
 * Defines a gauge histogram: a distribution of things now (torrents by ratio), not of events, so
 * its buckets may go down. OpenMetrics has the type (`_bucket`, `_gcount`, `_gsum`); the text
 * format 0.0.4 has not, so there it is exposed as a classic histogram (`_bucket`, `_count`,
 * `_sum`), as the official clients do.
 */
export function defineGaugeHistogram(options: HistogramOptions): MetricDefinition {
  return buildHistogram("gaugehistogram", options);
}

function buildHistogram(
  kind: "histogram" | "gaugehistogram",
  options: HistogramOptions,
): MetricDefinition {
  const buckets = [...options.buckets];
  if (buckets.at(-1) === Number.POSITIVE_INFINITY) buckets.pop();
  if (buckets.length === 0) {
    throw new MetricNameError(`histogram ${options.name} needs at least one finite bucket bound`);
  }
  for (let i = 0; i < buckets.length; i++) {
    const bound = buckets[i] as number;
    if (!Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] as number))) {
      throw new MetricNameError(
        `histogram ${options.name}: bucket bounds must be finite and strictly increasing, got ${buckets.join(",")}`,
      );
    }
  }
  return build(kind, options, options.name, options.name, buckets);
}

/**
 * Defines an untyped metric (`untyped` in text 0.0.4, `unknown` in OpenMetrics): the escape hatch
 * for legacy names that promtool would reject with a type, such as a gauge named `..._count`
 * that existing dashboards query. Only the name syntax, help and labels are checked.
 */
export function defineUntyped(options: MetricOptions): MetricDefinition {
  assertMetricName(options.name);
  if (typeof options.help !== "string" || options.help.trim() === "") {
    throw new MetricNameError(`metric ${options.name} needs a help text`);
  }
  const labelNames = [...(options.labelNames ?? [])];
  assertLabelNames(labelNames, options.name);
  return finish("unknown", options.name, options.name, options.help, "", labelNames, []);
}

/** A family as found in foreign exposition text. */
export interface ForeignFamily {
  readonly kind: FamilyKind;
  /** The family name (for counters and infos, without their suffix). */
  readonly family: string;
  /** The name its samples carry (a counter from text 0.0.4 may lack `_total`). */
  readonly sampleName: string;
  readonly help: string;
  readonly unit: string;
}

/**
 * Builds a definition for a family read from foreign exposition text, where the names are
 * whatever the producer chose; only the syntax is checked.
 */
export function defineForeign(family: ForeignFamily): MetricDefinition {
  assertMetricName(family.family);
  assertMetricName(family.sampleName);
  return finish(family.kind, family.family, family.sampleName, family.help, family.unit, [], []);
}

function build(
  kind: MetricKind,
  options: MetricOptions,
  family: string,
  sampleName: string,
  buckets: readonly number[],
): MetricDefinition {
  assertMetricName(options.name);
  if (typeof options.help !== "string" || options.help.trim() === "") {
    throw new MetricNameError(`metric ${options.name} needs a help text`);
  }
  // promtool rejects these suffixes on names they would make ambiguous; a counter's own name
  // is followed by `_total`, so only a doubled `_total` (or `_created`) is ambiguous there.
  const reserved =
    kind === "counter"
      ? ["_total", "_created"]
      : kind === "gaugehistogram"
        ? [...RESERVED_SUFFIXES, "_gcount", "_gsum"]
        : RESERVED_SUFFIXES;
  if (reserved.some((suffix) => family.endsWith(suffix))) {
    throw new MetricNameError(
      `metric name ${options.name} (${kind}) must not end in ${reserved.join(", ")}`,
    );
  }
  const unit = options.unit ?? "";
  if (unit !== "" && (!UNIT.test(unit) || !family.endsWith(`_${unit}`))) {
    throw new MetricNameError(
      `metric ${options.name} has unit "${unit}" but does not end in _${unit}`,
    );
  }
  const labelNames = [...(options.labelNames ?? [])];
  assertLabelNames(
    labelNames,
    options.name,
    kind === "histogram" || kind === "gaugehistogram" ? ["le"] : [],
  );
  return finish(kind, family, sampleName, options.help, unit, labelNames, buckets);
}

function finish(
  kind: FamilyKind,
  family: string,
  sampleName: string,
  help: string,
  unit: string,
  labelNames: readonly string[],
  buckets: readonly number[],
): MetricDefinition {
  // Text 0.0.4 puts counters' and infos' metadata on the sample name, and has no info type.
  const textName = kind === "counter" || kind === "info" ? sampleName : family;
  const textType =
    kind === "info"
      ? "gauge"
      : kind === "unknown"
        ? "untyped"
        : kind === "gaugehistogram"
          ? "histogram"
          : kind;
  const textHelp = help === "" ? "" : `# HELP ${textName} ${escapeHelp(help)}\n`;
  // A foreign counter without `_total` cannot be an OpenMetrics counter: it stays `unknown` there.
  const omCounterOk = kind !== "counter" || sampleName === `${family}_total`;
  const omFamily = omCounterOk ? family : sampleName;
  const omType = omCounterOk ? kind : "unknown";
  const omHelp = help === "" ? "" : `# HELP ${omFamily} ${escapeOpenMetricsHelp(help)}\n`;
  const omUnit =
    unit === "" || !omFamily.endsWith(`_${unit}`) ? "" : `# UNIT ${omFamily} ${unit}\n`;
  return Object.freeze({
    kind,
    name: kind === "counter" || kind === "info" ? sampleName : family,
    help,
    unit,
    labelNames: Object.freeze([...labelNames]),
    buckets: Object.freeze([...buckets]),
    sampleName,
    textHeader: `${textHelp}# TYPE ${textName} ${textType}\n`,
    openMetricsHeader: `${omHelp}# TYPE ${omFamily} ${omType}\n${omUnit}`,
    bucketLabelTails: Object.freeze(
      [...buckets, Number.POSITIVE_INFINITY].map((b) => `le="${formatBucketBound(b)}"}`),
    ),
  });
}

function stripSuffix(name: string, suffix: string): string {
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}
