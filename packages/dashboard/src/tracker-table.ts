// A target's per-tracker table: torrents, size, uploaded, downloaded, ratio, errors, rates, and a total row.

/// <reference lib="dom" />

import type { TrackerRow } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { formatBytes, formatCount, formatRate, formatRatio } from "./format.ts";

interface Column {
  readonly key: keyof TrackerRow;
  readonly label: string;
  readonly format: (value: number | null) => string;
  /** Hidden on narrow screens. */
  readonly wide?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: "torrents", label: "Torrents", format: formatCount },
  { key: "size", label: "Size", format: formatBytes },
  { key: "uploaded", label: "Uploaded", format: formatBytes },
  { key: "downloaded", label: "Downloaded", format: formatBytes },
  { key: "ratio", label: "Ratio", format: formatRatio },
  { key: "errors", label: "Errors", format: formatCount },
  { key: "uploadRate", label: "↑ rate", format: formatRate, wide: true },
  { key: "downloadRate", label: "↓ rate", format: formatRate, wide: true },
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
              h("th", { scope: "col" }, "Tracker"),
              ...COLUMNS.map((c) => h("th", { scope: "col", class: cellClass(c) }, c.label)),
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
      problem !== "" ? problem : rows !== null && rows.length === 0 ? "No trackers." : "";
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
            h("th", { scope: "row" }, "All trackers"),
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
