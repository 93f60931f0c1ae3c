// Builds a client's EngineStatus from the figures a source read, leaving out the ones it did not get.

import type { EngineStatus } from "./source.ts";

/** The figures a source may have read, each possibly undefined. */
export type EngineFigures = { readonly [K in keyof EngineStatus]-?: EngineStatus[K] | undefined };

/** An EngineStatus holding only the figures that are known. */
export function engineStatus(figures: Partial<EngineFigures>): EngineStatus {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(figures)) if (value !== undefined) out[key] = value;
  return out as EngineStatus;
}
