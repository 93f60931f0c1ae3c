// The dashboard in real headless Chromium, against the real daemon with a real qBittorrent swarm moving real bytes.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { uptime } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import type { QbittorrentTorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { type Browser, chromium, type Page } from "playwright-core";
import { EN } from "../../packages/dashboard/src/i18n/en.ts";
import { CATALOGS } from "../../packages/dashboard/src/i18n/translate.ts";
import { ensureDashboardBuilt } from "../support/dashboard-build.ts";
import { Samples } from "../support/exposition.ts";
import { assertClientProcess } from "../support/process-truth.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Regenerated with SEEDWATCH_UPDATE_SCREENSHOT=1 (like a golden file); otherwise written to a temp dir. */
const SCREENSHOT = join(ROOT, "docs/dashboard.png");
const SCREENSHOT_ZH = join(ROOT, "docs/dashboard.zh-CN.png");
/** Latin words the Chinese page shows as they are: the product, abbreviations, units. */
const LATIN_IN_CHINESE = new Set([
  "Seedwatch",
  "API",
  "CPU",
  "HTTP",
  "libtorrent",
  "Tracker",
  "KiB",
  "MiB",
  "GiB",
  "TiB",
]);
/** Elements whose text is data (names of targets, torrents, trackers, clients), not the page's words. */
const DATA_ELEMENTS = [
  "[data-col=name]",
  "[data-col=tracker]",
  "[data-tracker] > th",
  ".card-head h3",
  ".meta",
  "#detail-title",
  "select[name=target]",
  "select[name=language]",
  ".error",
].join(", ");
/** The budget for the whole page, compressed. */
const PAGE_BUDGET_BYTES = 150_000;
/** Without the background-networking flags Chromium keeps calling out of this closed network. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** What docs/dashboard.md promises the page works under. */
const CSP = "default-src 'self'";
const WIDE = { width: 1440, height: 1000 };
const PHONE = { width: 390, height: 844 };
const SEEDING = new Set(["uploading", "stalledUP", "forcedUP", "queuedUP"]);

describe("the dashboard in headless Chromium with real qBittorrents", { timeout: 600_000 }, () => {
  let swarm: Swarm;
  let seedwatch: Seedwatch;
  let browser: Browser;
  let page: Page;
  let extra: { path: string; remove(): Promise<void> };
  let late: GeneratedTorrent[] = [];
  /** Errors and failed requests seen by any page of the browser. */
  const problems: string[] = [];
  /** Compressed bytes of every file of the first page load, by URL. */
  const transferred = new Map<string, { bytes: number; encoding: string | undefined }>();

  const watch = (p: Page) => {
    p.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning")
        problems.push(`console ${m.type()}: ${m.text()}`);
    });
    p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    p.on("requestfailed", (r) => {
      // Our own aborts (a newer search replaces an older one, a closing page ends its stream).
      if (r.failure()?.errorText !== "net::ERR_ABORTED")
        problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    p.on("response", (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
  };

  /** A field of a target's card: its raw figure (`data-value`). */
  const cardValue = (target: string, field: string) =>
    page
      .locator(`[data-target="${target}"] [data-field="${field}"]`)
      .getAttribute("data-value")
      .then((v) => (v === null ? undefined : Number(v)));

  const trackerRows = () =>
    page.$$eval("[data-table=trackers] tbody tr", (rows) =>
      rows.map((row) => ({
        tracker: (row as HTMLElement).dataset.tracker ?? "",
        ...Object.fromEntries(
          [...row.querySelectorAll("td")].map((td) => [td.dataset.col, Number(td.dataset.value)]),
        ),
      })),
    ) as Promise<Array<Record<string, number> & { tracker: string }>>;

  const torrentNames = () =>
    page.$$eval("[data-table=torrents] tbody td[data-col=name]", (cells) =>
      cells.map((c) => c.textContent ?? ""),
    );

  const torrentRange = async () => ({
    text: (await page.locator("[data-field=torrent-range]").textContent()) ?? "",
    total: Number(await page.locator("[data-field=torrent-range]").getAttribute("data-total")),
  });

  /** Waits until a page shows everything: live data, both cards up, torrents, both history charts. */
  const loaded = async (p: Page) => {
    await p.locator('[data-field=live-state][data-state="live"]').waitFor();
    await p.locator('.card[data-state="up"]').nth(1).waitFor();
    await p.locator("[data-table=torrents] tbody tr").first().waitFor();
    await p.locator("[data-table=trackers] tbody tr").first().waitFor();
    for (const chart of ["history:target", "history:host"])
      await waitFor(`the ${chart} chart drawn`, async () =>
        Number(await p.locator(`[data-chart="${chart}"]`).getAttribute("data-points")) > 0
          ? true
          : undefined,
      );
  };

  /** Every string a reader sees or hears (text, titles, labels, placeholders), data left out. */
  const visibleStrings = (p: Page) =>
    p.evaluate((dataElements) => {
      const strings: string[] = [document.title];
      const isData = (node: Node) =>
        (node instanceof Element ? node : node.parentElement)?.closest(dataElements) !== null;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent === null || parent.closest("script, style, noscript") !== null) continue;
        if (!isData(node) && (node.textContent ?? "").trim() !== "")
          strings.push(node.textContent ?? "");
      }
      for (const element of document.body.querySelectorAll(
        "[title], [aria-label], [placeholder]",
      )) {
        if (isData(element)) continue;
        for (const name of ["title", "aria-label", "placeholder"]) {
          const value = element.getAttribute(name);
          if (value) strings.push(value);
        }
      }
      return strings;
    }, DATA_ELEMENTS);

  /** Fails when a catalog key shows instead of its message (a key the catalog lacks). */
  const assertNoKeys = (strings: readonly string[]) => {
    const keys = Object.keys(EN);
    const shown = strings.filter((s) => keys.some((key) => s.includes(key)));
    assert.deepEqual(shown, [], "catalog keys shown as text");
  };

  before(async () => {
    await ensureDashboardBuilt();
    extra = await tempDir("dashboard-browser");
    swarm = await startSwarm({ torrents: 12, trackers: 2 });
    const target = (name: string, q: Swarm["seeder"]) =>
      `  - { name: ${name}, type: qbittorrent, url: "${q.url}", username: "${q.username}", password: "${q.password}" }\n`;
    // A strict Content-Security-Policy: a violation shows in the console, which must stay clean.
    const webConfig = join(extra.path, "web-config.yml");
    await writeFile(
      webConfig,
      "http_server_config:\n  headers:\n" +
        `    Content-Security-Policy: "${CSP}"\n` +
        "    X-Content-Type-Options: nosniff\n    X-Frame-Options: deny\n",
    );
    seedwatch = await startSeedwatch(
      "global: { poll_interval: 1s, min_refresh_interval: 0s }\n" +
        'host: { paths: ["/"] }\n' +
        // One sample a second, so the archive has points to chart within the test.
        "history: { resolution: 1s }\n" +
        "targets:\n" +
        target("seeder", swarm.seeder) +
        target("leecher", swarm.leecher),
      [`--web.config.file=${webConfig}`],
    );
    await waitFor("both targets up", async () => {
      const targets = JSON.parse((await seedwatch.get("/api/v1/targets")).body) as Array<{
        up: boolean;
      }>;
      return targets.length === 2 && targets.every((t) => t.up) ? true : undefined;
    });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: WIDE, colorScheme: "light", locale: "en-US" });
    watch(page);
    page.on("requestfinished", async (request) => {
      const type = request.resourceType();
      if (!["document", "script", "stylesheet", "image", "font"].includes(type)) return;
      const response = await request.response();
      const sizes = await request.sizes();
      transferred.set(request.url(), {
        bytes: sizes.responseBodySize,
        encoding: (await response?.allHeaders())?.["content-encoding"],
      });
    });
  });

  after(async () => {
    await browser?.close();
    await seedwatch?.remove();
    await swarm?.stop();
    await extra?.remove();
  });

  it("loads: one card per target, host indicators, the first target's details", async () => {
    const response = await page.goto(`${seedwatch.url}/`);
    assert.equal(response?.headers()["content-security-policy"], CSP);
    await page.evaluate(() => {
      (window as unknown as { loadedOnce: boolean }).loadedOnce = true;
    });
    await page.locator('[data-field=live-state][data-state="live"]').waitFor();
    await waitFor("both cards up", async () =>
      (await page.locator('.card[data-state="up"]').count()) === 2 ? true : undefined,
    );
    assert.deepEqual(
      await page.$$eval(".card", (cards) => cards.map((c) => (c as HTMLElement).dataset.target)),
      ["seeder", "leecher"],
    );
    assert.equal(await cardValue("seeder", "class:total"), swarm.torrents.length);
    assert.equal(await cardValue("seeder", "class:complete"), swarm.torrents.length);
    assert.equal(await cardValue("seeder", "trackers"), 2);
    assert.ok(((await cardValue("leecher", "downloadedTotal")) ?? 0) > 0);
    assert.ok(((await cardValue("seeder", "freeSpace")) ?? 0) > 0);

    // Host indicators agree with the kernel's own figures.
    const hostUptime = Number(
      await page.locator("[data-field=host-uptime]").getAttribute("data-value"),
    );
    assert.ok(Math.abs(hostUptime - uptime()) < 30, `host uptime ${hostUptime} vs ${uptime()}`);
    const memory = Number(
      await page.locator("#host [data-field=memory]").getAttribute("data-value"),
    );
    assert.ok(memory > 0 && memory < 1, `memory used share ${memory}`);
    assert.match((await page.locator('[data-field="fs:/"]').textContent()) ?? "", /^\d+(\.\d)?%$/);
    assert.equal(await page.locator("#detail-title").textContent(), "seeder");
  });

  it("shows each client's engine and process, and the client's own uptime", async () => {
    const build = await swarm.seeder.api<{ libtorrent: string }>("app/buildInfo");
    const engineField = (field: string) =>
      page.locator(`[data-target="seeder"] [data-field="engine:${field}"]`);
    assert.equal(await engineField("libraryVersion").getAttribute("data-value"), build.libtorrent);
    assert.equal(await engineField("libraryVersion").isVisible(), true);
    assert.equal(await engineField("openFiles").isVisible(), false, "qBittorrent has none: hidden");
    assert.equal(await engineField("openSockets").isVisible(), true);
    // The CPU share needs two updates of the client's CPU time.
    await waitFor("the client's CPU share", async () =>
      (await engineField("cpu").getAttribute("data-value")) === null ? undefined : true,
    );
    const figures = await assertClientProcess(
      "qbittorrent",
      swarm.seeder.url,
      swarm.seeder.daemon.pid,
    );
    const resident = Number(await engineField("resident").getAttribute("data-value"));
    assert.ok(Math.abs(resident - figures.residentBytes) < 0.05 * resident, `${resident}`);
    const share = Number(await engineField("memoryShare").getAttribute("data-value"));
    assert.ok(share > 0 && share < 1, `share of RAM ${share}`);
    // qBittorrent started before seedwatch: its own uptime, not the time seedwatch has seen it.
    const up = (await cardValue("seeder", "clientUptime")) ?? 0;
    const since = Date.now() / 1000 - figures.startTimeSeconds;
    // The card shows the overview of up to one live update ago, rounded down.
    assert.ok(up >= since - 4 && up <= since + 1, `client up ${up} s, its process ${since} s`);
  });

  it("weighs under 150 KB compressed, gzipped, with nothing fetched from elsewhere", async () => {
    const files = [...transferred.entries()];
    assert.ok(files.length >= 3, `page, script and stylesheet: ${files.map(([u]) => u)}`);
    const total = files.reduce((sum, [, f]) => sum + f.bytes, 0);
    assert.ok(total > 0 && total < PAGE_BUDGET_BYTES, `${total} bytes compressed`);
    for (const [url, file] of files) {
      assert.ok(url.startsWith(`${seedwatch.url}/`), `fetched from elsewhere: ${url}`);
      if (/\.(js|css)$/.test(url)) assert.equal(file.encoding, "gzip", url);
    }
  });

  it("shows the per-tracker table as the metrics say", async () => {
    const matches = async (target: string) =>
      waitFor(
        `${target}'s tracker table to match its metrics`,
        async () => {
          const rows = await trackerRows();
          const m = new Samples((await seedwatch.get(`/probe?target=${target}`)).body);
          const trackers = m.find("pt_tracker_torrents").map((s) => s.labels.tracker ?? "");
          const expected = trackers.map((tracker) => ({
            tracker,
            torrents: m.value("pt_tracker_torrents", { tracker }),
            size: m.value("pt_tracker_size_bytes", { tracker }),
            uploaded: m.value("pt_tracker_upload_bytes_total", { tracker }),
            downloaded: m.value("pt_tracker_download_bytes_total", { tracker }),
            errors: m.value("pt_tracker_error_torrents", { tracker }),
          }));
          const shown = rows.map((r) => ({
            tracker: r.tracker,
            torrents: r.torrents,
            size: r.size,
            uploaded: r.uploaded,
            downloaded: r.downloaded,
            errors: r.errors,
          }));
          const order = (a: { tracker: string }, b: { tracker: string }) =>
            a.tracker.localeCompare(b.tracker);
          // Throwing keeps the last difference for the timeout's message.
          assert.deepEqual(shown.sort(order), expected.sort(order));
          return rows;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    const seeder = await matches("seeder");
    assert.equal(seeder.length, 2);
    assert.equal(
      seeder.reduce((sum, r) => sum + (r.torrents ?? 0), 0),
      swarm.torrents.length,
    );
    // Choosing another target from its card shows that target's table.
    await page.locator('[data-target="leecher"] h3 a').click();
    await waitFor("the leecher's details", async () =>
      (await page.locator("#detail-title").textContent()) === "leecher" ? true : undefined,
    );
    assert.equal(
      await page.locator('[data-target="leecher"]').getAttribute("class"),
      "card selected",
    );
    await matches("leecher");
  });

  it("updates live values while real bytes move, without reloading the page", async () => {
    const downloadedBefore = (await cardValue("leecher", "downloadedTotal")) as number;
    const uploadedBefore = (await cardValue("seeder", "uploadedTotal")) as number;
    late = await makeTorrents({
      dir: extra.path,
      count: 2,
      size: 8 * 2 ** 20,
      announce: [swarm.announceUrls[0] as string],
      prefix: "late",
      pieceLengthExp: 18,
    });
    await swarm.trackers[0]?.allow(late.map((t) => t.infoHash));
    await swarm.seeder.addTorrents(late, {
      savepath: (late[0] as GeneratedTorrent).payloadDir,
      category: "seed",
    });
    const hashes = new Set(late.map((t) => t.infoHash));
    await waitFor(
      "the seeder to seed and announce the new torrents",
      async () => {
        const seen = (await swarm.seeder.api<QbittorrentTorrent[]>("torrents/info")).filter(
          (t) => hashes.has(t.hash) && SEEDING.has(t.state) && t.tracker !== "",
        );
        return seen.length === late.length ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await swarm.leecher.addTorrents(late, { category: "leech" });
    const bytes = late.reduce((sum, t) => sum + t.size, 0);
    await waitFor(
      "the leecher's card to show the new bytes downloaded",
      async () =>
        ((await cardValue("leecher", "downloadedTotal")) ?? 0) >= downloadedBefore + bytes
          ? true
          : undefined,
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    await waitFor(
      "the seeder's card to show the new bytes uploaded",
      async () =>
        ((await cardValue("seeder", "uploadedTotal")) ?? 0) >= uploadedBefore + bytes
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await waitFor("the leecher's counts to include the new torrents", async () =>
      (await cardValue("leecher", "class:total")) === swarm.torrents.length + late.length
        ? true
        : undefined,
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce),
      true,
      "the same page, never reloaded",
    );
  });

  it("pages, sorts and searches the torrent list on the server", async () => {
    const all = [...swarm.torrents, ...late].map((t) => t.name);
    await page.locator("select[name=limit]").selectOption("10");
    await waitFor("a first page of 10 of all torrents", async () => {
      const range = await torrentRange();
      return range.total === all.length && (await torrentNames()).length === 10 ? true : undefined;
    });
    assert.equal((await torrentRange()).text, `1–10 of ${all.length}`);
    assert.equal(await page.locator("[data-action=previous]").isDisabled(), true);
    const first = await torrentNames();
    await page.locator("[data-action=next]").click();
    await waitFor("the second page", async () =>
      (await torrentNames()).length === all.length - 10 ? true : undefined,
    );
    assert.equal((await torrentRange()).text, `11–${all.length} of ${all.length}`);
    assert.equal(await page.locator("[data-action=next]").isDisabled(), true);
    const names = [...first, ...(await torrentNames())];
    assert.deepEqual(
      names,
      [...all].sort((a, b) => a.localeCompare(b)),
      "every torrent once, by name",
    );

    await page.locator('button[data-sort="size"]').click();
    await waitFor("sorted by size, largest first, from page one", async () => {
      const shown = await torrentNames();
      return shown.length === 10 && shown.slice(0, 2).every((n) => n.startsWith("late-"))
        ? true
        : undefined;
    });
    assert.equal(
      await page.locator('th:has(button[data-sort="size"])').getAttribute("aria-sort"),
      "descending",
    );

    const search = page.locator("input[name=q]");
    await search.fill("late-1");
    await waitFor("one torrent found by name", async () => {
      const shown = await torrentNames();
      return shown.length === 1 && shown[0] === "late-1" ? true : undefined;
    });
    assert.equal((await torrentRange()).total, 1);
    await search.fill("127.0.0.3");
    await waitFor("the second tracker's torrents", async () =>
      (await torrentRange()).total === swarm.torrents.length / 2 ? true : undefined,
    );
    const hash = swarm.torrents[4]?.infoHash as string;
    await search.fill(hash.slice(0, 12));
    await waitFor("one torrent found by hash", async () =>
      (await page.locator("[data-table=torrents] tbody tr").getAttribute("data-hash")) === hash &&
      (await torrentRange()).total === 1
        ? true
        : undefined,
    );
    await search.fill("no such torrent");
    await waitFor("nothing found, said so", async () =>
      (await page.locator(".torrent-list [role=status]").textContent()) === "No torrent matches."
        ? true
        : undefined,
    );
    await search.fill("");
  });

  it("draws history charts from the archive: target, tracker and host", async () => {
    const chart = page.locator('[data-chart="history:target"]');
    await page.locator("select[name=target-series]").selectOption("downloaded_total");
    await chart.locator('button[data-range="3600000"]').click();
    const drawn = async (locator: typeof chart, series: string, atLeast: number) =>
      waitFor(
        `${series} drawn from at least ${atLeast} archived points`,
        async () => {
          // The chart refreshes once a minute; a click on its range button asks again at once.
          await locator.locator('button[aria-pressed="true"]').click();
          await page.waitForTimeout(300);
          const data = await locator.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
          return data.series === series && Number(data.points) >= atLeast ? data : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 1000 },
      );
    const data = await drawn(chart, "downloaded_total", 3);
    // The first point drawn is the archive's own answer for the same range.
    const answer = JSON.parse(
      (
        await seedwatch.get(
          `/api/v1/history?series=downloaded_total&target=leecher&from=${data.from}&to=${data.to}`,
        )
      ).body,
    ) as { points: Array<[number, number | null, number | null, number | null]> };
    const firstDrawn = JSON.parse(data.first as string) as [number, number, number, number];
    assert.deepEqual(
      answer.points.find((p) => p[0] === firstDrawn[0]),
      firstDrawn,
    );
    assert.ok(firstDrawn[3] > 0, "the leecher had downloaded bytes");
    const lastDrawn = JSON.parse(data.last as string) as [number, number, number, number];
    assert.ok(lastDrawn[0] > firstDrawn[0] && lastDrawn[3] >= firstDrawn[1], "a counter over time");
    assert.ok(
      await chart.locator("canvas").evaluate((c) => (c as HTMLCanvasElement).width > 0),
      "a canvas",
    );

    // Per tracker: the first tracker's downloaded bytes.
    const subject = page.locator("select[name=target-subject]");
    await subject.selectOption({ label: "Tracker 127.0.0.1" });
    await page.locator("select[name=target-series]").selectOption("tracker_downloaded");
    await drawn(chart, "tracker_downloaded", 2);

    // The host's CPU, in the host panel.
    const host = page.locator('[data-chart="history:host"]');
    await host.locator('button[data-range="3600000"]').click();
    await drawn(host, "host_cpu_busy", 2);
  });

  it("lays out on a phone in dark mode and on a wide screen in light mode", async () => {
    const phone = await browser.newPage({ viewport: PHONE, colorScheme: "dark", isMobile: true });
    watch(phone);
    try {
      await phone.goto(`${seedwatch.url}/`);
      await phone.locator('.card[data-state="up"]').nth(1).waitFor();
      await phone.locator("[data-table=torrents] tbody tr").first().waitFor();
      const layout = await phone.evaluate(() => {
        const box = (s: string) =>
          (document.querySelector(s) as HTMLElement).getBoundingClientRect();
        const rgb =
          getComputedStyle(document.body).backgroundColor.match(/\d+/g)?.map(Number) ?? [];
        return {
          scrollWidth: document.documentElement.scrollWidth,
          width: innerWidth,
          seeder: box('[data-target="seeder"]').toJSON() as DOMRect,
          leecher: box('[data-target="leecher"]').toJSON() as DOMRect,
          panelsRight: [...document.querySelectorAll(".panel")].map(
            (p) => p.getBoundingClientRect().right,
          ),
          background: rgb,
          wideColumnsShown: [...document.querySelectorAll("td.wide")].some(
            (td) => getComputedStyle(td).display !== "none",
          ),
        };
      });
      assert.ok(layout.scrollWidth <= layout.width, `no sideways scrolling: ${layout.scrollWidth}`);
      assert.ok(layout.leecher.top >= layout.seeder.bottom, "cards stacked in one column");
      for (const right of layout.panelsRight) assert.ok(right <= layout.width, `panel at ${right}`);
      assert.ok(Math.max(...layout.background) < 60, `dark background ${layout.background}`);
      assert.equal(layout.wideColumnsShown, false, "secondary columns hidden on a phone");
    } finally {
      await phone.close();
    }

    await page.evaluate(() => window.scrollTo(0, 0));
    const wide = await page.evaluate(() => {
      const box = (s: string) => (document.querySelector(s) as HTMLElement).getBoundingClientRect();
      return {
        scrollWidth: document.documentElement.scrollWidth,
        width: innerWidth,
        seeder: box('[data-target="seeder"]').toJSON() as DOMRect,
        leecher: box('[data-target="leecher"]').toJSON() as DOMRect,
        background:
          getComputedStyle(document.body).backgroundColor.match(/\d+/g)?.map(Number) ?? [],
      };
    });
    assert.ok(wide.scrollWidth <= wide.width, `no sideways scrolling: ${wide.scrollWidth}`);
    assert.equal(wide.leecher.top, wide.seeder.top, "cards side by side");
    assert.ok(wide.leecher.left > wide.seeder.right);
    assert.ok(Math.min(...wide.background) > 200, `light background ${wide.background}`);

    const png = await page.screenshot({ fullPage: true });
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "a PNG");
    const out =
      process.env.SEEDWATCH_UPDATE_SCREENSHOT === "1"
        ? SCREENSHOT
        : join(extra.path, "dashboard.png");
    await writeFile(out, png);
    assert.ok((await readFile(out)).length > 20_000, "a screenshot with something on it");
  });

  it("speaks English to an en-US browser: no catalog key shows, status names in English", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    assert.equal(await page.locator("#targets-title").textContent(), "Targets");
    assert.equal(await page.locator("[data-field=live-state]").textContent(), "live");
    assertNoKeys(await visibleStrings(page));
    const english = new Set<unknown>(
      Object.entries(EN)
        .filter(([k]) => k.startsWith("status."))
        .map(([, v]) => v),
    );
    const statuses = await page.$$eval("[data-table=torrents] td[data-col=status]", (cells) =>
      cells.map((c) => c.textContent ?? ""),
    );
    assert.ok(statuses.length > 0);
    for (const status of statuses) assert.ok(english.has(status), status);
  });

  it("speaks Simplified Chinese to a zh-CN browser: every word from the catalog, statuses as pt-exporter's", async () => {
    const fonts = await promisify(execFile)("fc-list", [":lang=zh", "family"]);
    assert.ok(
      fonts.stdout.trim() !== "",
      "no Chinese font: install fonts-wqy-microhei (.ci/run does)",
    );
    const context = await browser.newContext({
      viewport: WIDE,
      colorScheme: "light",
      locale: "zh-CN",
    });
    try {
      const zh = await context.newPage();
      watch(zh);
      await zh.goto(`${seedwatch.url}/`);
      await loaded(zh);
      assert.equal(await zh.evaluate(() => document.documentElement.lang), "zh-CN");
      assert.equal(await zh.locator("#targets-title").textContent(), "目标");
      assert.equal(await zh.locator("#host-title").textContent(), "主机");
      assert.equal(await zh.locator("[data-field=live-state]").textContent(), "实时");
      assert.equal(
        await zh.locator('[data-target="seeder"] [data-field=state]').textContent(),
        "在线",
      );
      assert.match(
        (await zh.locator('[data-chart="history:target"] [role=status]').textContent()) ?? "",
        /^\d+ 个点，每点 .+：最小值、平均值与最大值。$/,
      );
      // The same figures as the English page, written the Chinese way.
      assert.equal(
        await zh
          .locator('[data-target="seeder"] [data-field="class:total"]')
          .getAttribute("data-value"),
        String(swarm.torrents.length + late.length),
      );
      const zhStatuses = new Set<unknown>(
        Object.entries(CATALOGS["zh-CN"])
          .filter(([k]) => k.startsWith("status."))
          .map(([, v]) => v),
      );
      const statuses = await zh.$$eval("[data-table=torrents] td[data-col=status]", (cells) =>
        cells.map((c) => c.textContent ?? ""),
      );
      assert.ok(statuses.length > 0);
      for (const status of statuses) assert.ok(zhStatuses.has(status), status);

      const strings = await visibleStrings(zh);
      assertNoKeys(strings);
      const latin = strings
        .flatMap((s) => s.match(/[A-Za-z]{2,}/g) ?? [])
        .filter((word) => !LATIN_IN_CHINESE.has(word));
      assert.deepEqual([...new Set(latin)], [], "English words on the Chinese page");

      // For the screenshot: the last hour's history, and live charts with a few samples.
      for (const chart of ["history:target", "history:host"])
        await zh.locator(`[data-chart="${chart}"] button[data-range="3600000"]`).click();
      const updated = () =>
        zh.locator("[data-field=updated]").getAttribute("data-value").then(Number);
      const since = await updated();
      await waitFor(
        "a few live updates",
        async () => ((await updated()) >= since + 8000 ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      await zh.evaluate(() => window.scrollTo(0, 0));
      const png = await zh.screenshot({ fullPage: true });
      const out =
        process.env.SEEDWATCH_UPDATE_SCREENSHOT === "1"
          ? SCREENSHOT_ZH
          : join(extra.path, "dashboard.zh-CN.png");
      await writeFile(out, png);
      assert.ok((await readFile(out)).length > 20_000, "a screenshot with something on it");
    } finally {
      await context.close();
    }
  });

  it("switches language on the page, keeps the selected target, and remembers the choice", async () => {
    const context = await browser.newContext({ viewport: WIDE, locale: "zh-CN" });
    try {
      const first = await context.newPage();
      watch(first);
      await first.goto(`${seedwatch.url}/`);
      await loaded(first);
      await first.locator('[data-target="leecher"] h3 a').click();
      await waitFor("the leecher selected", async () =>
        (await first.locator("#detail-title").textContent()) === "leecher" ? true : undefined,
      );
      await Promise.all([
        first.waitForEvent("load"),
        first.locator("select[name=language]").selectOption("en"),
      ]);
      await loaded(first);
      assert.equal(await first.evaluate(() => document.documentElement.lang), "en");
      assert.equal(await first.locator("#targets-title").textContent(), "Targets");
      assert.equal(await first.locator("#detail-title").textContent(), "leecher");
      assertNoKeys(await visibleStrings(first));

      // A new page of the same browser, which still asks for Chinese, shows English: remembered.
      const second = await context.newPage();
      watch(second);
      await second.goto(`${seedwatch.url}/`);
      await loaded(second);
      assert.equal(await second.locator("#targets-title").textContent(), "Targets");
      assert.equal(await second.evaluate(() => localStorage.getItem("seedwatch.language")), "en");
      await Promise.all([
        second.waitForEvent("load"),
        second.locator("select[name=language]").selectOption("zh-CN"),
      ]);
      await loaded(second);
      assert.equal(await second.locator("#targets-title").textContent(), "目标");
      assert.equal(await second.locator("select[name=language]").inputValue(), "zh-CN");

      // ?lang= names the language for one page, whatever was stored.
      await second.goto(`${seedwatch.url}/?lang=en`);
      await loaded(second);
      assert.equal(await second.locator("#targets-title").textContent(), "Targets");
    } finally {
      await context.close();
    }
  });

  it("shows the removal confirmation page in the browser's language", async () => {
    const hash = swarm.torrents[0]?.infoHash as string;
    const context = await browser.newContext({ locale: "zh-CN" });
    try {
      const zh = await context.newPage();
      watch(zh);
      await zh.goto(`${seedwatch.url}/remove?target=seeder&hash=${hash}`);
      assert.equal(await zh.locator("h1").textContent(), "要从 seeder 删除 1 个种子吗？");
      assert.equal(await zh.evaluate(() => document.documentElement.lang), "zh-CN");
      assert.match((await zh.locator("p.warn").first().textContent()) ?? "", /删除功能未开启/);
    } finally {
      await context.close();
    }
    const english = await browser.newPage({ locale: "en-US" });
    watch(english);
    try {
      await english.goto(`${seedwatch.url}/remove?target=seeder&hash=${hash}`);
      assert.equal(await english.locator("h1").textContent(), "Remove 1 torrent from seeder?");
    } finally {
      await english.close();
    }
  });

  it("logs no error in the browser console and loses no request", () => {
    assert.deepEqual(problems, []);
  });
});
