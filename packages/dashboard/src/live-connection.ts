// The live view's server-sent events: open while the page is visible, closed while hidden, reopened after a refusal.

/// <reference lib="dom" />

import type { Overview } from "./api.ts";
import { t } from "./i18n/translate.ts";

/** How the connection is doing, for the header. */
export type LiveState = "connecting" | "live" | "reconnecting" | "paused";

/** Options of the connection. */
export interface LiveConnectionOptions {
  readonly url: string;
  readonly onOverview: (overview: Overview) => void;
  readonly onState: (state: LiveState, detail?: string) => void;
  /** Wait before opening again after the server refused the stream (full, 401), ms. */
  readonly retryMs?: number;
}

/**
 * Subscribes to `event: overview`. The daemon only works for the live view while a stream is
 * open, so a hidden tab closes it and opens it again when shown.
 */
export class LiveConnection {
  readonly #options: LiveConnectionOptions;
  #source: EventSource | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") {
        this.#close();
        options.onState("paused");
      } else {
        this.#open();
      }
    });
  }

  /** Opens the stream (unless the page is hidden). */
  start(): void {
    if (document.visibilityState !== "hidden") this.#open();
  }

  #open(): void {
    if (this.#source !== undefined) return;
    clearTimeout(this.#retry);
    this.#options.onState("connecting");
    const source = new EventSource(this.#options.url);
    this.#source = source;
    source.addEventListener("overview", (event) => {
      let overview: Overview;
      try {
        overview = JSON.parse((event as MessageEvent<string>).data) as Overview;
      } catch {
        return this.#options.onState("reconnecting", t("live.unreadable"));
      }
      this.#options.onState("live");
      this.#options.onOverview(overview);
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (not a stream, e.g. too many pages open): EventSource gives up, so we retry.
        this.#close();
        this.#options.onState("reconnecting", t("live.refused"));
        this.#retry = setTimeout(() => this.#open(), this.#options.retryMs ?? 15_000);
      } else {
        this.#options.onState("reconnecting");
      }
    });
  }

  #close(): void {
    clearTimeout(this.#retry);
    this.#source?.close();
    this.#source = undefined;
  }
}
