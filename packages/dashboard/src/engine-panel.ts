// A target card's engine line: libtorrent version, peer sockets, open files and HTTP requests, the client's CPU and memory.

/// <reference lib="dom" />

import type { TargetOverview } from "./api.ts";
import { h, setValue } from "./dom.ts";
import { formatBytes, formatCount, formatPercent } from "./format.ts";
import type { MessageKey } from "./i18n/catalog.ts";
import { t } from "./i18n/translate.ts";

/** The figures of the engine line, in order, with their labels. */
const FIGURES: ReadonlyArray<readonly [key: string, label: MessageKey]> = [
  ["libraryVersion", "engine.libtorrent"],
  ["openSockets", "engine.openSockets"],
  ["openFiles", "engine.openFiles"],
  ["openHttpRequests", "engine.openHttpRequests"],
  ["cpu", "engine.cpu"],
  ["resident", "engine.resident"],
  ["memoryShare", "engine.memoryShare"],
  ["virtual", "engine.virtual"],
];

/**
 * The engine's resources of one target, as the client and /proc report them. A figure the
 * client does not give is hidden, not shown as 0; the CPU share is the client's CPU seconds
 * between two updates over the time between them (ps's pcpu, over the last interval).
 */
export class EnginePanel {
  readonly root: HTMLElement;
  readonly #fields = new Map<string, HTMLElement>();
  readonly #items = new Map<string, HTMLElement>();
  #lastCpu: { at: number; seconds: number } | undefined;

  constructor() {
    this.root = h(
      "dl",
      { class: "engine", "data-field": "engine", hidden: true },
      ...FIGURES.map(([key, label]) => {
        const value = h("dd", { "data-field": `engine:${key}` }, "–");
        const item = h("div", { "data-engine": key, hidden: true }, h("dt", {}, t(label)), value);
        this.#fields.set(key, value);
        this.#items.set(key, item);
        return item;
      }),
    );
  }

  /** Shows the target's engine as of `at` (ms); `hostMemory` is the host's RAM in bytes, if known. */
  update(target: TargetOverview, at: number, hostMemory: number | null): void {
    const engine = target.engine;
    this.root.hidden = engine === null;
    if (engine === null) {
      this.#lastCpu = undefined;
      return;
    }
    const p = engine.process;
    let cpuShare: number | null = null;
    if (p !== null) {
      const last = this.#lastCpu;
      if (last !== undefined && at > last.at && p.cpuSeconds >= last.seconds)
        cpuShare = (p.cpuSeconds - last.seconds) / ((at - last.at) / 1000);
      this.#lastCpu = { at, seconds: p.cpuSeconds };
    } else {
      this.#lastCpu = undefined;
    }
    this.#show("libraryVersion", engine.libraryVersion, engine.libraryVersion);
    this.#show("openSockets", formatCount(engine.openSockets), engine.openSockets);
    this.#show("openFiles", formatCount(engine.openFiles), engine.openFiles);
    this.#show("openHttpRequests", formatCount(engine.openHttpRequests), engine.openHttpRequests);
    this.#show("cpu", formatPercent(cpuShare), cpuShare);
    this.#show("resident", formatBytes(p?.residentBytes), p?.residentBytes ?? null);
    const memoryShare =
      p !== null && hostMemory !== null && hostMemory > 0 ? p.residentBytes / hostMemory : null;
    this.#show("memoryShare", formatPercent(memoryShare), memoryShare);
    this.#show("virtual", formatBytes(p?.virtualBytes), p?.virtualBytes ?? null);
  }

  /** Shows a figure, or hides it when it is not known (`raw` null). */
  #show(key: string, text: string | null, raw: number | string | null): void {
    const item = this.#items.get(key) as HTMLElement;
    item.hidden = raw === null;
    if (raw !== null) setValue(this.#fields.get(key) as HTMLElement, text ?? "", raw);
  }
}
