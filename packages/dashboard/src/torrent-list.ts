// A target's torrents: search, sort and paging done by the server, so 100,000 torrents cost one page each.

/// <reference lib="dom" />

import { type TorrentItem, type TorrentListQuery, torrents } from "./api.ts";
import { debounce, h, replaceChildren } from "./dom.ts";
import {
  formatBytes,
  formatDate,
  formatPercent,
  formatRate,
  formatRatio,
  UNKNOWN,
} from "./format.ts";
import type { MessageKey } from "./i18n/catalog.ts";
import { isMessageKey, t } from "./i18n/translate.ts";

interface Column {
  /** The server's sort key. */
  readonly key: string;
  readonly label: MessageKey;
  readonly render: (t: TorrentItem) => string;
  readonly numeric?: boolean;
  /** Hidden on narrow screens. */
  readonly wide?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: "name", label: "column.name", render: (x) => x.name },
  { key: "status", label: "column.status", render: (x) => statusName(x.status) },
  { key: "size", label: "column.size", render: (x) => formatBytes(x.size), numeric: true },
  {
    key: "progress",
    label: "column.done",
    render: (x) => formatPercent(x.progress),
    numeric: true,
  },
  {
    key: "uploadRate",
    label: "column.uploadRate",
    render: (x) => formatRate(x.uploadRate),
    numeric: true,
  },
  {
    key: "downloadRate",
    label: "column.downloadRate",
    render: (x) => formatRate(x.downloadRate),
    numeric: true,
  },
  {
    key: "uploaded",
    label: "column.uploaded",
    render: (x) => formatBytes(x.uploaded),
    numeric: true,
  },
  {
    key: "downloaded",
    label: "column.downloaded",
    render: (x) => formatBytes(x.downloaded),
    numeric: true,
    wide: true,
  },
  { key: "ratio", label: "column.ratio", render: (x) => formatRatio(x.ratio), numeric: true },
  { key: "tracker", label: "column.tracker", render: (x) => x.tracker, wide: true },
  {
    key: "addedOn",
    label: "column.added",
    render: (x) => (x.addedOn > 0 ? formatDate(x.addedOn * 1000) : UNKNOWN),
    numeric: true,
    wide: true,
  },
];

/** A status name of pt-exporter's table (the API's English name) in the page's language. */
function statusName(status: string): string {
  const key = `status.${status}`;
  if (isMessageKey(key)) return t(key);
  console.error(`seedwatch: no message for ${key}`);
  return status;
}

const PAGE_SIZES = [10, 25, 50, 100, 250] as const;

/** The torrent list of the selected target. */
export class TorrentList {
  readonly root: HTMLElement;
  readonly #search: HTMLInputElement;
  readonly #size: HTMLSelectElement;
  readonly #head: HTMLTableRowElement;
  readonly #body: HTMLTableSectionElement;
  readonly #range: HTMLElement;
  readonly #previous: HTMLButtonElement;
  readonly #next: HTMLButtonElement;
  readonly #status: HTMLElement;
  #target: string | undefined;
  #query: TorrentListQuery = { q: "", sort: "name", order: "asc", offset: 0, limit: 25 };
  #total = 0;
  #inFlight: AbortController | undefined;

  constructor() {
    this.#search = h("input", {
      type: "search",
      name: "q",
      placeholder: t("torrents.search"),
      "aria-label": t("torrents.searchLabel"),
      maxlength: 200,
      autocomplete: "off",
    });
    const search = debounce(250, () => this.#change({ q: this.#search.value, offset: 0 }));
    this.#search.addEventListener("input", search);
    this.#size = h(
      "select",
      { name: "limit", "aria-label": t("torrents.pageSize") },
      ...PAGE_SIZES.map((n) =>
        h(
          "option",
          { value: n, selected: n === this.#query.limit },
          t("torrents.perPage", { count: n }),
        ),
      ),
    );
    this.#size.addEventListener("change", () =>
      this.#change({ limit: Number(this.#size.value), offset: 0 }),
    );
    this.#head = h("tr");
    this.#body = h("tbody");
    this.#range = h("span", { class: "range", "data-field": "torrent-range" });
    this.#previous = h(
      "button",
      { type: "button", "data-action": "previous" },
      t("torrents.previous"),
    );
    this.#next = h("button", { type: "button", "data-action": "next" }, t("torrents.next"));
    this.#previous.addEventListener("click", () =>
      this.#change({ offset: Math.max(0, this.#query.offset - this.#query.limit) }),
    );
    this.#next.addEventListener("click", () =>
      this.#change({ offset: this.#query.offset + this.#query.limit }),
    );
    this.#status = h("p", { class: "note", role: "status" });
    this.root = h(
      "div",
      { class: "torrent-list" },
      h("div", { class: "toolbar" }, this.#search, this.#size),
      h(
        "div",
        { class: "scroll" },
        h("table", { "data-table": "torrents" }, h("thead", {}, this.#head), this.#body),
      ),
      this.#status,
      h("div", { class: "pager" }, this.#previous, this.#range, this.#next),
    );
    this.#renderHead();
  }

  /** Shows another target's torrents (from the first page, same sort and page size). */
  show(target: string): void {
    if (target === this.#target) return;
    this.#target = target;
    this.#search.value = "";
    this.#query = { ...this.#query, q: "", offset: 0 };
    void this.load();
  }

  /** Fetches the current page again (rates and states move). */
  async load(): Promise<void> {
    const target = this.#target;
    if (target === undefined) return;
    this.#inFlight?.abort();
    const controller = new AbortController();
    this.#inFlight = controller;
    const query = this.#query;
    try {
      const page = await torrents(target, query, controller.signal);
      if (controller !== this.#inFlight) return;
      // The list shrank under the current page (torrents removed, narrower search): go back.
      if (page.items.length === 0 && page.total > 0 && query.offset > 0) {
        this.#query = {
          ...query,
          offset: Math.floor((page.total - 1) / query.limit) * query.limit,
        };
        return this.load();
      }
      this.#total = page.total;
      this.#render(page.items, page.offset);
      this.#status.textContent =
        page.total === 0 ? t(query.q === "" ? "torrents.none" : "torrents.noMatch") : "";
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#status.textContent = t("torrents.failed", { reason: (error as Error).message });
    } finally {
      if (controller === this.#inFlight) this.#inFlight = undefined;
    }
  }

  #change(change: Partial<TorrentListQuery>): void {
    this.#query = { ...this.#query, ...change };
    this.#renderHead();
    void this.load();
  }

  #sortBy(key: string): void {
    const order =
      key === this.#query.sort
        ? this.#query.order === "asc"
          ? "desc"
          : "asc"
        : key === "name" || key === "tracker" || key === "status"
          ? "asc"
          : "desc";
    this.#change({ sort: key, order, offset: 0 });
  }

  #renderHead(): void {
    replaceChildren(
      this.#head,
      ...COLUMNS.map((c) => {
        const sorted = c.key === this.#query.sort;
        const button = h(
          "button",
          { type: "button", class: "sort", "data-sort": c.key },
          t(c.label),
          sorted ? (this.#query.order === "asc" ? " ▲" : " ▼") : "",
        );
        button.addEventListener("click", () => this.#sortBy(c.key));
        return h(
          "th",
          {
            scope: "col",
            class: [c.numeric ? "num" : "", c.wide ? "wide" : ""].join(" ").trim() || undefined,
            "aria-sort": sorted
              ? this.#query.order === "asc"
                ? "ascending"
                : "descending"
              : undefined,
          },
          button,
        );
      }),
    );
  }

  #render(items: readonly TorrentItem[], offset: number): void {
    replaceChildren(
      this.#body,
      ...items.map((torrent) =>
        h(
          "tr",
          {
            "data-hash": torrent.hash,
            class: torrent.trackerError || torrent.status === "Errored" ? "bad" : undefined,
          },
          ...COLUMNS.map((c) =>
            h(
              "td",
              {
                class: [c.numeric ? "num" : "", c.wide ? "wide" : ""].join(" ").trim() || undefined,
                "data-col": c.key,
                title:
                  c.key === "name"
                    ? [torrent.hash, torrent.category, torrent.message].filter(Boolean).join(" · ")
                    : undefined,
              },
              c.render(torrent),
            ),
          ),
        ),
      ),
    );
    const last = offset + items.length;
    this.#range.textContent =
      this.#total === 0 ? "" : t("torrents.range", { first: offset + 1, last, total: this.#total });
    this.#range.dataset.total = String(this.#total);
    this.#previous.disabled = offset === 0;
    this.#next.disabled = last >= this.#total;
  }
}
