// bcrypt hashes for basic_auth_users: making one (`seedwatch hash-password`) and checking one's form.

/** bcrypt only looks at the first 72 bytes of a password. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** The cost `hashPassword` uses unless told otherwise (about 0.3 s per check with bcryptjs). */
export const DEFAULT_BCRYPT_COST = 12;

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/**
 * The cost of a bcrypt hash in the `$2a$`/`$2b$`/`$2y$` form that Go's bcrypt, htpasswd and
 * bcryptjs write, or undefined when `text` is not such a hash.
 */
export function bcryptCost(text: string): number | undefined {
  const match = BCRYPT_HASH.exec(text);
  if (match === null) return undefined;
  const cost = Number(match[1]);
  return cost >= 4 && cost <= 31 ? cost : undefined;
}

/**
 * Hashes a password with bcrypt for `basic_auth_users`. Refuses an empty password, one longer than
 * bcrypt can use (72 bytes), and a cost outside 4..31. Error messages never contain the password.
 */
export async function hashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) {
    throw new RangeError(`bcrypt cost: expected an integer from 4 to 31, got ${cost}`);
  }
  if (password.length === 0) throw new RangeError("password: expected a non-empty password");
  const bytes = Buffer.byteLength(password, "utf8");
  if (bytes > BCRYPT_MAX_PASSWORD_BYTES) {
    throw new RangeError(
      `password: expected at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes (bcrypt ignores the rest), got ${bytes}`,
    );
  }
  // Loaded here: the daemon checks passwords in a worker (bcrypt-worker.ts) and needs it nowhere else.
  const { hash } = await import("bcryptjs");
  return hash(password, cost);
}
