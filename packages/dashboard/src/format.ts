// How the dashboard writes numbers in the page's language: bytes and rates (IEC units), durations, shares, counts, ratios, times.

import { language, t } from "./i18n/translate.ts";

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
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // 1023.9 KiB would print as "1024 KiB" after rounding: move up a unit instead.
  if (unit > 0 && Math.round(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${number(Math.sign(bytes) * value, digits, false)} ${UNITS[unit]}`;
}

/** `1.5 MiB/s`. */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  const text = formatBytes(bytesPerSecond);
  return text === UNKNOWN ? text : `${text}/s`;
}

/** `3d 4h`, `4h 12m`, `12m 5s`, `5s` (`3天4小时` in Chinese): the two largest units. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return UNKNOWN;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d > 0) return h > 0 ? t("duration.dh", { d, h }) : t("duration.d", { d });
  if (h > 0) return m > 0 ? t("duration.hm", { h, m }) : t("duration.h", { h });
  if (m > 0) return rest > 0 ? t("duration.ms", { m, s: rest }) : t("duration.m", { m });
  return t("duration.s", { s: rest });
}

/** `42.5%` from a fraction (0.425): one decimal under 10 %, none above. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return UNKNOWN;
  const percent = Math.abs(fraction * 100);
  return intl("percent", percent >= 10 || percent === 0 ? 0 : 1, {
    style: "percent",
  }).format(fraction);
}

/** `12,345`. */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return UNKNOWN;
  return number(count, 0, true);
}

/** `1.25`, or UNKNOWN when nothing was downloaded (no ratio). */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return UNKNOWN;
  return ratio >= 100 ? number(ratio, 0, true) : intl("fixed", 2, {}).format(ratio);
}

/** A load average: two decimals. */
export function formatLoad(load: number | null | undefined): string {
  if (load === null || load === undefined || !Number.isFinite(load)) return UNKNOWN;
  return intl("fixed", 2, {}).format(load);
}

/** A plain number for chart axes, short: `1.5K`, `3.4M` (`2万` in Chinese). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  return intl("compact", 2, { notation: "compact" }).format(value);
}

/** A time of day, as the page's language writes it (`2:05:09 PM`, `14:05:09`). */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(language());
}

/** A date, as the page's language writes it (`12/7/2026`, `2026/12/7`). */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString(language());
}

const formats = new Map<string, Intl.NumberFormat>();

/** A number with at most `digits` decimals. */
function number(value: number, digits: number, grouping: boolean): string {
  return intl(grouping ? "grouped" : "plain", digits, { useGrouping: grouping }).format(value);
}

/** A cached Intl.NumberFormat of the page's language: `kind` names the options, `digits` the most decimals. */
function intl(kind: string, digits: number, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language()} ${kind} ${digits}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(language(), {
      ...options,
      ...(kind === "fixed" ? { minimumFractionDigits: digits } : {}),
      maximumFractionDigits: digits,
    });
    formats.set(key, format);
  }
  return format;
}
