// The host indicators: uptime, CPU and load, memory, swap, disk I/O, network, disk usage per path, live charts.

/// <reference lib="dom" />

import type { HostSnapshot } from "./api.ts";
import { Chart } from "./chart.ts";
import { h, replaceChildren, setValue } from "./dom.ts";
import { formatBytes, formatDuration, formatPercent, formatRate, UNKNOWN } from "./format.ts";
import { HistoryPanel } from "./history-panel.ts";
import { LiveBuffer } from "./live-buffer.ts";
import { type Tile, tile } from "./tile.ts";

/** The host section of the page. */
export class HostPanel {
  readonly root: HTMLElement;
  readonly #uptime: HTMLElement;
  readonly #note: HTMLElement;
  readonly #cpu: Tile = tile("CPU", "cpu", true);
  readonly #memory: Tile = tile("Memory", "memory", true);
  readonly #swap: Tile = tile("Swap", "swap", true);
  readonly #disk: Tile = tile("Disk I/O", "disk-io");
  readonly #network: Tile = tile("Network", "network");
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
        h("figure", {}, h("figcaption", {}, "CPU and memory use"), useChart),
        h("figure", {}, h("figcaption", {}, "Network and disk I/O"), ioChart),
      ),
      h("h3", {}, "History"),
      this.#history.root,
    );
    this.root = h(
      "section",
      { class: "panel", id: "host", "aria-labelledby": "host-title" },
      h("header", { class: "panel-head" }, h("h2", { id: "host-title" }, "Host"), this.#uptime),
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
      this.#note.textContent = "Host indicators are off (host.enabled: false).";
      setValue(this.#uptime, "");
      return;
    }
    const problems = host.problems.map((p) => `${p.file}: ${p.message}`).join("; ");
    this.#note.hidden = problems === "";
    this.#note.textContent = problems === "" ? "" : `Could not read ${problems}`;
    const uptime = host.uptime?.seconds ?? null;
    setValue(this.#uptime, uptime === null ? "" : `up ${formatDuration(uptime)}`, uptime);

    const cpu = host.cpu;
    const load = host.load;
    this.#cpu.set(
      formatPercent(cpu?.busy),
      cpu?.busy,
      [
        cpu === null ? "" : `${cpu.count} CPU${cpu.count === 1 ? "" : "s"}`,
        load === null
          ? ""
          : `load ${[load.load1, load.load5, load.load15].map((l) => l.toFixed(2)).join(" ")}`,
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
        : `${formatBytes(memory.usedBytes)} of ${formatBytes(memory.totalBytes)}`,
      memory?.usedFraction,
    );
    const swap = host.swap;
    this.#swap.set(
      swap === null || swap.totalBytes === 0
        ? swap === null
          ? UNKNOWN
          : "none"
        : formatPercent(swap.usedFraction),
      swap?.usedFraction,
      swap === null || swap.totalBytes === 0
        ? ""
        : `${formatBytes(swap.usedBytes)} of ${formatBytes(swap.totalBytes)}`,
      swap?.usedFraction,
    );
    const disks = host.disks;
    this.#disk.set(
      `↓ ${formatRate(disks?.readBytesPerSecond)}`,
      disks?.readBytesPerSecond,
      `↑ ${formatRate(disks?.writeBytesPerSecond)} written`,
    );
    const net = host.network;
    this.#network.set(
      `↓ ${formatRate(net?.receiveBytesPerSecond)}`,
      net?.receiveBytesPerSecond,
      `↑ ${formatRate(net?.transmitBytesPerSecond)} sent`,
    );
    this.#updateFilesystems(host);
    this.#history.show(null, [
      { label: "Host", scope: "host" },
      ...host.filesystems.map((f) => ({
        label: `Disk ${f.path}`,
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
          { label: "CPU", color: "--accent" },
          { label: "Memory", color: "--warn" },
        ],
      }),
      new Chart(io, {
        height: 140,
        format: (v) => formatRate(v),
        legend: true,
        lines: [
          { label: "Receive", color: "--down" },
          { label: "Transmit", color: "--up" },
          { label: "Disk read", color: "--accent", dash: [4, 3] },
          { label: "Disk write", color: "--warn", dash: [4, 3] },
        ],
      }),
    ];
  }

  #updateFilesystems(host: HostSnapshot): void {
    const paths = host.filesystems.map((f) => f.path).join("\u0000");
    if (paths !== this.#paths) {
      this.#paths = paths;
      this.#fsTiles = host.filesystems.map((f) => tile(f.path, `fs:${f.path}`, true));
      replaceChildren(this.#filesystems, ...this.#fsTiles.map((t) => t.root));
    }
    host.filesystems.forEach((f, i) => {
      const t = this.#fsTiles[i];
      if (t === undefined) return;
      if (f.ok)
        t.set(
          formatPercent(f.usedFraction),
          f.usedFraction,
          `${formatBytes(f.availableBytes)} free of ${formatBytes(f.sizeBytes)}`,
          f.usedFraction,
        );
      else t.set(UNKNOWN, null, f.error, null);
    });
  }
}
