// Whether a target's host name is this machine: loopback, one of its interface addresses, or its own name.

import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";

/**
 * Whether `host` (a URL's hostname, IPv6 in brackets or not) names this machine. No DNS lookup:
 * `localhost` and `*.localhost`, this machine's own host name, loopback addresses and the
 * addresses of its interfaces count; any other name is taken as remote.
 */
export function isLocalHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  const kind = isIP(name);
  if (kind === 0) return name === hostname().toLowerCase();
  if (kind === 4 && name.startsWith("127.")) return true;
  if (name === "::1" || name.startsWith("::ffff:127.")) return true;
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? []) if (a.address.toLowerCase() === name) return true;
  return false;
}
