// The qBittorrent source: incremental maindata polls mapped onto the model and the session catalog.

import { StateMapper } from "../../model/status.ts";
import { HttpClient, type TlsOptions } from "../../net/http-client.ts";
import { isLocalHost } from "../../net/local-address.ts";
import type { Credentials } from "../credentials.ts";
import type { PollResult, SourceContext, TorrentSource } from "../source.ts";
import { QbittorrentApi } from "./api.ts";
import { clientStatus } from "./client-status.ts";
import { QbittorrentSync } from "./qbittorrent-sync.ts";
import { engineOf, fillSession, libtorrentOf } from "./session-mapping.ts";
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
  #libraryVersion = "";

  constructor(options: QbittorrentOptions, context: SourceContext) {
    // On this machine, qBittorrent is asked for no gzip: a full list of 100,000 torrents is 143 MB
    // of JSON, which the benchmark's simulator took about 2.5 s more to send gzipped.
    this.#http = new HttpClient({
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      compressed: !isLocalHost(new URL(options.url).hostname),
    });
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
    if (this.#version === "") {
      this.#version = await this.#api.version(signal);
      this.#libraryVersion = await this.#api.buildInfo(signal).then(libtorrentOf, () => "");
    }
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
    const client = clientStatus(this.#version, server);
    return { ...changes, client: { ...client, engine: engineOf(server, this.#libraryVersion) } };
  }

  async remove(hashes: readonly string[], deleteData: boolean, signal: AbortSignal): Promise<void> {
    await this.#api.deleteTorrents(hashes, deleteData, signal);
  }

  async close(): Promise<void> {
    await this.#api.logout(AbortSignal.timeout(2000));
    this.#http.close();
  }
}
