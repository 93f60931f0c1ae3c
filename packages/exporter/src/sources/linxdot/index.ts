// The Linxdot device kind: a miner's dashboard API as a device source, answering its system figures on each poll.

import type { TlsOptions } from "../../net/http-client.ts";
import { HttpClient } from "../../net/http-client.ts";
import type { Credentials } from "../credentials.ts";
import type { DeviceContext, DeviceDescription, DeviceSource } from "../source.ts";
import { LinxdotApi } from "./api.ts";
import type { LinxdotSystemInfo } from "./system-info.ts";

/** The largest /info/system answer accepted; the real one is a few hundred bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** How to reach one miner. */
export interface LinxdotSourceOptions {
  /** The dashboard's base URL, e.g. `http://192.168.1.20`. */
  readonly url: string;
  /** The dashboard's user name and password. */
  readonly credentials: Credentials;
  /** Send the credentials as they are instead of MD5-hashed. */
  readonly plainCredentials: boolean;
  readonly tls: TlsOptions;
}

/** One miner, asked for its system figures through its dashboard session (logging in when needed). */
export class LinxdotSource implements DeviceSource<LinxdotSystemInfo> {
  readonly #http: HttpClient;
  readonly #api: LinxdotApi;
  readonly #context: DeviceContext;

  constructor(options: LinxdotSourceOptions, context: DeviceContext) {
    this.#context = context;
    this.#http = new HttpClient({
      tls: options.tls,
      maxResponseBytes: MAX_ANSWER_BYTES,
      maxSockets: 1,
    });
    this.#api = new LinxdotApi(
      options.url,
      { credentials: options.credentials, plain: options.plainCredentials },
      this.#http,
    );
  }

  get bytesReceived(): number {
    return this.#api.traffic.wireBytes;
  }

  async poll(signal: AbortSignal): Promise<LinxdotSystemInfo> {
    const logins = this.#api.traffic.logins;
    const system = await this.#api.systemInfo(signal);
    this.#context.debug("asked the miner", {
      logged_in: this.#api.traffic.logins > logins,
      cpu_temp: system.cpuTemp,
    });
    return system;
  }

  describe(system: LinxdotSystemInfo): DeviceDescription {
    return { model: system.modelName, firmware: system.firmware };
  }

  async close(): Promise<void> {
    this.#http.close();
  }
}
