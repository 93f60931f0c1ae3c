// One Linxdot miner target: the shared poll loop around its dashboard session, keeping the last answer.

import { PollingTarget } from "../../collect/polling-target.ts";
import type { TargetSummary } from "../../collect/target.ts";
import type { TargetConfig } from "../../collect/target-config.ts";
import type { Logger } from "../../log.ts";
import { HttpClient } from "../../net/http-client.ts";
import { LinxdotApi } from "./api.ts";
import type { LinxdotSystemInfo } from "./system-info.ts";

/** The largest /info/system answer accepted; the real one is a few hundred bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Polls one miner through its dashboard API, at most once per poll interval (60 s by default)
 * however often it is scraped, since scrapes only refresh data older than that. Keeps the last
 * answer; the collector shows it only while the miner is up.
 */
export class LinxdotTarget extends PollingTarget {
  /** The miner's last successful answer. */
  system: LinxdotSystemInfo | undefined;
  readonly #http: HttpClient;
  readonly #api: LinxdotApi;

  constructor(config: TargetConfig, log: Logger, now?: () => number) {
    super(config, log, now);
    if (config.username === undefined || config.password === undefined)
      throw new Error(`target ${config.name}: a linxdot target needs username and password`);
    this.#http = new HttpClient({
      tls: config.tls,
      maxResponseBytes: MAX_ANSWER_BYTES,
      maxSockets: 1,
    });
    this.#api = new LinxdotApi(
      config.url,
      {
        username: config.username,
        password: config.password,
        plain: config.plainCredentials,
      },
      this.#http,
    );
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  summary(): TargetSummary {
    const system = this.system;
    return system === undefined ? {} : { model: system.modelName, version: system.firmware };
  }

  protected async pollOnce(signal: AbortSignal): Promise<Readonly<Record<string, unknown>>> {
    const logins = this.#api.traffic.logins;
    const system = await this.#api.systemInfo(signal);
    this.system = system;
    this.log.debug("asked the miner", {
      logged_in: this.#api.traffic.logins > logins,
      cpu_temp: system.cpuTemp,
    });
    return { model: system.modelName, firmware: system.firmware };
  }

  protected async close(): Promise<void> {
    this.#http.close();
  }
}
