// What happened to torrents as seedwatch saw it: the events pt_torrent_events_total counts, and when each fires.

/** The events counted, in the order they are exported. */
export const TORRENT_EVENTS = [
  "added",
  "finished",
  "removed",
  "errored",
  "opened",
  "closed",
] as const;

/** One event. */
export type TorrentEvent = (typeof TORRENT_EVENTS)[number];

/** How many times each event happened. */
export type EventCounts = Record<TorrentEvent, number>;

/** Counts with every event at zero. */
export function emptyEvents(): EventCounts {
  return { added: 0, finished: 0, removed: 0, errored: 0, opened: 0, closed: 0 };
}
