// The host indicators: uptime, CPU and load, memory, swap, disk I/O, network, disk usage per path, live charts.

/// <reference lib="dom" />

import type { HostSnapshot } from "./api.ts";
import { Chart } from "./chart.ts";
import { h, replaceChildren, setValue } from "./dom.ts";
import {
  formatBytes,
  formatDuration,
  formatLoad,
  formatPercent,
  formatRate,
  UNKNOWN,
} from "./format.ts";
import { HistoryPanel } from "./history-panel.ts";
import { language, t } from "./i18n/translate.ts";
import { LiveBuffer } from "./live-buffer.ts";
import { type Tile, tile } from "./tile.ts";

/** The host section of the page. */
export class HostPanel {
  readonly root: HTMLElement;
  readonly #uptime: HTMLElement;
  readonly #note: HTMLElement;
  readonly #cpu: Tile = tile(t("host.cpu"), "cpu", true);
  readonly #memory: Tile = tile(t("host.memory"), "memory", true);
  readonly #swap: Tile = tile(t("host.swap"), "swap", true);
  readonly #disk: Tile = tile(t("host.diskIo"), "disk-io");
  readonly #network: Tile = tile(t("host.network"), "network");
  readonly #filesystems: HTMLElement;
  readonly #body: HTMLElement;
  readonly #use = new LiveBuffer(2);
  readonly #io = new LiveBuffer(4);
  readonly #history = new HistoryPanel("host", "host_cpu_busy");
  #paths = "";
  #fsTiles: Tile[] = [];
  #charts: Chart[] = [];
  readonly #chartBoxes: HTMLElement[];

  constructor() {
    this.#uptime = h("span", { class: "sub", "data-field": "host-uptime" });
    this.#note = h("p", { class: "note", hidden: true });
    this.#filesystems = h("div", { class: "tiles" });
    const useChart = h("div", { class: "chart", "data-chart": "host-use" });
    const ioChart = h("div", { class: "chart", "data-chart": "host-io" });
    this.#body = h(
      "div",
      {},
      h(
        "div",
        { class: "tiles" },
        this.#cpu.root,
        this.#memory.root,
        this.#swap.root,
        this.#disk.root,
        this.#network.root,
      ),
      this.#filesystems,
      h(
        "div",
        { class: "chart-pair" },
        h("figure", {}, h("figcaption", {}, t("host.useChart")), useChart),
        h("figure", {}, h("figcaption", {}, t("host.ioChart")), ioChart),
      ),
      h("h3", {}, t("section.history")),
      this.#history.root,
    );
    this.root = h(
      "section",
      { class: "panel", id: "host", "aria-labelledby": "host-title" },
      h(
        "header",
        { class: "panel-head" },
        h("h2", { id: "host-title" }, t("host.title")),
        this.#uptime,
      ),
      this.#note,
      this.#body,
    );
    this.#chartBoxes = [useChart, ioChart];
  }

  /** Shows a new snapshot; null means host indicators are off in the daemon's config. */
  update(host: HostSnapshot | null): void {
    this.#body.hidden = host === null;
    if (host === null) {
      this.#note.hidden = false;
      this.#note.textContent = t("host.off", { setting: "host.enabled: false" });
      setValue(this.#uptime, "");
      return;
    }
    const problems = new Intl.ListFormat(language(), {
      type: "conjunction",
      style: "narrow",
    }).format(host.problems.map((p) => `${p.file}: ${p.message}`));
    this.#note.hidden = problems === "";
    this.#note.textContent = problems === "" ? "" : t("host.problems", { problems });
    const uptime = host.uptime?.seconds ?? null;
    setValue(
      this.#uptime,
      uptime === null ? "" : t("host.uptime", { duration: formatDuration(uptime) }),
      uptime,
    );

    const cpu = host.cpu;
    const load = host.load;
    this.#cpu.set(
      formatPercent(cpu?.busy),
      cpu?.busy,
      [
        cpu === null ? "" : t("host.cpus", { count: cpu.count }),
        load === null
          ? ""
          : t("host.load", {
              load1: formatLoad(load.load1),
              load5: formatLoad(load.load5),
              load15: formatLoad(load.load15),
            }),
      ]
        .filter(Boolean)
        .join(" · "),
      cpu?.busy,
    );
    const memory = host.memory;
    this.#memory.set(
      formatPercent(memory?.usedFraction),
      memory?.usedFraction,
      memory === null
        ? ""
        : t("host.usedOf", {
            used: formatBytes(memory.usedBytes),
            total: formatBytes(memory.totalBytes),
          }),
      memory?.usedFraction,
    );
    const swap = host.swap;
    this.#swap.set(
      swap === null || swap.totalBytes === 0
        ? swap === null
          ? UNKNOWN
          : t("host.swapNone")
        : formatPercent(swap.usedFraction),
      swap?.usedFraction,
      swap === null || swap.totalBytes === 0
        ? ""
        : t("host.usedOf", {
            used: formatBytes(swap.usedBytes),
            total: formatBytes(swap.totalBytes),
          }),
      swap?.usedFraction,
    );
    const disks = host.disks;
    this.#disk.set(
      `↓ ${formatRate(disks?.readBytesPerSecond)}`,
      disks?.readBytesPerSecond,
      t("host.diskWritten", { rate: formatRate(disks?.writeBytesPerSecond) }),
    );
    const net = host.network;
    this.#network.set(
      `↓ ${formatRate(net?.receiveBytesPerSecond)}`,
      net?.receiveBytesPerSecond,
      t("host.networkSent", { rate: formatRate(net?.transmitBytesPerSecond) }),
    );
    this.#updateFilesystems(host);
    this.#history.show(null, [
      { label: t("history.host"), scope: "host" },
      ...host.filesystems.map((f) => ({
        label: t("history.disk", { path: f.path }),
        scope: "filesystem" as const,
        key: f.path,
      })),
    ]);

    this.#use.push(host.timestampMs, [cpu?.busy, memory?.usedFraction]);
    this.#io.push(host.timestampMs, [
      net?.receiveBytesPerSecond,
      net?.transmitBytesPerSecond,
      disks?.readBytesPerSecond,
      disks?.writeBytesPerSecond,
    ]);
    this.#makeCharts();
    this.#charts[0]?.setData(this.#use.data());
    this.#charts[1]?.setData(this.#io.data());
  }

  // Charts measure their container, so they are made once the panel is in the page.
  #makeCharts(): void {
    const [use, io] = this.#chartBoxes;
    if (this.#charts.length > 0 || use === undefined || io === undefined) return;
    this.#charts = [
      new Chart(use, {
        height: 140,
        range: "fraction",
        format: (v) => formatPercent(v),
        legend: true,
        lines: [
          { label: t("chart.cpu"), color: "--accent" },
          { label: t("chart.memory"), color: "--warn" },
        ],
      }),
      new Chart(io, {
        height: 140,
        format: (v) => formatRate(v),
        legend: true,
        lines: [
          { label: t("chart.receive"), color: "--down" },
          { label: t("chart.transmit"), color: "--up" },
          { label: t("chart.diskRead"), color: "--accent", dash: [4, 3] },
          { label: t("chart.diskWrite"), color: "--warn", dash: [4, 3] },
        ],
      }),
    ];
  }

  #updateFilesystems(host: HostSnapshot): void {
    const paths = host.filesystems.map((f) => f.path).join("\u0000");
    if (paths !== this.#paths) {
      this.#paths = paths;
      this.#fsTiles = host.filesystems.map((f) => tile(f.path, `fs:${f.path}`, true));
      replaceChildren(this.#filesystems, ...this.#fsTiles.map((fsTile) => fsTile.root));
    }
    host.filesystems.forEach((f, i) => {
      const fsTile = this.#fsTiles[i];
      if (fsTile === undefined) return;
      if (f.ok)
        fsTile.set(
          formatPercent(f.usedFraction),
          f.usedFraction,
          t("host.freeOf", { free: formatBytes(f.availableBytes), size: formatBytes(f.sizeBytes) }),
          f.usedFraction,
        );
      else fsTile.set(UNKNOWN, null, f.error, null);
    });
  }
}
