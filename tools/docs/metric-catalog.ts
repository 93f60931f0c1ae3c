// Every metric family seedwatch and @seedwatch/instrument export, read from their catalogs, for the generated reference.

import { resolveOptions } from "@seedwatch/instrument";
// The instrument library's catalog: its histograms' definitions and the registry that renders them.
import { definitions, InstrumentMetrics } from "@seedwatch/instrument/metrics";
import {
  CollectingWriter,
  type MetricDefinition,
  Registry,
  SESSION_CATALOG,
  SessionCollector,
} from "@seedwatch/metrics";
import { HOST_METRICS } from "../../packages/exporter/src/host/metrics.ts";
import { DaemonCollector } from "../../packages/exporter/src/render/daemon-collector.ts";
import { ENGINE } from "../../packages/exporter/src/render/engine-metrics.ts";
import { MINER } from "../../packages/exporter/src/render/miner-metrics.ts";
import { TARGET_SELF } from "../../packages/exporter/src/render/target-self.ts";
import {
  DOWNLOADER,
  PT,
  TARGET_LABELS,
} from "../../packages/exporter/src/render/torrent-metrics.ts";
import { SESSION_PREFIX } from "../../packages/exporter/src/render/torrent-target-collector.ts";

/** A syscode standing in for the one an app configures, replaced by `<SYSCODE>` in the reference. */
export const EXAMPLE_SYSCODE = "A123456789";

/** One group of families, in the order the reference shows them. */
export interface MetricGroup {
  readonly id: string;
  readonly title: string;
  readonly families: readonly MetricDefinition[];
}

/** The session-catalog families as a torrent target exports them (`pt_session_*`), slot order. */
export function sessionDefinitions(): readonly MetricDefinition[] {
  return new SessionCollector({
    name: "session",
    catalog: SESSION_CATALOG,
    prefix: SESSION_PREFIX,
    labelNames: TARGET_LABELS,
    sessions: () => [],
  }).definitions;
}

/** The families a collector writes (for catalogs that live inside a collector). */
async function familiesOf(
  collect: (writer: CollectingWriter) => void | Promise<void>,
): Promise<MetricDefinition[]> {
  const writer = new CollectingWriter();
  await collect(writer);
  return [...writer.families.values()].map((f) => f.def);
}

/** Every group, read from the catalogs (and, for the daemon's own families, from its collectors). */
export async function metricGroups(): Promise<readonly MetricGroup[]> {
  const registry = new Registry({ collectorMetricsPrefix: "seedwatch" });
  registry.register({ name: "any", collect() {} });
  const collectorSelf = (await registry.collect()).families.map((f) => f.def);
  const daemon = await familiesOf((w) => new DaemonCollector({ ok: true, at: 0 }).collect(w));
  const options = resolveOptions({ syscode: EXAMPLE_SYSCODE, metricsPort: false });
  const histograms = Object.values(definitions(options));
  // The rest of its families (the dropped-series counter), as its registry renders them.
  const instrumentRest = (await InstrumentMetrics.create(options).registry.collect()).families
    .map((f) => f.def)
    .filter((def) => !histograms.some((h) => h.name === def.name));
  return [
    { id: "pt", title: "Torrent clients (`pt_*`)", families: Object.values(PT) },
    {
      id: "engine",
      title: "The client's engine and process (`pt_client_*`, `pt_open_*`)",
      families: Object.values(ENGINE),
    },
    { id: "session", title: "Session statistics (`pt_session_*`)", families: sessionDefinitions() },
    {
      id: "downloader",
      title: "downloader-exporter compatibility (`downloader_*`)",
      families: Object.values(DOWNLOADER),
    },
    {
      id: "target",
      title: "Every target, as the daemon sees it (`seedwatch_target_*`)",
      families: Object.values(TARGET_SELF),
    },
    { id: "miner", title: "Linxdot miners (`miner_*`)", families: Object.values(MINER) },
    {
      id: "host",
      title: "Host indicators (`seedwatch_host_*`)",
      families: Object.values(HOST_METRICS),
    },
    { id: "daemon", title: "The daemon itself", families: [...daemon, ...collectorSelf] },
    {
      id: "instrument",
      title: "@seedwatch/instrument",
      families: [...histograms, ...instrumentRest],
    },
  ];
}

/** A family's name as the reference shows it (`<SYSCODE>_inner_metrics` for the instrument's). */
export function displayName(def: MetricDefinition): string {
  return def.name.replace(EXAMPLE_SYSCODE, "<SYSCODE>");
}

/**
 * Every series name a query can select (`_total` of counters, `_info` of infos, `_bucket`,
 * `_sum`, `_count` of histograms, and `_gcount`, `_gsum` of gauge histograms in OpenMetrics), with
 * `<SYSCODE>` in the instrument's. For checking the names dashboards, alert rules and docs use.
 */
export async function seriesNames(): Promise<ReadonlySet<string>> {
  const names = new Set<string>();
  for (const group of await metricGroups()) {
    for (const def of group.families) {
      const name = displayName(def);
      if (def.kind === "histogram")
        for (const s of ["_bucket", "_sum", "_count"]) names.add(`${name}${s}`);
      else if (def.kind === "gaugehistogram")
        for (const s of ["_bucket", "_sum", "_count", "_gsum", "_gcount"]) names.add(`${name}${s}`);
      else names.add(name);
    }
  }
  return names;
}
