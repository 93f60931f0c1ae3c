// Cross-site request protection for actions: a session cookie with an HMAC-bound token, and Origin/Referer checks.

import type { IncomingMessage } from "node:http";
import { crypto } from "../net/node-builtins.ts";
import { hostOfHeader, normalizeOrigin } from "./access-policy.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "seedwatch_session";

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A request's session: its id, and the cookie to set when it is new. */
export interface Session {
  readonly id: string;
  /** A `Set-Cookie` value when the request had no (valid) session cookie. */
  readonly setCookie: string | undefined;
}

/**
 * Tokens bound to a session (a random id in an HttpOnly, SameSite=Strict cookie) and to the user:
 * the token is an HMAC of both under a key only this process knows, so a page on another site can
 * neither read nor forge it (the signed double-submit cookie pattern, OWASP's recommendation).
 * A restart changes the key: an open confirmation page must then be reloaded.
 */
export class CsrfGuard {
  readonly #key: Buffer;

  constructor(key: Buffer = crypto.randomBytes(32)) {
    this.#key = key;
  }

  /** The request's session, or a new one (the caller sends `setCookie`). */
  session(req: Pick<IncomingMessage, "headers">, secure: boolean): Session {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (id !== undefined && SESSION_ID.test(id)) return { id, setCookie: undefined };
    const fresh = crypto.randomBytes(32).toString("base64url");
    return {
      id: fresh,
      setCookie: `${SESSION_COOKIE}=${fresh}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`,
    };
  }

  /** The token of a session for a user (undefined when nobody logs in). */
  token(sessionId: string, user: string | undefined): string {
    return crypto
      .createHmac("sha256", this.#key)
      .update(`csrf\u0000${sessionId}\u0000${user ?? ""}`)
      .digest("base64url");
  }

  /**
   * Whether `token` was made by `token()` for the session in the request's cookie and this user.
   * A request without the cookie fails: the token alone proves nothing.
   */
  verify(req: Pick<IncomingMessage, "headers">, token: string, user: string | undefined): boolean {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (id === undefined || !SESSION_ID.test(id) || !TOKEN.test(token)) return false;
    const expected = Buffer.from(this.token(id, user));
    const given = Buffer.from(token);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  }
}

/** The value of one cookie in a `Cookie` header; undefined when absent or repeated. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  let found: string | undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    // Two cookies of one name (one planted by a sibling subdomain) are refused rather than guessed.
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found;
}

/**
 * Why a state-changing request looks cross-site, or undefined when it does not. The first of these
 * a browser sent decides: `Origin` must name this daemon (the `Host` the request was sent to,
 * scheme aside) or an allowed origin, and `null` (sandboxed frames, some redirects) is refused;
 * else `Sec-Fetch-Site` must be `same-origin` or `none`; else `Referer` must name this daemon. A
 * request with none of them is not from a browser page, so it cannot ride on a victim's cookie or
 * cached credentials.
 */
export function crossSiteProblem(
  req: Pick<IncomingMessage, "headers">,
  allowedOrigins: readonly string[],
): string | undefined {
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const host = header("host");
  const sameOrigin = (origin: string): boolean => {
    if (allowedOrigins.includes(origin)) return true;
    if (host === undefined) return false;
    // Scheme aside (a TLS-terminating proxy speaks http to us), the origin must be the Host we were asked as.
    const url = new URL(origin);
    const wanted = hostOfHeader(host);
    const port = /:(\d{1,5})$/.exec(host.trim())?.[1];
    const originHost = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const originPort = url.port === "" ? undefined : url.port;
    const hostPort = port === undefined || port === "80" || port === "443" ? undefined : port;
    return wanted === originHost && originPort === hostPort;
  };
  const origin = header("origin");
  if (origin !== undefined) {
    if (origin === "null") return "the request came from an opaque origin (Origin: null)";
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined || !sameOrigin(normalized))
      return `the request came from another site (Origin ${JSON.stringify(origin.slice(0, 100))})`;
    return undefined;
  }
  const site = header("sec-fetch-site");
  if (site !== undefined) {
    return site === "same-origin" || site === "none"
      ? undefined
      : `the browser says the request is ${JSON.stringify(site.slice(0, 20))}`;
  }
  const referer = header("referer");
  if (referer !== undefined) {
    const normalized = normalizeOrigin(referer);
    if (normalized === undefined || !sameOrigin(normalized))
      return "the request came from another site (Referer)";
  }
  return undefined;
}
