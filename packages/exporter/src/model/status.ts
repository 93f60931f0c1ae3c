// The torrent status codes of pt-exporter's table (0-10), shared by every client's state mapping.

/** The status table, exactly as pt-exporter documents it. */
export const TorrentStatus = {
  Unknown: 0,
  Allocating: 1,
  Downloading: 2,
  Uploading: 3,
  Checking: 4,
  Errored: 5,
  Stalled: 6,
  Queued: 7,
  Paused: 8,
  Moving: 9,
  /** A client state the mapping does not know (logged once per state). */
  Undefined: 10,
} as const;

/** One of the eleven status codes. */
export type StatusCode = (typeof TorrentStatus)[keyof typeof TorrentStatus];

/** English names by code, as downloader-exporter's `status` label spells them. */
export const STATUS_NAMES: readonly string[] = Object.keys(TorrentStatus);

/** Number of status codes. */
export const STATUS_COUNT = STATUS_NAMES.length;

/** The English name of a status code. */
export function statusName(code: StatusCode): string {
  return STATUS_NAMES[code] ?? "Undefined";
}

/**
 * Maps client state strings to codes with a fixed table, and reports each state it does not know
 * once (so a new client release shows up in the log without flooding it).
 */
export class StateMapper {
  readonly #table: ReadonlyMap<string, StatusCode>;
  readonly #seen = new Set<string>();
  readonly #onUnknown: (state: string) => void;

  constructor(table: Readonly<Record<string, StatusCode>>, onUnknown: (state: string) => void) {
    this.#table = new Map(Object.entries(table));
    this.#onUnknown = onUnknown;
  }

  /** The code of `state`; Undefined (10) for a state not in the table. */
  map(state: string): StatusCode {
    const code = this.#table.get(state);
    if (code !== undefined) return code;
    if (!this.#seen.has(state) && this.#seen.size < 100) {
      this.#seen.add(state);
      this.#onUnknown(state);
    }
    return TorrentStatus.Undefined;
  }
}
