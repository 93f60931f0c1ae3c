// Test helper: the metric names a PromQL expression selects (seedwatch's and the instrument library's prefixes).

const KEYWORDS = /^(by|without|on|ignoring|group_left|group_right|bool|and|or|unless|offset)$/;
const NAME =
  /(\$\{syscode\})?([a-zA-Z_:][\w:]*)(?=\s*(\{|\[|\)|$|\s+(and|or|unless|offset|[-+*/<>=!])))/g;
const OURS = /^(<SYSCODE>|pt_|seedwatch_|downloader_|miner_|partner_|process_)/;

/**
 * Metric names in PromQL: identifiers followed by `{`, `[`, `)`, the end or an operator, outside
 * strings, not keywords; `${syscode}_x` (Grafana's variable) is read as `<SYSCODE>_x`. Only names
 * with seedwatch's, the instrument library's and the process prefixes are returned: label names
 * in `by (...)` and Prometheus's own `up` have none of them.
 */
export function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = new Set<string>();
  for (const m of withoutStrings.matchAll(NAME)) {
    if (KEYWORDS.test(m[2] as string)) continue;
    names.add(`${m[1] === undefined ? "" : "<SYSCODE>"}${m[2]}`);
  }
  return [...names].filter((n) => OURS.test(n));
}
