// What per-tracker byte totals must be, given what a client reported: every rise of a torrent's counter counted once.

/** A torrent's counters as the client reports them, and the tracker they belong to. */
export interface ObservedTorrent {
  readonly hash: string;
  readonly tracker: string;
  readonly uploaded: number;
  readonly downloaded: number;
}

/** Bytes per tracker. */
export interface OracleBytes {
  readonly uploaded: number;
  readonly downloaded: number;
}

/**
 * The reference for seedwatch's `pt_tracker_*_bytes_total`, kept from the client's own answers:
 * a torrent is credited its whole counter the first time it is seen, then by how much the counter
 * rose since it was last seen, whatever happened in between (removal, a client restored from
 * older state, a restart of seedwatch). A drop credits nothing; nothing is ever taken back. The
 * last value of every torrent is remembered for good. Feed it every list seedwatch also saw.
 */
export class CounterOracle {
  readonly #last = new Map<string, OracleBytes>();
  readonly #totals = new Map<string, { uploaded: number; downloaded: number }>();

  /** One list of the client's torrents (the listed ones only; others keep their last values). */
  observe(torrents: Iterable<ObservedTorrent>): void {
    for (const torrent of torrents) {
      const last = this.#last.get(torrent.hash);
      const total = this.#totals.get(torrent.tracker) ?? { uploaded: 0, downloaded: 0 };
      total.uploaded += Math.max(0, torrent.uploaded - (last?.uploaded ?? 0));
      total.downloaded += Math.max(0, torrent.downloaded - (last?.downloaded ?? 0));
      this.#totals.set(torrent.tracker, total);
      this.#last.set(torrent.hash, { uploaded: torrent.uploaded, downloaded: torrent.downloaded });
    }
  }

  /** The totals of every tracker credited so far (0 for one never seen). */
  totals(tracker: string): OracleBytes {
    return this.#totals.get(tracker) ?? { uploaded: 0, downloaded: 0 };
  }

  /** Every tracker credited so far. */
  get trackers(): string[] {
    return [...this.#totals.keys()];
  }
}
