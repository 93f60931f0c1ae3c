// How an XML-RPC request reaches rTorrent: the transport interface and the choice by URL scheme.

import type { TlsOptions } from "../../net/http-client.ts";
import { describeUrl } from "../errors.ts";
import { HttpXmlRpcTransport } from "./http-transport.ts";
import { ScgiTransport } from "./scgi.ts";

/** Carries one XML-RPC request body to rTorrent and brings back the response body. */
export interface RtorrentTransport {
  /** Where requests go, fit for messages and logs (no credentials). */
  readonly endpoint: string;
  /**
   * Sends one `methodCall` document and resolves with the raw `methodResponse` bytes, at most
   * `maxBytes` of them (default STATUS_ANSWER_BYTES; what a larger answer is refused with names
   * the limit). Rejects with SourceConnectionError, SourceTimeoutError (when `signal` aborts),
   * SourceProtocolError, SourceHttpError or SourceAuthError.
   */
  send(body: Buffer, signal: AbortSignal, maxBytes?: number): Promise<Buffer>;
  /**
   * Like `send`, but hands the response body to `onChunk` piece by piece as it arrives instead of
   * keeping it, so a 100 MB `d.multicall2` answer never sits in memory whole. Resolves once the
   * body is complete and checked; rejects as `send` does, or with what `onChunk` threw (the
   * response is then abandoned).
   */
  stream(body: Buffer, signal: AbortSignal, onChunk: (chunk: Buffer) => void): Promise<void>;
  /** Releases pooled connections. */
  close(): void;
}

/** Options common to every transport. */
export interface RtorrentTransportOptions {
  /** Largest response accepted, in bytes: the bound on a streamed list (default 256 MiB). */
  readonly maxResponseBytes?: number;
  /** HTTP(S) only: basic-auth user name. */
  readonly username?: string;
  /** HTTP(S) only: basic-auth password. */
  readonly password?: string;
  /** HTTPS only: certificate options. */
  readonly tls?: TlsOptions;
}

/**
 * Picks the transport for a URL: `scgi://host:port` (TCP), `scgi:///path/to/rtorrent.sock`
 * (Unix socket) or `http(s)://host/RPC2` (a web server in front of the SCGI port). Throws a
 * TypeError naming the accepted forms for anything else.
 */
export function createTransport(
  url: string | URL,
  options: RtorrentTransportOptions = {},
): RtorrentTransport {
  const parsed = typeof url === "string" ? URL.parse(url) : url;
  switch (parsed?.protocol) {
    case "scgi:":
      return new ScgiTransport(parsed, options);
    case "http:":
    case "https:":
      return new HttpXmlRpcTransport(parsed, options);
    default:
      throw new TypeError(
        `rTorrent URL must be scgi://host:port, scgi:///path/to/socket or http(s)://host/RPC2, got ${describeUrl(url)}`,
      );
  }
}
