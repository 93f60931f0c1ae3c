// The baseline for the sync benchmark: what most exporters do, the full torrents/info list on every poll.

import { StateMapper } from "../packages/exporter/src/model/status.ts";
import { HttpClient } from "../packages/exporter/src/net/http-client.ts";
import { Credentials } from "../packages/exporter/src/sources/credentials.ts";
import { QbittorrentApi } from "../packages/exporter/src/sources/qbittorrent/api.ts";
import { QbittorrentSync } from "../packages/exporter/src/sources/qbittorrent/qbittorrent-sync.ts";
import { QBITTORRENT_STATES } from "../packages/exporter/src/sources/qbittorrent/states.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";

/**
 * Polls `torrents/info` (every torrent, every field) and `transfer/info`, and maps the list with
 * the same code as the incremental source, so the two differ only in what they fetch.
 */
export class FullListSource implements TorrentSource {
  readonly #http = new HttpClient();
  readonly #api: QbittorrentApi;

  constructor(url: string) {
    this.#api = new QbittorrentApi(url, Credentials.login("admin", "adminadmin"), this.#http);
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const list = (await this.#api.torrentsInfo(signal)) as Array<
      Record<string, unknown> & { hash: string }
    >;
    const transfer = (await this.#api.transferInfo(signal)) as Record<string, number>;
    const sync = new QbittorrentSync(new StateMapper(QBITTORRENT_STATES, () => {}));
    const torrents = Object.fromEntries(list.map((t) => [t.hash, t]));
    const changes = sync.apply(
      { rid: 1, full_update: true, torrents, server_state: transfer },
      Math.floor(Date.now() / 1000),
    );
    return {
      ...changes,
      client: {
        version: "v4.5.2",
        downloadedTotal: undefined,
        uploadedTotal: undefined,
        downloadRate: transfer.dl_info_speed ?? 0,
        uploadRate: transfer.up_info_speed ?? 0,
        freeSpace: undefined,
      },
    };
  }

  remove(): Promise<void> {
    return Promise.reject(new Error("not used in the benchmark"));
  }

  async close(): Promise<void> {
    this.#http.close();
  }
}
