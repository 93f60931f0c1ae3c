// Escaping of help text and label values, and the text form of sample values, for both formats.

const HELP_SPECIAL = /[\\\n]/;
const OPENMETRICS_HELP_SPECIAL = /[\\\n"]/;
const LABEL_SPECIAL = /[\\\n"]/;

/** Escapes HELP text for the Prometheus text format 0.0.4 (backslash and line feed). */
export function escapeHelp(help: string): string {
  if (!HELP_SPECIAL.test(help)) return help;
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Escapes HELP text for OpenMetrics 1.0 (backslash, line feed and double quote). */
export function escapeOpenMetricsHelp(help: string): string {
  if (!OPENMETRICS_HELP_SPECIAL.test(help)) return help;
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** Escapes a label value (backslash, double quote, line feed); the same in both formats. */
export function escapeLabelValue(value: string): string {
  if (!LABEL_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** The text form of a sample value: integers without exponent where exact, NaN, +Inf, -Inf. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return `${value}`;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

/**
 * The canonical text of a histogram bucket bound (`le`), as OpenMetrics requires it: a float
 * with a fractional part (`1.0`, `0.25`, `+Inf`). Both formats use it, so a series keeps one
 * identity whichever format a scraper negotiates.
 */
export function formatBucketBound(bound: number): string {
  if (bound === Number.POSITIVE_INFINITY) return "+Inf";
  if (bound === Number.NEGATIVE_INFINITY) return "-Inf";
  const text = `${bound}`;
  return Number.isInteger(bound) && !text.includes("e") ? `${text}.0` : text;
}
