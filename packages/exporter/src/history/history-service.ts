// The daemon's history as one piece: the archive and its sampler, or the Prometheus reader, as the config says.

import type { DatabaseSync } from "node:sqlite";
import type { TargetSet } from "../collect/target-set.ts";
import type { HostSnapshot } from "../host/snapshot.ts";
import type { Logger } from "../log.ts";
import { ArchiveStore } from "./archive-store.ts";
import type { HistoryBackend } from "./backend.ts";
import { EmbeddedBackend } from "./embedded-backend.ts";
import type { HistoryConfig } from "./history-config.ts";
import { PrometheusBackend } from "./prometheus-backend.ts";
import { HistorySampler } from "./sampler.ts";

/** What the history needs from the daemon. */
export interface HistoryServiceDeps {
  readonly config: HistoryConfig;
  readonly db: DatabaseSync;
  readonly targets: TargetSet;
  /** The host sampler, or undefined when host indicators are off. */
  readonly host: { sample(): Promise<HostSnapshot> } | undefined;
  readonly log: Logger;
}

/**
 * With `source: embedded`, an ArchiveStore in the state database fed by a HistorySampler; with
 * `source: prometheus`, a reader of Prometheus and no sampling at all; with `enabled: false`,
 * nothing (the API says history is off).
 */
export class HistoryService {
  /** Where the API reads history; undefined when history is off. */
  readonly backend: HistoryBackend | undefined;
  readonly config: HistoryConfig;
  readonly #sampler: HistorySampler | undefined;

  constructor(deps: HistoryServiceDeps) {
    const { config, log } = deps;
    this.config = config;
    if (!config.enabled) {
      this.backend = undefined;
      this.#sampler = undefined;
    } else if (config.source === "prometheus" && config.prometheus !== undefined) {
      this.backend = new PrometheusBackend(config.prometheus, config.resolution);
      this.#sampler = undefined;
    } else {
      const store = new ArchiveStore(deps.db, { resolutionMs: config.resolution });
      if (store.reset)
        log.warn("history archive cleared: it was written with another resolution or layout", {
          resolution: `${config.resolution / 1000}s`,
        });
      this.backend = new EmbeddedBackend(store);
      this.#sampler = new HistorySampler({
        store,
        resolutionMs: config.resolution,
        targets: () => deps.targets.torrentTargets(),
        host: deps.host,
        log,
      });
    }
  }

  /** Starts sampling (embedded archive only). */
  start(): void {
    this.#sampler?.start();
  }

  /** Stops sampling, waiting for a write in progress, and closes remote connections. */
  async stop(): Promise<void> {
    await this.#sampler?.stop();
    this.backend?.close();
  }
}
