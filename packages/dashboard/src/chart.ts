// A uPlot time chart that follows its container's width and the light or dark color scheme.

/// <reference lib="dom" />

import uPlot from "uplot";
import { language, t } from "./i18n/translate.ts";
import { legendTime, timeTickLabels } from "./time-labels.ts";

/** One line of a chart. */
export interface ChartLine {
  readonly label: string;
  /** A CSS custom property holding the color, e.g. `--up`. */
  readonly color: string;
  readonly width?: number;
  readonly dash?: number[];
  /** Fill the area under the line, faintly. */
  readonly fill?: boolean;
}

/** What to draw. */
export interface ChartOptions {
  readonly height: number;
  readonly lines: readonly ChartLine[];
  /** Formats a y value (axis ticks and legend). */
  readonly format: (value: number) => string;
  /** `[0, 1]` for shares; otherwise from 0 to a little above the largest value. */
  readonly range?: "fraction" | "zero";
  /** Shade between two lines (1-based indices into `lines`, upper first). */
  readonly band?: readonly [upper: number, lower: number];
  readonly legend?: boolean;
  /** The time window to show (seconds); null or absent: fit the data. */
  readonly xRange?: () => [number, number] | null;
}

/** Draws time series: x in seconds since the epoch, one y array per line. */
export class Chart {
  readonly #plot: uPlot;
  readonly #resize: ResizeObserver;
  readonly #container: HTMLElement;
  readonly #height: number;
  readonly #unwatch: () => void;

  constructor(container: HTMLElement, options: ChartOptions) {
    this.#container = container;
    this.#height = options.height;
    const style = () => getComputedStyle(document.documentElement);
    const color = (name: string) => () => style().getPropertyValue(name).trim() || "#888";
    const axis: uPlot.Axis = {
      stroke: color("--muted"),
      grid: { stroke: color("--grid"), width: 1 },
      ticks: { stroke: color("--grid"), width: 1 },
      font: "11px system-ui, sans-serif",
    };
    const format = options.format;
    this.#plot = new uPlot(
      {
        width: Math.max(container.clientWidth, 200),
        height: options.height,
        legend: { show: options.legend ?? false, live: true },
        cursor: { points: { size: 5 } },
        scales: {
          x: {
            time: true,
            // One sample (a page just opened) would stretch the axis over years: show a minute.
            range: (_u, min, max) =>
              options.xRange?.() ??
              (min === max && Number.isFinite(min) ? [min - 30, min + 30] : [min, max]),
          },
          y: {
            range:
              options.range === "fraction"
                ? [0, 1]
                : (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1],
          },
        },
        axes: [
          // uPlot's tick spacing, with labels written in the page's language.
          {
            ...axis,
            values: (_u, splits, _axis, _space, increment) =>
              timeTickLabels(language(), splits, increment),
          },
          {
            ...axis,
            // As wide as the longest label ("1.54 MiB/s"), so none is cut off on the left.
            size: (_u, values) => Math.max(48, ...(values ?? []).map(textWidth)) + 14,
            values: (_u, splits) => splits.map(format),
          },
        ],
        series: [
          {
            label: t("chart.time"),
            value: (_u, v) => (v === null || v === undefined ? "–" : legendTime(language(), v)),
          },
          ...options.lines.map(
            (line): uPlot.Series => ({
              label: line.label,
              stroke: color(line.color),
              width: line.width ?? 1.5,
              ...(line.dash === undefined ? {} : { dash: line.dash }),
              ...(line.fill ? { fill: faint(color(line.color)) } : {}),
              value: (_u, v) => (v === null || v === undefined ? "–" : format(v)),
              points: { show: false },
            }),
          ),
        ],
        ...(options.band === undefined
          ? {}
          : { bands: [{ series: [...options.band], fill: faint(color(lineColor(options))) }] }),
      },
      [[], ...options.lines.map(() => [])],
      container,
    );
    this.#resize = new ResizeObserver(() => this.#fit());
    this.#resize.observe(container);
    const scheme = matchMedia("(prefers-color-scheme: dark)");
    const redraw = () => this.#plot.redraw(false);
    scheme.addEventListener("change", redraw);
    this.#unwatch = () => scheme.removeEventListener("change", redraw);
  }

  /** The uPlot instance (tests read its data). */
  get plot(): uPlot {
    return this.#plot;
  }

  /** Replaces the data: `[x, ...ys]`, x in seconds. */
  setData(data: uPlot.AlignedData): void {
    this.#plot.setData(data);
  }

  /** Removes the chart. */
  destroy(): void {
    this.#resize.disconnect();
    this.#unwatch();
    this.#plot.destroy();
  }

  #fit(): void {
    const width = Math.max(this.#container.clientWidth, 200);
    if (width !== this.#plot.width) this.#plot.setSize({ width, height: this.#height });
  }
}

let measure: CanvasRenderingContext2D | null | undefined;

/** The width of an axis label in CSS pixels (the axis font is 11px). */
function textWidth(text: string): number {
  measure ??= document.createElement("canvas").getContext("2d");
  if (measure === null) return text.length * 7;
  measure.font = "11px system-ui, sans-serif";
  return Math.ceil(measure.measureText(text).width);
}

function lineColor(options: ChartOptions): string {
  const index = (options.band?.[0] ?? 1) - 1;
  return options.lines[index]?.color ?? "--accent";
}

/** The same color (a `#rrggbb` custom property) at a fifth of its opacity, for areas and bands. */
function faint(color: () => string): () => string {
  return () => {
    const c = color();
    return c.startsWith("#") && c.length === 7 ? `${c}33` : c;
  };
}
