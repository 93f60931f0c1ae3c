// XML-RPC over HTTP(S) for rTorrent behind a web server (nginx `scgi_pass`, ruTorrent's /RPC2).

import { describeUrl, SourceAuthError, SourceHttpError } from "../../net/errors.ts";
import { HttpClient, type HttpResponse, type TlsOptions } from "../../net/http-client.ts";
import { STATUS_ANSWER_BYTES } from "../answer-limits.ts";
import { Credentials, credentialsInUrl } from "../credentials.ts";
import type { RtorrentTransport } from "./transport.ts";
import { DEFAULT_MAX_RESPONSE_BYTES } from "./xmlrpc/limits.ts";

/** Options of the HTTP transport. */
export interface HttpXmlRpcTransportOptions {
  /** Basic-auth user name and password (what they lack comes from the URL's user info). */
  readonly credentials?: Credentials;
  readonly tls?: TlsOptions;
  /** Largest decoded response accepted: the bound on a streamed list (default 256 MiB). */
  readonly maxResponseBytes?: number;
  /** Share a client (and its keep-alive pool) instead of creating one. */
  readonly client?: HttpClient;
}

/**
 * POSTs `methodCall` documents to an XML-RPC endpoint such as `https://box/RPC2`, with basic auth
 * when credentials are given (in the options, or in the URL, from which they are removed). 401
 * and 403 become SourceAuthError, any other non-2xx SourceHttpError.
 */
export class HttpXmlRpcTransport implements RtorrentTransport {
  readonly endpoint: string;
  readonly #url: URL;
  readonly #client: HttpClient;
  readonly #ownsClient: boolean;
  readonly #credentials: Credentials;
  readonly #maxBytes: number;

  constructor(url: string | URL, options: HttpXmlRpcTransportOptions = {}) {
    const parsed = typeof url === "string" ? URL.parse(url) : new URL(url.href);
    if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new TypeError(`expected an http(s):// XML-RPC URL, got ${describeUrl(String(url))}`);
    }
    this.#credentials = (options.credentials ?? Credentials.NONE).or(credentialsInUrl(parsed));
    parsed.username = "";
    parsed.password = "";
    this.#url = parsed;
    this.endpoint = describeUrl(parsed);
    this.#ownsClient = options.client === undefined;
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#client = options.client ?? new HttpClient(options.tls ? { tls: options.tls } : {});
  }

  async send(body: Buffer, signal: AbortSignal, maxBytes = STATUS_ANSWER_BYTES): Promise<Buffer> {
    const response = await this.#client.request({
      method: "POST",
      url: this.#url,
      headers: this.#headers(),
      body,
      signal,
      maxBytes: Math.min(maxBytes, this.#maxBytes),
    });
    return this.#check(response);
  }

  async stream(body: Buffer, signal: AbortSignal, onChunk: (chunk: Buffer) => void): Promise<void> {
    // Only a 200 answer's body goes to onChunk; of any other, the start is read for the check.
    const response = await this.#client.stream(
      {
        method: "POST",
        url: this.#url,
        headers: this.#headers(),
        body,
        signal,
        maxBytes: this.#maxBytes,
      },
      onChunk,
    );
    this.#check(response);
  }

  #check(response: HttpResponse): Buffer {
    const where = `POST ${this.endpoint}`;
    if (response.status === 401 || response.status === 403) {
      throw new SourceAuthError(
        `${where}: HTTP ${response.status} (${this.#credentials.isBlank ? "credentials required" : "wrong user name or password"})`,
      );
    }
    if (response.status < 200 || response.status > 299) {
      throw new SourceHttpError(response.status, `${where}: HTTP ${response.status}`);
    }
    return response.body;
  }

  /** The headers of a request, Basic auth built now when there are credentials. */
  #headers(): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "text/xml" };
    if (!this.#credentials.isBlank) headers.authorization = this.#credentials.basicAuthorization();
    return headers;
  }

  close(): void {
    if (this.#ownsClient) this.#client.close();
  }
}
