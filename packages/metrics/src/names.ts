// Validation of metric and label names, so a bad name fails when it is defined, never at scrape time.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Thrown when a metric or label name breaks the Prometheus naming rules. */
export class MetricNameError extends Error {
  override name = "MetricNameError";
}

/** Throws unless `name` is a valid Prometheus metric name. */
export function assertMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new MetricNameError(
      `invalid metric name ${JSON.stringify(name)}: expected [a-zA-Z_:][a-zA-Z0-9_:]*`,
    );
  }
}

/** Throws unless `name` is a valid label name that is not reserved (`__` prefix). */
export function assertLabelName(name: string, metric: string): void {
  if (!LABEL_NAME.test(name)) {
    throw new MetricNameError(
      `invalid label name ${JSON.stringify(name)} on ${metric}: expected [a-zA-Z_][a-zA-Z0-9_]*`,
    );
  }
  if (name.startsWith("__")) {
    throw new MetricNameError(
      `label name ${JSON.stringify(name)} on ${metric} is reserved (starts with "__")`,
    );
  }
}

/** Throws unless the label names are valid, unique and none is in `forbidden`. */
export function assertLabelNames(
  names: readonly string[],
  metric: string,
  forbidden: readonly string[] = [],
): void {
  const seen = new Set<string>();
  for (const name of names) {
    assertLabelName(name, metric);
    if (seen.has(name)) {
      throw new MetricNameError(`duplicate label name ${JSON.stringify(name)} on ${metric}`);
    }
    if (forbidden.includes(name)) {
      throw new MetricNameError(`label name ${JSON.stringify(name)} is not allowed on ${metric}`);
    }
    seen.add(name);
  }
}
