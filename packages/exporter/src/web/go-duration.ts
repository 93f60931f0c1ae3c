// Go duration strings (`500ms`, `1m30s`), as Prometheus configuration files write them.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a non-negative Go duration (`time.ParseDuration` syntax: `300ms`, `1.5h`, `2h45m`, `0`)
 * into milliseconds. Returns undefined when the text is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  if (text === "0") return 0;
  if (text.length === 0 || text.length > 100) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (match === null) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}
