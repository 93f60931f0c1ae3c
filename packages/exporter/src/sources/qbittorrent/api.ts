// The qBittorrent Web API session: one login kept for the target's life, re-login only on 403.

import {
  describeUrl,
  SourceAuthError,
  SourceBannedError,
  SourceHttpError,
  SourceProtocolError,
} from "../../net/errors.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "../../net/http-client.ts";
import { JsonObjectStream } from "../../net/json-object-stream.ts";
import {
  HELD_LIST_BYTES,
  STATUS_ANSWER_BYTES,
  STREAMED_LIST_BYTES,
  TINY_ANSWER_BYTES,
} from "../answer-limits.ts";
import type { Credentials } from "../credentials.ts";
import { isBanAnswer } from "./ban-answer.ts";

/** Counts what the session costs, for self metrics and benchmarks. */
export interface QbittorrentTraffic {
  requests: number;
  logins: number;
  wireBytes: number;
}

type Method = "GET" | "POST";

const STREAMED = new Set(["torrents"]);

/**
 * Speaks `/api/v2` on one long-lived session. The cookie (`SID`, or `QBT_SID_<port>` from 5.2) is
 * kept until qBittorrent answers 403; then we log in once more and the caller restarts its sync.
 * A failed login is never retried here: five of them ban the IP (for an hour by default), so the
 * caller backs off. Only qBittorrent's own ban answer is a SourceBannedError (see
 * `isBanAnswer`); any other 403 is an ordinary SourceHttpError. With an API key there is no
 * login at all (`Authorization: Bearer`). Each call reads at most what its answer can weigh.
 */
export class QbittorrentApi {
  readonly traffic: QbittorrentTraffic = { requests: 0, logins: 0, wireBytes: 0 };
  readonly #base: URL;
  readonly #http: HttpClient;
  readonly #credentials: Credentials;
  #cookie: string | undefined;
  #generation = 0;

  /**
   * With an API key (qBittorrent 5.2+) every request carries it; without one, the user name and
   * password log in.
   */
  constructor(baseUrl: string, credentials: Credentials, http: HttpClient) {
    this.#base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    this.#credentials = credentials;
    this.#http = http;
  }

  /** Increases with every new session; a sync state from an older session is void. */
  get sessionGeneration(): number {
    return this.#generation;
  }

  /**
   * `GET /api/v2/sync/maindata?rid=N`, parsed as it streams in: each entry of `torrents` goes to
   * `onTorrent` as soon as it arrives (a full update of 100,000 torrents is over 100 MB of JSON,
   * which never sits in memory whole); the other members are returned.
   */
  async maindata(
    rid: number,
    onTorrent: (hash: string, fields: unknown) => void,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const parser = new JsonObjectStream({
      streamed: STREAMED,
      onEntry: (_member, hash, value) => onTorrent(hash, value),
    });
    await this.#call(
      "GET",
      `api/v2/sync/maindata?rid=${rid}`,
      undefined,
      signal,
      STREAMED_LIST_BYTES,
      (chunk) => parser.write(chunk),
    );
    return parser.end();
  }

  /** `GET /api/v2/torrents/info`: every torrent with every field (costly on big boxes). */
  async torrentsInfo(signal: AbortSignal): Promise<unknown> {
    return parseJson(
      await this.#call("GET", "api/v2/torrents/info", undefined, signal, HELD_LIST_BYTES),
      "torrents/info",
    );
  }

  /** `GET /api/v2/transfer/info`: global rates and session totals. */
  async transferInfo(signal: AbortSignal): Promise<unknown> {
    return parseJson(
      await this.#call("GET", "api/v2/transfer/info", undefined, signal, STATUS_ANSWER_BYTES),
      "transfer/info",
    );
  }

  /** The application version, e.g. `v4.5.2`. */
  async version(signal: AbortSignal): Promise<string> {
    return (
      await this.#call("GET", "api/v2/app/version", undefined, signal, TINY_ANSWER_BYTES)
    ).body
      .toString()
      .trim();
  }

  /**
   * `GET /api/v2/app/buildInfo`: the versions qBittorrent was built with (`libtorrent`, `qt`,
   * `boost`, ...), as a JSON object.
   */
  async buildInfo(signal: AbortSignal): Promise<unknown> {
    return parseJson(
      await this.#call("GET", "api/v2/app/buildInfo", undefined, signal, STATUS_ANSWER_BYTES),
      "app/buildInfo",
    );
  }

  /** Deletes torrents, with or without their data. */
  async deleteTorrents(
    hashes: readonly string[],
    deleteFiles: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    const form = new URLSearchParams({
      hashes: hashes.join("|"),
      deleteFiles: String(deleteFiles),
    });
    await this.#call("POST", "api/v2/torrents/delete", form, signal, TINY_ANSWER_BYTES);
  }

  /** Ends the session (on shutdown), so qBittorrent frees it at once. */
  async logout(signal: AbortSignal): Promise<void> {
    if (this.#cookie === undefined) return;
    await this.#call(
      "POST",
      "api/v2/auth/logout",
      new URLSearchParams(),
      signal,
      TINY_ANSWER_BYTES,
    ).catch(() => {});
    this.#cookie = undefined;
  }

  async #call(
    method: Method,
    path: string,
    form: URLSearchParams | undefined,
    signal: AbortSignal,
    maxBytes: number,
    onChunk?: (chunk: Buffer) => void,
  ): Promise<HttpResponse> {
    const login = !this.#credentials.hasApiKey;
    if (login && this.#cookie === undefined) await this.#login(signal);
    let response = await this.#send(method, path, form, signal, true, maxBytes, onChunk);
    const where = `${method} ${describeUrl(new URL(path, this.#base))}`;
    if (response.status === 403 && login) {
      // The session expired (or qBittorrent restarted): one new login, one retry.
      this.#cookie = undefined;
      await this.#login(signal);
      response = await this.#send(method, path, form, signal, true, maxBytes, onChunk);
      if (response.status === 403) {
        // No credential was refused (the login just succeeded): nothing to wait for.
        throw new SourceHttpError(
          403,
          `${where}: HTTP 403 right after a successful login (a reverse proxy that drops the session cookie?)`,
        );
      }
    }
    if (response.status === 401 || response.status === 403) {
      const what = login ? "session" : "API key";
      throw new SourceAuthError(
        `${where}: qBittorrent refused the ${what} (HTTP ${response.status}; a 401 can also mean a Host/Origin check failed)`,
      );
    }
    if (response.status !== 200)
      throw new SourceHttpError(response.status, `${where}: HTTP ${response.status}`);
    return response;
  }

  async #login(signal: AbortSignal): Promise<void> {
    if (this.#credentials.hasApiKey) return;
    const where = `POST ${describeUrl(new URL("api/v2/auth/login", this.#base))}`;
    const form = new URLSearchParams({
      username: this.#credentials.username ?? "",
      password: this.#credentials.revealPassword(),
    });
    this.traffic.logins++;
    const response = await this.#send(
      "POST",
      "api/v2/auth/login",
      form,
      signal,
      false,
      TINY_ANSWER_BYTES,
    );
    const body = response.body.toString().trim();
    if (isBanAnswer(response.status, response.headers, body)) {
      throw new SourceBannedError(
        `${where}: qBittorrent has banned this IP address after too many failed logins (WebUI\\MaxAuthenticationFailCount); it lifts the ban after WebUI\\BanDuration (1 hour by default), and asking meanwhile does not extend it`,
      );
    }
    if (response.status === 403) {
      throw new SourceHttpError(
        403,
        `${where}: HTTP 403 that is not qBittorrent's ban answer (a reverse proxy or firewall in front of it refused the login?)`,
      );
    }
    if (response.status === 401 || body === "Fails.") {
      throw new SourceAuthError(`${where}: qBittorrent rejected the username or password`);
    }
    if (response.status !== 200)
      throw new SourceHttpError(response.status, `${where}: HTTP ${response.status}`);
    const cookie = sessionCookie(response.headers["set-cookie"]);
    if (cookie === undefined) {
      throw new SourceProtocolError(
        `${where}: login answered ${body.length} bytes that are not "Ok.", and no session cookie (is this qBittorrent's WebUI?)`,
      );
    }
    this.#cookie = cookie;
    this.#generation++;
  }

  async #send(
    method: Method,
    path: string,
    form: URLSearchParams | undefined,
    signal: AbortSignal,
    withSession: boolean,
    maxBytes: number,
    onChunk?: (chunk: Buffer) => void,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (withSession && this.#cookie !== undefined) headers.cookie = this.#cookie;
    if (this.#credentials.hasApiKey)
      headers.authorization = `Bearer ${this.#credentials.revealApiKey()}`;
    if (form !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const request: HttpRequest = {
      method,
      url: new URL(path, this.#base),
      headers,
      ...(form !== undefined ? { body: form.toString() } : {}),
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

/** The `name=value` of qBittorrent's session cookie (`SID`, or `QBT_SID_<port>` since 5.2). */
export function sessionCookie(setCookie: string[] | undefined): string | undefined {
  for (const header of setCookie ?? []) {
    const pair = header.split(";", 1)[0]?.trim() ?? "";
    const name = pair.slice(0, pair.indexOf("="));
    if (name === "SID" || name.startsWith("QBT_SID_")) return pair;
  }
  return undefined;
}

function parseJson(response: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(response.body.toString("utf8"));
  } catch (error) {
    throw new SourceProtocolError(
      `${what}: the answer is not valid JSON (${(error as Error).message.slice(0, 80)})`,
      {
        cause: error,
      },
    );
  }
}
