// init(): validates the options, creates (or attaches to) the histograms, and turns every hook on.

import type { ExpositionFormat, Registry } from "@seedwatch/metrics";
import { installInbound } from "./inbound.ts";
import { InstrumentMetrics } from "./metrics.ts";
import { installModules } from "./modules.ts";
import { type InstrumentOptions, type ResolvedOptions, resolveOptions } from "./options.ts";
import { installOutboundFetch } from "./outbound-fetch.ts";
import { installOutboundHttp } from "./outbound-http.ts";
import { Partners } from "./partners.ts";
import { installPatches } from "./patches.ts";
import { installRoutes } from "./routes.ts";
import { activate, current, type Runtime } from "./runtime.ts";
import { FallbackServer } from "./serve.ts";
import { inheritedSetup, shareSetup } from "./threads.ts";

/** The running instrumentation of this thread. */
export interface Instrument {
  /** The options in force, defaults filled in (in a worker: the main thread's). */
  readonly options: ResolvedOptions;
  /** The registry the metrics are served from: register more collectors here if you like. */
  readonly registry: Registry;
  /** Whether this thread created the histograms; false in a worker that attached to its parent's. */
  readonly owner: boolean;
  /** The port of our own metrics server, once it listens (undefined while the app's servers serve). */
  readonly metricsServerPort: number | undefined;
  /** The metrics as exposition text, as a scrape would get them. */
  metrics(format?: ExpositionFormat): Promise<string>;
  /**
   * Turns the hooks off and closes our metrics server. The wrappers around Koa, amqplib and
   * node:http's prototypes stay in place and only call through; a later init() starts afresh.
   */
  close(): Promise<void>;
}

let instance: Instrument | undefined;

/**
 * Starts measuring this process: inbound HTTP, calls to partners, queue consumers. Throws
 * InstrumentConfigError on a bad option. A second call (while the first is not closed) is a
 * no-op that returns the running instance, as in channel-exporter. In a worker thread started by
 * an instrumented thread, the worker attaches to that thread's histograms and its options, and
 * `options` is ignored.
 */
export function init(options: InstrumentOptions): Instrument {
  if (instance !== undefined) return instance;
  const inherited = inheritedSetup();
  return start(inherited?.options ?? resolveOptions(options), inherited?.buffers);
}

/** The running instrumentation, if init() was called. */
export function instrumentation(): Instrument | undefined {
  return instance;
}

/** Starts from options already resolved (the main thread's, in a worker). */
export function start(
  options: ResolvedOptions,
  buffers?: InstrumentMetrics["buffers"],
): Instrument {
  if (instance !== undefined) return instance;
  const metrics =
    buffers === undefined
      ? InstrumentMetrics.create(options)
      : InstrumentMetrics.attach(options, buffers);
  const owner = buffers === undefined;
  const fallback = new FallbackServer(options, current);
  const runtime: Runtime = {
    options,
    metrics,
    partners: new Partners(options.partners),
    owner,
    appServerSeen: () => fallback.appServerSeen(),
  };
  installPatches();
  activate(runtime);
  const uninstall = [
    installInbound(),
    installRoutes(),
    installOutboundHttp(),
    installOutboundFetch(),
    installModules(),
  ];
  // Only the thread that owns the histograms starts a server; workers' data is in its memory.
  if (owner) fallback.start();
  shareSetup({ options, buffers: metrics.buffers });
  const handle: Instrument = {
    options,
    registry: metrics.registry,
    owner,
    get metricsServerPort() {
      return fallback.port;
    },
    metrics: (format) => metrics.registry.render(format),
    async close() {
      if (instance !== handle) return;
      instance = undefined;
      activate(undefined);
      for (const off of uninstall) off();
      shareSetup(undefined);
      await fallback.close();
    },
  };
  instance = handle;
  return handle;
}
