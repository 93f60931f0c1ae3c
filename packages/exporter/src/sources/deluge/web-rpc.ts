// The deluge-web JSON-RPC client (http://host:8112/json): password login, the right daemon, calls, re-login.

import {
  describeUrl,
  SourceAuthError,
  SourceConnectionError,
  SourceHttpError,
  SourceProtocolError,
} from "../../net/errors.ts";
import type { HttpClient, HttpResponse } from "../../net/http-client.ts";
import type { Credentials } from "../credentials.ts";
import { DelugeRemoteError, type DelugeTransport, type TransportResult } from "./api.ts";
import { answerLimit } from "./call-limits.ts";
import type { RencodeValue } from "./rencode.ts";

/** The daemon deluge-web should be connected to. */
export interface WebDaemonTarget {
  /** Host as written in deluge-web's host list (`127.0.0.1` and `localhost` are the same). */
  readonly host: string;
  /** Daemon port (default 58846). */
  readonly port?: number;
  /** Daemon account, only needed to add the host when deluge-web does not list it yet. */
  readonly account?: Credentials;
}

/** Options of a deluge-web client. */
export interface WebRpcOptions {
  /** deluge-web's base URL, e.g. `http://host:8112/` (the JSON endpoint is `<base>json`). */
  readonly url: string | URL;
  /** deluge-web's password (it has no user names: only the password is sent). */
  readonly credentials: Credentials;
  /**
   * The daemon to use. Without it: the one deluge-web is connected to, else the only host in
   * its list, else the first host that is online.
   */
  readonly daemon?: WebDaemonTarget;
  /**
   * How long a check that deluge-web still has its daemon stays fresh (default 1000 ms: one
   * `web.connected` per poll, whose calls come in a burst).
   */
  readonly daemonCheckIntervalMs?: number;
}

/** Counts what the session costs, for self metrics and tests. */
export interface WebRpcTraffic {
  requests: number;
  logins: number;
  /** `web.connect` calls made. */
  connects: number;
  wireBytes: number;
}

/** deluge-web's error codes (`deluge/ui/web/json_api.py`). */
const NOT_AUTHENTICATED = 1;
const UNKNOWN_METHOD = 2;
const LOCAL_ERROR = 3;
const REMOTE_ERROR = 4;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);
const COOKIE = "_session_id";
const CHECK_INTERVAL_MS = 1000;

interface JsonAnswer {
  readonly result: unknown;
  readonly error: { readonly code: number; readonly message: string } | null;
}

/**
 * Speaks deluge-web's `/json` on one cookie session: `auth.login(password)` sets `_session_id`,
 * then `web.connected` / `web.get_hosts` / `web.connect` make sure deluge-web talks to the right
 * daemon, then `core.*` calls go through. The Content-Type is exactly `application/json`
 * (2.0.3 rejects a charset). An expired session (error 1) means one new login and one retry;
 * a daemon that deluge-web lost (error 2 for `core.*`) means one reconnect and one retry.
 *
 * deluge-web has one daemon connection for all its users, so diffs are not ours (`dedicated`
 * is false), and connecting it to another daemon switches every user of that web UI.
 */
export class WebRpcClient implements DelugeTransport {
  readonly kind = "web";
  readonly dedicated = false;
  readonly endpoint: string;
  readonly traffic: WebRpcTraffic = { requests: 0, logins: 0, connects: 0, wireBytes: 0 };
  readonly #url: URL;
  readonly #options: WebRpcOptions;
  readonly #http: HttpClient;
  #cookie: string | undefined;
  /** Whether deluge-web was last seen connected to our daemon (checked again after any failure). */
  #connected = false;
  #checkedAt = 0;
  #nextId = 1;
  #closed = false;

  constructor(options: WebRpcOptions, http: HttpClient) {
    const base = typeof options.url === "string" ? URL.parse(options.url) : options.url;
    if (base === null || (base.protocol !== "http:" && base.protocol !== "https:")) {
      throw new TypeError(
        `deluge-web URL must be http(s)://host:port/, got ${describeUrl(options.url)}`,
      );
    }
    const withSlash = base.pathname.endsWith("/") ? base : new URL(`${base.pathname}/`, base);
    this.#url = new URL("json", withSlash);
    this.endpoint = describeUrl(this.#url);
    this.#options = options;
    this.#http = http;
  }

  get bytesReceived(): number {
    return this.traffic.wireBytes;
  }

  /** Calls a method with positional parameters and resolves with its result. */
  async call(method: string, params: readonly unknown[] = [], signal?: AbortSignal) {
    return (await this.request(method, params as readonly RencodeValue[], {}, signal)).result;
  }

  async request(
    method: string,
    args: readonly RencodeValue[],
    kwargs: Readonly<Record<string, RencodeValue>>,
    signal?: AbortSignal,
  ): Promise<TransportResult> {
    if (Object.keys(kwargs).length > 0) {
      throw new TypeError(
        `${this.endpoint}: ${method}: deluge-web takes positional parameters only`,
      );
    }
    if (this.#closed) throw new SourceConnectionError(`${this.endpoint}: client closed`);
    const params = toJson(args);
    const remote = !method.startsWith("web.") && !method.startsWith("auth.");
    try {
      if (this.#cookie === undefined) await this.#login(signal);
      if (remote) await this.#ensureDaemon(signal);
      let answer = await this.#post(method, params, signal);
      if (answer.error?.code === UNKNOWN_METHOD && remote) {
        // Also what every core.* call gets while deluge-web has no daemon.
        this.#connected = false;
        await this.#connectDaemon(signal);
        answer = await this.#post(method, params, signal);
      }
      return { result: this.#result(method, answer), session: 0 };
    } catch (error) {
      // A call that hangs or fails can mean deluge-web lost its daemon: check before the next
      // one. An exception raised by the method itself says the daemon is there.
      if (!(error instanceof DelugeRemoteError)) this.#connected = false;
      throw error;
    }
  }

  /** Forgets the session; the next call logs in again. */
  reset(): void {
    this.#cookie = undefined;
    this.#connected = false;
  }

  close(): void {
    this.#closed = true;
    this.reset();
  }

  async #login(signal: AbortSignal | undefined): Promise<void> {
    this.traffic.logins++;
    this.#cookie = undefined;
    const password = this.#options.credentials.revealPassword();
    const { answer, response } = await this.#send("auth.login", [password], signal);
    const ok = this.#result("auth.login", answer);
    if (ok !== true) {
      throw new SourceAuthError(`${this.endpoint}: auth.login: deluge-web rejected the password`);
    }
    const cookie = sessionCookie(response.headers["set-cookie"]);
    if (cookie === undefined) {
      throw new SourceProtocolError(
        `${this.endpoint}: auth.login succeeded without a ${COOKIE} cookie`,
      );
    }
    this.#cookie = cookie;
    this.#connected = false;
  }

  /**
   * Checks (at most once a second: a poll makes a burst of calls) that deluge-web still has its
   * daemon. After losing it, deluge-web 2.0.3 lets `core.*` calls hang instead of failing.
   */
  async #ensureDaemon(signal: AbortSignal | undefined): Promise<void> {
    if (this.#connected) {
      const interval = this.#options.daemonCheckIntervalMs ?? CHECK_INTERVAL_MS;
      if (performance.now() - this.#checkedAt < interval) return;
      const still = this.#result("web.connected", await this.#post("web.connected", [], signal));
      if (still === true) {
        this.#checkedAt = performance.now();
        return;
      }
      this.#connected = false;
    }
    await this.#connectDaemon(signal);
    this.#checkedAt = performance.now();
  }

  /** Makes sure deluge-web is connected to the configured daemon (or to a usable one). */
  async #connectDaemon(signal: AbortSignal | undefined): Promise<void> {
    const connected = this.#result("web.connected", await this.#post("web.connected", [], signal));
    const hosts = parseHosts(
      this.endpoint,
      this.#result("web.get_hosts", await this.#post("web.get_hosts", [], signal)),
    );
    const target = this.#options.daemon;
    let hostId: string | undefined;
    if (target !== undefined) {
      const port = target.port ?? 58846;
      hostId = hosts.find((h) => sameHost(h.host, target.host) && h.port === port)?.id;
      if (hostId === undefined) hostId = await this.#addHost(target, signal);
      if (connected === true && (await this.#hostStatus(hostId, signal)) === "Connected") {
        this.#connected = true;
        return;
      }
    } else {
      if (connected === true) {
        this.#connected = true;
        return;
      }
      if (hosts.length === 1) hostId = hosts[0]?.id;
      for (const host of hosts) {
        if (hostId !== undefined) break;
        if ((await this.#hostStatus(host.id, signal)) === "Online") hostId = host.id;
      }
      if (hostId === undefined) {
        throw new SourceConnectionError(
          `${this.endpoint}: deluge-web lists no daemon that is online (${hosts.length} hosts)`,
        );
      }
    }
    this.traffic.connects++;
    const methods = this.#result("web.connect", await this.#post("web.connect", [hostId], signal));
    // deluge-web answers null, not an error, when it cannot reach or log in to the daemon.
    if (!Array.isArray(methods)) {
      const where = target ? ` ${target.host}:${target.port ?? 58846}` : "";
      throw new SourceConnectionError(
        `${this.endpoint}: web.connect: deluge-web could not connect to its daemon${where} (down, or the host list has wrong credentials)`,
      );
    }
    this.#connected = true;
  }

  async #addHost(target: WebDaemonTarget, signal: AbortSignal | undefined): Promise<string> {
    const where = `${target.host}:${target.port ?? 58846}`;
    const account = target.account;
    if (account?.username === undefined || !account.hasPassword) {
      throw new SourceConnectionError(
        `${this.endpoint}: deluge-web has no host ${where} in its list (give the daemon's username and password to add it)`,
      );
    }
    const answer = this.#result(
      "web.add_host",
      await this.#post(
        "web.add_host",
        [target.host, target.port ?? 58846, account.username, account.revealPassword()],
        signal,
      ),
    );
    if (!Array.isArray(answer) || answer[0] !== true || typeof answer[1] !== "string") {
      const reason =
        Array.isArray(answer) && typeof answer[1] === "string"
          ? `: ${answer[1].slice(0, 120)}`
          : "";
      throw new SourceProtocolError(`${this.endpoint}: web.add_host ${where} failed${reason}`);
    }
    return answer[1];
  }

  async #hostStatus(hostId: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    const status = this.#result(
      "web.get_host_status",
      await this.#post("web.get_host_status", [hostId], signal),
    );
    return Array.isArray(status) && typeof status[1] === "string" ? status[1] : undefined;
  }

  /** Sends a call with our session; logs in again once if the session expired. */
  async #post(method: string, params: readonly unknown[], signal: AbortSignal | undefined) {
    const { answer } = await this.#send(method, params, signal);
    if (answer.error?.code !== NOT_AUTHENTICATED) return answer;
    // The session expired (session_timeout) or deluge-web restarted.
    await this.#login(signal);
    return (await this.#send(method, params, signal)).answer;
  }

  async #send(
    method: string,
    params: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<{ answer: JsonAnswer; response: HttpResponse }> {
    const id = this.#nextId++;
    const headers: Record<string, string> = {
      // Exactly this: deluge-web 2.0.3 rejects `application/json; charset=utf-8` (error 5).
      "content-type": "application/json",
      accept: "application/json",
    };
    if (this.#cookie !== undefined) headers.cookie = this.#cookie;
    const response = await this.#http.request({
      method: "POST",
      url: this.#url,
      headers,
      body: JSON.stringify({ method, params, id }),
      signal: signal ?? new AbortController().signal,
      maxBytes: answerLimit(method),
    });
    this.traffic.requests++;
    this.traffic.wireBytes += response.wireBytes;
    // deluge-web refreshes the cookie's expiry on every call; the value stays the same.
    const refreshed = sessionCookie(response.headers["set-cookie"]);
    if (refreshed !== undefined && this.#cookie !== undefined) this.#cookie = refreshed;
    if (response.status !== 200) {
      throw new SourceHttpError(
        response.status,
        `${this.endpoint}: ${method}: HTTP ${response.status}`,
      );
    }
    return { answer: parseAnswer(this.endpoint, method, response.body), response };
  }

  #result(method: string, answer: JsonAnswer): unknown {
    const error = answer.error;
    if (error === null) return answer.result;
    const message = error.message;
    switch (error.code) {
      case NOT_AUTHENTICATED:
        return fail(
          new SourceAuthError(`${this.endpoint}: ${method}: deluge-web says not authenticated`),
        );
      case UNKNOWN_METHOD:
        return fail(new DelugeRemoteError(this.endpoint, method, "UnknownMethod", message));
      case LOCAL_ERROR:
      case REMOTE_ERROR: {
        const [type, text] = exceptionOf(message);
        if (type === "NotAuthorizedError" || type === "BadLoginError") {
          return fail(
            new SourceAuthError(`${this.endpoint}: ${method}: ${type}: ${text.slice(0, 200)}`),
          );
        }
        return fail(new DelugeRemoteError(this.endpoint, method, type, text));
      }
      default:
        return fail(
          new SourceProtocolError(
            `${this.endpoint}: ${method}: deluge-web error ${error.code}: ${message.slice(0, 200)}`,
          ),
        );
    }
  }
}

function fail(error: Error): never {
  throw error;
}

/** The `_session_id=…` pair from Set-Cookie headers. */
function sessionCookie(setCookie: string[] | undefined): string | undefined {
  let found: string | undefined;
  for (const header of setCookie ?? []) {
    const pair = header.split(";", 1)[0]?.trim() ?? "";
    // deluge-web may send the refreshed old cookie and a new one: the last wins.
    if (pair.startsWith(`${COOKIE}=`) && pair.length > COOKIE.length + 1) found = pair;
  }
  return found;
}

function parseAnswer(endpoint: string, method: string, body: Buffer): JsonAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new SourceProtocolError(`${endpoint}: ${method}: the answer is not JSON`, {
      cause: error,
    });
  }
  if (
    parsed === null ||
    typeof parsed !== "object" ||
    !("result" in parsed) ||
    !("error" in parsed)
  ) {
    throw new SourceProtocolError(`${endpoint}: ${method}: the answer is not a JSON-RPC response`);
  }
  const error = (parsed as { error: unknown }).error;
  if (error !== null) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code !== "number") {
      throw new SourceProtocolError(`${endpoint}: ${method}: the answer's error has no code`);
    }
    return {
      result: null,
      error: { code, message: typeof message === "string" ? message : "" },
    };
  }
  return { result: (parsed as { result: unknown }).result, error: null };
}

/** One host of deluge-web's Connection Manager. */
export interface HostEntry {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** The daemon account the host entry logs in with ("" when not given). */
  readonly user: string;
}

/** The hosts of a `web.get_hosts` answer (`[id, host, port, user]` entries), checked. */
export function parseHosts(endpoint: string, result: unknown): HostEntry[] {
  if (!Array.isArray(result)) {
    throw new SourceProtocolError(`${endpoint}: web.get_hosts: expected a list of hosts`);
  }
  return result.map((entry) => {
    if (
      !Array.isArray(entry) ||
      typeof entry[0] !== "string" ||
      typeof entry[1] !== "string" ||
      typeof entry[2] !== "number"
    ) {
      throw new SourceProtocolError(
        `${endpoint}: web.get_hosts: expected [id, host, port, user] entries`,
      );
    }
    return {
      id: entry[0],
      host: entry[1],
      port: entry[2],
      user: typeof entry[3] === "string" ? entry[3] : "",
    };
  });
}

function sameHost(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (LOCAL_HOSTS.has(x) && LOCAL_HOSTS.has(y));
}

/**
 * Deluge's exception type and message from a web error message: `TypeName: text`, or a Twisted
 * Failure's text `… <class 'deluge.error.InvalidTorrentError'>: text …` for remote errors.
 */
function exceptionOf(message: string): [string, string] {
  const failure = /<class '(?:[\w.]+\.)?(\w+)'>: ([^\n]*)/.exec(message);
  if (failure) return [failure[1] as string, (failure[2] as string).replace(/\]$/, "").trim()];
  const plain = /^(\w+): (.*)$/s.exec(message);
  if (plain) return [plain[1] as string, plain[2] as string];
  return ["UnknownError", message];
}

/** rencode values as JSON: bigints become numbers, bytes become text. */
function toJson(values: readonly RencodeValue[]): unknown[] {
  const convert = (value: RencodeValue): unknown => {
    if (typeof value === "bigint") return Number(value);
    if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
    if (value instanceof Map) {
      return Object.fromEntries([...value].map(([k, v]) => [String(k), convert(v)]));
    }
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    }
    return value;
  };
  return values.map(convert);
}
