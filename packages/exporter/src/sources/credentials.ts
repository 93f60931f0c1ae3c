// What a source logs in with: a user name, and a password or API key kept secret until a request is built.

import { inspect } from "node:util";
import { REDACTED, Secret } from "../settings/secret.ts";

/** The parts of a set of credentials, each of which may be missing. */
export interface CredentialParts {
  /** Not a secret: messages may name the account. */
  readonly username?: string | undefined;
  readonly password?: Secret | undefined;
  /** qBittorrent 5.2+'s API key. */
  readonly apiKey?: Secret | undefined;
}

/**
 * One target's credentials, whatever its client: the password and the API key stay `Secret`s
 * until the code that builds a request (a login form, an Authorization header) reveals them.
 * Printed in any way (a log line, JSON, inspect, a template string) it shows `<secret>`.
 */
export class Credentials {
  /** No credentials at all. */
  static readonly NONE: Credentials = new Credentials({});

  readonly #username: string | undefined;
  readonly #password: Secret | undefined;
  readonly #apiKey: Secret | undefined;

  /** A user name and a password given as text (tests, tools): the password is wrapped at once. */
  static login(username: string, password: string): Credentials {
    return new Credentials({ username, password: new Secret(password) });
  }

  constructor(parts: CredentialParts) {
    this.#username = parts.username;
    this.#password = parts.password;
    this.#apiKey = parts.apiKey;
  }

  /** The user name; undefined when none was given. */
  get username(): string | undefined {
    return this.#username;
  }

  /** A password was given (it may be ""). */
  get hasPassword(): boolean {
    return this.#password !== undefined;
  }

  /** An API key was given. */
  get hasApiKey(): boolean {
    return this.#apiKey !== undefined;
  }

  /** Nothing was given: no user name, no password, no API key. */
  get isEmpty(): boolean {
    return (
      this.#username === undefined && this.#password === undefined && this.#apiKey === undefined
    );
  }

  /**
   * Nothing worth sending: every part is missing or "". It reads the secrets: ask it only where a
   * request is built.
   */
  get isBlank(): boolean {
    return (
      (this.#username ?? "") === "" &&
      (this.#password?.reveal() ?? "") === "" &&
      (this.#apiKey?.reveal() ?? "") === ""
    );
  }

  /** The password ("" when none): call only where the request that sends it is built. */
  revealPassword(): string {
    return this.#password?.reveal() ?? "";
  }

  /** The API key ("" when none): call only where the request that sends it is built. */
  revealApiKey(): string {
    return this.#apiKey?.reveal() ?? "";
  }

  /**
   * The value of an `Authorization: Basic` header for the user name and password (each "" when
   * missing): call only where the request that sends it is built.
   */
  basicAuthorization(): string {
    const pair = `${this.#username ?? ""}:${this.revealPassword()}`;
    return `Basic ${Buffer.from(pair).toString("base64")}`;
  }

  /** These credentials, with each part they lack taken from `fallback` (a URL's user info, say). */
  or(fallback: CredentialParts): Credentials {
    return new Credentials({
      username: this.#username ?? fallback.username,
      password: this.#password ?? fallback.password,
      apiKey: this.#apiKey ?? fallback.apiKey,
    });
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Credentials from a URL's user info (decoded; missing parts stay missing). */
export function credentialsInUrl(url: URL): CredentialParts {
  return {
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : new Secret(decodeURIComponent(url.password)),
  };
}
