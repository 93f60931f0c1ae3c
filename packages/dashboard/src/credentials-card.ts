// A card for a client found on this machine that needs a password: what was found, where, and the lines to add to seedwatch.yml.

/// <reference lib="dom" />

import type { NeedsCredentials } from "./api.ts";
import { h } from "./dom.ts";
import { t } from "./i18n/translate.ts";

/** The clients' own names (product names: the same in every language). */
const CLIENT_NAMES: Readonly<Record<string, string>> = {
  qbittorrent: "qBittorrent",
  transmission: "Transmission",
  deluge: "Deluge",
  rtorrent: "rTorrent",
};

/** The config file's name when there is none yet, and the key the lines go under. */
const CONFIG_NAME = "seedwatch.yml";
const TARGETS_KEY = "targets:";

/** The card of a client that needs a password. */
export class CredentialsCard {
  readonly root: HTMLElement;
  readonly #found: HTMLElement;
  readonly #why: HTMLElement;
  readonly #how: HTMLElement;
  readonly #lines: HTMLElement;
  readonly #copy: HTMLButtonElement;
  #shown = "";

  constructor(name: string) {
    this.#found = h("p", { "data-field": "found" });
    this.#why = h("p", { "data-field": "reason" });
    this.#how = h("p", { "data-field": "instructions" });
    this.#lines = h("code", { "data-field": "config-lines" });
    this.#copy = h("button", { type: "button", class: "copy" }, t("credentials.copy"));
    this.#copy.addEventListener("click", () => void this.#copyLines());
    this.root = h(
      "article",
      { class: "card needs-credentials", "data-target": name, "data-state": "needs_credentials" },
      h(
        "header",
        { class: "card-head" },
        h("h3", {}, name),
        h("span", { class: "pill", "data-field": "state" }, t("state.needs_credentials")),
      ),
      this.#found,
      this.#why,
      this.#how,
      h("div", { class: "config-lines" }, h("pre", {}, this.#lines), this.#copy),
    );
  }

  /** Shows what was found (the same entry comes every couple of seconds: only a change is drawn). */
  update(needs: NeedsCredentials): void {
    const shown = JSON.stringify(needs);
    if (shown === this.#shown) return;
    this.#shown = shown;
    const client = CLIENT_NAMES[needs.type] ?? needs.type;
    this.#found.textContent =
      needs.foundIn === null
        ? t("credentials.foundOnPort", { client, url: needs.url })
        : t("credentials.found", { client, url: needs.url, file: needs.foundIn });
    this.#why.textContent =
      needs.reason === "hashed"
        ? t("credentials.hashed")
        : needs.reason === "unreadable"
          ? t("credentials.unreadable", { file: needs.passwordFile ?? "" })
          : t("credentials.notFound");
    this.#how.textContent =
      needs.configFile === null
        ? t("credentials.create", { config: CONFIG_NAME, variable: needs.passwordVariable })
        : t("credentials.add", {
            key: TARGETS_KEY,
            config: needs.configFile,
            variable: needs.passwordVariable,
          });
    this.#lines.textContent = needs.configLines;
  }

  /** Removes the card. */
  destroy(): void {
    this.root.remove();
  }

  /** Copies the lines; where the page may not write the clipboard (plain http), selects them. */
  async #copyLines(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.#lines.textContent ?? "");
      this.#copy.textContent = t("credentials.copied");
    } catch {
      const range = document.createRange();
      range.selectNodeContents(this.#lines);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    }
  }
}
