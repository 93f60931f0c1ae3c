// HTTP basic auth against web-config.yml's bcrypt hashes: cached, off the event loop, no user enumeration by timing.

import type { IncomingMessage, ServerResponse } from "node:http";
import { crypto } from "../net/node-builtins.ts";
import { BcryptThread } from "./bcrypt-thread.ts";
import { bcryptCost } from "./hash-password.ts";

/** Who a request comes from. `user` is undefined when basic auth is off (no users configured). */
export interface Principal {
  readonly user: string | undefined;
}

/** Counters of the authenticator's work (for self metrics and tests). */
export interface BasicAuthStats {
  /** bcrypt comparisons run (each costs tens to hundreds of milliseconds). */
  readonly compares: number;
  /** Successful logins answered from the cache. */
  readonly cacheHits: number;
  readonly failures: number;
}

/** Options of a BasicAuthenticator. */
export interface BasicAuthOptions {
  /** Successful (user, hash, password) results kept (default 256). */
  readonly cacheSize?: number;
  /** Where bcrypt runs (default: a worker thread of the authenticator's own). */
  readonly bcrypt?: BcryptThread;
}

/** The longest `Authorization` header looked at; bcrypt reads at most 72 bytes of a password. */
const MAX_AUTHORIZATION_LENGTH = 4096;

/** Splits an `Authorization: Basic` header into user and password, or undefined when it is not one. */
export function parseBasicAuthorization(
  header: string | undefined,
): { user: string; password: string } | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const match = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Answers 401 with `WWW-Authenticate: Basic realm="<realm>", charset="UTF-8"`. The body names
 * nothing about the user or why.
 */
export function sendUnauthorized(res: ServerResponse, realm = "seedwatch"): void {
  const quoted = realm.replace(/[\\"]/g, "\\$&").replace(/[^\x20-\x7e]/g, "");
  res.writeHead(401, {
    "content-type": "text/plain; charset=utf-8",
    "www-authenticate": `Basic realm="${quoted}", charset="UTF-8"`,
  });
  res.end("Unauthorized\n");
}

/**
 * Checks basic-auth credentials against bcrypt hashes as exporter-toolkit does: one bcrypt at a
 * time (it is CPU-bound), in a worker thread so the event loop keeps serving while it runs;
 * successful results cached by (user, hash, password), so a scraper that sends the same
 * credentials every time costs one bcrypt in all, and a changed hash invalidates them; unknown
 * users checked against a dummy hash of the same cost so the answer takes as long as for a known
 * user with a wrong password. Nothing here logs or stores a password or a hash in clear: cache
 * keys are SHA-256 digests.
 */
export class BasicAuthenticator {
  readonly #cacheSize: number;
  readonly #cache = new Map<string, true>();
  readonly #dummies = new Map<number, Promise<string>>();
  readonly #bcrypt: BcryptThread;
  #users: ReadonlyMap<string, string> = new Map();
  #dummy: Promise<string> | undefined;
  #compares = 0;
  #cacheHits = 0;
  #failures = 0;

  constructor(options: BasicAuthOptions = {}) {
    this.#cacheSize = options.cacheSize ?? 256;
    this.#bcrypt = options.bcrypt ?? new BcryptThread();
  }

  /** Whether any user is configured (basic auth is on). */
  get enabled(): boolean {
    return this.#users.size > 0;
  }

  /** Work done so far. */
  get stats(): BasicAuthStats {
    return { compares: this.#compares, cacheHits: this.#cacheHits, failures: this.#failures };
  }

  /**
   * Installs a user list (user -> bcrypt hash, already validated). Cached results of removed or
   * changed users stop matching because the hash is part of the key.
   */
  setUsers(users: ReadonlyMap<string, string>): void {
    this.#users = users;
    let cost = 0;
    for (const hashed of users.values()) cost = Math.max(cost, bcryptCost(hashed) ?? 0);
    this.#dummy = cost === 0 ? undefined : this.#dummyHash(cost);
  }

  /**
   * The user a request's credentials were already found good for (a cache hit), else undefined;
   * no bcrypt, no waiting. The web server keys the rate limit with it.
   */
  cachedUser(req: Pick<IncomingMessage, "headers">): string | undefined {
    if (this.#users.size === 0) return undefined;
    const credentials = parseBasicAuthorization(req.headers.authorization);
    if (credentials === undefined) return undefined;
    const known = this.#users.get(credentials.user);
    if (known === undefined) return undefined;
    return this.#cache.has(cacheKey(credentials.user, known, credentials.password))
      ? credentials.user
      : undefined;
  }

  /**
   * Checks a request's `Authorization` header. Resolves to the principal when it may pass (every
   * request when basic auth is off), undefined when it must get a 401. A request whose socket is
   * gone by its turn in the bcrypt queue is not checked (and refused).
   */
  async authenticate(
    req: Pick<IncomingMessage, "headers"> & { readonly socket?: { readonly destroyed: boolean } },
  ): Promise<Principal | undefined> {
    if (this.#users.size === 0) return { user: undefined };
    const credentials = parseBasicAuthorization(req.headers.authorization);
    if (credentials === undefined) {
      this.#failures += 1;
      return undefined;
    }
    const { user, password } = credentials;
    const known = this.#users.get(user);
    const hashed = known ?? (await this.#dummy?.catch(() => undefined));
    if (hashed === undefined) {
      this.#failures += 1;
      return undefined;
    }
    const key = cacheKey(user, hashed, password);
    if (known !== undefined && this.#cache.has(key)) {
      this.#cache.delete(key);
      this.#cache.set(key, true);
      this.#cacheHits += 1;
      return { user };
    }
    const wanted = () => req.socket?.destroyed !== true;
    const ok = await this.#bcrypt
      .compare(password, hashed, () => {
        if (!wanted()) return false;
        this.#compares += 1;
        return true;
      })
      .catch(() => false);
    if (!ok || known === undefined) {
      this.#failures += 1;
      return undefined;
    }
    this.#cache.set(key, true);
    if (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return { user };
  }

  /** Stops the bcrypt worker thread (checks after this refuse everyone but cached users). */
  close(): Promise<void> {
    return this.#bcrypt.close();
  }

  #dummyHash(cost: number): Promise<string> {
    let dummy = this.#dummies.get(cost);
    if (dummy === undefined) {
      dummy = this.#bcrypt.hash(crypto.randomBytes(18).toString("base64"), cost);
      // A failed dummy is made again next time (an unknown user is refused meanwhile).
      dummy.catch(() => this.#dummies.delete(cost));
      this.#dummies.set(cost, dummy);
    }
    return dummy;
  }
}

/** The cache key of a (user, hash, password) triple: a digest, never the password in clear. */
function cacheKey(user: string, hashed: string, password: string): string {
  return crypto
    .createHash("sha256")
    .update(JSON.stringify([user, hashed, password]))
    .digest("base64");
}
