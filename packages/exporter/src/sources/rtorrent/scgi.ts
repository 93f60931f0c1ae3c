// SCGI transport for rTorrent's XML-RPC: one request per connection, over TCP or a Unix socket.

import { connect, type Socket } from "node:net";
import {
  SourceConnectionError,
  SourceHttpError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { STATUS_ANSWER_BYTES } from "../answer-limits.ts";
import type { RtorrentTransport } from "./transport.ts";
import { DEFAULT_MAX_RESPONSE_BYTES } from "./xmlrpc/limits.ts";

/** Where an SCGI URL points. */
export type ScgiAddress =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "unix"; readonly path: string };

/** Options of the SCGI transport. */
export interface ScgiTransportOptions {
  /** Largest response accepted, headers included (default 256 MiB). */
  readonly maxResponseBytes?: number;
  /**
   * Largest request sent (default 2 MiB, rTorrent 0.9.8's `max_content_size`, which closes the
   * connection without a word on anything larger).
   */
  readonly maxRequestBytes?: number;
}

const DEFAULT_MAX_REQUEST_BYTES = 2 * 2 ** 20;
const MAX_HEADER_BYTES = 16 * 1024;
const HEADER_END = Buffer.from("\r\n\r\n");
const HEADER_END_LF = Buffer.from("\n\n");

/**
 * Parses `scgi://host:port` (TCP; IPv6 as `scgi://[::1]:5000`) or `scgi:///path/to/socket`
 * (a Unix socket; percent-escapes decoded). Throws a TypeError naming the accepted forms.
 */
export function parseScgiUrl(url: string | URL): ScgiAddress {
  const parsed = typeof url === "string" ? URL.parse(url) : url;
  const expected = "expected scgi://host:port or scgi:///path/to/socket";
  if (parsed === null || parsed.protocol !== "scgi:") {
    throw new TypeError(`${expected}, got a URL that is not scgi:`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new TypeError(`${expected}: SCGI has no credentials, query or fragment`);
  }
  if (parsed.hostname === "") {
    const path = decodeURIComponent(parsed.pathname);
    if (path === "/" || path === "") throw new TypeError(`${expected}: the socket path is missing`);
    return { kind: "unix", path };
  }
  if (parsed.pathname !== "" && parsed.pathname !== "/") {
    throw new TypeError(`${expected}: a TCP address takes no path (${parsed.host})`);
  }
  if (parsed.port === "") throw new TypeError(`${expected}: the port is missing (${parsed.host})`);
  const host = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { kind: "tcp", host, port: Number(parsed.port) };
}

/** The SCGI request: netstring of NUL-separated headers (CONTENT_LENGTH first), then the body. */
export function encodeScgiRequest(body: Buffer): Buffer {
  const headers = Buffer.from(
    `CONTENT_LENGTH\0${body.length}\0SCGI\x001\0REQUEST_METHOD\0POST\0REQUEST_URI\0/RPC2\0`,
    "latin1",
  );
  return Buffer.concat([
    Buffer.from(`${headers.length}:`, "latin1"),
    headers,
    Buffer.from(","),
    body,
  ]);
}

/**
 * XML-RPC over SCGI, as rTorrent's `network.scgi.open_port` / `network.scgi.open_local` speak it:
 * a fresh connection per request, the response read until rTorrent closes it, bounded in size,
 * its CGI-style header (`Status`, `Content-Length`) checked and stripped.
 */
export class ScgiTransport implements RtorrentTransport {
  readonly endpoint: string;
  readonly address: ScgiAddress;
  readonly #maxResponse: number;
  readonly #maxRequest: number;

  constructor(url: string | URL, options: ScgiTransportOptions = {}) {
    this.address = parseScgiUrl(url);
    this.endpoint =
      this.address.kind === "unix"
        ? `scgi://${this.address.path}`
        : `scgi://${this.address.host.includes(":") ? `[${this.address.host}]` : this.address.host}:${this.address.port}`;
    this.#maxResponse = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#maxRequest = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  send(body: Buffer, signal: AbortSignal, maxBytes = STATUS_ANSWER_BYTES): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    return this.#exchange(body, signal, Math.min(maxBytes, this.#maxResponse), (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
    }).then(() => Buffer.concat(chunks, size));
  }

  stream(body: Buffer, signal: AbortSignal, onChunk: (chunk: Buffer) => void): Promise<void> {
    return this.#exchange(body, signal, this.#maxResponse, onChunk);
  }

  #exchange(
    body: Buffer,
    signal: AbortSignal,
    maxResponse: number,
    onChunk: (chunk: Buffer) => void,
  ): Promise<void> {
    const where = this.endpoint;
    if (body.length > this.#maxRequest) {
      return Promise.reject(
        new SourceProtocolError(
          `${where}: request of ${body.length} bytes exceeds the SCGI limit of ${this.#maxRequest}`,
        ),
      );
    }
    if (signal.aborted) return Promise.reject(abortError(where, signal));
    return new Promise<void>((resolve, reject) => {
      const socket: Socket =
        this.address.kind === "unix"
          ? connect({ path: this.address.path })
          : connect({ host: this.address.host, port: this.address.port });
      // The CGI-style header is gathered whole (it is small); the body goes on as it comes.
      let head: Buffer | undefined = Buffer.alloc(0);
      let header: ScgiHeader | undefined;
      let size = 0;
      let bodyBytes = 0;
      let settled = false;
      const settle = (error: Error | undefined) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        socket.destroy();
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => settle(abortError(where, signal));
      const deliver = (chunk: Buffer) => {
        if (chunk.length === 0) return;
        bodyBytes += chunk.length;
        onChunk(chunk);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      socket.on("connect", () => socket.end(encodeScgiRequest(body)));
      socket.on("data", (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > maxResponse) {
          settle(
            new SourceProtocolError(
              `${where}: response larger than ${maxResponse} bytes, the limit for this call`,
            ),
          );
          return;
        }
        try {
          if (head === undefined) {
            deliver(chunk);
            return;
          }
          head = Buffer.concat([head, chunk]);
          header = readScgiHeader(head, where);
          if (header === undefined) return;
          const rest = head.subarray(header.bodyStart);
          head = undefined;
          deliver(rest);
        } catch (error) {
          settle(error as Error);
        }
      });
      socket.on("error", (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        settle(new SourceConnectionError(`${where}: ${code}`, { cause: error }));
      });
      socket.on("end", () => {
        if (settled) return;
        try {
          if (head !== undefined) {
            // The whole answer was shorter than a header: report why, as splitScgiResponse does.
            splitScgiResponse(head, where);
            throw new SourceProtocolError(`${where}: response has no SCGI header`);
          }
          const expected = header?.contentLength;
          if (expected !== undefined && bodyBytes !== expected) {
            throw new SourceProtocolError(
              `${where}: response body of ${bodyBytes} bytes, but Content-Length says ${expected}`,
            );
          }
          settle(undefined);
        } catch (error) {
          settle(error as Error);
        }
      });
    });
  }

  close(): void {
    // Nothing pooled: rTorrent serves one request per connection.
  }
}

/**
 * Checks and strips the CGI-style header of an SCGI response (`Status: 200 OK`,
 * `Content-Length: n`, blank line) and returns the body.
 */
export function splitScgiResponse(response: Buffer, where: string): Buffer {
  if (response.length === 0) {
    throw new SourceProtocolError(
      `${where}: connection closed without a response (rTorrent drops requests it cannot read)`,
    );
  }
  const header = readScgiHeader(response, where);
  if (header === undefined) throw new SourceProtocolError(`${where}: response has no SCGI header`);
  const body = response.subarray(header.bodyStart);
  if (header.contentLength !== undefined && body.length !== header.contentLength) {
    throw new SourceProtocolError(
      `${where}: response body of ${body.length} bytes, but Content-Length says ${header.contentLength}`,
    );
  }
  return body;
}

/** The parts of an SCGI response header we use. */
interface ScgiHeader {
  readonly contentLength: number | undefined;
  /** Offset of the body in the response. */
  readonly bodyStart: number;
}

/**
 * Reads the header at the start of `response`: undefined while its blank line has not arrived
 * (and it is still within bounds), a SourceHttpError for a status other than 200.
 */
function readScgiHeader(response: Buffer, where: string): ScgiHeader | undefined {
  let end = response.indexOf(HEADER_END);
  let bodyStart = end + 4;
  const endLf = response.indexOf(HEADER_END_LF);
  if (endLf !== -1 && (end === -1 || endLf < end)) {
    end = endLf;
    bodyStart = endLf + 2;
  }
  if (end === -1 && response.length <= MAX_HEADER_BYTES) return undefined;
  if (end === -1 || end > MAX_HEADER_BYTES) {
    throw new SourceProtocolError(`${where}: response has no SCGI header`);
  }
  const header = response.subarray(0, end).toString("latin1");
  let status = 200;
  let contentLength: number | undefined;
  for (const line of header.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new SourceProtocolError(`${where}: malformed SCGI response header`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "status") {
      const match = /^(\d{3})\b/.exec(value);
      if (!match) throw new SourceProtocolError(`${where}: malformed SCGI Status header`);
      status = Number(match[1]);
    } else if (name === "content-length") {
      if (!/^\d{1,15}$/.test(value)) {
        throw new SourceProtocolError(`${where}: malformed SCGI Content-Length header`);
      }
      contentLength = Number(value);
    }
  }
  if (status !== 200) throw new SourceHttpError(status, `${where}: SCGI status ${status}`);
  return { contentLength, bodyStart };
}

function abortError(where: string, signal: AbortSignal): Error {
  const reason = signal.reason as Error | undefined;
  if (reason?.name === "TimeoutError") {
    return new SourceTimeoutError(`${where}: no answer in time`, { cause: reason });
  }
  return new SourceTimeoutError(`${where}: aborted`, { cause: reason });
}
