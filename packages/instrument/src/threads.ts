// Hands the histograms' shared memory to worker threads, through worker_threads environment data.

import { getEnvironmentData, isMainThread, setEnvironmentData } from "node:worker_threads";
import type { SharedBuffers } from "./metrics.ts";
import type { ResolvedOptions } from "./options.ts";

const KEY = "@seedwatch/instrument";

/** What a thread passes to the workers it starts. */
export interface SharedSetup {
  readonly options: ResolvedOptions;
  readonly buffers: SharedBuffers;
}

/**
 * Publishes `setup` to every worker this thread starts from now on (and to theirs): they attach
 * to the same histograms instead of creating their own. Undefined withdraws it.
 */
export function shareSetup(setup: SharedSetup | undefined): void {
  setEnvironmentData(KEY, setup);
}

/** The setup of the thread that started this worker, if it was instrumented; never in the main thread. */
export function inheritedSetup(): SharedSetup | undefined {
  if (isMainThread) return undefined;
  const setup = getEnvironmentData(KEY) as SharedSetup | undefined;
  if (setup === undefined || typeof setup !== "object") return undefined;
  const { buffers } = setup;
  return buffers?.inner instanceof SharedArrayBuffer &&
    buffers.partner instanceof SharedArrayBuffer &&
    buffers.consumer instanceof SharedArrayBuffer
    ? setup
    : undefined;
}
