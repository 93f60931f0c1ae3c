// Counts rTorrent's connected peers by kind: one p.multicall per item with peers, in batched system.multicalls, flags packed with cat.

import { emptyPeerCounts, type PeerCounts } from "../../model/peer-counts.ts";
import { SourceProtocolError } from "../../net/errors.ts";
import type { RtorrentCall } from "./api.ts";
import type { XmlRpcFaultError } from "./xmlrpc/fault.ts";
import type { XmlRpcValue } from "./xmlrpc/value.ts";

/** The p.* flags asked of every peer, in the order of PeerCounts after `total`. */
const FLAGS = [
  ["encrypted", "p.is_encrypted="],
  ["incoming", "p.is_incoming="],
  ["obfuscated", "p.is_obfuscated="],
  ["preferred", "p.is_preferred="],
  ["snubbed", "p.is_snubbed="],
  ["unwanted", "p.is_unwanted="],
] as const;

/**
 * Items asked about per poll at most. Each costs a few bytes per peer; past this many items with
 * peers the census is skipped (no `pt_peers`), so a huge box never gets a poll that long.
 */
export const MAX_PEER_ITEMS = 20_000;

/**
 * Each peer's six flags as one string (`cat`: "100000" for an encrypted peer and nothing else),
 * a third of the bytes of six `<i8>` values.
 */
const PACKED = `cat=${FLAGS.map(([, command]) => `$${command}`).join(",")}`;

/**
 * Items per `system.multicall`: 432 bytes of request each, so a batch (about 216 KB) stays below
 * the 512 KiB xmlrpc-c lets rTorrent read by default (`network.xmlrpc.size_limit`) and far below
 * the 2 MiB an SCGI request may have here, and its answer below the 16 MiB of a table answer at
 * any plausible number of peers.
 */
export const CENSUS_BATCH = 500;

/** The calls of one census: a `p.multicall` for each item (upper-case hash, as rTorrent wants). */
export function peerCensusCalls(hashes: readonly string[]): RtorrentCall[] {
  return hashes.map((hash) => ({
    method: "p.multicall",
    params: [hash.toUpperCase(), "", PACKED],
  }));
}

/** Adds the counts of `more` to `into`. */
export function addPeers(into: PeerCounts, more: Readonly<PeerCounts>): void {
  for (const kind of Object.keys(into) as (keyof PeerCounts)[]) into[kind] += more[kind];
}

/**
 * Sums the answers into counts. An item that went away between the list and the census answers
 * a fault: it has no peers any more, and counts nothing.
 */
export function countPeers(
  answers: readonly (XmlRpcValue | XmlRpcFaultError)[],
  where: string,
): PeerCounts {
  const counts = emptyPeerCounts();
  for (const answer of answers) {
    if (answer instanceof Error) continue;
    if (!Array.isArray(answer))
      throw new SourceProtocolError(`${where}: p.multicall is not a list`);
    for (const peer of answer as readonly XmlRpcValue[]) {
      const flags = Array.isArray(peer) ? peer[0] : undefined;
      if (typeof flags !== "string" || !/^[01]{6}$/.test(flags)) {
        throw new SourceProtocolError(`${where}: a peer is not ${FLAGS.length} packed flags`);
      }
      counts.total++;
      for (let i = 0; i < FLAGS.length; i++) {
        if (flags.charCodeAt(i) === 49) counts[(FLAGS[i] as (typeof FLAGS)[number])[0]]++;
      }
    }
  }
  return counts;
}
