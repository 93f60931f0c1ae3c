// What deluged's pushed events say about torrents between two polls: which to ask about, which are gone.

import type { RencodeValue } from "./rencode.ts";

/**
 * The events a poll listens to (`daemon.set_event_interest`). Deluge 2.0.3 sets a torrent's
 * `state` only in `Torrent.update_state`, which emits TorrentStateChangedEvent whenever it
 * changes (pause, resume, error, finish, queue, check, move); TorrentRemovedEvent and
 * TorrentAddedEvent come from the TorrentManager, TorrentTrackerStatusEvent from
 * `Torrent.set_tracker_status` on every change of `tracker_status`.
 */
export const TORRENT_EVENTS: readonly string[] = [
  "TorrentAddedEvent",
  "TorrentRemovedEvent",
  "TorrentStateChangedEvent",
  "TorrentFinishedEvent",
  "TorrentTrackerStatusEvent",
];

/** What the events since the last `take` said. */
export interface EventBatch {
  /** Torrents to ask about (added, changed state, finished, or a tracker status that matters). */
  readonly changed: ReadonlySet<string>;
  /** Torrents removed (a removal after the torrent's last change; see `take`). */
  readonly removed: ReadonlySet<string>;
}

/**
 * Collects the torrent events of one daemon connection. Events come on the connection that
 * registered for them, in order with the answers: when an answer arrives, every event the daemon
 * emitted before it has been seen. Events of another connection (an older one) are ignored: the
 * source starts over with a full answer whenever the connection changes.
 */
export class DelugeEvents {
  readonly #trackerEventMatters: (hash: string, status: string) => boolean;
  #session: number | undefined;
  /**
   * Batches by connection: events of a new connection can arrive before `listen` names it (the
   * answer to `daemon.set_event_interest` and the first events can come in one read).
   */
  readonly #batches = new Map<number, { changed: Set<string>; removed: Set<string> }>();
  /** Torrent events seen, for the benchmark and tests. */
  count = 0;

  /** `trackerEventMatters` tells whether a tracker status event can change what we show. */
  constructor(trackerEventMatters: (hash: string, status: string) => boolean) {
    this.#trackerEventMatters = trackerEventMatters;
  }

  /** The connection whose events count from now on; other connections' events are dropped. */
  listen(session: number): void {
    this.#session = session;
    for (const key of [...this.#batches.keys()]) if (key !== session) this.#batches.delete(key);
  }

  /** The connection listened to, if any. */
  get session(): number | undefined {
    return this.#session;
  }

  /** Stops listening (after a failed poll: the next one starts over). */
  forget(): void {
    this.#session = undefined;
    this.#batches.clear();
  }

  /** Takes one pushed event (`DaemonRpcOptions.onEvent`). */
  onEvent(name: string, args: readonly RencodeValue[], session: number): void {
    const hash = args[0];
    if (typeof hash !== "string") return;
    if (this.#session !== undefined && session < this.#session) return;
    let batch = this.#batches.get(session);
    if (batch === undefined) {
      batch = { changed: new Set(), removed: new Set() };
      this.#batches.set(session, batch);
    }
    this.count++;
    switch (name) {
      case "TorrentRemovedEvent":
        batch.removed.add(hash);
        batch.changed.delete(hash);
        return;
      case "TorrentAddedEvent":
      case "TorrentStateChangedEvent":
      case "TorrentFinishedEvent":
        batch.changed.add(hash);
        return;
      case "TorrentTrackerStatusEvent":
        if (this.#trackerEventMatters(hash, typeof args[1] === "string" ? args[1] : ""))
          batch.changed.add(hash);
        return;
    }
  }

  /**
   * What the listened connection's events said since the last take; starts a new batch. A
   * torrent removed and then added again is in both sets: the sync removes first, then applies
   * the answer.
   */
  take(): EventBatch {
    const session = this.#session;
    const batch = session === undefined ? undefined : this.#batches.get(session);
    if (session !== undefined) this.#batches.delete(session);
    return batch ?? { changed: new Set(), removed: new Set() };
  }
}
