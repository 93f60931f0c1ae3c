// Brings a kept torrent record up to date in place, field by field, noting the patch of what changed.

import { sameValue } from "../../model/patch.ts";
import { EMPTY_TORRENT, type TorrentFields, type TorrentPatch } from "../../model/torrent.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Patches kept for reuse, at most: a steady poll of 100,000 torrents changes about 6,000. */
const POOL_LIMIT = 16_384;

/** The record's fields, in order: bit `i` of a change mask is `FIELDS[i]`. */
const FIELDS = Object.keys(EMPTY_TORRENT) as (keyof TorrentFields)[];
const BIT = Object.freeze(Object.fromEntries(FIELDS.map((key, i) => [key, 2 ** i]))) as Readonly<
  Record<keyof TorrentFields, number>
>;

/** Patch objects of one set of fields, reused pass after pass. */
interface Shelf {
  readonly patches: Record<string, unknown>[];
  used: number;
}

/**
 * One record being brought up to date: `set` writes a field only when its value changed (lists
 * compared item by item) and notes it. Updating the kept record in place, instead of building a
 * new one per row and diffing, leaves nothing behind for an unchanged row and keeps the
 * long-lived record where it is: a new record per row ends up in the old generation, with the
 * previous one there as garbage, and at 100,000 torrents that meant a full collection of the heap
 * every poll or two. The same holds for the patches: a steady poll changes thousands of rows (a
 * running seed's seconds seeding tick), and a patch lives until the table applied the poll, long
 * enough to be copied out of the young generation. So `finish` hands out patch objects kept from
 * the earlier passes, one shelf per set of changed fields (one shape each), after `recycle`.
 * One instance is reused for every row.
 */
export class RecordUpdate {
  #hash = "";
  #record: Mutable<TorrentFields> | undefined;
  #changed = 0;
  readonly #shelves = new Map<number, Shelf>();
  #pooled = 0;

  /** The record being updated (its fields as they were, until `set`). */
  get record(): Readonly<TorrentFields> {
    return this.#record as TorrentFields;
  }

  /**
   * Takes back every patch handed out so far, to be handed out again: call it when they are no
   * longer used (a pass begins: the table applied the previous one and kept no patch).
   */
  recycle(): void {
    for (const shelf of this.#shelves.values()) shelf.used = 0;
  }

  /** Starts on the record of torrent `hash`. */
  start(hash: string, record: Mutable<TorrentFields>): void {
    this.#hash = hash;
    this.#record = record;
    this.#changed = 0;
  }

  /** Sets a field; notes it when its value changed. */
  set<K extends keyof TorrentFields>(key: K, value: TorrentFields[K]): void {
    const record = this.#record as Mutable<TorrentFields>;
    if (sameValue(record[key], value)) return;
    record[key] = value;
    this.#changed |= BIT[key];
  }

  /**
   * What changed since `start` (undefined when nothing did); forgets the record. A `kept` patch
   * is the caller's; any other is valid until `recycle` and must not be changed.
   */
  finish(kept = false): TorrentPatch | undefined {
    const changed = this.#changed;
    const record = this.#record as Record<string, unknown>;
    this.#record = undefined;
    this.#changed = 0;
    if (changed === 0) return undefined;
    let patch: Record<string, unknown>;
    let shelf: Shelf | undefined;
    if (!kept) {
      shelf = this.#shelves.get(changed);
      if (shelf === undefined) {
        shelf = { patches: [], used: 0 };
        this.#shelves.set(changed, shelf);
      }
    }
    if (shelf !== undefined && shelf.used < shelf.patches.length) {
      patch = shelf.patches[shelf.used++] as Record<string, unknown>;
      patch.hash = this.#hash;
    } else {
      patch = { hash: this.#hash };
      if (shelf !== undefined && this.#pooled < POOL_LIMIT) {
        shelf.patches.push(patch);
        shelf.used++;
        this.#pooled++;
      }
    }
    for (let rest = changed; rest !== 0; rest &= rest - 1) {
      const key = FIELDS[31 - Math.clz32(rest & -rest)] as string;
      patch[key] = record[key];
    }
    return patch as TorrentPatch;
  }
}
