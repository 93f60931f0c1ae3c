// A found client as seedwatch.yml lines: the password referenced (the client's own file, or a ${VARIABLE}), never copied.

import { stringify } from "yaml";
import type { Finding } from "./find-clients.ts";

/** A found client and the name it runs under. */
export interface NamedFinding {
  readonly name: string;
  readonly finding: Finding;
}

/** The environment variable a target's password is read from in the lines seedwatch writes. */
export function passwordVariable(name: string): string {
  const variable = `${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_PASSWORD`;
  return /^[0-9]/.test(variable) ? `_${variable}` : variable;
}

/** `${NAME}`: seedwatch.yml's own syntax for an environment variable. */
function reference(variable: string): string {
  return `\${${variable}}`;
}

/** The target entry of seedwatch.yml for a found client. */
export function targetEntry({ name, finding }: NamedFinding): Record<string, unknown> {
  const login = finding.login;
  const credentials =
    login.kind === "none"
      ? {}
      : login.kind === "found" && login.file !== undefined
        ? { username: login.username, password_file: login.file }
        : {
            username:
              login.username ?? reference(passwordVariable(name).replace(/PASSWORD$/, "USERNAME")),
            password: reference(passwordVariable(name)),
          };
  const tls =
    finding.tls?.caFile !== undefined
      ? { tls: { ca_file: finding.tls.caFile } }
      : finding.tls?.insecureSkipVerify
        ? { tls: { insecure_skip_verify: true } }
        : {};
  return { name, type: finding.type, url: finding.url, ...credentials, ...tls };
}

/**
 * The lines that make seedwatch watch a client that needs a password: with a config file, the
 * entry to add under its `targets:`; without one, a whole seedwatch.yml that keeps discovery on and
 * the state database where it is.
 */
export function credentialLines(
  found: NamedFinding,
  configFile: string | undefined,
  storagePath: string,
): string {
  const entry = targetEntry(found);
  if (configFile !== undefined) return stringify([entry]);
  return stringify({ discovery: true, storage: { path: storagePath }, targets: [entry] });
}

/** One line saying where a client was found and how seedwatch logs in, for the file's header. */
function note({ name, finding }: NamedFinding): string {
  const where = finding.file === undefined ? "on its default port" : `in ${finding.file}`;
  const login = finding.login;
  const how =
    login.kind === "none"
      ? "no login needed from here"
      : login.kind === "found"
        ? login.file === undefined
          ? `set ${passwordVariable(name)} to the password written in its settings`
          : `account ${login.username}, password read from ${login.file}`
        : `needs a password: set ${passwordVariable(name)}${login.reason === "hashed" ? " (it keeps only a hash of it)" : ""}`;
  return `#   ${name}: ${finding.url}, found ${where}; ${how}`;
}

/**
 * A complete seedwatch.yml for what was found (`seedwatch discover`): every client as a target,
 * the state database where seedwatch keeps it without a config file (so history carries on).
 * With nothing found, a file that keeps discovery on.
 */
export function discoveredConfigFile(found: readonly NamedFinding[], storagePath: string): string {
  if (found.length === 0) {
    return [
      "# seedwatch.yml written by `seedwatch discover`: no torrent client answered on this machine.",
      "# With discovery on, seedwatch watches the clients it finds later, as it does without a config file.",
      stringify({ discovery: true, storage: { path: storagePath } }),
    ].join("\n");
  }
  return [
    "# seedwatch.yml written by `seedwatch discover`: the torrent clients found on this machine.",
    ...found.map(note),
    "# The state database is where seedwatch keeps it without a config file, so its history carries on.",
    "# Add `discovery: true` to also watch clients started later.",
    stringify({ storage: { path: storagePath }, targets: found.map(targetEntry) }),
  ].join("\n");
}
