// Who a connection comes from, for per-client limits: the IPv4 address, or the /64 an IPv6 address lies in.

import { isIPv4, isIPv6 } from "node:net";

/**
 * The key per-client limits count under: an IPv4 address as is (an IPv4-mapped IPv6 one too), an
 * IPv6 address by its /64 prefix (one host usually owns a whole /64 and can pick any address in
 * it), `unknown` when the socket has no address (it was already closed).
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === "") return "unknown";
  const plain = address.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (mapped !== null) return mapped[1] as string;
  if (isIPv4(plain)) return plain;
  if (!isIPv6(plain)) return plain;
  const groups = expandIPv6(plain);
  // The loopback is one host whatever its prefix says.
  if (groups.every((g, i) => g === (i === 7 ? 1 : 0))) return "::1";
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
