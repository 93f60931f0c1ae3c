// A target's summary line as pyrotorque shows it: torrents by class, each with its symbol and, for screen readers, its name.

/// <reference lib="dom" />

import { h, setValue } from "./dom.ts";
import { formatCount } from "./format.ts";
import type { MessageKey } from "./i18n/catalog.ts";
import { t } from "./i18n/translate.ts";

/**
 * The classes in the seed's order (total, active, with message, complete, incomplete, seeding,
 * downloading, started, stopped), then errored: the API's key, the label, pyrotorque's symbol.
 */
export const CLASSES: ReadonlyArray<readonly [key: string, label: MessageKey, symbol: string]> = [
  ["total", "class.total", "♯"],
  ["active", "class.active", "⚡"],
  ["withMessage", "class.withMessage", "↯"],
  ["complete", "class.complete", "✔"],
  ["incomplete", "class.incomplete", "◑"],
  ["seeding", "class.seeding", "▲"],
  ["downloading", "class.downloading", "▼"],
  ["started", "class.started", "☀"],
  ["stopped", "class.stopped", "■"],
  ["errored", "class.errored", "✖"],
];

/**
 * One line of counts. The symbols are decoration (hidden from screen readers, named in a
 * tooltip); each count is read with its class's name, which is visually hidden.
 */
export class ClassSummary {
  readonly root: HTMLElement;
  readonly #values = new Map<string, HTMLElement>();

  constructor() {
    this.root = h(
      "ul",
      { class: "class-summary", "aria-label": t("classes.summary") },
      ...CLASSES.map(([key, label, symbol]) => {
        const value = h("span", { class: "count", "data-field": `class:${key}` }, "–");
        this.#values.set(key, value);
        return h(
          "li",
          { "data-class": key, title: t(label) },
          h("span", { class: "symbol", "aria-hidden": "true" }, symbol),
          h("span", { class: "visually-hidden" }, `${t(label)} `),
          value,
        );
      }),
    );
  }

  /** Shows the counts (none while the target is down or has no torrents to count). */
  update(classes: Readonly<Record<string, number>> | null, up: boolean): void {
    for (const [key] of CLASSES) {
      const count = up ? classes?.[key] : undefined;
      const element = this.#values.get(key);
      if (element !== undefined) setValue(element, formatCount(count), count);
    }
  }
}
