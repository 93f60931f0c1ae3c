// Tracker identity: the host name of an announce URL (never the URL, which carries passkeys), renamed by config.

/** How a target turns tracker hosts into the `tracker` label. */
export interface TrackerNaming {
  /** Host (or `*.domain`) -> display name; several hosts of one site can share a name. */
  readonly rename: Readonly<Record<string, string>>;
  /** Use the torrent's category as its tracker when it has one (pt-exporter's option). */
  readonly categoryAsTracker: boolean;
}

/** The lower-case host name of an announce URL, without port or credentials; "" when there is none. */
export function trackerHost(announceUrl: string): string {
  if (announceUrl === "") return "";
  try {
    const host = new URL(announceUrl).hostname.toLowerCase();
    return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  } catch {
    return "";
  }
}

/**
 * Names trackers: renames hosts by exact match first, then by the longest `*.suffix` rule, and
 * applies "category as tracker". Results are cached, since a box has few tracker hosts.
 */
export class TrackerNamer {
  readonly naming: TrackerNaming;
  readonly #cache = new Map<string, string>();
  readonly #wildcards: ReadonlyArray<readonly [string, string]>;

  constructor(naming: TrackerNaming) {
    this.naming = naming;
    this.#wildcards = Object.entries(naming.rename)
      .filter(([pattern]) => pattern.startsWith("*."))
      .map(([pattern, name]) => [pattern.slice(1).toLowerCase(), name] as const)
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The display name of one host. */
  rename(host: string): string {
    let name = this.#cache.get(host);
    if (name === undefined) {
      name = this.naming.rename[host] ?? this.#wildcard(host) ?? host;
      if (this.#cache.size < 10_000) this.#cache.set(host, name);
    }
    return name;
  }

  /**
   * The tracker identity of a torrent: its category (when that option is on and it has one), else
   * `current` if it is still among the torrent's trackers (identity stays put while the working
   * tracker flips), else the first of `hosts` (the client's preferred one), renamed.
   */
  identify(hosts: readonly string[], category: string, current: string | undefined): string {
    if (this.naming.categoryAsTracker && category !== "") return category;
    if (current !== undefined && current !== "" && hosts.some((h) => this.rename(h) === current)) {
      return current;
    }
    return hosts.length === 0 ? "" : this.rename(hosts[0] as string);
  }

  #wildcard(host: string): string | undefined {
    for (const [suffix, name] of this.#wildcards) if (host.endsWith(suffix)) return name;
    return undefined;
  }
}
