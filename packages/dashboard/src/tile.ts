// A small figure box: a label, a large value, a line of detail, and an optional usage bar.

/// <reference lib="dom" />

import { h, setValue } from "./dom.ts";

/** A tile and the parts that change. */
export interface Tile {
  readonly root: HTMLElement;
  /** Sets the large value (and its raw figure), the detail line, and the bar (a fraction). */
  set(value: string, raw?: number | string | null, detail?: string, fraction?: number | null): void;
}

/** Creates a tile; `field` names it for scripts and tests (`data-field`). */
export function tile(label: string, field: string, withBar = false): Tile {
  const value = h("div", { class: "tile-value", "data-field": field }, "–");
  const detail = h("div", { class: "tile-detail" });
  const fill = h("span");
  const bar = withBar ? h("div", { class: "bar", role: "presentation" }, fill) : null;
  const root = h(
    "div",
    { class: "tile" },
    h("div", { class: "tile-label" }, label),
    value,
    detail,
    bar,
  );
  return {
    root,
    set(text, raw, detailText = "", fraction) {
      setValue(value, text, raw);
      if (detail.textContent !== detailText) detail.textContent = detailText;
      if (bar !== null) {
        const share =
          fraction === null || fraction === undefined ? 0 : Math.min(Math.max(fraction, 0), 1);
        fill.style.width = `${(share * 100).toFixed(1)}%`;
        bar.classList.toggle("high", share >= 0.9);
      }
    },
  };
}
