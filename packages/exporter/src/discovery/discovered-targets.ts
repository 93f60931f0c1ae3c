// The clients discovery watches, from round to round: stable names, a client once found kept (down when it goes away), configured ones left alone.

import type { NeedsCredentials } from "../collect/needs-credentials.ts";
import type { TargetConfig } from "../collect/target-config.ts";
import type { ClientDefaults } from "../config/config.ts";
import { addressKey } from "./address-key.ts";
import { credentialLines, type NamedFinding, passwordVariable } from "./config-lines.ts";
import type { Finding } from "./find-clients.ts";

/** A found client that runs as a target. */
export interface DiscoveredTarget {
  readonly config: TargetConfig;
  readonly finding: Finding;
}

/** What discovery watches, and what it found but cannot watch without a password. */
export interface Discovered {
  readonly targets: readonly DiscoveredTarget[];
  readonly needsCredentials: readonly NeedsCredentials[];
  /** Both, in order, with their names (what `seedwatch discover` prints). */
  readonly found: readonly NamedFinding[];
}

/** What the configuration in force says that discovery must respect. */
export interface DiscoveryContext {
  /** The targets the config file lists: their names and clients are theirs. */
  readonly configured: readonly { readonly name: string; readonly url: string }[];
  readonly clientDefaults: ClientDefaults;
  /** The config file; undefined when seedwatch runs without one. */
  readonly configFile: string | undefined;
  readonly storagePath: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Keeps every client discovery has found since the daemon started, by what found it (a file or a
 * default port): a client found once stays, so when it stops it shows `up 0` like any target,
 * and when its file moves it to another port its target follows. Each keeps the name it got first
 * unless a configured target takes it.
 */
export class DiscoveredTargets {
  readonly #known = new Map<string, { finding: Finding; name: string }>();

  /** Takes a round's findings; answers what to watch now. */
  update(findings: readonly Finding[], context: DiscoveryContext): Discovered {
    for (const finding of findings) {
      const known = this.#known.get(finding.key);
      this.#known.set(finding.key, { finding, name: known?.name ?? "" });
    }
    const configuredNames = new Set(context.configured.map((t) => t.name));
    const configuredAddresses = new Set(context.configured.map((t) => addressKey(t.url)));
    const taken = new Set(configuredNames);
    const addresses = new Set<string | undefined>();
    const named: NamedFinding[] = [];
    for (const entry of this.#known.values()) {
      const address = addressKey(entry.finding.url);
      // A client the file lists is the file's; one found twice (a file and a port) runs once.
      if (configuredAddresses.has(address) || addresses.has(address)) continue;
      addresses.add(address);
      if (entry.name === "" || configuredNames.has(entry.name) || taken.has(entry.name))
        entry.name = freeName(entry.finding, taken);
      taken.add(entry.name);
      named.push({ name: entry.name, finding: entry.finding });
    }
    const targets: DiscoveredTarget[] = [];
    const needsCredentials: NeedsCredentials[] = [];
    for (const found of named) {
      const { finding } = found;
      const login = finding.login;
      if (login.kind === "missing") {
        needsCredentials.push({
          name: found.name,
          type: finding.type,
          url: finding.url,
          foundIn: finding.file ?? null,
          username: login.username ?? null,
          reason: login.reason,
          passwordFile: login.file ?? null,
          configLines: credentialLines(found, context.configFile, context.storagePath),
          passwordVariable: passwordVariable(found.name),
          configFile: context.configFile ?? null,
        });
        continue;
      }
      targets.push({
        finding,
        config: {
          ...context.clientDefaults,
          name: found.name,
          type: finding.type,
          url: finding.url,
          username: login.kind === "found" ? login.username : undefined,
          password: login.kind === "found" ? login.password : undefined,
          apiKey: undefined,
          plainCredentials: false,
          // A line's capacity is the operator's to say.
          maxSpeed: { upload: undefined, download: undefined },
          tls: {
            insecureSkipVerify: finding.tls?.insecureSkipVerify ?? false,
            ...(finding.tls?.caFile === undefined ? {} : { caFile: finding.tls.caFile }),
          },
        },
      });
    }
    return { targets, needsCredentials, found: named };
  }
}

/** Its own name if free, else the name with its port (or socket), else with a number. */
function freeName(finding: Finding, taken: ReadonlySet<string>): string {
  const base = clean(finding.name);
  const url = URL.parse(finding.url);
  const where = clean(url?.port || (url?.pathname.split("/").pop() ?? ""));
  const candidates = [base, ...(where === "" ? [] : [`${base}-${where}`])];
  for (const name of candidates) if (NAME.test(name) && !taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const name = `${base.slice(0, 60)}-${n}`;
    if (!taken.has(name)) return name;
  }
}

/** A name seedwatch.yml accepts: letters, digits, `.`, `_`, `-`, at most 64, a letter or digit first. */
function clean(text: string): string {
  const name = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return name.slice(0, 64);
}
