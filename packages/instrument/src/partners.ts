// The partner table: which outbound calls are measured, as which partner and action code.

import type { ResolvedPartner } from "./options.ts";

/** A measured call's partner and action code (one object per listed path, shared by its calls). */
export interface PartnerMatch {
  readonly partner: string;
  readonly actionCode: string;
}

/** One `host:port` (or `host`) entry: its listed paths, and what any other path gets. */
interface Entry {
  readonly paths: ReadonlyMap<string, PartnerMatch>;
  readonly otherPaths: PartnerMatch;
}

/** The entries of one host: by port, and the one without a port (the scheme's default port). */
interface Host {
  readonly ports: ReadonlyMap<number, Entry>;
  readonly defaultPort: Entry | undefined;
}

/**
 * Looks calls up in the partner table by `host:port`, as channel-exporter looks up the URL's netloc.
 * A key without a port matches the scheme's default port. Only listed hosts are measured. The
 * table is built into maps once, so a lookup allocates nothing.
 */
export class Partners {
  readonly #hosts = new Map<string, Host>();
  /** hasHost()'s answers by host as calls name it: most calls go to few hosts, listed or not. */
  readonly #seen = new Map<string, boolean>();

  constructor(table: Readonly<Record<string, ResolvedPartner>>) {
    const building = new Map<string, { ports: Map<number, Entry>; bare?: Entry }>();
    for (const [key, config] of Object.entries(table)) {
      const port = /:(\d+)$/.exec(key);
      const host = port === null ? key : key.slice(0, port.index);
      const entry: Entry = {
        paths: new Map(
          Object.entries(config.paths).map(([path, actionCode]) => [
            path,
            { partner: config.partner, actionCode },
          ]),
        ),
        otherPaths: { partner: config.partner, actionCode: "" },
      };
      let ports = building.get(host);
      if (ports === undefined) {
        ports = { ports: new Map() };
        building.set(host, ports);
      }
      if (port === null) ports.bare = entry;
      else ports.ports.set(Number(port[1]), entry);
    }
    for (const [host, { ports, bare }] of building) {
      this.#hosts.set(host, { ports, defaultPort: bare });
    }
  }

  /** Whether the table is empty (then nothing outbound is measured at all). */
  get empty(): boolean {
    return this.#hosts.size === 0;
  }

  /** Cheap first filter: whether any partner lives on `host` (any case; IPv6 with or without brackets). */
  hasHost(host: string): boolean {
    let listed = this.#seen.get(host);
    if (listed === undefined) {
      listed = this.#host(host) !== undefined;
      if (this.#seen.size >= MAX_SEEN) this.#seen.clear();
      this.#seen.set(host, listed);
    }
    return listed;
  }

  /** The partner for a call to `host:port` on `path` (query string allowed), if listed. */
  match(host: string, port: number, defaultPort: number, path: string): PartnerMatch | undefined {
    const entries = this.#host(host);
    if (entries === undefined) return undefined;
    const entry =
      entries.ports.get(port) ?? (port === defaultPort ? entries.defaultPort : undefined);
    if (entry === undefined) return undefined;
    const query = path.indexOf("?");
    return entry.paths.get(query < 0 ? path : path.slice(0, query)) ?? entry.otherPaths;
  }

  #host(host: string): Host | undefined {
    // Most calls name the host as listed: look it up as it is before normalizing it.
    return this.#hosts.get(host) ?? this.#hosts.get(bracket(host.toLowerCase()));
  }
}

const MAX_SEEN = 1000;

function bracket(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
