// The instrumentation active in this thread: what every hook reads when an event arrives.

import type { InstrumentMetrics } from "./metrics.ts";
import type { ResolvedOptions } from "./options.ts";
import type { Partners } from "./partners.ts";

/** Everything the hooks need, built once by init(). */
export interface Runtime {
  readonly options: ResolvedOptions;
  readonly metrics: InstrumentMetrics;
  readonly partners: Partners;
  /** Whether this thread created the histograms (false when attached to the main thread's). */
  readonly owner: boolean;
  /** Called when an HTTP server of the app is seen (listening, or answering a request). */
  appServerSeen(): void;
}

let active: Runtime | undefined;

/** The active runtime, or undefined before init() and after close(): hooks then do nothing. */
export function current(): Runtime | undefined {
  return active;
}

/** Makes `runtime` the active one (undefined deactivates). */
export function activate(runtime: Runtime | undefined): void {
  active = runtime;
}
