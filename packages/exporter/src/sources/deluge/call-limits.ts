// How large the answer to each Deluge call may be (decompressed): both transports read no more.

import {
  HELD_LIST_BYTES,
  STATUS_ANSWER_BYTES,
  TABLE_ANSWER_BYTES,
  TINY_ANSWER_BYTES,
} from "../answer-limits.ts";

const LIMITS: Readonly<Record<string, number>> = {
  "daemon.login": TINY_ANSWER_BYTES,
  "auth.login": TINY_ANSWER_BYTES,
  "daemon.info": TINY_ANSWER_BYTES,
  "daemon.get_version": TINY_ANSWER_BYTES,
  "core.get_libtorrent_version": TINY_ANSWER_BYTES,
  "core.get_free_space": TINY_ANSWER_BYTES,
  // One entry per torrent, decoded whole (rencode or JSON).
  "core.get_torrents_status": HELD_LIST_BYTES,
  // The values of each filter with their counts: grows with labels and tracker hosts.
  "core.get_filter_tree": TABLE_ANSWER_BYTES,
  // Every torrent id (42 bytes each): 380,000 torrents.
  "core.get_session_state": TABLE_ANSWER_BYTES,
  // One (id, error) pair per torrent that could not be removed.
  "core.remove_torrents": TABLE_ANSWER_BYTES,
};

/**
 * The largest answer `method` may have, decompressed: a torrent list for
 * `core.get_torrents_status`, a few bytes for a login or a version, a status answer's size for
 * anything else (`core.get_session_status`, `web.get_hosts`, ...).
 */
export function answerLimit(method: string): number {
  return LIMITS[method] ?? STATUS_ANSWER_BYTES;
}

/** Events the daemon pushes (after `daemon.set_event_interest`) are small. */
export const EVENT_LIMIT = STATUS_ANSWER_BYTES;

/**
 * The most zlib's deflate (Deluge uses Python's `zlib.compress`) can turn `bytes` bytes into, at
 * worst: zlib's own `compressBound`, plus 6 bytes to spare. A compressed frame longer than this
 * for the calls waiting cannot be an honest answer to any of them.
 */
export function deflatedBound(bytes: number): number {
  return bytes + (bytes >> 12) + (bytes >> 14) + (bytes >> 25) + 13 + 6;
}
