// A client found on this machine that seedwatch cannot watch until it is given a password: what to show about it.

import type { TargetType } from "./target-config.ts";

/**
 * A found client that asks for a login nobody gave (the dashboard's card, `/api/v1/targets`'s
 * `needs_credentials`). It is not polled: a login without the password would only fail, and count
 * toward the client's ban.
 */
export interface NeedsCredentials {
  readonly name: string;
  readonly type: TargetType;
  readonly url: string;
  /** The configuration file it was found by; null when it answered on its default port. */
  readonly foundIn: string | null;
  /** The account it asks for, when its configuration says. */
  readonly username: string | null;
  /**
   * Why there is no password: `hashed`, the client keeps only a hash of it; `unreadable`, the file
   * holding it cannot be read by this user; `not-found`, no file holding it was found.
   */
  readonly reason: "hashed" | "unreadable" | "not-found";
  /** The file that holds it but could not be used, when there is one. */
  readonly passwordFile: string | null;
  /** The lines to add to `seedwatch.yml` (YAML), the password as a `${VARIABLE}` to set. */
  readonly configLines: string;
  /** The variable `configLines` reads the password from. */
  readonly passwordVariable: string;
  /** The config file to put them in; null when seedwatch runs without one (then: create seedwatch.yml). */
  readonly configFile: string | null;
}
