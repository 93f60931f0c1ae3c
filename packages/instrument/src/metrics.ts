// The three histograms (names, labels and buckets of channel-exporter), in shared memory, and their registry.

import {
  defineCounter,
  defineHistogram,
  Histogram,
  type HistogramRecorder,
  type MetricDefinition,
  Registry,
} from "@seedwatch/metrics";
import { InboundRecorders } from "./inbound-recorders.ts";
import type { ResolvedOptions } from "./options.ts";
import { PartnerRecorders } from "./partner-recorders.ts";

/** Label names, in channel-exporter's order. */
export const INNER_LABELS = [
  "appid",
  "application",
  "f_code",
  "path",
  "http_status",
  "code",
  "method_code",
] as const;
export const PARTNER_LABELS = [
  "appid",
  "application",
  "partner",
  "action_code",
  "http_status",
  "code",
] as const;
export const CONSUMER_LABELS = ["appid", "application", "f_code", "topic", "code"] as const;

/** The shared memory of the three histograms, to hand to worker threads. */
export interface SharedBuffers {
  readonly inner: SharedArrayBuffer;
  readonly partner: SharedArrayBuffer;
  readonly consumer: SharedArrayBuffer;
}

const DROPPED = defineCounter({
  name: "seedwatch_instrument_dropped_series_total",
  help: "Label sets refused because the histogram reached its series limit (maxSeries); their observations are not recorded.",
  labelNames: ["metric"],
});

/** The definitions for one syscode and bucket choice. */
export function definitions(options: ResolvedOptions): {
  inner: MetricDefinition;
  partner: MetricDefinition;
  consumer: MetricDefinition;
} {
  return {
    inner: defineHistogram({
      name: `${options.syscode}_inner_metrics`,
      help: "Inbound HTTP requests, in milliseconds, by route, status and the business code of the JSON response.",
      labelNames: INNER_LABELS,
      buckets: options.innerMetricsBuckets,
    }),
    partner: defineHistogram({
      name: "partner_http_metrics",
      help: "Calls to partners' HTTP APIs, in milliseconds, by partner, action, status and the business code of the JSON response.",
      labelNames: PARTNER_LABELS,
      buckets: options.partnerHttpMetricsBuckets,
    }),
    consumer: defineHistogram({
      name: `${options.syscode}_consumer_metrics`,
      help: "Messages consumed from queues, in milliseconds, by queue and outcome (0 success, 1 failure).",
      labelNames: CONSUMER_LABELS,
      buckets: options.consumerMetricsBuckets,
    }),
  };
}

/**
 * One histogram with the two constant labels (appid, application) filled in, and a cache of
 * recorders by the other label values, so a hot path neither renders nor escapes label text.
 * The cache is a trie of Maps, one level per label: a lookup is a few hash probes on the values
 * as they are, with no key string to build.
 */
export class Series {
  readonly histogram: Histogram;
  readonly #constant: readonly [string, string];
  #root = new Map<string, unknown>();
  #size = 0;
  readonly #cacheLimit: number;

  constructor(histogram: Histogram, options: ResolvedOptions) {
    this.histogram = histogram;
    this.#constant = [options.appid, options.syscode];
    this.#cacheLimit = options.maxSeries * 4;
  }

  /** Records `ms` in the series of these label values (all labels after appid and application). */
  observe(values: readonly string[], ms: number): void {
    this.recorder(values).observe(ms);
  }

  /** The recorder of the series of these label values (all labels after appid and application). */
  recorder(values: readonly string[]): HistogramRecorder {
    let node = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[i] as string;
      let next = node.get(value) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    let recorder = node.get(values[last] as string) as HistogramRecorder | undefined;
    if (recorder === undefined) {
      if (this.#size >= this.#cacheLimit) {
        this.#root = new Map();
        this.#size = 0;
        return this.recorder(values);
      }
      recorder = this.histogram.labels(...this.#constant, ...values);
      node.set(values[last] as string, recorder);
      this.#size++;
    }
    return recorder;
  }
}

/** The three series sets and the registry that exposes them. */
export class InstrumentMetrics {
  /** Creates the histograms (in the thread that owns them). */
  static create(options: ResolvedOptions): InstrumentMetrics {
    const defs = definitions(options);
    const sizing = { maxSeries: options.maxSeries, labelBytes: options.maxSeries * 512 };
    return new InstrumentMetrics(options, {
      inner: new Histogram(defs.inner, sizing),
      partner: new Histogram(defs.partner, sizing),
      consumer: new Histogram(defs.consumer, sizing),
    });
  }

  /** Attaches to histograms another thread created (same options), recording into the same series. */
  static attach(options: ResolvedOptions, buffers: SharedBuffers): InstrumentMetrics {
    const defs = definitions(options);
    return new InstrumentMetrics(options, {
      inner: Histogram.attach(defs.inner, buffers.inner),
      partner: Histogram.attach(defs.partner, buffers.partner),
      consumer: Histogram.attach(defs.consumer, buffers.consumer),
    });
  }

  readonly registry = new Registry();
  readonly inner: Series;
  /** The inner histogram's recorders, looked up by an inbound request's labels. */
  readonly inbound: InboundRecorders;
  readonly partner: Series;
  /** The partner histogram's recorders, looked up by a call's partner path, status and code. */
  readonly partnerCalls: PartnerRecorders;
  readonly consumer: Series;

  private constructor(
    options: ResolvedOptions,
    histograms: { inner: Histogram; partner: Histogram; consumer: Histogram },
  ) {
    this.inner = new Series(histograms.inner, options);
    this.inbound = new InboundRecorders(this.inner, options.skipPaths, options.maxSeries * 4);
    this.partner = new Series(histograms.partner, options);
    this.partnerCalls = new PartnerRecorders(this.partner);
    this.consumer = new Series(histograms.consumer, options);
    const all = [histograms.inner, histograms.partner, histograms.consumer];
    for (const histogram of all) this.registry.register(histogram);
    this.registry.register({
      name: "seedwatch_instrument",
      collect(out) {
        const family = out.family(DROPPED);
        for (const histogram of all) family.sample([histogram.name], histogram.droppedSeries);
      },
    });
  }

  /** The shared memory behind the histograms. */
  get buffers(): SharedBuffers {
    return {
      inner: this.inner.histogram.buffer,
      partner: this.partner.histogram.buffer,
      consumer: this.consumer.histogram.buffer,
    };
  }
}
