// Renders one Linxdot miner target: linxdot_exporter's miner_* families when it is up, miner_up and health always.

import {
  type Collector,
  joinLabels,
  type MetricWriter,
  type RenderedLabels,
  renderLabels,
} from "@seedwatch/metrics";
import type { DeviceTarget } from "../collect/device-target.ts";
import type { LinxdotSystemInfo } from "../sources/linxdot/system-info.ts";
import { MINER, MINER_INFO_LABELS, MINER_LABELS } from "./miner-metrics.ts";
import { pythonRound3 } from "./python-round.ts";
import { renderTargetSelf, targetSelfLabels } from "./target-self.ts";

/**
 * What a miner exports: `miner_up` and the daemon's view of the target (`seedwatch_target_*`)
 * always; `miner_exporter_info` and the four figures only while it is up, so nothing stale is
 * ever shown. The figures are linxdot_exporter's: the temperature as reported, the three usages
 * rounded to three decimals as its Python `round()` does.
 */
export class LinxdotCollector implements Collector {
  readonly name: string;
  readonly #target: DeviceTarget<LinxdotSystemInfo>;
  readonly #head: RenderedLabels;
  readonly #self: RenderedLabels;

  constructor(target: DeviceTarget<LinxdotSystemInfo>) {
    this.name = `target:${target.config.name}`;
    this.#target = target;
    this.#head = renderLabels(MINER_LABELS, [target.config.name]);
    this.#self = targetSelfLabels(target);
  }

  collect(w: MetricWriter): void {
    const target = this.#target;
    const head = this.#head;
    const system = target.snapshot;
    const up = target.health.up && system !== undefined;
    w.family(MINER.up).sample(head, up ? 1 : 0);
    renderTargetSelf(w, target, this.#self);
    if (!up) return;
    const info = renderLabels(MINER_INFO_LABELS, [
      system.animalName,
      system.firmware,
      system.modelName,
      system.region,
      system.sn,
    ]);
    w.family(MINER.info).sample(joinLabels(head, info), 1);
    w.family(MINER.cpuTemp).sample(head, system.cpuTemp);
    w.family(MINER.cpuUsage).sample(head, pythonRound3(system.cpuUsage));
    w.family(MINER.memUsage).sample(head, pythonRound3(system.memoryUsage));
    w.family(MINER.stoUsage).sample(head, pythonRound3(system.storageUsage));
  }
}
