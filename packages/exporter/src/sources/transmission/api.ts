// The Transmission RPC session: Basic auth, the X-Transmission-Session-Id 409 handshake, the dialect, streamed torrent lists.

import {
  describeUrl,
  SourceAuthError,
  SourceBannedError,
  SourceHttpError,
  SourceProtocolError,
} from "../../net/errors.ts";
import type { HttpClient, HttpResponse } from "../../net/http-client.ts";
import { STATUS_ANSWER_BYTES, STREAMED_LIST_BYTES } from "../answer-limits.ts";
import type { Credentials } from "../credentials.ts";
import {
  type Dialect,
  decodeAnswer,
  dialectFor,
  encodeRequest,
  type Method,
  TransmissionRpcError,
  torrentsPath,
} from "./dialect.ts";
import { JsonArrayStream } from "./table-stream.ts";

/** What the session costs, for self metrics and benchmarks. */
export interface TransmissionTraffic {
  requests: number;
  /** 409 answers: a session id handed out (first request, hourly rotation, daemon restart). */
  conflicts: number;
  wireBytes: number;
}

const SESSION_HEADER = "x-transmission-session-id";

/**
 * The RPC endpoint for a configured URL: `http://host:9091` and `http://host:9091/transmission/`
 * both mean `http://host:9091/transmission/rpc` (Transmission serves RPC at `rpc-url` + "rpc").
 */
export function rpcEndpoint(url: string): URL {
  const endpoint = new URL(url);
  if (endpoint.pathname === "/" || endpoint.pathname === "")
    endpoint.pathname = "/transmission/rpc";
  else if (endpoint.pathname.endsWith("/")) endpoint.pathname += "rpc";
  return endpoint;
}

/**
 * Speaks Transmission's RPC over one keep-alive connection pool. Every request carries the Basic
 * credentials and the last session id; a 409 hands out a new id (and, from 4.1, the RPC version
 * in `X-Transmission-Rpc-Version`, which selects JSON-RPC 2.0) and the request is sent once more.
 * A 401 is never retried here: Transmission 3.00 locks its RPC for everyone after 100 failed
 * logins, until it restarts.
 */
export class TransmissionApi {
  readonly traffic: TransmissionTraffic = { requests: 0, conflicts: 0, wireBytes: 0 };
  readonly #url: URL;
  readonly #where: string;
  readonly #http: HttpClient;
  readonly #credentials: Credentials;
  #sessionId = "";
  #dialect: Dialect = "legacy";
  #tag = 0;

  /**
   * HTTP Basic with the user name and password when either is given (Transmission asks for them
   * only when `rpc-authentication-required` is on); none with `Credentials.NONE`.
   */
  constructor(url: string, credentials: Credentials, http: HttpClient) {
    this.#url = rpcEndpoint(url);
    this.#where = `POST ${describeUrl(this.#url)}`;
    this.#http = http;
    this.#credentials = credentials;
  }

  /** `POST <endpoint>`, for messages. */
  get where(): string {
    return this.#where;
  }

  /** The dialect in use: legacy until a 409 announces RPC 6.0.0+ (Transmission 4.1). */
  get dialect(): Dialect {
    return this.#dialect;
  }

  /**
   * Calls a method; resolves with its arguments, keys in legacy names whatever the dialect. The
   * answer is read whole, so it may be at most `maxBytes` (a status answer's size by default).
   */
  async call(
    method: Method,
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
    maxBytes = STATUS_ANSWER_BYTES,
  ): Promise<Record<string, unknown>> {
    const response = await this.#exchange(method, args, signal, maxBytes, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString("utf8"));
    } catch (error) {
      throw new SourceProtocolError(
        `${this.#where} ${method}: the answer is not valid JSON (${(error as Error).message.slice(0, 80)})`,
        { cause: error },
      );
    }
    try {
      return decodeAnswer(this.#dialect, method, parsed);
    } catch (error) {
      throw renamed(error, this.#where, method);
    }
  }

  /**
   * `torrent-get`, parsed as it streams in: each element of `torrents` (the header and rows of the
   * table format) goes to `onElement` as soon as it has arrived, so a list of 100,000 torrents
   * never sits in memory whole; `decode` may take elements straight from the bytes instead (see
   * JsonArrayStream). Resolves with the other arguments (`removed`).
   */
  async torrentGet(
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
    onElement: (value: unknown) => void,
    decode?: (chunk: Buffer, start: number) => number,
  ): Promise<Record<string, unknown>> {
    let parser: JsonArrayStream | undefined;
    try {
      await this.#exchange("torrent-get", args, signal, STREAMED_LIST_BYTES, (chunk) => {
        parser ??= new JsonArrayStream({
          path: torrentsPath(this.#dialect),
          onElement,
          ...(decode === undefined ? {} : { decode }),
        });
        parser.write(chunk);
      });
      if (parser === undefined) throw new SourceProtocolError("torrent-get: empty answer");
      return decodeAnswer(this.#dialect, "torrent-get", parser.end());
    } catch (error) {
      throw renamed(error, this.#where, "torrent-get");
    }
  }

  async #exchange(
    method: Method,
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
    maxBytes: number,
    onChunk: ((chunk: Buffer) => void) | undefined,
  ): Promise<HttpResponse> {
    let response = await this.#send(method, args, signal, maxBytes, onChunk);
    if (response.status === 409) {
      // CSRF protection: take the id Transmission hands out and send the same request once more.
      this.#adopt(response, method);
      response = await this.#send(method, args, signal, maxBytes, onChunk);
      if (response.status === 409) {
        throw new SourceProtocolError(
          `${this.#where} ${method}: Transmission refused the session id it had just handed out`,
        );
      }
    }
    if (response.status === 200) return response;
    const where = `${this.#where} ${method}`;
    const body = response.body.toString("utf8");
    if (response.status === 401) {
      throw new SourceAuthError(
        this.#credentials.isEmpty
          ? `${where}: Transmission requires a username and password (HTTP 401)`
          : `${where}: Transmission rejected the username or password (HTTP 401; Transmission 3.00 locks its RPC after 100 failed logins, so seedwatch waits before trying again)`,
      );
    }
    if (response.status === 403 && /too many unsuccessful login attempts/i.test(body)) {
      throw new SourceBannedError(
        `${where}: Transmission has locked its RPC after too many failed logins (restart transmission-daemon to unlock it)`,
      );
    }
    if (response.status === 403) {
      throw new SourceAuthError(
        `${where}: Transmission refused this address (HTTP 403; add it to rpc-whitelist)`,
      );
    }
    if (response.status === 421) {
      throw new SourceHttpError(
        421,
        `${where}: HTTP 421 (Transmission's rpc-host-whitelist does not list this host name: add it, or use an IP address)`,
      );
    }
    throw new SourceHttpError(response.status, `${where}: HTTP ${response.status}`);
  }

  #adopt(response: HttpResponse, method: Method): void {
    const id = response.headers[SESSION_HEADER];
    const value = Array.isArray(id) ? id[0] : id;
    if (value === undefined || value === "" || value.length > 256 || /[\r\n]/.test(value)) {
      throw new SourceProtocolError(
        `${this.#where} ${method}: HTTP 409 without an X-Transmission-Session-Id (is this Transmission?)`,
      );
    }
    this.#sessionId = value;
    this.#dialect = dialectFor(response.headers["x-transmission-rpc-version"]);
    this.traffic.conflicts++;
  }

  async #send(
    method: Method,
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
    maxBytes: number,
    onChunk: ((chunk: Buffer) => void) | undefined,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#sessionId !== "") headers[SESSION_HEADER] = this.#sessionId;
    if (!this.#credentials.isEmpty) headers.authorization = this.#credentials.basicAuthorization();
    const request = {
      method: "POST" as const,
      url: this.#url,
      headers,
      body: encodeRequest(this.#dialect, method, args, ++this.#tag),
      signal,
      maxBytes,
    };
    const response = await (onChunk === undefined
      ? this.#http.request(request)
      : this.#http.stream(request, onChunk));
    this.traffic.requests++;
    this.traffic.wireBytes += response.wireBytes;
    return response;
  }
}

/** Errors of the parser and the mapping do not know the URL: prefix it, keeping the class. */
function renamed(error: unknown, where: string, method: Method): unknown {
  if (!(error instanceof SourceProtocolError) || error.message.startsWith(where)) return error;
  const Kind = error instanceof TransmissionRpcError ? TransmissionRpcError : SourceProtocolError;
  const what = error.message.startsWith(`${method}:`) ? "" : `${method}: `;
  return new Kind(`${where} ${what}${error.message}`, { cause: error });
}
