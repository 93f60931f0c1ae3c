// The partner table: which outbound calls are measured, as which partner and action code.

import type { ResolvedPartner } from "./options.ts";

/** A measured call's partner and action code. */
export interface PartnerMatch {
  readonly partner: string;
  readonly actionCode: string;
}

/**
 * Looks calls up in the partner table by `host:port`, as the original looks up the URL's netloc.
 * A key without a port matches the scheme's default port. Only listed hosts are measured.
 */
export class Partners {
  readonly #table: ReadonlyMap<string, ResolvedPartner>;
  readonly #hosts: ReadonlySet<string>;

  constructor(table: Readonly<Record<string, ResolvedPartner>>) {
    this.#table = new Map(Object.entries(table));
    this.#hosts = new Set([...this.#table.keys()].map(hostOf));
  }

  /** Whether the table is empty (then nothing outbound is measured at all). */
  get empty(): boolean {
    return this.#table.size === 0;
  }

  /** Cheap first filter: whether any partner lives on `host` (lower-case; IPv6 without brackets is fine). */
  hasHost(host: string): boolean {
    return this.#hosts.has(bracket(host.toLowerCase()));
  }

  /** The partner for a call to `host:port` on `path` (query string allowed), if listed. */
  match(host: string, port: number, defaultPort: number, path: string): PartnerMatch | undefined {
    const name = bracket(host.toLowerCase());
    const config =
      this.#table.get(`${name}:${port}`) ??
      (port === defaultPort ? this.#table.get(name) : undefined);
    if (config === undefined) return undefined;
    const query = path.indexOf("?");
    const bare = query < 0 ? path : path.slice(0, query);
    return { partner: config.partner, actionCode: config.paths[bare] ?? "" };
  }
}

function hostOf(key: string): string {
  const port = /:\d+$/.exec(key);
  return port === null ? key : key.slice(0, port.index);
}

function bracket(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
