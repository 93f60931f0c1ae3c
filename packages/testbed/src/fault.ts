// The faults a FaultProxy can put between a client and the server behind it, and their validation.

import { MAX_GZIP_BOMB_BYTES } from "./gzip-bomb.ts";

/**
 * Which bytes of an answer `truncate` and `corrupt` act on, in "http" mode: `body` counts only
 * the payload (the status line and headers come through intact, the framing stays valid),
 * `any` counts every byte on the wire from the status line on. In "tcp" mode every byte is an
 * answer byte, and only `any` (the default there) is accepted.
 */
export type FaultTarget = "body" | "any";

/** What the proxy does to the connections it accepts and the answers it relays. */
export type Fault =
  /** Relays everything unchanged. */
  | { readonly kind: "pass" }
  /** Accepts each new connection and resets it at once (RST); the port stays the proxy's. */
  | { readonly kind: "refuse" }
  /** Holds each piece of the upstream's answer back `ms` before relaying it. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Accepts connections and reads requests, and never answers, until the fault changes. */
  | { readonly kind: "hang" }
  /** Relays `afterBytes` bytes of each answer, then closes the connection (FIN). */
  | { readonly kind: "truncate"; readonly afterBytes: number; readonly target?: FaultTarget }
  /**
   * Flips answer bytes (XOR with a non-zero byte), each with probability `rate` (default 0.01),
   * drawn from mulberry32(`seed`) restarted for every answer: the same seed corrupts the same
   * offsets of every answer the same way, whatever order answers come in.
   */
  | {
      readonly kind: "corrupt";
      readonly seed: number;
      readonly rate?: number;
      readonly target?: FaultTarget;
    }
  /** "http" mode only: answers this status (and body, headers) without asking the upstream. */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly body?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /**
   * "http" mode only: answers `status` with `content-encoding: gzip` and a small gzip body that
   * inflates to `decodedBytes` zeros, without asking the upstream.
   */
  | { readonly kind: "gzipBomb"; readonly status: number; readonly decodedBytes: number };

/** The proxy's two ways of relaying. */
export type FaultProxyMode = "http" | "tcp";

/** The default `rate` of a `corrupt` fault. */
export const DEFAULT_CORRUPT_RATE = 0.01;

/** Throws a TypeError naming the field when `fault` is not a fault this mode can apply. */
export function checkFault(fault: Fault, mode: FaultProxyMode): void {
  const kind = (fault as { kind?: unknown } | null)?.kind;
  const where = `fault ${JSON.stringify(kind)}`;
  const nonNegativeInteger = (name: string, value: unknown, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
      throw new TypeError(`${where}: ${name} must be an integer from 0 to ${max}, got ${value}`);
    }
  };
  const httpOnly = () => {
    if (mode !== "http")
      throw new TypeError(`${where} needs "http" mode (a "tcp" proxy has no status)`);
  };
  const status = (value: unknown) => {
    if (!Number.isInteger(value) || (value as number) < 200 || (value as number) > 599) {
      throw new TypeError(`${where}: status must be an integer from 200 to 599, got ${value}`);
    }
  };
  const target = (value: unknown) => {
    if (value === undefined || value === "any") return;
    if (value !== "body")
      throw new TypeError(`${where}: target must be "body" or "any", got ${value}`);
    if (mode === "tcp")
      throw new TypeError(`${where}: a "tcp" proxy has no body; target "any" only`);
  };
  switch (kind) {
    case "pass":
    case "refuse":
    case "hang":
      return;
    case "delay": {
      const { ms } = fault as { ms: unknown };
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > 2 ** 31 - 1) {
        throw new TypeError(`${where}: ms must be a number from 0 to 2147483647, got ${ms}`);
      }
      return;
    }
    case "truncate": {
      const f = fault as { afterBytes: unknown; target?: unknown };
      nonNegativeInteger("afterBytes", f.afterBytes);
      target(f.target);
      return;
    }
    case "corrupt": {
      const f = fault as { seed: unknown; rate?: unknown; target?: unknown };
      if (!Number.isSafeInteger(f.seed)) {
        throw new TypeError(`${where}: seed must be an integer, got ${f.seed}`);
      }
      const rate = f.rate ?? DEFAULT_CORRUPT_RATE;
      if (typeof rate !== "number" || !(rate > 0 && rate <= 1)) {
        throw new TypeError(`${where}: rate must be a number in (0, 1], got ${rate}`);
      }
      target(f.target);
      return;
    }
    case "status": {
      httpOnly();
      const f = fault as { status: unknown; body?: unknown; headers?: unknown };
      status(f.status);
      if (f.body !== undefined && typeof f.body !== "string") {
        throw new TypeError(`${where}: body must be a string`);
      }
      if (f.headers !== undefined) {
        if (typeof f.headers !== "object" || f.headers === null) {
          throw new TypeError(`${where}: headers must be an object of strings`);
        }
        for (const [name, value] of Object.entries(f.headers)) {
          if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || typeof value !== "string") {
            throw new TypeError(
              `${where}: header ${JSON.stringify(name)} is not a token with a string value`,
            );
          }
        }
      }
      return;
    }
    case "gzipBomb": {
      httpOnly();
      const f = fault as { status: unknown; decodedBytes: unknown };
      status(f.status);
      nonNegativeInteger("decodedBytes", f.decodedBytes, MAX_GZIP_BOMB_BYTES);
      return;
    }
    default:
      throw new TypeError(
        `unknown fault kind ${JSON.stringify(kind)}: expected pass, refuse, delay, hang, truncate, corrupt, status or gzipBomb`,
      );
  }
}
