// Typed errors of talking to a remote API (a client, a device, Prometheus): what went wrong, never with a credential in it.

/** Why a poll failed; also the `reason` label of the poll error counter. */
export type PollErrorReason = "auth" | "banned" | "timeout" | "connection" | "http" | "protocol";

/** Base of every error a source raises. The message names the client call, never a secret. */
export class SourceError extends Error {
  override name = "SourceError";
  readonly reason: PollErrorReason;

  constructor(reason: PollErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The client refused our credentials (wrong password, expired key). */
export class SourceAuthError extends SourceError {
  override name = "SourceAuthError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("auth", message, options);
  }
}

/** The client refuses us for a while (qBittorrent bans an IP after repeated failed logins). */
export class SourceBannedError extends SourceError {
  override name = "SourceBannedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("banned", message, options);
  }
}

/** The client did not answer in time. */
export class SourceTimeoutError extends SourceError {
  override name = "SourceTimeoutError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("timeout", message, options);
  }
}

/** The client could not be reached (refused, reset, DNS, TLS). */
export class SourceConnectionError extends SourceError {
  override name = "SourceConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("connection", message, options);
  }
}

/** The client answered with an unexpected HTTP status. */
export class SourceHttpError extends SourceError {
  override name = "SourceHttpError";
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super("http", message, options);
    this.status = status;
  }
}

/** The client answered something we cannot use: garbage, truncated, wrong shape, too large. */
export class SourceProtocolError extends SourceError {
  override name = "SourceProtocolError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("protocol", message, options);
  }
}

/** A URL as it may appear in a message or log: no user info, no query string, no fragment. */
export function describeUrl(url: URL | string): string {
  const parsed = typeof url === "string" ? safeParse(url) : url;
  if (parsed === undefined) return "<invalid url>";
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function safeParse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
