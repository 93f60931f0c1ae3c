// Who may reach each scope: basic auth where web-config.yml has users, loopback only where nobody logs in.

import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Scope } from "./route.ts";
import { sendText } from "./route.ts";
import { DEFAULT_SERVER_LIMITS } from "./server-limits.ts";

/** Every scope, in the order the docs list them. */
export const SCOPES: readonly Scope[] = [
  "health",
  "metrics",
  "dashboard",
  "api",
  "actions",
  "admin",
] as const;

/** Scopes that always need a user when web-config.yml has users: they change or reveal the setup. */
const ALWAYS_AUTHENTICATED: readonly Scope[] = ["actions", "admin"];

/** The `web:` section of seedwatch.yml, resolved. */
export interface WebAccessPolicy {
  /** Scopes that need a web-config.yml user when `basic_auth_users` is set. */
  readonly authRequired: ReadonlySet<Scope>;
  /**
   * Scopes that answer only loopback clients (127.0.0.0/8, ::1) whenever nobody has to log in
   * for them, and then only to a loopback `Host` (or one in `allowedHosts`): a web page cannot
   * reach them through DNS rebinding.
   */
  readonly loopbackOnly: ReadonlySet<Scope>;
  /** Host names (lower case, no port) accepted in `Host` besides localhost and loopback addresses. */
  readonly allowedHosts: readonly string[];
  /** Origins (`https://seed.example.org`) allowed to send actions besides the daemon's own. */
  readonly allowedOrigins: readonly string[];
  /** Connections one client address (an IPv6 client: its /64) may hold open at once. */
  readonly maxConnectionsPerClient: number;
}

/** The policy when seedwatch.yml has no `web:` section. */
export const DEFAULT_WEB_POLICY: WebAccessPolicy = {
  authRequired: new Set<Scope>(["metrics", "dashboard", "api", "actions", "admin"]),
  loopbackOnly: new Set<Scope>(["dashboard", "api", "actions", "admin"]),
  allowedHosts: [],
  allowedOrigins: [],
  maxConnectionsPerClient: DEFAULT_SERVER_LIMITS.maxConnectionsPerClient,
};

const scope = z.enum(SCOPES as [Scope, ...Scope[]]);
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/** The `web:` section's schema (strict, like the rest of the file). */
export const webSchema = z
  .strictObject({
    auth_required: z.array(scope).max(SCOPES.length).optional(),
    loopback_only: z.array(scope).max(SCOPES.length).optional(),
    allowed_hosts: z
      .array(
        z.string().refine((h) => HOST_NAME.test(h) || IP_LITERAL.test(h), {
          message: "expected a host name or IP address without scheme or port",
        }),
      )
      .max(100)
      .optional(),
    allowed_origins: z
      .array(
        z.string().refine((o) => normalizeOrigin(o) === o.replace(/\/$/, "").toLowerCase(), {
          message:
            "expected an origin such as https://seed.example.org (scheme, host, optional port)",
        }),
      )
      .max(100)
      .optional(),
    max_connections_per_client: z
      .number()
      .int()
      .min(1)
      .max(DEFAULT_SERVER_LIMITS.maxConnections)
      .optional(),
  })
  .superRefine((web, ctx) => {
    for (const required of ALWAYS_AUTHENTICATED) {
      if (web.auth_required !== undefined && !web.auth_required.includes(required)) {
        ctx.addIssue({
          code: "custom",
          path: ["auth_required"],
          message: `${required} always needs a user when web-config.yml has basic_auth_users; keep it in the list`,
        });
      }
    }
  });

/** The `web:` section as written. */
export type RawWebConfig = z.output<typeof webSchema>;

/** Resolves the `web:` section over the defaults. */
export function buildWebPolicy(raw: RawWebConfig | undefined): WebAccessPolicy {
  return {
    authRequired: new Set(raw?.auth_required ?? DEFAULT_WEB_POLICY.authRequired),
    loopbackOnly: new Set(raw?.loopback_only ?? DEFAULT_WEB_POLICY.loopbackOnly),
    allowedHosts: (raw?.allowed_hosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, "")),
    allowedOrigins: (raw?.allowed_origins ?? []).map((o) => o.replace(/\/$/, "").toLowerCase()),
    maxConnectionsPerClient:
      raw?.max_connections_per_client ?? DEFAULT_WEB_POLICY.maxConnectionsPerClient,
  };
}

/** `scheme://host[:port]` of a URL, lower case, default port dropped; undefined when not http(s). */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.username !== "" || url.password !== "") return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Whether a socket's remote address is a loopback one (127.0.0.0/8, ::1, or 127.x mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === "::1";
}

/** The host part of a `Host` header, lower case, without port or brackets; undefined when malformed. */
export function hostOfHeader(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed !== null) return bracketed[1];
  const plain = /^([a-z0-9_.-]+)(?::\d{1,5})?$/.exec(value);
  return plain === null ? undefined : (plain[1] as string).replace(/\.$/, "");
}

/** Whether a `Host` header names this machine's loopback (or a host the policy allows). */
export function isAllowedHost(header: string | undefined, policy: WebAccessPolicy): boolean {
  // HTTP/1.0 clients may send none; browsers always do, so DNS rebinding cannot hide behind that.
  if (header === undefined) return true;
  const host = hostOfHeader(header);
  if (host === undefined) return false;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    isLoopbackAddress(host) ||
    policy.allowedHosts.includes(host)
  );
}

/** What to do with one request to one scope. */
export type AccessDecision =
  | { readonly kind: "allow" }
  | { readonly kind: "authenticate" }
  | { readonly kind: "deny"; readonly message: string };

/** The request facts a decision needs. */
export interface AccessRequest {
  readonly scope: Scope;
  /** Whether web-config.yml has `basic_auth_users` now. */
  readonly usersExist: boolean;
  readonly remoteAddress: string | undefined;
  readonly hostHeader: string | undefined;
}

/**
 * Decides access: with users, scopes in `authRequired` need one; a scope nobody authenticates and
 * that is `loopbackOnly` answers loopback clients with a loopback `Host` only; the rest is open.
 */
export function decideAccess(request: AccessRequest, policy: WebAccessPolicy): AccessDecision {
  const { scope: s } = request;
  if (request.usersExist && (policy.authRequired.has(s) || ALWAYS_AUTHENTICATED.includes(s)))
    return { kind: "authenticate" };
  if (!policy.loopbackOnly.has(s)) return { kind: "allow" };
  if (!isLoopbackAddress(request.remoteAddress)) {
    return {
      kind: "deny",
      message: `Forbidden: the ${s} pages answer only clients on this machine (loopback) while nobody has to log in for them. To reach them from elsewhere, add basic_auth_users (and TLS) in --web.config.file, or put an authenticating reverse proxy in front; see docs/security.md.\n`,
    };
  }
  if (!isAllowedHost(request.hostHeader, policy)) {
    return {
      kind: "deny",
      message: `Forbidden: the Host header does not name this machine's loopback (a protection against DNS rebinding). Use http://127.0.0.1 or http://localhost, or add the host name to web.allowed_hosts in seedwatch.yml; see docs/security.md.\n`,
    };
  }
  return { kind: "allow" };
}

/** Who sent a request that was let through. */
export interface RequestIdentity {
  /** The web-config.yml user, when the request had to log in. */
  readonly user: string | undefined;
  /** The client's address as the socket sees it (a reverse proxy's, behind one). */
  readonly remote: string;
}

/** What AccessControl needs from the web server. */
export interface Authenticator {
  readonly authEnabled: boolean;
  requireUser(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ user: string | undefined } | undefined>;
}

/**
 * Applies the policy to requests (the router's `authorize`) and remembers who each let-through
 * request came from, for the audit log.
 */
export class AccessControl {
  readonly #policy: () => WebAccessPolicy;
  readonly #web: () => Authenticator;
  readonly #identities = new WeakMap<IncomingMessage, RequestIdentity>();

  constructor(options: { policy: () => WebAccessPolicy; web: () => Authenticator }) {
    this.#policy = options.policy;
    this.#web = options.web;
  }

  /** Lets the request through (true) or answers 401/403 itself (false). */
  async authorize(req: IncomingMessage, res: ServerResponse, scope: Scope): Promise<boolean> {
    const web = this.#web();
    const remote = req.socket.remoteAddress ?? "";
    const decision = decideAccess(
      {
        scope,
        usersExist: web.authEnabled,
        remoteAddress: req.socket.remoteAddress,
        hostHeader: req.headers.host,
      },
      this.#policy(),
    );
    if (decision.kind === "deny") {
      sendText(res, 403, decision.message);
      return false;
    }
    if (decision.kind === "allow") {
      this.#identities.set(req, { user: undefined, remote });
      return true;
    }
    const principal = await web.requireUser(req, res);
    if (principal === undefined) return false;
    this.#identities.set(req, { user: principal.user, remote });
    return true;
  }

  /** Who a request came from; only requests this control let through are known. */
  identity(req: IncomingMessage): RequestIdentity {
    return this.#identities.get(req) ?? { user: undefined, remote: req.socket.remoteAddress ?? "" };
  }

  /** The policy in force (reloaded with the config). */
  get policy(): WebAccessPolicy {
    return this.#policy();
  }
}
