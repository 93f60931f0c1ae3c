// The Linxdot device kind for the daemon: builds a miner target and its collector from a target's config.

import type { TargetEntry } from "../../collect/target.ts";
import type { TargetConfig } from "../../collect/target-config.ts";
import type { Logger } from "../../log.ts";
import { LinxdotCollector } from "../../render/miner-collector.ts";
import { LinxdotTarget } from "./device-target.ts";

/** Builds a `type: linxdot` target (the entry of TARGET_BUILDERS). */
export function buildLinxdotTarget(
  config: TargetConfig,
  deps: { readonly log: Logger; readonly now?: () => number },
): TargetEntry {
  const target = new LinxdotTarget(config, deps.log, deps.now);
  return { target, collector: new LinxdotCollector(target) };
}
