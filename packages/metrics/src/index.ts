// @seedwatch/metrics: the public API.

export { acceptsGzip } from "./accept-encoding.ts";
export { ByteLines, encodeText } from "./byte-lines.ts";
export type {
  Catalog,
  CatalogEntry,
  CatalogEntryInput,
  CatalogKind,
  CatalogUnit,
  PrometheusNaming,
} from "./catalog.ts";
export { CatalogError, defineCatalog, prometheusNaming } from "./catalog.ts";
export { Counter, CounterChild } from "./counter.ts";
export type {
  FamilyKind,
  ForeignFamily,
  HistogramOptions as HistogramDefinitionOptions,
  MetricDefinition,
  MetricKind,
  MetricOptions,
} from "./definition.ts";
export {
  defineCounter,
  defineForeign,
  defineGauge,
  defineGaugeHistogram,
  defineHistogram,
  defineInfo,
  defineUntyped,
} from "./definition.ts";
export {
  escapeHelp,
  escapeLabelValue,
  escapeOpenMetricsHelp,
  formatBucketBound,
  formatValue,
} from "./escape.ts";
export type { ExpositionFormat } from "./exposition.ts";
export {
  CONTENT_TYPES,
  encode,
  encodeBuffers,
  encodeBytes,
  encodeChunks,
  negotiateFormat,
} from "./exposition.ts";
export { ForeignExpositionError, foreignFamilies } from "./foreign.ts";
export { Gauge, GaugeChild } from "./gauge.ts";
export type { HistogramOptions, HistogramRecorder } from "./histogram.ts";
export { Histogram } from "./histogram.ts";
export type { EncodedMetrics } from "./http.ts";
export { encodeForRequest, serveMetrics } from "./http.ts";
export type { LabelValues, RenderedLabels } from "./labels.ts";
export { joinLabels, LabelError, renderLabels, renderLabelsFor } from "./labels.ts";
export { MetricNameError } from "./names.ts";
export type { ParsedFamily, ParsedSample, ParseOptions } from "./parse.ts";
export { ExpositionParseError, parseExposition } from "./parse.ts";
export type {
  Collection,
  CollectOptions,
  Collector,
  CollectorReport,
  RegistryOptions,
} from "./registry.ts";
export {
  CollectorTimeoutError,
  DEFAULT_COLLECTOR_TIMEOUT_MS,
  DuplicateCollectorError,
  Registry,
} from "./registry.ts";
export type { SessionCatalog } from "./session-catalog.ts";
export {
  attachSessionCounters,
  createSessionCounters,
  DIAGNOSTIC_COUNTERS_START,
  NUM_SESSION_METRICS,
  SESSION_CATALOG,
  SESSION_CATEGORIES,
  SESSION_DERIVATIONS,
  SESSION_METRIC,
} from "./session-catalog.ts";
export type { LabeledSession, SessionCollectorOptions } from "./session-collector.ts";
export { SessionCollector } from "./session-collector.ts";
export type {
  SessionCountersOptions,
  SessionDerivations,
  SessionSnapshot,
} from "./session-counters.ts";
export { SessionCounters } from "./session-counters.ts";
export { SharedLabelTable, SharedLayoutError } from "./shared-label-table.ts";
export type { Chunk, FamilyWriter, MetricWriter } from "./writer.ts";
export { CollectingWriter, FamilyBuffer, FamilyConflictError, joinChunks } from "./writer.ts";
