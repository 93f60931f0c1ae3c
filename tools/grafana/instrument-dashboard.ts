// The Node service dashboard (deploy/grafana/seedwatch-instrument.json and its translations): @seedwatch/instrument's three histograms.

import { DASHBOARD_TEXT, type DashboardLanguage, dashboardUid } from "./dashboard-language.ts";
import { type DashboardSpec, datasourceVariable, labelVariable, timeseries } from "./model.ts";

/** `<SYSCODE>_...` of the selected service. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
const SYS = "${syscode}";
const APP = 'application="$syscode", instance=~"$instance"';
const rate = (metric: string, filter: string) => `rate(${metric}{${filter}}[$__rate_interval])`;

/** A Node service measured by @seedwatch/instrument, by its system code and instances. */
export function instrumentDashboard(language: DashboardLanguage): DashboardSpec {
  const t = DASHBOARD_TEXT[language];
  const code = t["legend.code"];
  return {
    language,
    uid: dashboardUid("seedwatch-instrument", language),
    title: t["instrument.title"],
    description: t["instrument.description"],
    time: "now-1h",
    variables: [
      datasourceVariable(t),
      labelVariable({
        name: "syscode",
        label: t["instrument.systemCode"],
        selector:
          '{__name__=~".+_inner_metrics_count|.+_consumer_metrics_count|partner_http_metrics_count"}',
        labelName: "application",
        multi: false,
        all: t["common.all"],
      }),
      labelVariable({
        name: "instance",
        label: t["instrument.instance"],
        selector: '{application="$syscode"}',
        labelName: "instance",
        multi: true,
        all: t["common.all"],
      }),
    ],
    rows: [
      {
        row: t["row.inbound"],
        panels: [
          timeseries(
            t["instrument.requestsByRoute"],
            [
              {
                expr: `sum by (path) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
                legend: "{{path}}",
              },
            ],
            { unit: "reqps", stack: true },
          ),
          timeseries(
            t["instrument.latency"],
            [0.5, 0.95, 0.99].map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le) (${rate(`${SYS}_inner_metrics_bucket`, APP)}))`,
              legend: `p${q * 100}`,
            })),
            { unit: "ms" },
          ),
          timeseries(
            t["instrument.p95ByRoute"],
            [
              {
                expr: `histogram_quantile(0.95, sum by (le, path) (${rate(`${SYS}_inner_metrics_bucket`, APP)}))`,
                legend: "{{path}}",
              },
            ],
            { unit: "ms", w: 8 },
          ),
          timeseries(
            t["instrument.byHttpStatus"],
            [
              {
                expr: `sum by (http_status) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
                legend: "{{http_status}}",
              },
            ],
            { unit: "reqps", stack: true, w: 8 },
          ),
          timeseries(
            t["instrument.byBusinessCode"],
            [
              {
                expr: `sum by (code) (${rate(`${SYS}_inner_metrics_count`, APP)})`,
                legend: `${code} {{code}}`,
              },
            ],
            { unit: "reqps", stack: true, w: 8 },
          ),
        ],
      },
      {
        row: t["row.partners"],
        panels: [
          timeseries(
            t["instrument.callsByPartner"],
            [
              {
                expr: `sum by (partner, action_code) (${rate("partner_http_metrics_count", APP)})`,
                legend: "{{partner}} {{action_code}}",
              },
            ],
            { unit: "reqps", stack: true },
          ),
          timeseries(
            t["instrument.p95ByPartner"],
            [
              {
                expr: `histogram_quantile(0.95, sum by (le, partner) (${rate("partner_http_metrics_bucket", APP)}))`,
                legend: "{{partner}}",
              },
            ],
            { unit: "ms" },
          ),
          timeseries(
            t["instrument.partnerByCode"],
            [
              {
                expr: `sum by (partner, code) (${rate("partner_http_metrics_count", APP)})`,
                legend: `{{partner}} ${code} {{code}}`,
              },
            ],
            { unit: "reqps", stack: true },
          ),
          timeseries(
            t["instrument.partnerByStatus"],
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
        row: t["row.consumers"],
        panels: [
          timeseries(
            t["instrument.messagesByQueue"],
            [
              {
                expr: `sum by (topic) (${rate(`${SYS}_consumer_metrics_count`, APP)})`,
                legend: "{{topic}}",
              },
            ],
            { unit: "reqps", stack: true, w: 8 },
          ),
          timeseries(
            t["instrument.failuresByQueue"],
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
            t["instrument.p95ByQueue"],
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
        row: t["row.instrumentation"],
        panels: [
          timeseries(
            t["instrument.dropped"],
            [
              {
                expr: `sum by (instance, metric) (rate(seedwatch_instrument_dropped_series_total{instance=~"$instance"}[$__rate_interval]))`,
                legend: "{{instance}} {{metric}}",
              },
            ],
            { unit: "reqps", w: 24, h: 6, description: t["instrument.droppedHelp"] },
          ),
        ],
      },
    ],
  };
}
