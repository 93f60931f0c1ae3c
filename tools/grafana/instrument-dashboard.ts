// The Node service dashboard (deploy/grafana/seedwatch-instrument.json): @seedwatch/instrument's three histograms.

import { type DashboardSpec, datasourceVariable, labelVariable, timeseries } from "./model.ts";

/** `<SYSCODE>_...` of the selected service. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
const SYS = "${syscode}";
const APP = 'application="$syscode", instance=~"$instance"';
const rate = (metric: string, filter: string) => `rate(${metric}{${filter}}[$__rate_interval])`;

/** A Node service measured by @seedwatch/instrument, by its system code and instances. */
export const INSTRUMENT_DASHBOARD: DashboardSpec = {
  uid: "seedwatch-instrument",
  title: "Seedwatch / Node service",
  description:
    "A Node service measured by @seedwatch/instrument: inbound HTTP, partner calls and queue consumers (channel-exporter's three histograms, in milliseconds).",
  time: "now-1h",
  variables: [
    datasourceVariable(),
    labelVariable({
      name: "syscode",
      label: "System code",
      selector:
        '{__name__=~".+_inner_metrics_count|.+_consumer_metrics_count|partner_http_metrics_count"}',
      labelName: "application",
      multi: false,
    }),
    labelVariable({
      name: "instance",
      label: "Instance",
      selector: '{application="$syscode"}',
      labelName: "instance",
      multi: true,
    }),
  ],
  rows: [
    {
      row: "Inbound HTTP",
      panels: [
        timeseries(
          "Requests by route",
          [
            {
              expr: `sum by (path) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
              legend: "{{path}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
        timeseries(
          "Latency",
          [0.5, 0.95, 0.99].map((q) => ({
            expr: `histogram_quantile(${q}, sum by (le) (${rate(`${SYS}_inner_metrics_bucket`, APP)}))`,
            legend: `p${q * 100}`,
          })),
          { unit: "ms" },
        ),
        timeseries(
          "p95 latency by route",
          [
            {
              expr: `histogram_quantile(0.95, sum by (le, path) (${rate(`${SYS}_inner_metrics_bucket`, APP)}))`,
              legend: "{{path}}",
            },
          ],
          { unit: "ms", w: 8 },
        ),
        timeseries(
          "Responses by HTTP status",
          [
            {
              expr: `sum by (http_status) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
              legend: "{{http_status}}",
            },
          ],
          { unit: "reqps", stack: true, w: 8 },
        ),
        timeseries(
          "Responses by business code",
          [
            {
              expr: `sum by (code) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
              legend: "code {{code}}",
            },
          ],
          { unit: "reqps", stack: true, w: 8 },
        ),
      ],
    },
    {
      row: "Partner calls",
      panels: [
        timeseries(
          "Calls by partner and action",
          [
            {
              expr: `sum by (partner, action_code) (${rate("partner_http_metrics_count", APP)})`,
              legend: "{{partner}} {{action_code}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
        timeseries(
          "p95 latency by partner",
          [
            {
              expr: `histogram_quantile(0.95, sum by (le, partner) (${rate("partner_http_metrics_bucket", APP)}))`,
              legend: "{{partner}}",
            },
          ],
          { unit: "ms" },
        ),
        timeseries(
          "Partner answers by business code",
          [
            {
              expr: `sum by (partner, code) (${rate("partner_http_metrics_count", APP)})`,
              legend: "{{partner}} code {{code}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
        timeseries(
          "Partner answers by HTTP status",
          [
            {
              expr: `sum by (partner, http_status) (${rate("partner_http_metrics_count", APP)})`,
              legend: "{{partner}} {{http_status}}",
            },
          ],
          { unit: "reqps", stack: true },
        ),
      ],
    },
    {
      row: "Queue consumers",
      panels: [
        timeseries(
          "Messages by queue",
          [
            {
              expr: `sum by (topic) (${rate(`${SYS}_consumer_metrics_count`, APP)})`,
              legend: "{{topic}}",
            },
          ],
          { unit: "reqps", stack: true, w: 8 },
        ),
        timeseries(
          "Failures by queue",
          [
            {
              expr: `sum by (topic) (${rate(`${SYS}_consumer_metrics_count`, `${APP}, code="1"`)})`,
              legend: "{{topic}}",
              mayBeEmpty: "no handler fails on a healthy service",
            },
          ],
          { unit: "reqps", w: 8 },
        ),
        timeseries(
          "p95 handling time by queue",
          [
            {
              expr: `histogram_quantile(0.95, sum by (le, topic) (${rate(`${SYS}_consumer_metrics_bucket`, APP)}))`,
              legend: "{{topic}}",
            },
          ],
          { unit: "ms", w: 8 },
        ),
      ],
    },
    {
      row: "Instrumentation",
      panels: [
        timeseries(
          "Observations dropped (series limit reached)",
          [
            {
              expr: `sum by (instance, metric) (rate(seedwatch_instrument_dropped_series_total{instance=~"$instance"}[$__rate_interval]))`,
              legend: "{{instance}} {{metric}}",
            },
          ],
          {
            unit: "reqps",
            w: 24,
            h: 6,
            description:
              "Label sets refused because a histogram reached maxSeries (SEEDWATCH_MAX_SERIES).",
          },
        ),
      ],
    },
  ],
};
