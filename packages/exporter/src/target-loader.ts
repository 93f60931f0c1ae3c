// The daemon's targets built from their kind's module, imported when a target of that kind is first configured.

import type { TargetConfig, TargetType } from "./collect/target-config.ts";
import type { TargetEntry } from "./collect/target-set.ts";
import type { TargetDeps, TargetFactory } from "./kinds/target-factory.ts";

/**
 * Each target type's module, imported on first use: a daemon watching one qBittorrent keeps
 * neither Deluge's, rTorrent's, Transmission's nor Linxdot's code resident (on a small box,
 * about a third of the daemon's own sources). A type without an entry here does not compile.
 */
export const TARGET_KIND_LOADERS: Readonly<
  Record<TargetType, () => Promise<{ kind: TargetFactory }>>
> = {
  qbittorrent: () => import("./kinds/qbittorrent.ts"),
  transmission: () => import("./kinds/transmission.ts"),
  deluge: () => import("./kinds/deluge.ts"),
  rtorrent: () => import("./kinds/rtorrent.ts"),
  linxdot: () => import("./kinds/linxdot.ts"),
};

/** Whether this version of seedwatch can build targets of `type`. */
export function isSupportedType(type: string): boolean {
  return Object.hasOwn(TARGET_KIND_LOADERS, type);
}

/** Builds the target and the collector of a configured target, loading its kind's code first. */
export async function loadTarget(config: TargetConfig, deps: TargetDeps): Promise<TargetEntry> {
  if (!isSupportedType(config.type))
    throw new Error(`target ${config.name}: type ${config.type} is not supported`);
  const { kind } = await TARGET_KIND_LOADERS[config.type]();
  return kind(config, deps);
}
