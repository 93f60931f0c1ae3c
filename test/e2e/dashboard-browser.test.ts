// The dashboard in real headless Chromium, against the real daemon with a real qBittorrent swarm moving real bytes.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
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
import { Samples } from "../support/exposition.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DASHBOARD = join(ROOT, "packages/dashboard");
/** Regenerated with SEEDWATCH_UPDATE_SCREENSHOT=1 (like a golden file); otherwise written to a temp dir. */
const SCREENSHOT = join(ROOT, "docs/dashboard.png");
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

/** Builds the dashboard when dist/ is missing or older than a source (npm ci builds it too). */
async function ensureBuilt(): Promise<void> {
  const built = await stat(join(DASHBOARD, "dist/index.html")).catch(() => undefined);
  const sources = [
    join(DASHBOARD, "index.html"),
    join(DASHBOARD, "vite.config.ts"),
    ...(await readdir(join(DASHBOARD, "src"))).map((f) => join(DASHBOARD, "src", f)),
  ];
  const newest = Math.max(
    ...(await Promise.all(sources.map(async (f) => (await stat(f)).mtimeMs))),
  );
  if (built !== undefined && built.mtimeMs >= newest) return;
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, "node_modules/vite/bin/vite.js"), "build", DASHBOARD],
    { cwd: ROOT, timeout: 120_000 },
  );
}

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

  before(async () => {
    await ensureBuilt();
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
    page = await browser.newPage({ viewport: WIDE, colorScheme: "light" });
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
    assert.match((await page.locator('[data-field="fs:/"]').textContent()) ?? "", /^\d+(\.\d)? %$/);
    assert.equal(await page.locator("#detail-title").textContent(), "seeder");
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

  it("logs no error in the browser console and loses no request", () => {
    assert.deepEqual(problems, []);
  });
});
