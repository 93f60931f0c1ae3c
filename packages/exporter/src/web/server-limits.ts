// Hardening limits of the daemon's HTTP server: header count and size, and the timeouts slow clients hit.

import type { Server as HttpServer, ServerOptions } from "node:http";
import type { Server as HttpsServer } from "node:https";

/** Bounds on what one client may send and how long it may take. */
export interface ServerLimits {
  /** Largest request head in bytes; bigger gets 431 (Node's default is 16 KiB too). */
  readonly maxHeaderSize: number;
  /** Headers per request at most; more gets 431 (Node's default is 2000). */
  readonly maxHeadersCount: number;
  /** Time to receive the request head; slower gets 408 (slowloris). */
  readonly headersTimeoutMs: number;
  /** Time to receive the whole request, body included; slower gets 408. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; long enough for a 1-minute scrape interval. */
  readonly keepAliveTimeoutMs: number;
  /** Time to finish a TLS handshake. */
  readonly handshakeTimeoutMs: number;
  /** Open connections at most; more are refused (the dashboard's event streams each hold one). */
  readonly maxConnections: number;
  /**
   * Open connections per client address (an IPv6 client: per /64) at most; more are closed at
   * once, so one address cannot take all of `maxConnections`. A connection that never sends a
   * request is closed after `headersTimeoutMs` (Node answers it 408).
   */
  readonly maxConnectionsPerClient: number;
}

/** The limits used unless the caller overrides some. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  handshakeTimeoutMs: 10_000,
  maxConnections: 1024,
  maxConnectionsPerClient: 32,
};

/** The limits as `http.createServer`/`https.createServer` options. */
export function serverOptions(limits: ServerLimits): ServerOptions & { handshakeTimeout: number } {
  return {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node looks for requests past their timeouts (its default is 30 s).
    connectionsCheckingInterval: Math.max(
      10,
      Math.min(1000, limits.headersTimeoutMs, limits.requestTimeoutMs),
    ),
    requireHostHeader: true,
    handshakeTimeout: limits.handshakeTimeoutMs,
  };
}

/** Applies the limits that are properties rather than constructor options. */
export function applyServerLimits(server: HttpServer | HttpsServer, limits: ServerLimits): void {
  server.maxHeadersCount = limits.maxHeadersCount;
  server.maxConnections = limits.maxConnections;
}
