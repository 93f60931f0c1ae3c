// History charts from the archive: a series of a target, one of its trackers, the host or a disk, last hour to last year.

/// <reference lib="dom" />

import {
  type HistoryQuery,
  type HistoryResult,
  type HistorySeries,
  history,
  historyCatalog,
} from "./api.ts";
import { Chart } from "./chart.ts";
import { h, replaceChildren } from "./dom.ts";
import { formatBytes, formatLoad, formatNumber, formatPercent, formatRate } from "./format.ts";
import type { MessageKey } from "./i18n/catalog.ts";
import { isMessageKey, t } from "./i18n/translate.ts";

/** The ranges offered, in milliseconds. */
export const RANGES: ReadonlyArray<readonly [label: MessageKey, ms: number]> = [
  ["range.1h", 3_600_000],
  ["range.6h", 6 * 3_600_000],
  ["range.24h", 86_400_000],
  ["range.7d", 7 * 86_400_000],
  ["range.30d", 30 * 86_400_000],
  ["range.1y", 365 * 86_400_000],
];

/** Why the history source gives nothing: history is off in the daemon's configuration. */
class HistoryDisabled extends Error {
  override name = "HistoryDisabled";
}

/** What a chart can be about: a target, a tracker of it, the host, or one of its file systems. */
export interface HistorySubject {
  readonly label: string;
  readonly scope: HistorySeries["scope"];
  /** The tracker or the path, for those scopes. */
  readonly key?: string;
}

const REFRESH_MS = 60_000;

let catalog: Promise<HistorySeries[]> | undefined;

/** The series the history source can give, asked for once per page (again after a failure). */
function archivedSeries(): Promise<HistorySeries[]> {
  catalog ??= historyCatalog()
    .then((answer) => {
      if (!answer.enabled) throw new HistoryDisabled("history.enabled: false");
      return answer.series.filter((s) => s.available);
    })
    .catch((error: unknown) => {
      catalog = undefined;
      throw error;
    });
  return catalog;
}

/** A chart of the archive with its subject, series and range pickers. */
export class HistoryPanel {
  readonly root: HTMLElement;
  readonly #subjectSelect: HTMLSelectElement;
  readonly #seriesSelect: HTMLSelectElement;
  readonly #ranges: HTMLElement;
  readonly #chartBox: HTMLElement;
  readonly #status: HTMLElement;
  readonly #defaultSeries: string;
  #series: HistorySeries[] = [];
  #subjects: HistorySubject[] = [];
  #target: string | null = null;
  #range: number;
  #chart: Chart | undefined;
  #chartUnit = "";
  #window: [number, number] | null = null;
  #inFlight: AbortController | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `name` tells charts apart in the page (`data-chart="history:<name>"`). */
  constructor(name: string, defaultSeries: string, defaultRangeMs = 6 * 3_600_000) {
    this.#defaultSeries = defaultSeries;
    this.#range = defaultRangeMs;
    this.#subjectSelect = h("select", {
      name: `${name}-subject`,
      "aria-label": t("history.subject"),
    });
    this.#subjectSelect.addEventListener("change", () => {
      this.#fillSeries();
      void this.load();
    });
    this.#seriesSelect = h("select", {
      name: `${name}-series`,
      "aria-label": t("history.series"),
    });
    this.#seriesSelect.addEventListener("change", () => void this.load());
    this.#ranges = h("div", {
      class: "segmented",
      role: "group",
      "aria-label": t("history.range"),
    });
    for (const [label, ms] of RANGES) {
      const button = h(
        "button",
        { type: "button", "data-range": ms, "aria-pressed": ms === this.#range },
        t(label),
      );
      button.addEventListener("click", () => {
        this.#range = ms;
        for (const b of this.#ranges.querySelectorAll("button"))
          b.setAttribute("aria-pressed", String(b === button));
        void this.load();
      });
      this.#ranges.append(button);
    }
    this.#chartBox = h("div", { class: "chart" });
    this.#status = h("p", { class: "note", role: "status", "data-field": "history-status" });
    this.root = h(
      "div",
      { class: "history", "data-chart": `history:${name}` },
      h("div", { class: "toolbar" }, this.#subjectSelect, this.#seriesSelect, this.#ranges),
      this.#chartBox,
      this.#status,
    );
  }

  /**
   * Shows the history of `target` (null for the host) with these subjects to choose from, and
   * keeps it fresh while the page is open. The chart is redrawn when the target changes.
   */
  show(target: string | null, subjects: readonly HistorySubject[]): void {
    const sameTarget = target === this.#target && this.#subjects.length > 0;
    // Left alone when nothing changed, so an open drop-down is not closed under the user.
    if (sameTarget && JSON.stringify(subjects) === JSON.stringify(this.#subjects)) return;
    const current = this.#subjects[Number(this.#subjectSelect.value)];
    this.#target = target;
    this.#subjects = [...subjects];
    replaceChildren(
      this.#subjectSelect,
      ...subjects.map((s, i) => h("option", { value: String(i) }, s.label)),
    );
    const keep = sameTarget
      ? subjects.findIndex((s) => s.scope === current?.scope && s.key === current?.key)
      : -1;
    this.#subjectSelect.value = String(Math.max(keep, 0));
    this.#timer ??= setInterval(() => void this.load(), REFRESH_MS);
    if (keep >= 0) return;
    archivedSeries().then(
      (series) => {
        this.#series = series;
        this.#fillSeries();
        void this.load();
      },
      (error: Error) => {
        this.#status.textContent = unavailable(error);
      },
    );
  }

  /** Loads and draws the chosen series over the chosen range. */
  async load(): Promise<void> {
    const subject = this.#subjects[Number(this.#subjectSelect.value)];
    const series = this.#series.find((s) => s.name === this.#seriesSelect.value);
    if (subject === undefined || series === undefined) return;
    this.#inFlight?.abort();
    const controller = new AbortController();
    this.#inFlight = controller;
    const to = Date.now();
    const from = to - this.#range;
    const query: HistoryQuery = {
      series: series.name,
      from,
      to,
      ...(this.#target === null ? {} : { target: this.#target }),
      ...(subject.scope === "tracker" ? { tracker: subject.key ?? "" } : {}),
      ...(subject.scope === "filesystem" ? { path: subject.key ?? "" } : {}),
    };
    try {
      const answer = await history(query, controller.signal);
      if (controller !== this.#inFlight) return;
      this.#draw(series, answer, from, to);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#status.textContent = unavailable(error as Error);
    } finally {
      if (controller === this.#inFlight) this.#inFlight = undefined;
    }
  }

  #fillSeries(): void {
    const scope = this.#subjects[Number(this.#subjectSelect.value)]?.scope;
    const offered = this.#series.filter((s) => s.scope === scope);
    const previous = this.#seriesSelect.value || this.#defaultSeries;
    replaceChildren(
      this.#seriesSelect,
      ...offered.map((s) =>
        h("option", { value: s.name, title: seriesText("seriesHelp", s) }, seriesText("series", s)),
      ),
    );
    const pick = offered.find((s) => s.name === previous) ?? offered[0];
    if (pick !== undefined) this.#seriesSelect.value = pick.name;
  }

  #draw(series: HistorySeries, answer: HistoryResult, from: number, to: number): void {
    const drawn = answer.points.filter((p) => p[2] !== null);
    const first = drawn[0]?.[0];
    // Start where the archive starts, so a young archive is not a line in a corner.
    this.#window = [Math.max(from, (first ?? from) - answer.step) / 1000, to / 1000];
    if (this.#chart === undefined || this.#chartUnit !== series.unit) {
      this.#chart?.destroy();
      this.#chartUnit = series.unit;
      this.#chart = new Chart(this.#chartBox, {
        height: 220,
        legend: true,
        format: formatterFor(series.unit),
        ...(series.unit === "ratio" ? { range: "fraction" as const } : {}),
        band: [1, 3],
        xRange: () => this.#window,
        lines: [
          { label: t("chart.max"), color: "--accent", width: 1, dash: [3, 3] },
          { label: t("chart.average"), color: "--accent", width: 2 },
          { label: t("chart.min"), color: "--accent", width: 1, dash: [3, 3] },
        ],
      });
    }
    const points = answer.points;
    this.#chart.setData([
      points.map((p) => p[0] / 1000),
      points.map((p) => p[3]),
      points.map((p) => p[2]),
      points.map((p) => p[1]),
    ]);
    // What was drawn, for scripts and tests: the range, and the first and last points with a value.
    this.root.dataset.series = series.name;
    this.root.dataset.from = String(answer.from);
    this.root.dataset.to = String(answer.to);
    this.root.dataset.points = String(drawn.length);
    this.root.dataset.first = JSON.stringify(drawn[0] ?? null);
    this.root.dataset.last = JSON.stringify(drawn[drawn.length - 1] ?? null);
    this.#status.textContent =
      drawn.length === 0
        ? t("history.empty")
        : t("history.points", { count: drawn.length, step: stepText(answer.step) });
  }
}

function unavailable(error: Error): string {
  return error instanceof HistoryDisabled
    ? t("history.disabled", { setting: error.message })
    : t("history.unavailable", { reason: error.message });
}

/**
 * A series' name or description from the catalog. A series the catalog does not know (a daemon
 * newer than its page cannot be: it serves the page) shows as its name, and is reported.
 */
function seriesText(kind: "series" | "seriesHelp", series: HistorySeries): string {
  const key = `${kind}.${series.name}`;
  if (isMessageKey(key)) return t(key);
  console.error(`seedwatch: no message for ${key}`);
  return series.name;
}

function formatterFor(unit: HistorySeries["unit"]): (value: number) => string {
  if (unit === "bytes_per_second") return formatRate;
  if (unit === "bytes") return formatBytes;
  if (unit === "ratio") return formatPercent;
  if (unit === "load") return formatLoad;
  return formatNumber;
}

function stepText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return t("history.stepHours", { count: s / 3600 });
  if (s % 60 === 0) return t("history.stepMinutes", { count: s / 60 });
  return t("history.stepSeconds", { count: s });
}
