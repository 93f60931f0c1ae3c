// What one poll changes in a torrent table, and the helpers every client's sync builds its patches with.

import { EMPTY_TORRENT, type TorrentFields, type TorrentPatch } from "./torrent.ts";

/**
 * What changed in a table: what every client's sync answers for one poll. When `reset` is true
 * the patches are complete: other torrents are gone. The table copies what it keeps (a patch is
 * not kept): a source may reuse its patch objects once the next poll begins (Transmission does).
 */
export interface TableUpdate {
  readonly reset: boolean;
  /** New torrents (all fields) and changed ones (changed fields only). */
  readonly patches: readonly TorrentPatch[];
  readonly removed: readonly string[];
}

/** The names of a torrent's fields (all but the hash), in the record's order. */
export const TORRENT_FIELD_KEYS: readonly (keyof TorrentFields)[] = Object.freeze(
  Object.keys(EMPTY_TORRENT) as (keyof TorrentFields)[],
);

/** The names of a torrent's number fields. */
export const TORRENT_NUMBER_KEYS: readonly (keyof TorrentFields)[] = Object.freeze(
  TORRENT_FIELD_KEYS.filter((key) => typeof EMPTY_TORRENT[key] === "number"),
);

/** Whether two lists hold the same items in the same order. */
export function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a field keeps its value: the same value, or lists with the same items. */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Array.isArray(a) && Array.isArray(b) && sameList(a, b));
}

/**
 * The patch of torrent `hash` that turns `before` into `after`: the fields of `keys` whose values
 * differ (lists compared item by item); undefined when none does.
 */
export function diffFields<K extends keyof TorrentFields>(
  hash: string,
  before: Readonly<Pick<TorrentFields, K>>,
  after: Readonly<Pick<TorrentFields, K>>,
  keys: readonly K[],
): TorrentPatch | undefined {
  let patch: Record<string, unknown> | undefined;
  for (const key of keys) {
    const now = after[key];
    if (sameValue(before[key], now)) continue;
    patch ??= { hash };
    patch[key] = now;
  }
  return patch as TorrentPatch | undefined;
}
