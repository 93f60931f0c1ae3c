// The share-ratio buckets of pt_tracker_ratio, and which bucket a torrent's ratio falls in.

/** Upper bounds of the ratio buckets (`le`), +Inf implied. */
export const RATIO_BOUNDS: readonly number[] = Object.freeze([0.5, 1, 2, 5, 10]);

/** Buckets per distribution: one per bound, plus +Inf. */
export const RATIO_BUCKETS = RATIO_BOUNDS.length + 1;

/**
 * The bucket of a ratio: the first bound it does not exceed (the last, +Inf, above every bound);
 * -1 for a ratio the client does not know (negative or NaN: Transmission's -1 and -2, rTorrent's
 * items without data), which no bucket counts.
 */
export function ratioBucket(ratio: number): number {
  if (!(ratio >= 0)) return -1;
  for (let i = 0; i < RATIO_BOUNDS.length; i++) if (ratio <= (RATIO_BOUNDS[i] as number)) return i;
  return RATIO_BOUNDS.length;
}

/** What a ratio adds to a distribution's sum: itself when finite, 0 when infinite or unknown. */
export function ratioSumPart(ratio: number): number {
  return ratio >= 0 && Number.isFinite(ratio) ? ratio : 0;
}
