// The qBittorrent Web API session: one login kept for the target's life, re-login only on 403.

import type { HttpClient, HttpResponse } from "../../net/http-client.ts";
import {
  describeUrl,
  SourceAuthError,
  SourceBannedError,
  SourceHttpError,
  SourceProtocolError,
} from "../errors.ts";

/** Credentials: a user and password, or (qBittorrent 5.2+) an API key. */
export type QbittorrentCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly apiKey: string };

/** Counts what the session costs, for self metrics and benchmarks. */
export interface QbittorrentTraffic {
  requests: number;
  logins: number;
  wireBytes: number;
}

/**
 * Speaks `/api/v2` on one long-lived session. The cookie (`SID`, or `QBT_SID_<port>` from 5.2) is
 * kept until qBittorrent answers 403; then we log in once more and the caller restarts its sync.
 * A failed login is never retried here: five of them ban the IP for an hour, so the caller backs
 * off. With an API key there is no login at all (`Authorization: Bearer`).
 */
export class QbittorrentApi {
  readonly traffic: QbittorrentTraffic = { requests: 0, logins: 0, wireBytes: 0 };
  readonly #base: URL;
  readonly #http: HttpClient;
  readonly #credentials: QbittorrentCredentials;
  #cookie: string | undefined;
  #generation = 0;

  constructor(baseUrl: string, credentials: QbittorrentCredentials, http: HttpClient) {
    this.#base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    this.#credentials = credentials;
    this.#http = http;
  }

  /** Increases with every new session; a sync state from an older session is void. */
  get sessionGeneration(): number {
    return this.#generation;
  }

  /** `GET /api/v2/sync/maindata?rid=N`, parsed. */
  async maindata(rid: number, signal: AbortSignal): Promise<unknown> {
    return parseJson(
      await this.#call("GET", `api/v2/sync/maindata?rid=${rid}`, undefined, signal),
      "sync/maindata",
    );
  }

  /** The application version, e.g. `v4.5.2`. */
  async version(signal: AbortSignal): Promise<string> {
    return (await this.#call("GET", "api/v2/app/version", undefined, signal)).body
      .toString()
      .trim();
  }

  /** The Web API version, e.g. `2.8.19`. */
  async webapiVersion(signal: AbortSignal): Promise<string> {
    return (await this.#call("GET", "api/v2/app/webapiVersion", undefined, signal)).body
      .toString()
      .trim();
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
    await this.#call("POST", "api/v2/torrents/delete", form, signal);
  }

  /** Ends the session (on shutdown), so qBittorrent frees it at once. */
  async logout(signal: AbortSignal): Promise<void> {
    if (this.#cookie === undefined) return;
    await this.#call("POST", "api/v2/auth/logout", new URLSearchParams(), signal).catch(() => {});
    this.#cookie = undefined;
  }

  async #call(
    method: "GET" | "POST",
    path: string,
    form: URLSearchParams | undefined,
    signal: AbortSignal,
  ): Promise<HttpResponse> {
    if ("username" in this.#credentials && this.#cookie === undefined) await this.#login(signal);
    let response = await this.#send(method, path, form, signal);
    if (response.status === 403 && "username" in this.#credentials) {
      // The session expired (or qBittorrent restarted): one new login, one retry.
      this.#cookie = undefined;
      await this.#login(signal);
      response = await this.#send(method, path, form, signal);
    }
    if (response.status === 401 || response.status === 403) {
      throw new SourceAuthError(
        `${method} ${describeUrl(new URL(path, this.#base))}: qBittorrent refused the ${"apiKey" in this.#credentials ? "API key" : "session"} (HTTP ${response.status}; a 401 can also mean a Host/Origin check failed)`,
      );
    }
    if (response.status !== 200) {
      throw new SourceHttpError(
        response.status,
        `${method} ${describeUrl(new URL(path, this.#base))}: HTTP ${response.status}`,
      );
    }
    return response;
  }

  async #login(signal: AbortSignal): Promise<void> {
    if (!("username" in this.#credentials)) return;
    const url = new URL("api/v2/auth/login", this.#base);
    const form = new URLSearchParams({
      username: this.#credentials.username,
      password: this.#credentials.password,
    });
    this.traffic.logins++;
    const response = await this.#send("POST", "api/v2/auth/login", form, signal, false);
    const body = response.body.toString().trim();
    if (response.status === 403) {
      throw new SourceBannedError(
        `POST ${describeUrl(url)}: qBittorrent has banned this IP after too many failed logins (it lifts the ban after WebUI\\BanDuration, 1 hour by default)`,
      );
    }
    if (response.status === 401 || body === "Fails.") {
      throw new SourceAuthError(
        `POST ${describeUrl(url)}: qBittorrent rejected the username or password`,
      );
    }
    if (response.status !== 200) {
      throw new SourceHttpError(
        response.status,
        `POST ${describeUrl(url)}: HTTP ${response.status}`,
      );
    }
    const cookie = sessionCookie(response.headers["set-cookie"]);
    if (cookie === undefined) {
      throw new SourceProtocolError(
        `POST ${describeUrl(url)}: login answered "${body.slice(0, 20)}" without a session cookie`,
      );
    }
    this.#cookie = cookie;
    this.#generation++;
  }

  async #send(
    method: "GET" | "POST",
    path: string,
    form: URLSearchParams | undefined,
    signal: AbortSignal,
    withSession = true,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (withSession && this.#cookie !== undefined) headers.cookie = this.#cookie;
    if ("apiKey" in this.#credentials) headers.authorization = `Bearer ${this.#credentials.apiKey}`;
    if (form !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await this.#http.request({
      method,
      url: new URL(path, this.#base),
      headers,
      ...(form !== undefined ? { body: form.toString() } : {}),
      signal,
    });
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
