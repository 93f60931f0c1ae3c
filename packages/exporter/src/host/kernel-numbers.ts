// Reading the numbers the kernel prints in /proc: unsigned integers and fixed-point decimals.

import { HostParseError, quote } from "./errors.ts";

const UNSIGNED = /^\d+$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * An unsigned integer counter or gauge as the kernel prints it (`%llu`). Values above 2^53
 * lose precision, which a Prometheus float sample would lose anyway.
 */
export function unsigned(token: string | undefined, file: string, what: string): number {
  if (token === undefined || !UNSIGNED.test(token)) {
    throw new HostParseError(
      file,
      `expected an unsigned integer for ${what}, got ${quote(token ?? "nothing")}`,
    );
  }
  return Number(token);
}

/** A non-negative decimal such as `2407.29` (/proc/uptime) or `0.34` (/proc/loadavg). */
export function decimal(token: string | undefined, file: string, what: string): number {
  if (token === undefined || !DECIMAL.test(token)) {
    throw new HostParseError(
      file,
      `expected a non-negative decimal for ${what}, got ${quote(token ?? "nothing")}`,
    );
  }
  return Number(token);
}

/** Splits a line on runs of blanks, without empty tokens at either end. */
export function fields(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}
