// A small HTTP(S) client for talking to torrent clients: keep-alive, TLS options, gzip, bounded bodies, typed errors.

import { readFileSync } from "node:fs";
import type { Agent as HttpAgent, IncomingHttpHeaders } from "node:http";
import type { Agent as HttpsAgent, AgentOptions as HttpsAgentOptions } from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import {
  describeUrl,
  SourceConnectionError,
  SourceProtocolError,
  SourceTimeoutError,
} from "./errors.ts";
import { http, https } from "./node-builtins.ts";

/** TLS options for self-signed seedboxes. */
export interface TlsOptions {
  /** Accept any certificate (self-signed, wrong host name). */
  readonly insecureSkipVerify?: boolean;
  /** PEM file of the CA (or the self-signed certificate) to trust. */
  readonly caFile?: string;
}

/** Options of one client's HTTP connection pool. */
export interface HttpClientOptions {
  readonly tls?: TlsOptions;
  /** A ceiling on every request's `maxBytes` (none by default: each request names its own). */
  readonly maxResponseBytes?: number;
  /** Sockets kept per host (default 2: a poll and an action). */
  readonly maxSockets?: number;
  /**
   * Ask for compressed answers (default true). A client on this machine is better asked for
   * none: bytes on loopback cost nothing, while compressing a full list of 100,000 torrents
   * costs the torrent client seconds of CPU and seedwatch the decoding.
   */
  readonly compressed?: boolean;
}

/** One request. */
export interface HttpRequest {
  readonly method: "GET" | "POST";
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Aborts the request (timeouts, shutdown). */
  readonly signal: AbortSignal;
  /**
   * Largest body of a 2xx answer this use accepts, decoded; on the wire (compressed) a little
   * more is allowed (see `wireLimit`). A larger answer is a SourceProtocolError naming the limit,
   * and is not read any further.
   */
  readonly maxBytes: number;
  /**
   * How much of any other answer's body is kept, for its message (default ERROR_BODY_BYTES): the
   * rest is never read, and the connection is closed.
   */
  readonly maxErrorBytes?: number;
}

/** A complete response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Bytes received on the wire (before decompression). */
  readonly wireBytes: number;
  /** The body is only the first `maxErrorBytes` of a longer error answer. */
  readonly truncated: boolean;
}

/** What is kept of an error answer's body by default: enough for a message, never a page. */
export const ERROR_BODY_BYTES = 4096;

/**
 * Bytes allowed on the wire for a body of at most `decoded` bytes once decoded. Compression never
 * legitimately makes a body larger by more than zlib's `compressBound` margin (about 0.03 %);
 * the fixed part covers gzip's optional header fields. Without this bound a compressed stream of
 * empty blocks could be read for ever while decoding to nothing.
 */
export function wireLimit(decoded: number): number {
  return decoded + (decoded >> 10) + 65536;
}

/**
 * Sends requests over keep-alive agents, asks for gzip (unless told not to), decodes any
 * compressed answer, and turns every failure
 * into a typed SourceError whose message names the method and URL (without credentials).
 */
export class HttpClient {
  readonly #http: HttpAgent;
  /** Made on the first HTTPS request: node:https loads OpenSSL's TLS (see node-builtins.ts). */
  #https: HttpsAgent | undefined;
  readonly #httpsOptions: HttpsAgentOptions;
  readonly #ceiling: number;
  readonly #acceptEncoding: string;
  #bytesReceived = 0;

  constructor(options: HttpClientOptions = {}) {
    const maxSockets = options.maxSockets ?? 2;
    this.#http = new http.Agent({ keepAlive: true, maxSockets });
    this.#httpsOptions = {
      keepAlive: true,
      maxSockets,
      rejectUnauthorized: !(options.tls?.insecureSkipVerify ?? false),
      ...(options.tls?.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
    };
    this.#ceiling = options.maxResponseBytes ?? Number.POSITIVE_INFINITY;
    this.#acceptEncoding = (options.compressed ?? true) ? "gzip, deflate, br" : "identity";
  }

  /** Bytes received on the wire so far, by every request, answered, failed or cut short. */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** Sends one request and reads the whole (decoded) body, within the request's limits. */
  request(req: HttpRequest): Promise<HttpResponse> {
    return this.#send(req, undefined);
  }

  /**
   * Sends one request; a 200 answer's decoded body goes chunk by chunk to `onChunk` and is not
   * kept (`body` is empty), any other answer is read as with `request`.
   */
  stream(req: HttpRequest, onChunk: (chunk: Buffer) => void): Promise<HttpResponse> {
    return this.#send(req, onChunk);
  }

  async #send(
    req: HttpRequest,
    onChunk: ((chunk: Buffer) => void) | undefined,
  ): Promise<HttpResponse> {
    try {
      return await this.#attempt(req, onChunk);
    } catch (error) {
      // A kept-alive socket the server had just closed (qBittorrent drops idle ones after 7 s):
      // the request never reached it, so sending it again on a new socket is safe.
      if (!(error instanceof StaleSocketError)) throw error;
      return this.#attempt(req, onChunk);
    }
  }

  #attempt(
    req: HttpRequest,
    onChunk: ((chunk: Buffer) => void) | undefined,
  ): Promise<HttpResponse> {
    const where = `${req.method} ${describeUrl(req.url)}`;
    const secure = req.url.protocol === "https:";
    if (!secure && req.url.protocol !== "http:") {
      return Promise.reject(
        new SourceConnectionError(`${where}: unsupported protocol ${req.url.protocol}`),
      );
    }
    const send = secure ? https().request : http.request;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (req.signal.aborted) {
        reject(abortError(where, req.signal));
        return;
      }
      const headers: Record<string, string> = {
        "accept-encoding": this.#acceptEncoding,
        ...req.headers,
      };
      if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
      const outgoing = send(req.url, {
        method: req.method,
        headers,
        agent: secure ? this.#httpsAgent() : this.#http,
      });
      const onAbort = () => outgoing.destroy(abortError(where, req.signal));
      req.signal.addEventListener("abort", onAbort, { once: true });
      let settled = false;
      const settle = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        req.signal.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(response as HttpResponse);
      };
      let responded = false;
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        const stale =
          outgoing.reusedSocket &&
          !responded &&
          (error.code === "ECONNRESET" || error.code === "EPIPE");
        settle(
          stale
            ? new StaleSocketError(where, { cause: error })
            : toSourceError(where, error, req.signal),
        );
      });
      outgoing.on("response", (incoming) => {
        responded = true;
        const status = incoming.statusCode ?? 0;
        const success = status >= 200 && status < 300;
        const limit = success
          ? Math.min(req.maxBytes, this.#ceiling)
          : (req.maxErrorBytes ?? ERROR_BODY_BYTES);
        const wire = wireLimit(limit);
        const sink = status === 200 ? onChunk : undefined;
        const chunks: Buffer[] = [];
        let size = 0;
        let wireBytes = 0;
        let done = false;
        const finish = (error: Error | undefined, truncated = false) => {
          if (done) return;
          done = true;
          if (error !== undefined || truncated) {
            // What is left of the body is never read: the connection cannot be reused.
            decoded.destroy();
            incoming.destroy();
          }
          settle(error, {
            status,
            headers: incoming.headers,
            body: Buffer.concat(chunks),
            wireBytes,
            truncated,
          });
        };
        // Past the limit: a 2xx answer is an error; of any other, what was kept is enough.
        const overflow = (what: string, bytes: number) =>
          success
            ? finish(
                new SourceProtocolError(
                  `${where}: ${what} larger than ${bytes} bytes, the limit for this call`,
                ),
              )
            : finish(undefined, true);
        const declared = Number(incoming.headers["content-length"]);
        incoming.on("data", (chunk: Buffer) => {
          wireBytes += chunk.length;
          this.#bytesReceived += chunk.length;
          if (wireBytes > wire) overflow("compressed answer", wire);
        });
        const decoded = decode(incoming, incoming.headers["content-encoding"]);
        decoded.on("data", (chunk: Buffer) => {
          if (done) return;
          const room = limit - size;
          size += chunk.length;
          if (chunk.length > room) {
            if (!success && room > 0) chunks.push(chunk.subarray(0, room));
            overflow("answer", limit);
            return;
          }
          if (sink === undefined) {
            chunks.push(chunk);
            return;
          }
          try {
            sink(chunk);
          } catch (error) {
            finish(error as Error);
          }
        });
        decoded.on("error", (error) => finish(toSourceError(where, error, req.signal)));
        incoming.on("error", (error) => finish(toSourceError(where, error, req.signal)));
        decoded.on("end", () => finish(undefined));
        // Refused before reading: an identity body is counted as decoded, a compressed one as wire.
        const encoded = decoded !== incoming;
        if (success && declared > (encoded ? wire : limit)) {
          overflow(encoded ? "compressed answer" : "answer", encoded ? wire : limit);
        }
      });
      outgoing.end(req.body);
    });
  }

  /** Closes idle sockets. */
  close(): void {
    this.#http.destroy();
    this.#https?.destroy();
  }

  #httpsAgent(): HttpsAgent {
    this.#https ??= new (https().Agent)(this.#httpsOptions);
    return this.#https;
  }
}

/** A request lost on a reused keep-alive socket, before any answer: worth one more try. */
class StaleSocketError extends SourceConnectionError {
  constructor(where: string, options: { cause: unknown }) {
    super(`${where}: the kept-alive connection was closed by the server`, options);
  }
}

/**
 * Decoded chunks of 64 KiB instead of zlib's 16 KiB: a quarter of the rounds through the stream
 * machinery for a large answer (inflating a 1.3 MB torrent list took 4.3-4.7 ms of CPU instead of
 * 5.8-8.6 ms on this project's bench machine), and the buffer is only held while one is decoded.
 */
const DECODED_CHUNK_BYTES = 64 * 1024;

function decode(stream: Readable, encoding: string | undefined): Readable {
  const options = { chunkSize: DECODED_CHUNK_BYTES };
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return stream.pipe(createGunzip(options));
    case "deflate":
      return stream.pipe(createInflate(options));
    case "br":
      return stream.pipe(createBrotliDecompress(options));
    default:
      return stream;
  }
}

function abortError(where: string, signal: AbortSignal): Error {
  const reason = signal.reason as Error | undefined;
  if (reason?.name === "TimeoutError")
    return new SourceTimeoutError(`${where}: no answer in time`, { cause: reason });
  return new SourceTimeoutError(`${where}: aborted`, { cause: reason });
}

function toSourceError(where: string, error: Error, signal: AbortSignal): Error {
  if (error instanceof SourceProtocolError || error instanceof SourceTimeoutError) return error;
  if (signal.aborted) return abortError(where, signal);
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code.startsWith("Z_")) {
    return new SourceProtocolError(`${where}: corrupt compressed body (${code})`, { cause: error });
  }
  const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
    ? " (self-signed? set tls.ca_file, or tls.insecure_skip_verify)"
    : "";
  return new SourceConnectionError(`${where}: ${code || error.message}${hint}`, { cause: error });
}
