// A target's per-tracker table: torrents, size, uploaded, downloaded, ratio, errors, rates, and a total row.

/// <reference lib="dom" />

import type { TrackerRow } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { formatBytes, formatCount, formatRate, formatRatio } from "./format.ts";
import type { MessageKey } from "./i18n/catalog.ts";
import { t } from "./i18n/translate.ts";

interface Column {
  readonly key: keyof TrackerRow;
  readonly label: MessageKey;
  readonly format: (value: number | null) => string;
  /** Hidden on narrow screens. */
  readonly wide?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: "torrents", label: "column.torrents", format: formatCount },
  { key: "size", label: "column.size", format: formatBytes },
  { key: "uploaded", label: "column.uploaded", format: formatBytes },
  { key: "downloaded", label: "column.downloaded", format: formatBytes },
  { key: "ratio", label: "column.ratio", format: formatRatio },
  { key: "errors", label: "column.errors", format: formatCount },
  { key: "uploadRate", label: "column.uploadRate", format: formatRate, wide: true },
  { key: "downloadRate", label: "column.downloadRate", format: formatRate, wide: true },
];

/** The table; `update` redraws it from the server's rows (a few dozen at most). */
export class TrackerTable {
  readonly root: HTMLElement;
  readonly #body: HTMLTableSectionElement;
  readonly #foot: HTMLTableSectionElement;
  readonly #status: HTMLElement;

  constructor() {
    this.#body = h("tbody");
    this.#foot = h("tfoot");
    this.#status = h("p", { class: "note", role: "status" });
    this.root = h(
      "div",
      { class: "tracker-table" },
      h(
        "div",
        { class: "scroll" },
        h(
          "table",
          { "data-table": "trackers" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t("column.tracker")),
              ...COLUMNS.map((c) => h("th", { scope: "col", class: cellClass(c) }, t(c.label))),
            ),
          ),
          this.#body,
          this.#foot,
        ),
      ),
      this.#status,
    );
  }

  /** Shows rows, or a reason there are none. */
  update(rows: readonly TrackerRow[] | null, problem = ""): void {
    this.#status.textContent =
      problem !== "" ? problem : rows !== null && rows.length === 0 ? t("trackers.none") : "";
    if (rows === null) return;
    replaceChildren(
      this.#body,
      ...rows.map((row) =>
        h(
          "tr",
          { "data-tracker": row.tracker },
          h("th", { scope: "row" }, row.tracker),
          ...COLUMNS.map((c) => cell(c, row[c.key] as number | null)),
        ),
      ),
    );
    const total = totals(rows);
    replaceChildren(
      this.#foot,
      rows.length < 2
        ? null
        : h(
            "tr",
            { "data-tracker": "" },
            h("th", { scope: "row" }, t("trackers.all")),
            ...COLUMNS.map((c) => cell(c, total[c.key] as number | null)),
          ),
    );
  }
}

function cell(column: Column, value: number | null): HTMLElement {
  return h(
    "td",
    { class: cellClass(column), "data-col": column.key, "data-value": value ?? undefined },
    column.format(value),
  );
}

function cellClass(column: Column): string {
  return column.wide ? "num wide" : "num";
}

function totals(rows: readonly TrackerRow[]): Record<keyof TrackerRow, number | null | string> {
  const sum = (
    key: "torrents" | "size" | "uploaded" | "downloaded" | "errors" | "uploadRate" | "downloadRate",
  ) => rows.reduce((s, r) => s + r[key], 0);
  const downloaded = sum("downloaded");
  return {
    tracker: "",
    torrents: sum("torrents"),
    size: sum("size"),
    uploaded: sum("uploaded"),
    downloaded,
    ratio: downloaded > 0 ? sum("uploaded") / downloaded : null,
    errors: sum("errors"),
    uploadRate: sum("uploadRate"),
    downloadRate: sum("downloadRate"),
  };
}
