// Renders one torrent target's families; what grows with its torrents is re-rendered only when its table changed.

import {
  CollectingWriter,
  type Collector,
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
  readonly labels: RenderedLabels;
}

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
  readonly #rowLabels = new WeakMap<TorrentRow, RowLabels>();
  /**
   * The families that grow with the torrents (aggregates, per-torrent series and their
   * downloader-exporter twins), as rendered for `#cacheKey`: the table's version and the client
   * version in downloader-exporter's labels. Everything else (health, poll counts, client rates,
   * session figures) changes with every poll and costs a few lines, so it is rendered every time.
   */
  #cacheKey = "";
  #tableFamilies = new CollectingWriter();
  #downloaderTableFamilies = new CollectingWriter();
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

  collect(w: MetricWriter): void {
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
    if (key !== this.#cacheKey) {
      this.#tableFamilies = new CollectingWriter();
      this.#renderAggregates(this.#tableFamilies);
      renderTorrentFigures(
        this.#tableFamilies,
        target.table,
        head,
        figureSupport(config.type, target.client?.version),
      );
      this.#renderPerTorrent(this.#tableFamilies);
      this.#downloaderTableFamilies = new CollectingWriter();
      if (config.compat.downloaderExporter)
        this.#renderDownloaderTable(this.#downloaderTableFamilies, downloaderHead);
      this.#cacheKey = key;
    }
    replay(w, this.#tableFamilies);
    renderPeers(w, target.peers, head);
    this.#session.collect(w);
    if (config.compat.downloaderExporter) this.#renderDownloaderClient(w, downloaderHead);
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

  #renderPerTorrent(w: CollectingWriter): void {
    const target = this.#target;
    const settings = target.config.perTorrent;
    const torrents = target.table.size;
    const omitted = omittedTorrents(torrents, settings);
    w.family(TARGET_SELF.omitted).sample(this.#self, omitted);
    w.family(TARGET_SELF.perTorrentCap).sample(this.#self, perTorrentCap(settings));
    this.#logCapCrossing(omitted > 0, torrents);
    if (omitted > 0) return;
    const present = w.family(PT.torrent);
    const status = w.family(PT.torrentStatus);
    const size = w.family(PT.torrentSize);
    const downloaded = w.family(PT.torrentDownloaded);
    const uploaded = w.family(PT.torrentUploaded);
    for (const row of target.table.rows()) {
      const labels = this.#labelsOf(row);
      present.sample(labels, 1);
      status.sample(labels, row.status);
      size.sample(labels, row.size);
      downloaded.sample(labels, row.downloaded);
      uploaded.sample(labels, row.uploaded);
    }
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

  #labelsOf(row: TorrentRow): RenderedLabels {
    const cached = this.#rowLabels.get(row);
    if (cached !== undefined && cached.name === row.name && cached.tracker === row.tracker)
      return cached.labels;
    const labels = joinLabels(
      this.#head,
      renderLabels(["torrent_hash", "torrent_name", "tracker"], [row.hash, row.name, row.tracker]),
    );
    this.#rowLabels.set(row, { name: row.name, tracker: row.tracker, labels });
    return labels;
  }
}

/** Writes the families a cache holds, in the order they were rendered. */
function replay(w: MetricWriter, cache: CollectingWriter): void {
  for (const family of cache.families.values()) w.family(family.def).appendChunks(family.chunks());
}
