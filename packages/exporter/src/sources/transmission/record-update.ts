// Brings a kept torrent record up to date in place, field by field, noting the patch of what changed.

import { sameValue } from "../../model/patch.ts";
import type { TorrentFields, TorrentPatch } from "../../model/torrent.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One record being brought up to date: `set` writes a field only when its value changed (lists
 * compared item by item) and notes it in the patch. Updating the kept record in place, instead
 * of building a new one per row and diffing, leaves nothing behind for an unchanged row and keeps
 * the long-lived record where it is: a new record per row ends up in the old generation, with the
 * previous one there as garbage, and at 100,000 torrents that meant a full collection of the heap
 * every poll or two. One instance is reused for every row.
 */
export class RecordUpdate {
  #hash = "";
  #record: Mutable<TorrentFields> | undefined;
  #patch: Record<string, unknown> | undefined;

  /** The record being updated (its fields as they were, until `set`). */
  get record(): Readonly<TorrentFields> {
    return this.#record as TorrentFields;
  }

  /** Starts on the record of torrent `hash`. */
  start(hash: string, record: Mutable<TorrentFields>): void {
    this.#hash = hash;
    this.#record = record;
    this.#patch = undefined;
  }

  /** Sets a field; notes it in the patch when its value changed. */
  set<K extends keyof TorrentFields>(key: K, value: TorrentFields[K]): void {
    const record = this.#record as Mutable<TorrentFields>;
    if (sameValue(record[key], value)) return;
    record[key] = value;
    this.#patch ??= { hash: this.#hash };
    this.#patch[key] = value;
  }

  /** What changed since `start` (undefined when nothing did); forgets the record. */
  finish(): TorrentPatch | undefined {
    const patch = this.#patch as TorrentPatch | undefined;
    this.#record = undefined;
    this.#patch = undefined;
    return patch;
  }
}
