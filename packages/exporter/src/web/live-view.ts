// The dashboard's data: an overview of every target and the host, per-tracker tables, paged torrent lists.

import type { NeedsCredentials } from "../collect/needs-credentials.ts";
import type { AnyTarget } from "../collect/target-set.ts";
import type { TorrentTarget } from "../collect/torrent-target.ts";
import type { HostSnapshot } from "../host/snapshot.ts";
import { STATUS_NAMES } from "../model/status.ts";
import type { TorrentRow } from "../model/torrent-table.ts";
import { redactUrl } from "../settings/redact-url.ts";

/** One target in the overview. */
export interface TargetOverview {
  readonly name: string;
  readonly type: string;
  readonly up: boolean;
  readonly lastError: string | null;
  /** ms since the epoch of the last successful poll; null when never. */
  readonly lastSuccessAt: number | null;
  /** When the target was last seen coming up (its uptime as the daemon sees it), or null. */
  readonly upSince: number | null;
  readonly version: string | null;
  readonly model: string | null;
  /** Torrent clients only. */
  readonly client: {
    readonly downloadRate: number;
    readonly uploadRate: number;
    readonly downloadedTotal: number | null;
    readonly uploadedTotal: number | null;
    readonly freeSpace: number | null;
  } | null;
  readonly classes: Readonly<Record<string, number>> | null;
  readonly trackers: number | null;
  /** What a torrent client says of its engine and /proc of its process, while it is up; null otherwise. */
  readonly engine: EngineOverview | null;
}

/** A torrent client's engine and process, each figure null where it is not known. */
export interface EngineOverview {
  readonly libraryVersion: string | null;
  /** When the client started (ms since the epoch): its own account, else its local process's. */
  readonly startedAt: number | null;
  readonly openSockets: number | null;
  readonly openFiles: number | null;
  readonly openHttpRequests: number | null;
  /** Its process, when it runs on the daemon's machine. */
  readonly process: {
    readonly cpuSeconds: number;
    readonly residentBytes: number;
    readonly virtualBytes: number;
  } | null;
}

/** What the live view shows every couple of seconds. */
export interface Overview {
  readonly at: number;
  readonly host: HostSnapshot | null;
  readonly targets: readonly TargetOverview[];
  /** Clients found on this machine that need a password before they can be watched. */
  readonly needsCredentials: readonly NeedsCredentials[];
}

export type { NeedsCredentials };

/** One row of a target's per-tracker table. */
export interface TrackerRow {
  readonly tracker: string;
  readonly torrents: number;
  readonly size: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /** uploaded / downloaded, or null when nothing was downloaded. */
  readonly ratio: number | null;
  readonly errors: number;
  readonly uploadRate: number;
  readonly downloadRate: number;
}

/** A page of a target's torrents. */
export interface TorrentPage {
  readonly total: number;
  readonly offset: number;
  readonly items: ReadonlyArray<Record<string, unknown>>;
}

/** How the torrent list is asked for. */
export interface TorrentQuery {
  readonly search: string;
  readonly sort: TorrentSortKey;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

/** Columns the torrent list sorts by. */
export const TORRENT_SORT_KEYS = [
  "name",
  "size",
  "progress",
  "uploaded",
  "downloaded",
  "uploadRate",
  "downloadRate",
  "ratio",
  "addedOn",
  "tracker",
  "status",
] as const;

/** One of TORRENT_SORT_KEYS. */
export type TorrentSortKey = (typeof TORRENT_SORT_KEYS)[number];

/** Builds the overview of every target. */
export function overview(
  targets: readonly AnyTarget[],
  host: HostSnapshot | null,
  needsCredentials: readonly NeedsCredentials[] = [],
): Overview {
  return {
    at: Date.now(),
    host,
    needsCredentials: needsCredentials.map((n) => ({ ...n, url: redactUrl(n.url) })),
    targets: targets.map((t): TargetOverview => {
      const summary = t.summary();
      const torrent = t.kind === "torrent" ? t : undefined;
      const client = torrent?.client;
      return {
        name: t.config.name,
        type: t.config.type,
        up: t.health.up,
        lastError: t.health.lastError ?? null,
        lastSuccessAt: t.health.lastSuccessAt === 0 ? null : t.health.lastSuccessAt,
        upSince: t.health.upSince === 0 ? null : t.health.upSince,
        version: summary.version ?? null,
        model: summary.model ?? null,
        client:
          client === undefined || !t.health.up
            ? null
            : {
                downloadRate: client.downloadRate,
                uploadRate: client.uploadRate,
                downloadedTotal: client.downloadedTotal ?? null,
                uploadedTotal: client.uploadedTotal ?? null,
                freeSpace: client.freeSpace ?? null,
              },
        classes: torrent === undefined ? null : { ...torrent.table.classes },
        trackers: torrent === undefined ? null : torrent.table.trackers.size,
        engine: torrent === undefined || !t.health.up ? null : engineOverview(torrent),
      };
    }),
  };
}

function engineOverview(target: TorrentTarget): EngineOverview {
  const engine = target.client?.engine ?? {};
  const start = target.clientStartTimeSeconds;
  const p = target.process;
  return {
    libraryVersion: engine.libraryVersion ?? null,
    startedAt: start === undefined ? null : Math.round(start * 1000),
    openSockets: engine.openSockets ?? null,
    openFiles: engine.openFiles ?? null,
    openHttpRequests: engine.openHttpRequests ?? null,
    process:
      p === undefined
        ? null
        : {
            cpuSeconds: p.cpuSeconds,
            residentBytes: p.residentBytes,
            virtualBytes: p.virtualBytes,
          },
  };
}

/** The per-tracker table of a torrent target, busiest first. */
export function trackerRows(target: TorrentTarget): TrackerRow[] {
  return [...target.table.trackers]
    .map(([tracker, s]) => ({
      tracker,
      torrents: s.torrents,
      size: s.size,
      uploaded: s.uploaded,
      downloaded: s.downloaded,
      ratio: s.downloaded > 0 ? s.uploaded / s.downloaded : null,
      errors: s.errors,
      uploadRate: s.uploadRate,
      downloadRate: s.downloadRate,
    }))
    .sort((a, b) => b.uploaded - a.uploaded || a.tracker.localeCompare(b.tracker));
}

/**
 * A page of a target's torrents, searched (name, hash, tracker, category, tag; case-insensitive)
 * and sorted on the server. The filtered, sorted order is cached until the table changes, so
 * paging through 100,000 torrents sorts once.
 */
export class TorrentLister {
  #key = "";
  #rows: TorrentRow[] = [];

  page(target: TorrentTarget, query: TorrentQuery): TorrentPage {
    const key = `${target.table.version}\u0000${query.search}\u0000${query.sort}\u0000${query.descending}`;
    if (key !== this.#key) {
      this.#rows = sortRows(filterRows(target, query.search), query.sort, query.descending);
      this.#key = key;
    }
    return {
      total: this.#rows.length,
      offset: query.offset,
      items: this.#rows.slice(query.offset, query.offset + query.limit).map(publicRow),
    };
  }
}

function filterRows(target: TorrentTarget, search: string): TorrentRow[] {
  const needle = search.trim().toLowerCase();
  const rows: TorrentRow[] = [];
  for (const row of target.table.rows()) {
    if (
      needle === "" ||
      row.name.toLowerCase().includes(needle) ||
      row.hash.startsWith(needle) ||
      row.tracker.toLowerCase().includes(needle) ||
      row.category.toLowerCase().includes(needle) ||
      row.tags.some((t) => t.toLowerCase().includes(needle))
    ) {
      rows.push(row);
    }
  }
  return rows;
}

function sortRows(rows: TorrentRow[], key: TorrentSortKey, descending: boolean): TorrentRow[] {
  const sign = descending ? -1 : 1;
  const text = key === "name" || key === "tracker";
  return rows.sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const order = text ? String(x).localeCompare(String(y)) : (x as number) - (y as number);
    return sign * order || a.hash.localeCompare(b.hash);
  });
}

function publicRow(row: TorrentRow): Record<string, unknown> {
  return {
    hash: row.hash,
    name: row.name,
    status: STATUS_NAMES[row.status],
    size: row.size,
    progress: row.progress,
    uploaded: row.uploaded,
    downloaded: row.downloaded,
    uploadRate: row.uploadRate,
    downloadRate: row.downloadRate,
    ratio: row.ratio,
    tracker: row.tracker,
    category: row.category,
    tags: row.tags,
    trackerError: row.trackerError,
    message: row.message,
    addedOn: row.addedOn,
    seedingTime: row.seedingTime,
  };
}
