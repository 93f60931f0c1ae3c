// Picks the transport for an rTorrent URL by its scheme: SCGI over TCP or a Unix socket, or HTTP(S).

import { describeUrl } from "../../net/errors.ts";
import type { TlsOptions } from "../../net/http-client.ts";
import type { Credentials } from "../credentials.ts";
import { HttpXmlRpcTransport } from "./http-transport.ts";
import { ScgiTransport } from "./scgi.ts";
import type { RtorrentTransport } from "./transport.ts";

/** Options common to every transport. */
export interface RtorrentTransportOptions {
  /** Largest response accepted, in bytes: the bound on a streamed list (default 256 MiB). */
  readonly maxResponseBytes?: number;
  /** HTTP(S) only: basic-auth user name and password. */
  readonly credentials?: Credentials;
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
