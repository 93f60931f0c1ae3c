// @seedwatch/instrument: the public API.

export type { ConsumerOptions } from "./consumer.ts";
export { measureConsumer } from "./consumer.ts";
export { InstrumentConfigError } from "./errors.ts";
export { fuzzyGet, normalizeKey } from "./fuzzy-get.ts";
export type { Instrument } from "./instrument.ts";
export { init, instrumentation } from "./instrument.ts";
export { CONSUMER_LABELS, INNER_LABELS, PARTNER_LABELS } from "./metrics.ts";
export type {
  InstrumentOptions,
  PartnerConfig,
  PartnerTable,
  ResolvedOptions,
  ResolvedPartner,
} from "./options.ts";
export { DEFAULT_BUCKETS, ENVIRONMENT, optionsFromEnv, resolveOptions } from "./options.ts";
