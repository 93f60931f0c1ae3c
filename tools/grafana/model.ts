// Builders for Grafana dashboard JSON (the model Grafana imports): panels, queries, variables, and an automatic grid layout.

import { DASHBOARD_TEXT, type DashboardLanguage, dashboardTag } from "./dashboard-language.ts";
import type { GrafanaText } from "./text-en.ts";

/** The Prometheus data source every panel and variable uses: the dashboard's `datasource` variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
export const DATASOURCE = { type: "prometheus", uid: "${datasource}" } as const;

/** Grafana's dashboard model version these files are written for (Grafana 10.x and 11.x import it). */
export const SCHEMA_VERSION = 39;

/** A JSON object of the dashboard model. */
export type Json = { [key: string]: unknown };

/** One PromQL query of a panel. */
export interface Query {
  readonly expr: string;
  /** Legend template, e.g. `{{name}}`. */
  readonly legend?: string;
  /** For tables: one value per series, now. */
  readonly instant?: boolean;
  /**
   * Why this query may answer nothing on a healthy setup (no tracker errors, no compat family).
   * Queries without it must return data in the end-to-end test.
   */
  readonly mayBeEmpty?: string;
}

/** A panel before layout: its size, and the JSON fields that make it what it is. */
export interface PanelSpec {
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly w: number;
  readonly h: number;
  readonly queries?: readonly Query[];
  readonly unit?: string;
  /** Extra JSON merged into the panel (options, fieldConfig, transformations). */
  readonly extra?: Json;
}

/** A row: a title bar and the panels under it. */
export interface RowSpec {
  readonly row: string;
  readonly panels: readonly PanelSpec[];
}

/** What a dashboard is made of. */
export interface DashboardSpec {
  /** The language of its words (its uid and tag say it too). */
  readonly language: DashboardLanguage;
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly Json[];
  readonly rows: readonly RowSpec[];
  readonly time?: string;
  readonly links?: readonly Json[];
}

/** Every query of a dashboard, with what it says about answering nothing. */
export function queriesOf(spec: DashboardSpec): Query[] {
  return spec.rows.flatMap((row) => row.panels.flatMap((panel) => panel.queries ?? []));
}

function target(query: Query, index: number, tableFormat: boolean): Json {
  return {
    datasource: DATASOURCE,
    refId: String.fromCharCode(65 + index),
    expr: query.expr,
    legendFormat: query.legend ?? "__auto",
    range: query.instant !== true,
    instant: query.instant === true,
    ...(tableFormat ? { format: "table" } : {}),
  };
}

/** The `datasource` variable: pick any Prometheus (or Thanos, Mimir, VictoriaMetrics) data source. */
export function datasourceVariable(t: GrafanaText): Json {
  return {
    type: "datasource",
    name: "datasource",
    label: t["common.dataSource"],
    query: "prometheus",
    current: {},
    hide: 0,
    refresh: 1,
    regex: "",
    options: [],
  };
}

/** A variable filled from `label_values(selector, label)`. */
export function labelVariable(options: {
  name: string;
  label: string;
  selector: string;
  labelName: string;
  multi: boolean;
  /** How the "All" choice of a multi-value variable reads. */
  all: string;
  description?: string;
}): Json {
  const query = `label_values(${options.selector}, ${options.labelName})`;
  return {
    type: "query",
    name: options.name,
    label: options.label,
    ...(options.description === undefined ? {} : { description: options.description }),
    datasource: DATASOURCE,
    definition: query,
    query: { query, refId: "PrometheusVariableQueryEditor-VariableQuery", qryType: 1 },
    refresh: 2,
    sort: 1,
    multi: options.multi,
    includeAll: options.multi,
    ...(options.multi
      ? { allValue: ".+", current: { selected: true, text: [options.all], value: ["$__all"] } }
      : { current: {} }),
    hide: 0,
    regex: "",
    options: [],
  };
}

/** A free-text variable (the seedwatch address the removal links open). */
export function textVariable(
  name: string,
  label: string,
  value: string,
  description: string,
): Json {
  return {
    type: "textbox",
    name,
    label,
    description,
    query: value,
    current: { selected: false, text: value, value },
    hide: 0,
    options: [{ selected: true, text: value, value }],
  };
}

/** Lays the rows out on Grafana's 24-column grid and numbers the panels. */
export function buildDashboard(spec: DashboardSpec): Json {
  const t = DASHBOARD_TEXT[spec.language];
  const tag = dashboardTag(spec.language);
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      type: "row",
      id: id++,
      title: row.row,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      if (x + panel.w > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const tableFormat = panel.type === "table";
      const extra = panel.extra ?? {};
      const fieldConfig = (extra.fieldConfig as Json | undefined) ?? {};
      panels.push({
        type: panel.type,
        id: id++,
        title: panel.title,
        ...(panel.description === undefined ? {} : { description: panel.description }),
        datasource: DATASOURCE,
        gridPos: { h: panel.h, w: panel.w, x, y },
        targets: (panel.queries ?? []).map((q, i) => target(q, i, tableFormat)),
        ...extra,
        fieldConfig: {
          defaults: {
            ...(panel.unit === undefined ? {} : { unit: panel.unit }),
            ...((fieldConfig.defaults as Json | undefined) ?? {}),
          },
          overrides: (fieldConfig.overrides as Json[] | undefined) ?? [],
        },
      });
      x += panel.w;
      lineHeight = Math.max(lineHeight, panel.h);
    }
    y += lineHeight;
  }
  return {
    title: spec.title,
    uid: spec.uid,
    description: spec.description,
    tags: [tag],
    editable: true,
    graphTooltip: 1,
    refresh: "30s",
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    time: { from: spec.time ?? "now-6h", to: "now" },
    timepicker: {},
    timezone: "",
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: "grafana", uid: "-- Grafana --" },
          enable: true,
          hide: true,
          iconColor: "rgba(0, 211, 255, 1)",
          name: t["common.annotations"],
          type: "dashboard",
        },
      ],
    },
    links: [
      {
        type: "dashboards",
        title: "Seedwatch",
        tags: [tag],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: "external link",
        targetBlank: false,
        tooltip: "",
        url: "",
      },
      ...(spec.links ?? []),
    ],
    templating: { list: spec.variables },
    panels,
  };
}

/** A time series panel. */
export function timeseries(
  title: string,
  queries: readonly Query[],
  options: {
    unit?: string;
    w?: number;
    h?: number;
    stack?: boolean;
    bars?: boolean;
    description?: string;
  } = {},
): PanelSpec {
  return {
    type: "timeseries",
    title,
    ...(options.description === undefined ? {} : { description: options.description }),
    w: options.w ?? 12,
    h: options.h ?? 8,
    queries,
    ...(options.unit === undefined ? {} : { unit: options.unit }),
    extra: {
      options: {
        legend: {
          displayMode: "table",
          placement: "right",
          showLegend: true,
          calcs: ["lastNotNull", "max"],
        },
        tooltip: { mode: "multi", sort: "desc" },
      },
      fieldConfig: {
        defaults: {
          custom: {
            drawStyle: options.bars === true ? "bars" : "line",
            fillOpacity: options.stack === true || options.bars === true ? 60 : 10,
            lineWidth: 1,
            showPoints: "never",
            spanNulls: false,
            stacking: { mode: options.stack === true ? "normal" : "none", group: "A" },
          },
        },
      },
    },
  };
}

/** A single-value panel. */
export function stat(
  title: string,
  query: Query,
  options: {
    unit?: string;
    w?: number;
    h?: number;
    description?: string;
    mappings?: readonly Json[];
    textMode?: string;
    thresholds?: Json;
  } = {},
): PanelSpec {
  return {
    type: "stat",
    title,
    ...(options.description === undefined ? {} : { description: options.description }),
    w: options.w ?? 4,
    h: options.h ?? 4,
    queries: [query],
    ...(options.unit === undefined ? {} : { unit: options.unit }),
    extra: {
      options: {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        colorMode: "value",
        graphMode: "area",
        justifyMode: "auto",
        orientation: "auto",
        textMode: options.textMode ?? "auto",
      },
      fieldConfig: {
        defaults: {
          mappings: options.mappings ?? [],
          thresholds: options.thresholds ?? {
            mode: "absolute",
            steps: [{ color: "green", value: null }],
          },
        },
      },
    },
  };
}

/** Horizontal bars, one per series (a breakdown at the end of the range). */
export function bars(
  title: string,
  query: Query,
  options: { unit?: string; w?: number; h?: number; description?: string } = {},
): PanelSpec {
  return {
    type: "bargauge",
    title,
    ...(options.description === undefined ? {} : { description: options.description }),
    w: options.w ?? 8,
    h: options.h ?? 8,
    queries: [query],
    ...(options.unit === undefined ? {} : { unit: options.unit }),
    extra: {
      options: {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        orientation: "horizontal",
        displayMode: "gradient",
        showUnfilled: true,
      },
    },
  };
}

/** One column of a table built from instant queries merged on their labels. */
export interface Column {
  readonly title: string;
  readonly expr: string;
  readonly unit?: string;
  readonly mappings?: readonly Json[];
  readonly mayBeEmpty?: string;
}

/**
 * A table: one instant query per value column, merged on the labels they share; `hide` drops
 * label columns, `rename` titles the kept ones, `links` adds data links to a column.
 */
export function labelTable(
  title: string,
  columns: readonly Column[],
  options: {
    hide?: readonly string[];
    rename?: Readonly<Record<string, string>>;
    links?: ReadonlyArray<{ column: string; title: string; url: string; blank?: boolean }>;
    w?: number;
    h?: number;
    description?: string;
    sortBy?: string;
  } = {},
): PanelSpec {
  const valueName = (i: number) =>
    columns.length === 1 ? "Value" : `Value #${String.fromCharCode(65 + i)}`;
  const overrides: Json[] = columns.map((c, i) => ({
    matcher: { id: "byName", options: valueName(i) },
    properties: [
      { id: "displayName", value: c.title },
      ...(c.unit === undefined ? [] : [{ id: "unit", value: c.unit }]),
      ...(c.mappings === undefined ? [] : [{ id: "mappings", value: c.mappings }]),
    ],
  }));
  for (const link of options.links ?? []) {
    overrides.push({
      matcher: { id: "byName", options: link.column },
      properties: [
        {
          id: "links",
          value: [{ title: link.title, url: link.url, targetBlank: link.blank ?? false }],
        },
      ],
    });
  }
  for (const [from, to] of Object.entries(options.rename ?? {})) {
    overrides.push({
      matcher: { id: "byName", options: from },
      properties: [{ id: "displayName", value: to }],
    });
  }
  const hidden = Object.fromEntries(
    ["Time", "__name__", "job", "instance", ...(options.hide ?? [])].map((n) => [n, true]),
  );
  return {
    type: "table",
    title,
    ...(options.description === undefined ? {} : { description: options.description }),
    w: options.w ?? 24,
    h: options.h ?? 10,
    queries: columns.map((c) => ({
      expr: c.expr,
      instant: true,
      ...(c.mayBeEmpty === undefined ? {} : { mayBeEmpty: c.mayBeEmpty }),
    })),
    extra: {
      options: {
        showHeader: true,
        cellHeight: "sm",
        footer: { show: false, reducer: ["sum"], countRows: false, fields: "" },
        ...(options.sortBy === undefined
          ? {}
          : { sortBy: [{ displayName: options.sortBy, desc: true }] }),
      },
      transformations: [
        { id: "merge", options: {} },
        { id: "organize", options: { excludeByName: hidden, indexByName: {}, renameByName: {} } },
      ],
      fieldConfig: { defaults: { custom: { align: "auto", filterable: true } }, overrides },
    },
  };
}

/** Value mappings of 0/1 gauges: down (red) and up (green). */
export function upMappings(t: GrafanaText): readonly Json[] {
  return [
    {
      type: "value",
      options: {
        "0": { text: t["common.down"], color: "red", index: 0 },
        "1": { text: t["common.up"], color: "green", index: 1 },
      },
    },
  ];
}
