// How the dashboard writes numbers: bytes and rates (IEC units), durations, shares, counts, ratios.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** The placeholder for a figure that is not known. */
export const UNKNOWN = "–";

/**
 * A quantity that cannot be negative (free space), or null when it is not known: a client that
 * cannot tell says -1, which must show as UNKNOWN, never as "-1 B".
 */
export function knownSize(bytes: number | null | undefined): number | null {
  return bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0
    ? null
    : bytes;
}

/** `1.5 MiB`: binary units, three significant digits; UNKNOWN for null or a non-finite number. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return UNKNOWN;
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${Math.round(value)} B`;
  // 1023.9 KiB would print as "1024 KiB" after rounding: move up a unit instead.
  if (Math.round(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${trim(value)} ${UNITS[unit]}`;
}

/** `1.5 MiB/s`. */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  const text = formatBytes(bytesPerSecond);
  return text === UNKNOWN ? text : `${text}/s`;
}

/** `3d 4h`, `4h 12m`, `12m 5s`, `5s`: the two largest units. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return UNKNOWN;
  const s = Math.floor(seconds);
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "m"],
    [s % 60, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return "0s";
  return parts
    .slice(first, first + 2)
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(" ");
}

/** `42.5 %` from a fraction (0.425). */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return UNKNOWN;
  const percent = fraction * 100;
  return `${percent >= 10 || percent === 0 ? Math.round(percent) : percent.toFixed(1)} %`;
}

/** `12,345`. */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return UNKNOWN;
  return COUNT.format(count);
}

/** `1.25`, or UNKNOWN when nothing was downloaded (no ratio). */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return UNKNOWN;
  return ratio >= 100 ? String(Math.round(ratio)) : ratio.toFixed(2);
}

/** A plain number for chart axes: `1.2k`, `3.4M`. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function trim(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  return abs >= 10 ? value.toFixed(1).replace(/\.0$/, "") : value.toFixed(2).replace(/\.?0+$/, "");
}
