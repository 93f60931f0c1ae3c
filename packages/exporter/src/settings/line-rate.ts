// Line rates as pt-exporter's max-up-speed / max-down-speed write them ("1Gbps", "100Mbps"), in bytes per second.

/**
 * Bits per second of each unit, any case. pt-exporter (utils/bpstoint.go) takes these two and
 * nothing else; a line rate is decimal (1 Gbps is 10^9 bits a second).
 */
const BITS: Readonly<Record<string, number>> = { gbps: 1e9, mbps: 1e6 };

const LINE_RATE = /^\s*(\d+(?:\.\d+)?)\s*(gbps|mbps)?\s*$/i;

/**
 * Bytes per second of a line rate: a number with `Gbps` or `Mbps` (bits per second: "1Gbps" is
 * 125,000,000 bytes a second), or a plain number, which is bytes per second already (what
 * pt-exporter's global `maxupspeed` held). Undefined when it is neither.
 *
 * pt-exporter's own parser multiplies by 1024^3 or 1024^2 and exports the result as bytes, so its
 * "1Gbps" is 1,073,741,824 "bytes" a second, 8.6 times the line's capacity; it also drops
 * everything after the first run of digits ("1.5Gbps" was 1 Gbps).
 */
export function parseLineRate(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = LINE_RATE.exec(value);
  if (match === null) return undefined;
  const [, amount, unit] = match;
  if (unit === undefined) return Number(amount);
  // Whole bits: 1.1 * 1e9 is 1100000000.0000002 in floating point.
  return Math.round(Number(amount) * (BITS[unit.toLowerCase()] as number)) / 8;
}

/** What a line rate looks like, for error messages. */
export const LINE_RATE_EXPECTED =
  'expected a line rate such as "1Gbps" or "100Mbps" (bits per second), or a number of bytes per second';
