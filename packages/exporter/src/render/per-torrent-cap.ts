// The per-torrent cap, all or nothing: every torrent of a target has its per-torrent series, or none has.

/** A target's `per_torrent` settings. */
export interface PerTorrentSettings {
  readonly enabled: boolean;
  readonly maxTorrents: number;
}

/**
 * The cap as exported in `seedwatch_target_per_torrent_max_torrents`: `max_torrents`, or 0 when
 * per-torrent series are off (then no torrent may have them).
 */
export function perTorrentCap(settings: PerTorrentSettings): number {
  return settings.enabled ? settings.maxTorrents : 0;
}

/**
 * How many torrents of a target with `torrents` torrents go without per-torrent series: none
 * when it has at most the cap, else every one. Never a part, so a sum over per-torrent series
 * is complete or absent, never silently short; `seedwatch_target_per_torrent_omitted_torrents`
 * says which.
 */
export function omittedTorrents(torrents: number, settings: PerTorrentSettings): number {
  return torrents <= perTorrentCap(settings) ? 0 : torrents;
}
