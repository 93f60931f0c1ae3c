// Connected peers by kind, as pt_peers counts them (the seed's peers_total, peers_encrypted, ...).

/** The kinds, in the order they are exported; a peer is in every kind it has, and in total. */
export const PEER_KINDS = [
  "total",
  "encrypted",
  "incoming",
  "obfuscated",
  "preferred",
  "snubbed",
  "unwanted",
] as const;

/** One kind of peer. */
export type PeerKind = (typeof PEER_KINDS)[number];

/** Connected peers per kind, over every torrent of a target. */
export type PeerCounts = Record<PeerKind, number>;

/** Counts with every kind at zero. */
export function emptyPeerCounts(): PeerCounts {
  return {
    total: 0,
    encrypted: 0,
    incoming: 0,
    obfuscated: 0,
    preferred: 0,
    snubbed: 0,
    unwanted: 0,
  };
}
