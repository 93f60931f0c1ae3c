// One approach of the Deluge sync benchmark, in its own process: polls, /metrics latency, memory.

import { StateMapper } from "../packages/exporter/src/model/status.ts";
import { Credentials } from "../packages/exporter/src/sources/credentials.ts";
import type { DelugeTorrentStatus } from "../packages/exporter/src/sources/deluge/api.ts";
import { RpcDelugeApi } from "../packages/exporter/src/sources/deluge/api.ts";
import { DaemonRpcClient } from "../packages/exporter/src/sources/deluge/daemon-rpc.ts";
import { DelugeSync } from "../packages/exporter/src/sources/deluge/deluge-sync.ts";
import { POLL_SESSION_KEYS } from "../packages/exporter/src/sources/deluge/index.ts";
import { DELUGE_STATES } from "../packages/exporter/src/sources/deluge/states.ts";
import type { PollResult, TorrentSource } from "../packages/exporter/src/sources/source.ts";
import { runSyncChild } from "./sync-child.ts";

const USERNAME = "seedwatch";
const PASSWORD = "sim-password";

/**
 * The baseline: what a naive Deluge exporter does, `core.get_torrents_status({}, [])` (every key
 * of every torrent, `files`, `peers` and `trackers` included) on every poll, mapped with the same
 * code as ours so the two differ only in what they fetch.
 */
class NaiveDelugeSource implements TorrentSource {
  readonly #client: DaemonRpcClient;
  readonly #api: RpcDelugeApi;

  constructor(url: string) {
    this.#client = new DaemonRpcClient({ url, credentials: Credentials.login(USERNAME, PASSWORD) });
    this.#api = new RpcDelugeApi(this.#client);
  }

  get bytesReceived(): number {
    return this.#client.bytesReceived;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    const { result } = await this.#client.request(
      "core.get_torrents_status",
      [{}, [], false],
      {},
      signal,
    );
    const counters = await this.#api.sessionStatus(POLL_SESSION_KEYS, signal);
    const freeSpace = await this.#api.freeSpace(undefined, signal);
    type Full = Partial<DelugeTorrentStatus> & { trackers?: Array<{ url: string }> };
    const torrents = new Map(Object.entries(result as Record<string, Full>));
    const announces = new Map(
      [...torrents].map(([id, t]) => [id, (t.trackers ?? []).map((e) => e.url)]),
    );
    const sync = new DelugeSync(new StateMapper(DELUGE_STATES, () => {}));
    const changes = sync.apply({ full: true, torrents }, announces, {
      reconnected: false,
      now: performance.now(),
    });
    return {
      ...changes,
      client: {
        version: "2.0.3",
        downloadedTotal: counters["net.recv_payload_bytes"],
        uploadedTotal: counters["net.sent_payload_bytes"],
        downloadRate: counters.payload_download_rate ?? 0,
        uploadRate: counters.payload_upload_rate ?? 0,
        freeSpace,
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
  ours: "changed-only",
  target: (url) =>
    `{ name: sim, type: deluge, url: "${url}", username: ${USERNAME}, password: ${PASSWORD} }`,
  baseline: (url) => new NaiveDelugeSource(url),
});
