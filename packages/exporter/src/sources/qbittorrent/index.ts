// The qBittorrent source: incremental maindata polls mapped onto the model and the session catalog.

import { SESSION_METRIC as M, type SessionCounters } from "@seedwatch/metrics";
import { StateMapper } from "../../model/status.ts";
import { HttpClient, type TlsOptions } from "../../net/http-client.ts";
import type { Credentials } from "../credentials.ts";
import type { PollResult, SourceContext, TorrentSource } from "../source.ts";
import { QbittorrentApi } from "./api.ts";
import { clientStatus } from "./client-status.ts";
import { QbittorrentSync, type ServerState } from "./qbittorrent-sync.ts";
import { QBITTORRENT_STATES } from "./states.ts";

/** Where and how to reach one qBittorrent. */
export interface QbittorrentOptions {
  readonly url: string;
  /** A user name and password, or (qBittorrent 5.2+) an API key. */
  readonly credentials: Credentials;
  readonly tls?: TlsOptions;
}

/**
 * Polls `sync/maindata` with the last rid, so a poll costs what changed, not the whole list.
 * The global figures are mapped by `clientStatus`.
 */
export class QbittorrentSource implements TorrentSource {
  readonly #api: QbittorrentApi;
  readonly #http: HttpClient;
  readonly #sync: QbittorrentSync;
  readonly #context: SourceContext;
  #generation = -1;
  #version = "";

  constructor(options: QbittorrentOptions, context: SourceContext) {
    this.#http = new HttpClient(options.tls === undefined ? {} : { tls: options.tls });
    this.#api = new QbittorrentApi(options.url, options.credentials, this.#http);
    this.#sync = new QbittorrentSync(new StateMapper(QBITTORRENT_STATES, context.onUnknownState));
    this.#context = context;
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  /** Requests and logins made so far. */
  get traffic(): Readonly<{ requests: number; logins: number; wireBytes: number }> {
    return this.#api.traffic;
  }

  async poll(signal: AbortSignal): Promise<PollResult> {
    if (this.#version === "") this.#version = await this.#api.version(signal);
    if (this.#api.sessionGeneration !== this.#generation) {
      // A new session has a new SyncController inside qBittorrent: start again from rid 0.
      this.#sync.restart();
      this.#generation = this.#api.sessionGeneration;
    }
    this.#sync.begin();
    let read = 0;
    const rest = await this.#api.maindata(
      this.#sync.rid,
      (hash, fields) => {
        this.#sync.torrent(hash, fields);
        if (++read % 1000 === 0) this.#context.onProgress?.(read, undefined);
      },
      signal,
    );
    if (this.#api.sessionGeneration !== this.#generation) {
      this.#sync.restart();
      this.#generation = this.#api.sessionGeneration;
    }
    const changes = this.#sync.finish(rest, Math.floor(Date.now() / 1000));
    const server = this.#sync.serverState;
    fillSession(this.#context.session, server);
    return { ...changes, client: clientStatus(this.#version, server) };
  }

  async remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    await this.#api.deleteTorrents(hashes, deleteData, signal);
  }

  async close(): Promise<void> {
    await this.#api.logout(AbortSignal.timeout(2000));
    this.#http.close();
  }
}

/** Fills the session catalog with the `server_state` figures that mean exactly what the catalog says. */
function fillSession(session: SessionCounters, server: ServerState): void {
  const pairs: ReadonlyArray<readonly [number, unknown]> = [
    [M.DHT_NODES, server.dht_nodes],
    [M.NET_NUM_CONNECTIONS, server.total_peer_connections],
    [M.BW_PAYLOAD_DOWNLOAD_RATE, server.dl_info_speed],
    [M.BW_PAYLOAD_UPLOAD_RATE, server.up_info_speed],
    [M.BW_TOTAL_DOWNLOADED, server.dl_info_data],
    [M.BW_TOTAL_UPLOADED, server.up_info_data],
    [M.PROTO_WASTE_BYTES, server.total_wasted_session],
    [M.DISK_QUEUE_DEPTH, server.queued_io_jobs],
  ];
  for (const [slot, value] of pairs) {
    const n = num(value);
    if (n !== undefined) session.set(slot, Math.trunc(n));
  }
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
