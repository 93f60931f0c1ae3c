// One approach of the rTorrent sync benchmark, in its own process: polls, /metrics latency, memory.

import { StateMapper } from "../packages/exporter/src/model/status.ts";
import {
  ITEM_FIELDS,
  type ItemField,
  RtorrentApi,
  TRACKER_FIELDS,
  type TrackerField,
} from "../packages/exporter/src/sources/rtorrent/api.ts";
import { createTransport } from "../packages/exporter/src/sources/rtorrent/create-transport.ts";
import { RtorrentSync } from "../packages/exporter/src/sources/rtorrent/rtorrent-sync.ts";
import { RTORRENT_STATES } from "../packages/exporter/src/sources/rtorrent/states.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { runSyncChild } from "./sync-child.ts";

/**
 * The naive path most rTorrent exporters take: every `d.*` field of every torrent and every `t.*`
 * field of its trackers in one buffered `d.multicall2` each poll, plus the globals, mapped by the
 * same code as ours (a fresh diff each time, so everything is a change), so the two differ only
 * in what they fetch and how they read it.
 */
class EveryFieldSource implements TorrentSource {
  readonly #api: RtorrentApi;
  #bytes = 0;

  constructor(url: string) {
    const transport = createTransport(url);
    const send = transport.send.bind(transport);
    transport.send = async (body, signal, maxBytes) => {
      const answer = await send(body, signal, maxBytes);
      this.#bytes += answer.length;
      return answer;
    };
    this.#api = new RtorrentApi(transport);
  }

  get bytesReceived(): number {
    return this.#bytes;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const rows = await this.#api.torrents(
      {
        fields: Object.keys(ITEM_FIELDS) as ItemField[],
        trackers: Object.keys(TRACKER_FIELDS) as TrackerField[],
      },
      signal,
    );
    const globals = await this.#api.globals(signal);
    const sync = new RtorrentSync(new StateMapper(RTORRENT_STATES, () => {}));
    sync.begin();
    for (const row of rows) sync.row(row as Parameters<RtorrentSync["row"]>[0]);
    const changes = sync.end();
    return {
      reset: true,
      patches: changes.patches,
      removed: [],
      client: {
        version: "0.9.8",
        downloadedTotal: globals.downloadedBytes,
        uploadedTotal: globals.uploadedBytes,
        downloadRate: globals.downloadRate,
        uploadRate: globals.uploadRate,
        freeSpace: undefined,
      },
    };
  }

  remove(): Promise<void> {
    return Promise.reject(new Error("not used in the benchmark"));
  }

  async close(): Promise<void> {
    this.#api.close();
  }
}

await runSyncChild({
  ours: "trimmed",
  target: (url) => `{ name: sim, type: rtorrent, url: "${url}" }`,
  baseline: (url) => new EveryFieldSource(url),
});
