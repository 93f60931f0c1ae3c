// A client's free-space figure as we keep it: a byte count, or unknown (absent, never a number).

/** How a client says it does not know. */
export interface FreeSpaceSentinels {
  /** rTorrent's `d.free_diskspace` answers 0 when it could not stat any of the item's files. */
  readonly zeroIsUnknown?: boolean;
}

/**
 * The free space a client reported, or undefined when it is not a byte count: qBittorrent's
 * `free_space_on_disk: -1` (it could not tell), Transmission's and Deluge's -1 for a path they
 * cannot stat, a negative number from an unsigned value gone through a signed field, NaN, a
 * string, a missing field. Unknown is absent: it is neither exported nor shown as "-1 B".
 */
export function knownFreeSpace(
  value: unknown,
  sentinels: FreeSpaceSentinels = {},
): number | undefined {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return undefined;
  if (n === 0 && sentinels.zeroIsUnknown === true) return undefined;
  return n;
}
