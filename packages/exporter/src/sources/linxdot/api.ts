// A Linxdot miner's dashboard API as linxdot_exporter 1.0.1 speaks it: POST /login_odd, a cookie session, GET /info/system.

import {
  describeUrl,
  SourceAuthError,
  SourceHttpError,
  SourceProtocolError,
} from "../../net/errors.ts";
import type { HttpClient, HttpResponse } from "../../net/http-client.ts";
import { crypto } from "../../net/node-builtins.ts";
import { STATUS_ANSWER_BYTES } from "../answer-limits.ts";
import type { Credentials } from "../credentials.ts";
import { type LinxdotSystemInfo, parseSystemInfo } from "./system-info.ts";

/** How to log in to the miner's dashboard. */
export interface LinxdotLogin {
  readonly credentials: Credentials;
  /** Send the credentials as they are; by default both are MD5-hashed, as the dashboard does. */
  readonly plain: boolean;
}

/** Counts what the session costs, for self metrics and tests. */
export interface LinxdotTraffic {
  requests: number;
  logins: number;
  wireBytes: number;
}

/** `/info/system` is a JSON object of nine short fields (about 300 bytes). */
const INFO_BYTES = 64 * 1024;
/** What `/login_odd` answers is not read (linxdot_exporter looks at the status only): a page at most. */
const LOGIN_BYTES = STATUS_ANSWER_BYTES;

/**
 * The `username` and `password` form fields of `POST /login_odd`: each the lower-case hex MD5 of
 * its UTF-8 text, or the text itself with plain credentials.
 */
export function loginForm(login: LinxdotLogin): URLSearchParams {
  const encode = (text: string) =>
    login.plain ? text : crypto.createHash("md5").update(text, "utf8").digest("hex");
  return new URLSearchParams({
    username: encode(login.credentials.username ?? ""),
    password: encode(login.credentials.revealPassword()),
  });
}

/**
 * One dashboard session: logs in on first use, keeps whatever cookies the device sets (the
 * cookie is the whole session; no token is read), and on a 401 logs in once more and asks again.
 * Answers are checked strictly; every failure is a typed SourceError that names the request,
 * never a credential or a cookie.
 */
export class LinxdotApi {
  readonly traffic: LinxdotTraffic = { requests: 0, logins: 0, wireBytes: 0 };
  readonly #base: URL;
  readonly #http: HttpClient;
  readonly #account: LinxdotLogin;
  readonly #cookies = new Map<string, string>();
  #loggedIn = false;

  constructor(baseUrl: string, login: LinxdotLogin, http: HttpClient) {
    this.#base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    this.#account = login;
    this.#http = http;
  }

  /** `GET /info/system`: the miner's identity and its CPU, memory and storage figures. */
  async systemInfo(signal: AbortSignal): Promise<LinxdotSystemInfo> {
    const url = new URL("info/system", this.#base);
    const where = `GET ${describeUrl(url)}`;
    if (!this.#loggedIn) await this.#login(signal);
    let response = await this.#get(url, signal);
    if (response.status === 401) {
      // The session expired (or the device restarted): one new login, one retry.
      await this.#login(signal);
      response = await this.#get(url, signal);
      if (response.status === 401) {
        this.#loggedIn = false;
        throw new SourceAuthError(
          `${where}: the device refused the session right after logging in (HTTP 401): wrong username or password${this.#plainHint()}`,
        );
      }
    }
    if (response.status !== 200)
      throw new SourceHttpError(response.status, `${where}: HTTP ${response.status}`);
    return parseSystemInfo(parseJson(response.body, where), where);
  }

  async #login(signal: AbortSignal): Promise<void> {
    const url = new URL("login_odd", this.#base);
    const where = `POST ${describeUrl(url)}`;
    this.#cookies.clear();
    this.#loggedIn = false;
    this.traffic.logins++;
    const response = await this.#send(
      url,
      signal,
      loginForm(this.#account).toString(),
      LOGIN_BYTES,
    );
    // linxdot_exporter checks nothing but the status (its HTTP library follows redirects to a
    // final 200); a redirect is taken as success here, and its cookies are kept.
    if (response.status === 401 || response.status === 403) {
      throw new SourceAuthError(
        `${where}: the device refused the username or password (HTTP ${response.status})${this.#plainHint()}`,
      );
    }
    if (response.status < 200 || response.status >= 400)
      throw new SourceHttpError(response.status, `${where}: HTTP ${response.status}`);
    this.#loggedIn = true;
  }

  #get(url: URL, signal: AbortSignal): Promise<HttpResponse> {
    return this.#send(url, signal, undefined, INFO_BYTES);
  }

  async #send(
    url: URL,
    signal: AbortSignal,
    form: string | undefined,
    maxBytes: number,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json, */*" };
    if (this.#cookies.size > 0)
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (form !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await this.#http.request({
      method: form === undefined ? "GET" : "POST",
      url,
      headers,
      ...(form === undefined ? {} : { body: form }),
      signal,
      maxBytes,
    });
    this.traffic.requests++;
    this.traffic.wireBytes += response.wireBytes;
    this.#keepCookies(response.headers["set-cookie"]);
    return response;
  }

  /** Keeps every cookie the device sets, as a browser session would; an emptied one is dropped. */
  #keepCookies(setCookie: string[] | undefined): void {
    for (const header of setCookie ?? []) {
      const [pair = "", ...attributes] = header.split(";");
      const equals = pair.indexOf("=");
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*(?:0|-\d+)\s*$/i.test(a));
      if (value === "" || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  #plainHint(): string {
    return this.#account.plain
      ? " (sent as typed: if this firmware expects them MD5-hashed, turn plain credentials off)"
      : " (sent MD5-hashed: if this firmware expects them as typed, turn on plain credentials: plain_credentials: true, or -a / PLAIN_CREDENTIALS)";
  }
}

function parseJson(body: Buffer, where: string): unknown {
  const text = body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    const html = /^\s*</.test(text) ? "an HTML page, " : "";
    throw new SourceProtocolError(
      `${where}: the answer is ${html}not JSON (${(error as Error).message.slice(0, 80)})`,
      { cause: error },
    );
  }
}
