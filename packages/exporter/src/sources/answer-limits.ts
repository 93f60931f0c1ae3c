// How much of a client's answer each kind of call may read: budgets sized from what real answers weigh.

/**
 * A login's `Ok.`, a version string, an acknowledgement: a few bytes in practice. Also what is
 * kept of an error answer, for its message.
 */
export const TINY_ANSWER_BYTES = 4 * 1024;

/** Session statistics, transfer totals, free space, a few settings: a few KB in practice. */
export const STATUS_ANSWER_BYTES = 1024 * 1024;

/**
 * Answers that grow with the box but not with every torrent's fields: the values of a filter
 * (labels, tracker hosts), the files of one torrent, one line per torrent of a removal.
 */
export const TABLE_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * A torrent list decoded whole before it is used (Deluge's `core.get_torrents_status`,
 * qBittorrent's `torrents/info`): about 0.5 KB (Deluge, the keys we ask for) to 1.4 KB
 * (qBittorrent, every field) per torrent in the bench simulators, so this is 100,000 torrents
 * at 2.6 KB each. It costs its size in memory while it is decoded.
 */
export const HELD_LIST_BYTES = 256 * 1024 * 1024;

/**
 * A torrent list parsed as it streams in (qBittorrent's `sync/maindata`, Transmission's
 * `torrent-get`), never held whole, so the bound costs no memory: a full update of 100,000
 * torrents is about 140 MB of JSON in the qBittorrent simulator; this leaves 7 times that.
 */
export const STREAMED_LIST_BYTES = 1024 * 1024 * 1024;
