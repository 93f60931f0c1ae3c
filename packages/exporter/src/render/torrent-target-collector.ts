// Renders one torrent target's families; what grows with its torrents is re-rendered only when its table changed.

import {
  ByteLines,
  CollectingWriter,
  type Collector,
  encodeText,
  joinLabels,
  type MetricWriter,
  type RenderedLabels,
  renderLabels,
  SESSION_CATALOG,
  SessionCollector,
} from "@seedwatch/metrics";
import type { TorrentTarget } from "../collect/torrent-target.ts";
import type { Logger } from "../log.ts";
import type { TorrentRow } from "../model/torrent-table.ts";
import { publicUrl } from "../settings/redact-url.ts";
import { renderEngine } from "./engine-collector.ts";
import { omittedTorrents, perTorrentCap } from "./per-torrent-cap.ts";
import { statusLabel } from "./status-labels.ts";
import { renderTargetSelf, TARGET_SELF, targetSelfLabels } from "./target-self.ts";
import { figureSupport, renderPeers, renderTorrentFigures } from "./torrent-figures.ts";
import { DOWNLOADER, PT, TARGET_LABELS } from "./torrent-metrics.ts";

/** Prefix of the session-catalog families (`pt_session_net_bytes_sent_total`, ...). */
export const SESSION_PREFIX = "pt_session_";

interface RowLabels {
  readonly name: string;
  readonly tracker: string;
  /** The row's rendered label set, UTF-8 encoded once for `ByteLines`. */
  readonly labels: Uint8Array;
  /** The last rendering that used it (see `#renderings`). */
  rendered: number;
}

/** Rows rendered between two turns of the event loop (10,000 lines, a few milliseconds). */
const SLICE_ROWS = 2000;

/** The per-torrent families' sample names, encoded once. */
const NAMES = {
  present: encodeText(PT.torrent.sampleName),
  status: encodeText(PT.torrentStatus.sampleName),
  size: encodeText(PT.torrentSize.sampleName),
  downloaded: encodeText(PT.torrentDownloaded.sampleName),
  uploaded: encodeText(PT.torrentUploaded.sampleName),
};

/**
 * Everything one torrent target exports: pt-exporter's families and the aggregates when it is
 * up (nothing stale when it is down: only `pt_up 0` and its health), the per-torrent series of
 * every torrent while it has no more than its cap (none above it), the session catalog,
 * downloader-exporter's family when enabled, and the daemon's own view of the target.
 */
export class TorrentTargetCollector implements Collector {
  readonly name: string;
  readonly #target: TorrentTarget;
  readonly #log: Logger;
  readonly #host: string;
  readonly #head: RenderedLabels;
  readonly #self: RenderedLabels;
  readonly #session: SessionCollector;
  /**
   * Each torrent's encoded labels, by hash. A Map, not a WeakMap by row: V8 marks a WeakMap's
   * entries as ephemerons in the full collector's atomic pause, and at 100,000 torrents that was
   * 120 of its 185 ms, the event loop stopped. Entries of removed torrents are dropped after the
   * rendering that no longer saw them.
   */
  readonly #rowLabels = new Map<string, RowLabels>();
  #renderings = 0;
  /**
   * The families that grow with the torrents (aggregates, per-torrent series and their
   * downloader-exporter twins), as rendered for `#cacheKey`: the table's version and the client
   * version in downloader-exporter's labels. Everything else (health, poll counts, client rates,
   * session figures) changes with every poll and costs a few lines, so it is rendered every time.
   */
  #cacheKey = "";
  #tableFamilies = new CollectingWriter();
  #downloaderTableFamilies = new CollectingWriter();
  /** The per-torrent families' chunks as last rendered, in `NAMES` order (see `ByteLines`). */
  #perTorrentChunks: readonly (readonly Uint8Array[])[] = [];
  /** The rendering under way for a cache key: scrapes that ask meanwhile wait for it. */
  #rendering: { readonly key: string; readonly done: Promise<void> } | undefined;
  /** Whether the last rendering was over the per-torrent cap (logged when that changes). */
  #overCap = false;

  constructor(target: TorrentTarget, log: Logger) {
    const c = target.config;
    this.name = `target:${c.name}`;
    this.#target = target;
    this.#log = log.child({ target: c.name });
    // The `host` label shows the URL without what a credential could be in (its query string).
    this.#host = publicUrl(c.url);
    this.#head = renderLabels(TARGET_LABELS, [c.name, this.#host, c.type]);
    this.#self = targetSelfLabels(target);
    this.#session = new SessionCollector({
      name: `session:${c.name}`,
      catalog: SESSION_CATALOG,
      prefix: SESSION_PREFIX,
      labelNames: TARGET_LABELS,
      sessions: () => [{ labels: this.#head, counters: target.session }],
    });
  }

  /** How many torrents' encoded labels are kept: after a rendering, no more than the table has. */
  get labelsKept(): number {
    return this.#rowLabels.size;
  }

  collect(w: MetricWriter): void | Promise<void> {
    const target = this.#target;
    const config = target.config;
    const up = target.health.up;
    const head = this.#head;
    w.family(PT.up).sample(head, up ? 1 : 0);
    this.#renderSelf(w);
    const downloaderHead = renderLabels(
      ["name", "version", "client", "host"],
      [config.name, target.client?.version ?? "", config.type, this.#host],
    );
    if (config.compat.downloaderExporter)
      w.family(DOWNLOADER.up).sample(downloaderHead, up ? 1 : 0);
    if (!up) return;

    const client = target.client;
    if (client !== undefined) {
      if (client.downloadedTotal !== undefined)
        w.family(PT.downloadedTotal).sample(head, client.downloadedTotal);
      if (client.uploadedTotal !== undefined)
        w.family(PT.uploadedTotal).sample(head, client.uploadedTotal);
      w.family(PT.downloadSpeed).sample(head, client.downloadRate * 8);
      w.family(PT.uploadSpeed).sample(head, client.uploadRate * 8);
      w.family(PT.downloadSpeedBytes).sample(head, client.downloadRate);
      w.family(PT.uploadSpeedBytes).sample(head, client.uploadRate);
      if (client.freeSpace !== undefined) w.family(PT.freeSpace).sample(head, client.freeSpace);
    }
    const { upload, download } = config.maxSpeed;
    if (download !== undefined) w.family(PT.maxDownloadSpeed).sample(head, download);
    if (upload !== undefined) w.family(PT.maxUploadSpeed).sample(head, upload);
    const key = `${target.table.version}\u0000${target.client?.version ?? ""}`;
    if (key === this.#cacheKey) return this.#writeTable(w, downloaderHead);
    if (this.#rendering?.key !== key) {
      const done = this.#renderTable(key, downloaderHead).finally(() => {
        if (this.#rendering?.done === done) this.#rendering = undefined;
      });
      this.#rendering = { key, done };
    }
    return this.#rendering.done.then(() => this.#writeTable(w, downloaderHead));
  }

  /**
   * Renders what grows with the torrents into a new cache for `key`. The per-torrent series are
   * written in slices of rows with the event loop free between them: at 100,000 torrents they
   * take long enough to hold every other request (and the polls) back otherwise. A poll that
   * lands meanwhile changes the table's version, so the next scrape renders again.
   */
  async #renderTable(key: string, downloaderHead: RenderedLabels): Promise<void> {
    const target = this.#target;
    const tableFamilies = new CollectingWriter();
    this.#renderAggregates(tableFamilies);
    renderTorrentFigures(
      tableFamilies,
      target.table,
      this.#head,
      figureSupport(target.config.type, target.client?.version),
    );
    await this.#renderPerTorrent(tableFamilies);
    const downloaderTableFamilies = new CollectingWriter();
    if (this.#target.config.compat.downloaderExporter)
      this.#renderDownloaderTable(downloaderTableFamilies, downloaderHead);
    this.#tableFamilies = tableFamilies;
    this.#downloaderTableFamilies = downloaderTableFamilies;
    this.#cacheKey = key;
  }

  #writeTable(w: MetricWriter, downloaderHead: RenderedLabels): void {
    replay(w, this.#tableFamilies);
    renderEngine(w, this.#target, this.#head);
    renderPeers(w, this.#target.peers, this.#head);
    this.#session.collect(w);
    if (this.#target.config.compat.downloaderExporter)
      this.#renderDownloaderClient(w, downloaderHead);
    replay(w, this.#downloaderTableFamilies);
  }

  #renderSelf(w: MetricWriter): void {
    renderTargetSelf(w, this.#target, this.#self);
    w.family(TARGET_SELF.torrents).sample(this.#self, this.#target.table.size);
    w.family(TARGET_SELF.counterSaveErrors).sample(this.#self, this.#target.counterSaveErrors);
  }

  #renderAggregates(w: CollectingWriter): void {
    const table = this.#target.table;
    const head = this.#head;
    const language = this.#target.config.compat.statusLanguage;
    const cells = w.family(PT.torrentsCount);
    for (const cell of table.stateCells) {
      const labels = renderLabels(
        ["status", "tracker", "category"],
        [statusLabel(cell.status, language), cell.tracker, cell.category],
      );
      cells.sample(joinLabels(head, labels), cell.torrents);
    }
    for (const [tracker, stats] of table.trackers) {
      const labels = joinLabels(head, renderLabels(["tracker"], [tracker]));
      w.family(PT.trackerUploaded).sample(labels, stats.uploaded);
      w.family(PT.trackerDownloaded).sample(labels, stats.downloaded);
      w.family(PT.trackerTorrents).sample(labels, stats.torrents);
      w.family(PT.trackerSize).sample(labels, stats.size);
      w.family(PT.trackerErrors).sample(labels, stats.errors);
      w.family(PT.trackerUploadSpeed).sample(labels, stats.uploadRate);
      w.family(PT.trackerDownloadSpeed).sample(labels, stats.downloadRate);
    }
    for (const [category, stats] of table.categories) {
      const labels = joinLabels(head, renderLabels(["category"], [category]));
      w.family(PT.categoryTorrents).sample(labels, stats.torrents);
      w.family(PT.categorySize).sample(labels, stats.size);
    }
    for (const [tag, stats] of table.tags) {
      const labels = joinLabels(head, renderLabels(["tag"], [tag]));
      w.family(PT.tagTorrents).sample(labels, stats.torrents);
      w.family(PT.tagSize).sample(labels, stats.size);
    }
  }

  async #renderPerTorrent(w: CollectingWriter): Promise<void> {
    const target = this.#target;
    const settings = target.config.perTorrent;
    const torrents = target.table.size;
    const omitted = omittedTorrents(torrents, settings);
    w.family(TARGET_SELF.omitted).sample(this.#self, omitted);
    w.family(TARGET_SELF.perTorrentCap).sample(this.#self, perTorrentCap(settings));
    this.#logCapCrossing(omitted > 0, torrents);
    if (omitted > 0) return;
    // Written as bytes: 5 lines per torrent, 500,000 at 100,000 torrents, with no string per line.
    const last = this.#perTorrentChunks;
    const present = new ByteLines(last[0]);
    const status = new ByteLines(last[1]);
    const size = new ByteLines(last[2]);
    const downloaded = new ByteLines(last[3]);
    const uploaded = new ByteLines(last[4]);
    const rendering = ++this.#renderings;
    let slice = 0;
    for (const row of target.table.rows()) {
      const labels = this.#labelsOf(row, rendering);
      present.line(NAMES.present, labels, 1);
      status.line(NAMES.status, labels, row.status);
      size.line(NAMES.size, labels, row.size);
      downloaded.line(NAMES.downloaded, labels, row.downloaded);
      uploaded.line(NAMES.uploaded, labels, row.uploaded);
      if (++slice === SLICE_ROWS) {
        slice = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (this.#rowLabels.size > target.table.size) {
      for (const [hash, cached] of this.#rowLabels)
        if (cached.rendered !== rendering) this.#rowLabels.delete(hash);
    }
    this.#perTorrentChunks = [present, status, size, downloaded, uploaded].map((l) => l.chunks());
    w.family(PT.torrent).appendChunks(present.chunks());
    w.family(PT.torrentStatus).appendChunks(status.chunks());
    w.family(PT.torrentSize).appendChunks(size.chunks());
    w.family(PT.torrentDownloaded).appendChunks(downloaded.chunks());
    w.family(PT.torrentUploaded).appendChunks(uploaded.chunks());
  }

  /** One log line each time the target crosses its cap, either way (not when series are off). */
  #logCapCrossing(over: boolean, torrents: number): void {
    const settings = this.#target.config.perTorrent;
    if (!settings.enabled || over === this.#overCap) return;
    this.#overCap = over;
    const fields = { torrents, max_torrents: settings.maxTorrents };
    if (over) {
      this.#log.warn(
        "more torrents than per_torrent.max_torrents: no torrent of the target has per-torrent series now, only the aggregates",
        fields,
      );
    } else {
      this.#log.info(
        "torrents back within per_torrent.max_torrents: every torrent of the target has per-torrent series again",
        fields,
      );
    }
  }

  #renderDownloaderClient(w: MetricWriter, head: RenderedLabels): void {
    const client = this.#target.client;
    if (client === undefined) return;
    if (client.downloadedTotal !== undefined)
      w.family(DOWNLOADER.downloadedTotal).sample(head, client.downloadedTotal);
    if (client.uploadedTotal !== undefined)
      w.family(DOWNLOADER.uploadedTotal).sample(head, client.uploadedTotal);
    w.family(DOWNLOADER.downloadSpeed).sample(head, client.downloadRate);
    w.family(DOWNLOADER.uploadSpeed).sample(head, client.uploadRate);
  }

  #renderDownloaderTable(w: CollectingWriter, head: RenderedLabels): void {
    const target = this.#target;
    const language = target.config.compat.statusLanguage;
    const counts = w.family(DOWNLOADER.torrentsCount);
    for (const cell of target.table.stateCells) {
      const labels = renderLabels(
        ["status", "category", "tracker"],
        [statusLabel(cell.status, language), cell.category, cell.tracker],
      );
      counts.sample(joinLabels(head, labels), cell.torrents);
    }
    // downloader-exporter keys these by (torrent_name, tracker); torrents sharing both are summed,
    // since two equal label sets would be duplicate series.
    if (omittedTorrents(target.table.size, target.config.perTorrent) > 0) return;
    const byName = new Map<string, { uploaded: number; downloaded: number }>();
    for (const row of target.table.rows()) {
      const key = `${row.name}\u0000${row.tracker}`;
      const sum = byName.get(key) ?? { uploaded: 0, downloaded: 0 };
      sum.uploaded += row.uploaded;
      sum.downloaded += row.downloaded;
      byName.set(key, sum);
    }
    for (const [key, sum] of byName) {
      const [name = "", tracker = ""] = key.split("\u0000");
      const labels = joinLabels(head, renderLabels(["torrent_name", "tracker"], [name, tracker]));
      w.family(DOWNLOADER.torrentUploaded).sample(labels, sum.uploaded);
      w.family(DOWNLOADER.torrentDownloaded).sample(labels, sum.downloaded);
    }
  }

  #labelsOf(row: TorrentRow, rendering: number): Uint8Array {
    const cached = this.#rowLabels.get(row.hash);
    if (cached !== undefined && cached.name === row.name && cached.tracker === row.tracker) {
      cached.rendered = rendering;
      return cached.labels;
    }
    const labels = encodeText(
      joinLabels(
        this.#head,
        renderLabels(
          ["torrent_hash", "torrent_name", "tracker"],
          [row.hash, row.name, row.tracker],
        ),
      ),
    );
    this.#rowLabels.set(row.hash, {
      name: row.name,
      tracker: row.tracker,
      labels,
      rendered: rendering,
    });
    return labels;
  }
}

/** Writes the families a cache holds, in the order they were rendered. */
function replay(w: MetricWriter, cache: CollectingWriter): void {
  for (const family of cache.families.values()) w.family(family.def).appendChunks(family.chunks());
}
