// Deluge's `auth` file, read as deluged and its local tools (deluge-console, deluge-web) read it.

/** The account local tools log in with (deluged adds it to `auth` on its first start). */
export const LOCALCLIENT = "localclient";

/**
 * The accounts of an `auth` file's text, user to password: one `user:password` or
 * `user:password:level` per line, blank lines and `#` comments skipped, a line with another
 * number of fields skipped (`deluge/ui/common.py`'s `get_localhost_auth` does the same; a password
 * cannot hold `:`). The first line of a user wins.
 */
export function parseDelugeAuth(text: string): Map<string, string> {
  const accounts = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(":");
    if (fields.length !== 2 && fields.length !== 3) continue;
    const [user, password] = fields as [string, string];
    if (!accounts.has(user)) accounts.set(user, password);
  }
  return accounts;
}

/**
 * How a `password_file` of a deluge target is read: when it is Deluge's own `auth` file (it has
 * a line for `username`), that line's password; when it has several lines but none for
 * `username`, undefined (an auth file without the account); otherwise the whole file less one
 * trailing newline, like any password file.
 */
export function delugePasswordFile(text: string, username: string | undefined): string | undefined {
  if (username !== undefined) {
    const found = parseDelugeAuth(text).get(username);
    if (found !== undefined) return found;
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines.length > 1) return undefined;
  return text.replace(/\r?\n$/, "");
}
