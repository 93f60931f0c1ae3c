// Which client a URL reaches, as one string: two URLs with the same key are the same client on this machine.

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  "http:": "80",
  "https:": "443",
  "deluge:": "58846",
  "scgi:": "5000",
};

/**
 * `host:port` of a URL with loopback spelt one way (`127.0.0.1`, `localhost` and `[::1]` are one
 * client), or the socket path of `scgi:///path`; undefined for what is not a URL. The scheme and
 * the path do not count: Transmission's RPC path or http against https is the same client.
 */
export function addressKey(url: string): string | undefined {
  const parsed = URL.parse(url);
  if (parsed === null) return undefined;
  if (parsed.protocol === "scgi:" && parsed.hostname === "") return `unix:${parsed.pathname}`;
  const host = LOOPBACK.has(parsed.hostname) ? "loopback" : parsed.hostname.toLowerCase();
  return `${host}:${parsed.port || DEFAULT_PORTS[parsed.protocol] || ""}`;
}

/**
 * The host to connect to for a client that listens on `address`: loopback for "every address"
 * (`*`, `0.0.0.0`, `::`, empty), brackets around an IPv6 literal, else the address itself.
 */
export function connectHost(address: string): string {
  const a = address.trim();
  if (a === "" || a === "*" || a === "0.0.0.0" || a === "::" || a === "[::]") return "127.0.0.1";
  if (a.includes(":") && !a.startsWith("[")) return `[${a}]`;
  return a;
}
