// One approach of the Transmission sync benchmark, in its own process: polls, /metrics latency, memory.

import { StateMapper } from "../packages/exporter/src/model/status.ts";
import { HttpClient } from "../packages/exporter/src/net/http-client.ts";
import { HELD_LIST_BYTES } from "../packages/exporter/src/sources/answer-limits.ts";
import { Credentials } from "../packages/exporter/src/sources/credentials.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { TransmissionApi } from "../packages/exporter/src/sources/transmission/api.ts";
import { TORRENT_FIELD_NAMES } from "../packages/exporter/src/sources/transmission/dialect.ts";
import { TransmissionSync } from "../packages/exporter/src/sources/transmission/transmission-sync.ts";
import { runSyncChild } from "./sync-child.ts";

/**
 * The baseline: what most Transmission exporters do. Every poll asks `torrent-get` for every
 * torrent (objects format, the same fields) and `session-stats`, parses the whole answer at once,
 * and maps it with the same code as our source, so the two differ only in what they fetch and how
 * they read it.
 */
class FullTorrentGetSource implements TorrentSource {
  readonly #http = new HttpClient();
  readonly #api: TransmissionApi;

  constructor(url: string) {
    this.#api = new TransmissionApi(url, Credentials.login("admin", "adminadmin"), this.#http);
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const answer = await this.#api.call(
      "torrent-get",
      { fields: [...TORRENT_FIELD_NAMES] },
      signal,
      HELD_LIST_BYTES,
    );
    const stats = await this.#api.call("session-stats", {}, signal);
    const pass = new TransmissionSync(new StateMapper({}, () => {})).begin("full");
    for (const torrent of answer.torrents as unknown[]) pass.element(torrent);
    const changes = pass.finish(undefined);
    const cumulative = stats["cumulative-stats"] as Record<string, number>;
    return {
      reset: true,
      patches: changes.patches,
      removed: [],
      client: {
        version: "3.00",
        downloadedTotal: cumulative.downloadedBytes,
        uploadedTotal: cumulative.uploadedBytes,
        downloadRate: stats.downloadSpeed as number,
        uploadRate: stats.uploadSpeed as number,
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

await runSyncChild({
  ours: "incremental",
  target: (url) =>
    `{ name: sim, type: transmission, url: "${url}", username: admin, password: adminadmin }`,
  baseline: (url) => new FullTorrentGetSource(url),
});
