// The daemon's HTTP(S) server under web-config.yml: TLS with hot reload, headers, rate limits, basic auth on demand.

import type { Server as HttpServer, IncomingMessage, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { crypto, http, https } from "../net/node-builtins.ts";
import {
  BasicAuthenticator,
  type BasicAuthStats,
  type Principal,
  sendUnauthorized,
} from "./basic-auth.ts";
import { clientKey } from "./client-address.ts";
import { type ClientConnectionStats, ClientConnections } from "./client-connections.ts";
import { RateLimiter, sendTooManyRequests } from "./rate-limit.ts";
import { applySecurityHeaders } from "./security-headers.ts";
import {
  applyServerLimits,
  DEFAULT_SERVER_LIMITS,
  type ServerLimits,
  serverOptions,
} from "./server-limits.ts";
import { repeatedHeader } from "./single-headers.ts";
import type { CertificateInfo } from "./tls-context.ts";
import type { WebConfig } from "./web-config.ts";
import { WebConfigError } from "./web-config-error.ts";
import {
  type LoadedWebConfig,
  loadWebConfigFiles,
  type ReloadOutcome,
  WebConfigReloader,
  type WebConfigReloadStatus,
} from "./web-config-reloader.ts";

/**
 * Answers one request; the server has already applied headers and the rate limit. It may return a
 * promise: a rejection (like a throw) is reported and answered 500.
 */
export type WebHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Options of createWebServer. */
export interface WebServerOptions {
  /** `--web.config.file`; without it: plain HTTP, no auth, no extra headers, no rate limit. */
  readonly webConfigFile?: string;
  readonly handler: WebHandler;
  /** Basic-auth realm in 401 answers (default "seedwatch"). */
  readonly realm?: string;
  /** Overrides of DEFAULT_SERVER_LIMITS. */
  readonly limits?: Partial<ServerLimits>;
  /**
   * The per-client connection limit, read for each new connection (a reloadable setting);
   * default: `limits.maxConnectionsPerClient`.
   */
  readonly maxConnectionsPerClient?: () => number;
  /** A new connection was closed at once: its client (`clientKey`) had too many open. */
  readonly onConnectionRefused?: (client: string) => void;
  /** How often the web config files are stat'ed at most (default 1000 ms; 0: every connection). */
  readonly reloadCheckIntervalMs?: number;
  /** Every configuration change, and every new failure to load one (the old one stays). */
  readonly onReload?: (outcome: ReloadOutcome) => void;
  /** A handler threw or rejected; the client got a 500 (or a reset if the answer had begun). */
  readonly onHandlerError?: (error: unknown, req: IncomingMessage) => void;
  /**
   * A TLS client was disconnected after its handshake for its certificate (missing, untrusted,
   * SAN not allowed). Handshakes OpenSSL itself refuses (RequireAndVerifyClientCert, versions)
   * surface as the server's `tlsClientError` event.
   */
  readonly onClientRefused?: (reason: string, remoteAddress: string | undefined) => void;
}

/** The server and what the routes need from the web configuration. */
export interface WebServer {
  /** Listen on it yourself (`server.listen(port, host)`). */
  readonly server: HttpServer | HttpsServer;
  /** Whether it speaks TLS. Fixed for the server's life. */
  readonly secure: boolean;
  /** The configuration in use (the last good one). */
  readonly config: WebConfig;
  /** The server certificate in use, when TLS is on. */
  readonly certificate: CertificateInfo | undefined;
  /** Whether basic_auth_users is non-empty. */
  readonly authEnabled: boolean;
  readonly authStats: BasicAuthStats;
  /** Open connections, and those refused by the per-client limit. */
  readonly connectionStats: ClientConnectionStats;
  readonly reloadStatus: WebConfigReloadStatus;
  /**
   * Checks the request's basic-auth credentials against the current users: the principal, or
   * undefined when it must be refused. With no users configured every request passes with
   * `user: undefined`; routes that must never be open check `authEnabled` too.
   */
  authenticate(req: IncomingMessage): Promise<Principal | undefined>;
  /** Answers 401 with `WWW-Authenticate: Basic realm=...`. */
  sendUnauthorized(res: ServerResponse): void;
  /** `authenticate`, answering 401 itself on refusal. */
  requireUser(req: IncomingMessage, res: ServerResponse): Promise<Principal | undefined>;
  /** Re-reads the web config now (SIGHUP, `POST /-/reload`). */
  reload(): ReloadOutcome;
  /** Stops listening, closes every connection and stops the bcrypt thread. */
  close(): Promise<void>;
}

const NO_WEB_CONFIG: WebConfig = {
  file: "",
  tls: undefined,
  http2: false,
  headers: {},
  users: new Map(),
  rateLimit: undefined,
};

interface TlsServerPolicy {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

/**
 * Creates the daemon's server from `--web.config.file`, as exporter-toolkit does: HTTPS when the
 * file configures TLS, else HTTP; the security headers on every response; the rate limit (429 with
 * Retry-After) before anything else runs, with a bucket per client address and one per logged-in
 * user (so a flood from one address, anonymous or failing to log in, cannot spend a scraper's
 * tokens); basic auth for the routes that ask for it. Each client address may hold
 * `maxConnectionsPerClient` connections, and a request repeating `Host` (or another header of
 * SINGLE_HEADERS) gets 400.
 * The file and the certificate files it names are re-checked before each connection and request
 * (throttled), so a renewed certificate or a changed user list takes effect without a restart; a
 * broken file is reported through `onReload` and the last good one stays. Throws a
 * WebConfigError when the file is unusable at start.
 */
export function createWebServer(options: WebServerOptions): WebServer {
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const realm = options.realm ?? "seedwatch";
  const initial: LoadedWebConfig =
    options.webConfigFile === undefined
      ? { config: NO_WEB_CONFIG, tls: undefined, digest: "", files: [] }
      : loadWebConfigFiles(options.webConfigFile);
  const secure = initial.tls !== undefined;
  const authenticator = new BasicAuthenticator();
  authenticator.setUsers(initial.config.users);
  let limiter = initial.config.rateLimit && new RateLimiter(initial.config.rateLimit);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    reloader?.check();
    const config = current().config;
    applySecurityHeaders(res, config.headers);
    const repeated = repeatedHeader(req.rawHeaders);
    if (repeated !== undefined) {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end(`Bad Request: the ${repeated} header may appear only once\n`);
      return;
    }
    if (limiter !== undefined) {
      const user = authenticator.cachedUser(req);
      const key =
        user === undefined ? `client ${clientKey(req.socket.remoteAddress)}` : `user ${user}`;
      const wait = limiter.take(key);
      if (wait > 0) {
        sendTooManyRequests(res, wait);
        return;
      }
    }
    const fail = (error: unknown) => {
      options.onHandlerError?.(error, req);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal Server Error\n");
    };
    try {
      const done = options.handler(req, res);
      if (done instanceof Promise) done.catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  const httpOptions = serverOptions(limits);
  const server: HttpServer | HttpsServer =
    initial.tls === undefined
      ? http.createServer(httpOptions, onRequest)
      : https().createServer(
          {
            ...httpOptions,
            ...initial.tls.contextOptions,
            requestCert: initial.tls.requestCert,
            rejectUnauthorized: initial.tls.rejectUnauthorized,
          },
          onRequest,
        );
  applyServerLimits(server, limits);
  const connections = new ClientConnections(
    options.maxConnectionsPerClient ?? (() => limits.maxConnectionsPerClient),
    options.onConnectionRefused,
  );

  const file = options.webConfigFile;
  const reloader =
    file === undefined
      ? undefined
      : new WebConfigReloader(file, initial, {
          minCheckIntervalMs: options.reloadCheckIntervalMs ?? 1000,
          accept(next) {
            if ((next.tls !== undefined) === secure) return undefined;
            const change = secure ? "turning TLS off" : "turning TLS on";
            return new WebConfigError(file, [
              { path: "tls_server_config", message: `${change} needs a restart of the server` },
            ]);
          },
          apply(next, previous) {
            if (next.tls !== undefined && next.tls !== previous.tls) {
              const secureServer = server as HttpsServer;
              secureServer.setSecureContext(next.tls.contextOptions);
              // Read by Node for each new connection; not part of the secure context.
              const policy = secureServer as unknown as TlsServerPolicy;
              policy.requestCert = next.tls.requestCert;
              policy.rejectUnauthorized = next.tls.rejectUnauthorized;
              // New ticket keys: a session resumed from a ticket must not skip a stricter policy.
              secureServer.setTicketKeys(crypto.randomBytes(48));
            }
            authenticator.setUsers(next.config.users);
            const limit = next.config.rateLimit;
            const old = limiter?.config;
            if (limit?.intervalMs !== old?.intervalMs || limit?.burst !== old?.burst) {
              limiter = limit && new RateLimiter(limit);
            }
          },
          ...(options.onReload === undefined ? {} : { onReload: options.onReload }),
        });
  const current = () => reloader?.current ?? initial;

  if (secure) {
    // Runs before Node wraps the socket in TLS, so a changed certificate serves this very connection.
    server.prependListener("connection", () => reloader?.check());
    server.prependListener("secureConnection", (socket: TLSSocket) => {
      const refusal = current().tls?.verifyPeer(socket);
      if (refusal === undefined) return;
      options.onClientRefused?.(refusal, socket.remoteAddress);
      socket.destroy();
    });
  }
  // Attached last so it runs first: a refused connection costs no reload check and no handshake.
  connections.attach(server);

  const neverReloaded: WebConfigReloadStatus = {
    ok: true,
    lastSuccess: new Date(),
    lastError: undefined,
    reloads: 0,
    failures: 0,
  };

  return {
    server,
    secure,
    get config() {
      return current().config;
    },
    get certificate() {
      return current().tls?.certificate;
    },
    get authEnabled() {
      return authenticator.enabled;
    },
    get authStats() {
      return authenticator.stats;
    },
    get connectionStats() {
      return connections.stats;
    },
    get reloadStatus() {
      return reloader?.status ?? neverReloaded;
    },
    authenticate: (req) => authenticator.authenticate(req),
    sendUnauthorized: (res) => sendUnauthorized(res, realm),
    async requireUser(req, res) {
      const principal = await authenticator.authenticate(req);
      if (principal === undefined) sendUnauthorized(res, realm);
      return principal;
    },
    reload: () => reloader?.reload() ?? { ok: true, changed: false, loaded: initial },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        connections.destroyAll();
      });
      await authenticator.close();
    },
  };
}
