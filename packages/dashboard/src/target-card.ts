// One target's card: state, client and host uptime, transfer rates and totals, free space, counts by class, live chart.

/// <reference lib="dom" />

import type { TargetOverview } from "./api.ts";
import { Chart } from "./chart.ts";
import { ClassSummary } from "./class-summary.ts";
import { h, setValue } from "./dom.ts";
import { EnginePanel } from "./engine-panel.ts";
import { formatBytes, formatCount, formatDuration, formatRate, knownSize } from "./format.ts";
import { t, tNodes } from "./i18n/translate.ts";
import { LiveBuffer } from "./live-buffer.ts";

/** A target's card. */
export class TargetCard {
  readonly root: HTMLElement;
  readonly #fields = new Map<string, HTMLElement>();
  readonly #state: HTMLElement;
  readonly #meta: HTMLElement;
  readonly #error: HTMLElement;
  readonly #chartBox: HTMLElement;
  readonly #classes = new ClassSummary();
  readonly #rates = new LiveBuffer(2);
  readonly #engine = new EnginePanel();
  #chart: Chart | undefined;

  constructor(name: string, onSelect: (name: string) => void) {
    const field = (key: string, tag: "span" | "dd" = "span") => {
      const element = h(tag, { "data-field": key }, "–");
      this.#fields.set(key, element);
      return element;
    };
    const link = h("a", { href: `#target=${encodeURIComponent(name)}` }, name);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      onSelect(name);
    });
    this.#state = h("span", { class: "pill", "data-field": "state" }, "…");
    this.#meta = h("div", { class: "meta" });
    this.#error = h("p", { class: "error", "data-field": "lastError", hidden: true });
    this.#chartBox = h("div", { class: "chart", "data-chart": `rates:${name}` });
    this.root = h(
      "article",
      { class: "card", "data-target": name },
      h("header", { class: "card-head" }, h("h3", {}, link), this.#state),
      this.#meta,
      h(
        "div",
        { class: "uptimes" },
        h("span", {}, ...tNodes("card.clientUp", { duration: field("clientUptime") })),
        h("span", {}, ...tNodes("card.hostUp", { duration: field("hostUptime") })),
      ),
      h(
        "div",
        { class: "rates" },
        h("div", { class: "rate up", title: t("card.uploadRate") }, "↑ ", field("uploadRate")),
        h(
          "div",
          { class: "rate down", title: t("card.downloadRate") },
          "↓ ",
          field("downloadRate"),
        ),
      ),
      h(
        "dl",
        { class: "totals" },
        h("div", {}, h("dt", {}, t("card.uploaded")), field("uploadedTotal", "dd")),
        h("div", {}, h("dt", {}, t("card.downloaded")), field("downloadedTotal", "dd")),
        h("div", {}, h("dt", {}, t("card.freeSpace")), field("freeSpace", "dd")),
        h("div", {}, h("dt", {}, t("card.trackers")), field("trackers", "dd")),
      ),
      this.#classes.root,
      this.#engine.root,
      this.#chartBox,
      this.#error,
    );
  }

  /** Shows the target as of `at` (ms), with the host's uptime in seconds and its RAM in bytes. */
  update(
    target: TargetOverview,
    at: number,
    hostUptime: number | null,
    hostMemory: number | null = null,
  ): void {
    const state = target.up ? "up" : target.lastError === null ? "starting" : "down";
    this.root.dataset.state = state;
    setValue(this.#state, t(`state.${state}`));
    const meta = [target.type, target.model, target.version].filter(Boolean).join(" · ");
    if (this.#meta.textContent !== meta) this.#meta.textContent = meta;
    this.#error.hidden = target.lastError === null || target.up;
    this.#error.textContent = target.up ? "" : (target.lastError ?? "");

    // The client's own start where known (its account, or its process's), else when we saw it come up.
    const since = target.engine?.startedAt ?? target.upSince;
    const upFor = since === null ? null : Math.max(0, (at - since) / 1000);
    this.#set("clientUptime", formatDuration(upFor), upFor === null ? null : Math.floor(upFor));
    this.#set("hostUptime", formatDuration(hostUptime), hostUptime);
    const client = target.client;
    this.#set("uploadRate", formatRate(client?.uploadRate), client?.uploadRate);
    this.#set("downloadRate", formatRate(client?.downloadRate), client?.downloadRate);
    this.#set("uploadedTotal", formatBytes(client?.uploadedTotal), client?.uploadedTotal);
    this.#set("downloadedTotal", formatBytes(client?.downloadedTotal), client?.downloadedTotal);
    const freeSpace = knownSize(client?.freeSpace);
    this.#set("freeSpace", formatBytes(freeSpace), freeSpace);
    this.#set("trackers", formatCount(target.trackers), target.trackers);
    this.#engine.update(target, at, hostMemory);
    const torrentClient = target.classes !== null;
    this.root.classList.toggle("device", !torrentClient);
    this.#classes.update(target.classes, target.up);

    if (torrentClient) {
      this.#rates.push(at, target.up ? [client?.uploadRate, client?.downloadRate] : []);
      this.#chart ??= new Chart(this.#chartBox, {
        height: 90,
        format: (v) => formatRate(v),
        lines: [
          { label: t("chart.upload"), color: "--up", fill: true },
          { label: t("chart.download"), color: "--down", fill: true },
        ],
      });
      this.#chart.setData(this.#rates.data());
    }
  }

  /** Marks the card as the one whose details are shown. */
  set selected(on: boolean) {
    this.root.classList.toggle("selected", on);
  }

  /** Removes the card and its chart. */
  destroy(): void {
    this.#chart?.destroy();
    this.root.remove();
  }

  #set(key: string, text: string, raw: number | null | undefined): void {
    const element = this.#fields.get(key);
    if (element !== undefined) setValue(element, text, raw);
  }
}
