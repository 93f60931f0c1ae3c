// One device target: the shared poll loop around a device source, keeping the last snapshot it answered.

import type { Logger } from "../log.ts";
import type { DeviceContext, DeviceSource } from "../sources/source.ts";
import { PollingTarget } from "./polling-target.ts";
import type { TargetSummary } from "./target.ts";
import type { TargetConfig } from "./target-config.ts";

/** What a device target needs from the daemon. */
export interface DeviceTargetDeps<Snapshot> {
  readonly log: Logger;
  readonly createSource: (config: TargetConfig, context: DeviceContext) => DeviceSource<Snapshot>;
  readonly now?: () => number;
}

/**
 * Polls one device through its source, at most once per poll interval however often it is
 * scraped (a device's `minRefreshInterval` is its poll interval). Keeps the last snapshot; its
 * renderer shows it only while the device is up.
 */
export class DeviceTarget<Snapshot> extends PollingTarget {
  readonly kind = "device";
  /** The device's last successful answer. */
  snapshot: Snapshot | undefined;
  readonly #source: DeviceSource<Snapshot>;

  constructor(config: TargetConfig, deps: DeviceTargetDeps<Snapshot>) {
    super(config, deps.log, deps.now);
    this.#source = deps.createSource(config, {
      target: config.name,
      debug: (message, fields) => this.log.debug(message, fields),
    });
  }

  get bytesReceived(): number {
    return this.#source.bytesReceived;
  }

  summary(): TargetSummary {
    if (this.snapshot === undefined) return {};
    const { model, firmware } = this.#source.describe(this.snapshot);
    return { model, version: firmware };
  }

  protected async pollOnce(signal: AbortSignal): Promise<Readonly<Record<string, unknown>>> {
    const snapshot = await this.#source.poll(signal);
    this.snapshot = snapshot;
    const { model, firmware } = this.#source.describe(snapshot);
    return { model, firmware };
  }

  protected close(): Promise<void> {
    return this.#source.close();
  }
}
