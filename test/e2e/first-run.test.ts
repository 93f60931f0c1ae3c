// `npm start` with no config file on a box whose clients were set up as their users set them up: all found, one asking for a password, a late one added.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  type Daemon,
  daemonLaunch,
  freePort,
  startDaemon,
  tempDir,
  waitFor,
} from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type RtorrentInstance, startRtorrent } from "@seedwatch/testbed/rtorrent";
import { makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission, type Transmission } from "@seedwatch/testbed/transmission";
import { type Browser, chromium } from "playwright-core";
import { parse } from "yaml";
import { ensureDashboardBuilt } from "../support/dashboard-build.ts";
import { Samples } from "../support/exposition.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "packages/exporter/src/main.ts");
/** Regenerated with SEEDWATCH_UPDATE_SCREENSHOT=1 (like a golden file); otherwise written to a temp dir. */
const SCREENSHOT = join(ROOT, "docs/first-run.png");
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
/** The four clients that need no password nobody gave, by the names discovery gives them. */
const WORKING = ["qbittorrent", "transmission", "deluge", "rtorrent"];
/** Discovery looks again this often here, instead of every minute (SEEDWATCH_DISCOVERY_INTERVAL). */
const INTERVAL = "2s";

interface ApiTarget {
  readonly name: string;
  readonly type: string;
  readonly state: string;
  readonly up: boolean;
  readonly foundIn?: string | null;
  readonly configLines?: string;
  readonly configFile?: string | null;
  readonly reason?: string;
}

describe("npm start without a config file, on a box with five clients", {
  timeout: 600_000,
}, () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let tracker: Opentracker;
  let qbittorrent: Qbittorrent;
  let locked: Qbittorrent;
  let transmission: Transmission;
  let deluge: DelugeInstance;
  let rtorrent: RtorrentInstance;
  let late: Qbittorrent | undefined;
  let seedwatch: Daemon;
  let url = "";
  let env: Record<string, string> = {};
  let firstScrape = "";

  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: await res.text() };
  };
  const targets = async () => JSON.parse((await get("/api/v1/targets")).body) as ApiTarget[];

  before(async () => {
    await ensureDashboardBuilt();
    home = await tempDir("first-run-home");
    work = await tempDir("first-run-cwd");
    tracker = await startOpentracker();
    // Each client as its user runs it: its configuration in its standard place in this home.
    // Settled, not Promise.all: when one fails to start, the others are still kept, so that
    // after() stops them instead of leaving them to hold the test process open.
    const started = await Promise.allSettled([
      startQbittorrent({ home: home.path, localHostAuth: false }),
      startQbittorrent({ home: home.path, configurationName: "locked" }),
      startTransmission({ home: home.path, auth: false }),
      startDeluged({ home: home.path }),
      startRtorrent({ home: home.path, transport: "tcp" }),
    ]);
    const [q0, l0, t0, d0, r0] = started;
    qbittorrent = q0.status === "fulfilled" ? q0.value : (undefined as unknown as Qbittorrent);
    locked = l0.status === "fulfilled" ? l0.value : (undefined as unknown as Qbittorrent);
    transmission = t0.status === "fulfilled" ? t0.value : (undefined as unknown as Transmission);
    deluge = d0.status === "fulfilled" ? d0.value : (undefined as unknown as DelugeInstance);
    rtorrent = r0.status === "fulfilled" ? r0.value : (undefined as unknown as RtorrentInstance);
    for (const outcome of started) if (outcome.status === "rejected") throw outcome.reason;
    // A few seeding torrents each, so the first run shows something.
    const torrents = async (prefix: string, count: number) => {
      const made = await makeTorrents({
        dir: join(home.path, "payloads", prefix),
        count,
        announce: [tracker.announceUrl()],
        prefix,
      });
      await tracker.allow(made.map((t) => t.infoHash));
      return made;
    };
    const [q, tr, d, r] = await Promise.all([
      torrents("qb", 4),
      torrents("tr", 3),
      torrents("de", 2),
      torrents("rt", 3),
    ]);
    await qbittorrent.addTorrents(q, { savepath: q[0]?.payloadDir ?? "" });
    await transmission.addTorrents(tr, { downloadDir: tr[0]?.payloadDir ?? "" });
    await deluge.addTorrents(d);
    await rtorrent.addTorrents(r, { start: true, directory: r[0]?.payloadDir ?? "" });

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      HOME: home.path,
      XDG_CONFIG_HOME: join(home.path, ".config"),
      XDG_DATA_HOME: join(home.path, ".local", "share"),
      XDG_STATE_HOME: join(home.path, ".local", "state"),
      // Not under systemd, and Transmission's own override not set.
      STATE_DIRECTORY: "",
      TRANSMISSION_HOME: "",
      SEEDWATCH_DISCOVERY_INTERVAL: INTERVAL,
    };
    // What `npm start` runs, in an empty directory, with no config file.
    seedwatch = await startDaemon({
      name: "seedwatch (no config)",
      command: process.execPath,
      args: [...daemonLaunch().nodeFlags, MAIN, `--web.listen-address=127.0.0.1:${port}`],
      cwd: work.path,
      env,
      ready: async () => (await get("/-/healthy").catch(() => undefined))?.status === 200,
    });
    firstScrape = (await get("/metrics")).body;
  });

  after(async () => {
    await seedwatch?.stop();
    await Promise.all([
      qbittorrent?.stop(),
      locked?.stop(),
      transmission?.stop(),
      deluge?.stop(),
      rtorrent?.stop(),
      late?.stop(),
      tracker?.stop(),
    ]);
    await work?.remove();
    await home?.remove();
  });

  it("exports the four working clients at the first scrape, each up with its torrents", () => {
    const m = new Samples(firstScrape);
    for (const name of WORKING) assert.equal(m.value("pt_up", { name }), 1, name);
    assert.equal(m.find("pt_up", { name: "qbittorrent-locked" }).length, 0, "not polled");
    const torrents = (name: string) =>
      m.find("pt_torrents_count", { name }).reduce((sum, s) => sum + s.value, 0);
    assert.deepEqual(
      WORKING.map((name) => torrents(name)),
      [4, 3, 2, 3],
    );
  });

  it("lists the fifth as needs_credentials, with where it was found and the lines to write", async () => {
    const all = await targets();
    assert.deepEqual(
      all.map((t) => [t.name, t.state]),
      [
        ["qbittorrent", "up"],
        ["transmission", "up"],
        ["deluge", "up"],
        ["rtorrent", "up"],
        ["qbittorrent-locked", "needs_credentials"],
      ],
    );
    const needs = all[4] as ApiTarget;
    assert.equal(needs.foundIn, locked.configFile);
    assert.equal(needs.reason, "hashed");
    assert.equal(needs.configFile, null, "no config file yet: the lines are a whole seedwatch.yml");
    // The lines, written as seedwatch.yml with the password set, make seedwatch watch it.
    const file = join(home.path, "written.yml");
    await writeFile(file, needs.configLines ?? "");
    const lines = parse(needs.configLines ?? "") as { targets: Array<Record<string, unknown>> };
    assert.deepEqual(lines.targets[0], {
      name: "qbittorrent-locked",
      type: "qbittorrent",
      url: locked.url,
      username: locked.username,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: seedwatch's ${VAR} syntax
      password: "${QBITTORRENT_LOCKED_PASSWORD}",
    });
    const checked = await promisify(execFile)(
      process.execPath,
      [MAIN, "--config.check", `--config.file=${file}`],
      { env: { ...process.env, ...env, QBITTORRENT_LOCKED_PASSWORD: locked.password } },
    );
    assert.match(checked.stdout, /configuration is valid/);
  });

  it("logs one line per target with where it was found, and the one needing a password once", () => {
    const logs = seedwatch.logs().split("\n");
    const watching = logs.filter((l) => l.includes("msg=watching"));
    assert.deepEqual(
      watching.map((l) => /target=(\S+)/.exec(l)?.[1]),
      WORKING,
    );
    const where = (name: string) =>
      watching.find((l) => l.includes(`target=${name} `))?.match(/found_in=(\S+)/)?.[1];
    assert.equal(where("qbittorrent"), qbittorrent.configFile);
    assert.equal(
      where("transmission"),
      join(home.path, ".config/transmission-daemon/settings.json"),
    );
    assert.equal(where("deluge"), join(home.path, ".config/deluge/core.conf"));
    assert.equal(where("rtorrent"), join(home.path, ".rtorrent.rc"));
    const needs = logs.filter((l) => l.includes("needs a password"));
    assert.equal(needs.length, 1, needs.join("\n"));
    assert.match(needs[0] as string, /target=qbittorrent-locked .*reason=hashed/);
  });

  it("keeps the password it found (Deluge's localclient) out of the log, /config and the API", async () => {
    const auth = await readFile(join(home.path, ".config/deluge/auth"), "utf8");
    const password = /^localclient:([^:\n]+)/m.exec(auth)?.[1];
    assert.ok(
      password !== undefined && password.length >= 8,
      "deluged wrote its localclient account",
    );
    for (const text of [
      seedwatch.logs(),
      (await get("/config")).body,
      (await get("/api/v1/targets")).body,
      (await get("/api/v1/overview")).body,
      (await get("/metrics")).body,
    ])
      assert.ok(!text.includes(password));
    assert.equal((await get("/config")).body.includes("discovery: true"), true);
  });

  it("writes nothing in the working directory; state goes to $XDG_STATE_HOME/seedwatch (0700)", async () => {
    assert.deepEqual(await readdir(work.path), []);
    const state = join(home.path, ".local/state/seedwatch");
    assert.equal((await stat(state)).mode & 0o777, 0o700);
    assert.ok((await readdir(state)).includes("seedwatch.db"));
  });

  it("shows them on the dashboard: four cards up, and one with the lines to copy", async () => {
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
      const page = await browser.newPage({
        viewport: { width: 1440, height: 1000 },
        colorScheme: "light",
        locale: "en-US",
      });
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      await page.goto(`${url}/`);
      await waitFor("four cards up and the card asking for a password", async () =>
        (await page.locator('.card[data-state="up"]').count()) === 4 &&
        (await page.locator('.card[data-state="needs_credentials"]').count()) === 1
          ? true
          : undefined,
      );
      assert.deepEqual(
        await page.$$eval(".card", (cards) => cards.map((c) => (c as HTMLElement).dataset.target)),
        [...WORKING, "qbittorrent-locked"],
      );
      const card = page.locator('[data-target="qbittorrent-locked"]');
      assert.equal(await card.locator("[data-field=state]").textContent(), "needs a password");
      assert.match(
        (await card.locator("[data-field=found]").textContent()) ?? "",
        new RegExp(`Found by reading ${locked.configFile}: qBittorrent at ${locked.url}`),
      );
      assert.match(
        (await card.locator("[data-field=instructions]").textContent()) ?? "",
        /Create seedwatch\.yml .* QBITTORRENT_LOCKED_PASSWORD/,
      );
      const shown = (await card.locator("[data-field=config-lines]").textContent()) ?? "";
      assert.equal(
        shown,
        (await targets()).find((t) => t.name === "qbittorrent-locked")?.configLines,
      );
      await page.locator(".card-head").first().waitFor();
      await waitFor("every card's first figures", async () =>
        (await page
          .locator('[data-target="qbittorrent"] [data-field="class:total"]')
          .getAttribute("data-value")) === "4"
          ? true
          : undefined,
      );
      assert.deepEqual(problems, []);
      // For the screenshot: a few live samples (one every 2 s), so the rate charts have a line.
      await page.waitForTimeout(8_000);
      const bottom = await page.evaluate(
        () => (document.getElementById("targets") as HTMLElement).getBoundingClientRect().bottom,
      );
      // The header and the targets: what the first run is about.
      const png = await page.screenshot({
        clip: { x: 0, y: 0, width: 1440, height: Math.ceil(bottom) + 16 },
      });
      const out =
        process.env.SEEDWATCH_UPDATE_SCREENSHOT === "1"
          ? SCREENSHOT
          : join(home.path, "first-run.png");
      await writeFile(out, png);
      assert.ok((await readFile(out)).length > 20_000, "a screenshot with something on it");
    } finally {
      await browser?.close();
    }
  });

  it("picks up a client started later, and keeps one that went away as up 0", async () => {
    await rtorrent.stop();
    late = await startQbittorrent({
      home: home.path,
      configurationName: "late",
      localHostAuth: false,
    });
    await waitFor(
      "the late qBittorrent watched and up",
      async () =>
        (await targets()).find((t) => t.name === "qbittorrent-late")?.up === true
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const m = new Samples((await get("/metrics")).body);
    assert.equal(m.value("pt_up", { name: "qbittorrent-late" }), 1);
    assert.equal(
      m.value("pt_up", { name: "rtorrent" }),
      0,
      "rTorrent stopped: still a target, down",
    );
    for (const name of ["qbittorrent", "transmission", "deluge"])
      assert.equal(m.value("pt_up", { name }), 1, name);
    assert.equal(
      seedwatch
        .logs()
        .split("\n")
        .filter((l) => l.includes("msg=watching")).length,
      WORKING.length + 1,
      "one more line, for the new one",
    );
  });

  it("with a config file, finds nothing until it says discovery: true, then leaves it its client", async () => {
    const dir = join(home.path, "with-config");
    await mkdir(dir);
    const file = join(dir, "seedwatch.yml");
    const listed = `targets:\n  - { name: mine, type: transmission, url: "${transmission.url}" }\n`;
    await writeFile(file, listed);
    const port = await freePort();
    const other = await startDaemon({
      name: "seedwatch (config file)",
      command: process.execPath,
      args: [MAIN, `--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`],
      cwd: dir,
      env,
      ready: async () =>
        (await fetch(`http://127.0.0.1:${port}/-/healthy`).catch(() => undefined))?.status === 200,
    });
    try {
      const list = async () =>
        (
          (await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as ApiTarget[]
        ).map((t) => [t.name, t.state]);
      await waitFor("its one target up", async () =>
        (await list()).some(([, state]) => state === "up") ? true : undefined,
      );
      assert.deepEqual(await list(), [["mine", "up"]], "nothing found: discovery is off");
      await writeFile(file, `discovery: true\n${listed}`);
      other.signal("SIGHUP");
      await waitFor("the reload to add what discovery finds", async () =>
        (await list()).length > 1 ? true : undefined,
      );
      // rTorrent is gone (stopped above), so not found by this daemon; Transmission is the file's.
      await waitFor("every found client up", async () => {
        const now = await list();
        return now.filter(([, state]) => state === "up").length === 4 ? now : undefined;
      }).then((now) =>
        assert.deepEqual(now, [
          ["mine", "up"],
          ["qbittorrent", "up"],
          ["qbittorrent-late", "up"],
          ["deluge", "up"],
          ["qbittorrent-locked", "needs_credentials"],
        ]),
      );
      const locked = (
        (await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as ApiTarget[]
      ).find((t) => t.name === "qbittorrent-locked");
      assert.equal(locked?.configFile, file, "with a file, the lines go under its targets:");
      assert.match(locked?.configLines ?? "", /^- name: qbittorrent-locked\n/);
    } finally {
      await other.stop();
    }
  });

  it("`seedwatch discover` prints the same findings as a complete seedwatch.yml", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, "discover"], {
      cwd: work.path,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    const config = parse(stdout) as {
      storage: { path: string };
      targets: Array<Record<string, unknown>>;
    };
    assert.equal(config.storage.path, join(home.path, ".local/state/seedwatch/seedwatch.db"));
    assert.deepEqual(
      config.targets.map((t) => t.name),
      ["qbittorrent", "qbittorrent-late", "qbittorrent-locked", "transmission", "deluge"],
    );
    const deluged = config.targets.find((t) => t.name === "deluge");
    assert.deepEqual(deluged, {
      name: "deluge",
      type: "deluge",
      url: `deluge://127.0.0.1:${deluge.daemonPort}`,
      username: "localclient",
      password_file: join(home.path, ".config/deluge/auth"),
      tls: { ca_file: join(home.path, ".config/deluge/ssl/daemon.cert") },
    });
    const auth = await readFile(join(home.path, ".config/deluge/auth"), "utf8");
    const password = /^localclient:([^:\n]+)/m.exec(auth)?.[1] as string;
    assert.ok(!stdout.includes(password), "the password is referenced, not copied");
    // As it is, with the one password it lacks set, the file runs: seedwatch accepts it.
    const dir = join(home.path, "from-discover");
    await mkdir(dir);
    await writeFile(join(dir, "seedwatch.yml"), stdout);
    const checked = await promisify(execFile)(
      process.execPath,
      [MAIN, "--config.check", "--config.file=seedwatch.yml"],
      { cwd: dir, env: { ...process.env, ...env, QBITTORRENT_LOCKED_PASSWORD: locked.password } },
    );
    assert.match(checked.stdout, /configuration is valid/);
  });
});
