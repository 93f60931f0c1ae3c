// `npx seedwatch` from the packed tarballs: npm pack (prepack builds JavaScript), install in an empty folder, run it.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import {
  type Daemon,
  daemonLaunch,
  SEEDWATCH_MAIN,
  startDaemon,
  tempDir,
} from "@seedwatch/testbed";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { makeTorrents } from "@seedwatch/testbed/torrents";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);

/** npm as a user runs it: without the npm_* variables of an `npm test` around this process. */
const NPM_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")),
);

async function npm(args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run("npm", [...args], {
      cwd,
      env: NPM_ENV,
      timeout: 180_000,
      maxBuffer: 16 * 2 ** 20,
    });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `npm ${args.join(" ")} in ${cwd}: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`,
    );
  }
}

async function tarList(tarball: string): Promise<string[]> {
  const { stdout } = await run("tar", ["tzf", tarball]);
  return stdout.trim().split("\n");
}

async function tarManifest(tarball: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("tar", ["xzOf", tarball, "package/package.json"]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
  };

/**
 * The packages are packed from a copy of the repository's files, not in place: prepack rewrites
 * package.json and builds dist/ for the length of the pack, and other test processes running at
 * the same time resolve @seedwatch/metrics through that very manifest.
 */
describe("the packed seedwatch, installed in an empty folder", { timeout: 600_000 }, () => {
  let stage: Awaited<ReturnType<typeof tempDir>>;
  let out: Awaited<ReturnType<typeof tempDir>>;
  let install: Awaited<ReturnType<typeof tempDir>>;
  let seedwatchTgz = "";
  let metricsTgz = "";
  const version = manifestOf(join(ROOT, "packages/exporter")).version;

  before(async () => {
    if (!existsSync(join(ROOT, "packages/dashboard/dist/index.html")))
      throw new Error("packages/dashboard/dist is not built: run `npm run prepare` first");
    stage = await tempDir("pack-stage");
    out = await tempDir("pack-out");
    install = await tempDir("npx");
    const keep = (base: string) => (path: string) => {
      const rel = relative(base, path).split(sep);
      return !["node_modules", "dist", "dashboard", "package.json.prepack"].includes(rel[0] ?? "");
    };
    cpSync(join(ROOT, "scripts"), join(stage.path, "scripts"), { recursive: true });
    cpSync(join(ROOT, "tsconfig.json"), join(stage.path, "tsconfig.json"));
    for (const name of ["metrics", "exporter"]) {
      const from = join(ROOT, "packages", name);
      cpSync(from, join(stage.path, "packages", name), { recursive: true, filter: keep(from) });
    }
    cpSync(join(ROOT, "packages/dashboard/dist"), join(stage.path, "packages/dashboard/dist"), {
      recursive: true,
    });
    // TypeScript and the type packages the build needs.
    symlinkSync(join(ROOT, "node_modules"), join(stage.path, "node_modules"));

    for (const name of ["metrics", "exporter"])
      await npm(["pack", "--pack-destination", out.path], join(stage.path, "packages", name));
    [metricsTgz, seedwatchTgz] = ["seedwatch-metrics", "seedwatch"].map((stem) =>
      join(out.path, `${stem}-${version}.tgz`),
    ) as [string, string];

    // Third-party dependencies come packed from the repository's node_modules (the versions the
    // lockfile pins), so the install needs no registry: tests talk only to loopback.
    const third = new Map<string, string>();
    const collect = (deps: Record<string, string> | undefined) => {
      for (const [name, wanted] of Object.entries(deps ?? {})) {
        if (name.startsWith("@seedwatch/") || third.has(name)) continue;
        const dir = join(ROOT, "node_modules", name);
        const found = manifestOf(dir);
        assert.equal(found.version, wanted, `node_modules/${name} is not the pinned ${wanted}`);
        third.set(name, dir);
        collect(found.dependencies);
      }
    };
    collect(manifestOf(join(ROOT, "packages/exporter")).dependencies);
    collect(manifestOf(join(ROOT, "packages/metrics")).dependencies);
    for (const dir of third.values())
      await npm(["pack", "--ignore-scripts", "--pack-destination", out.path, dir], out.path);

    // Without a package.json here, npm would install into the first parent folder that has one.
    writeFileSync(join(install.path, "package.json"), '{ "name": "npx-check", "private": true }\n');
    const tarballs = readdirSync(out.path)
      .filter((f) => f.endsWith(".tgz"))
      .map((f) => join(out.path, f));
    await npm(["install", "--offline", "--no-audit", "--no-fund", ...tarballs], install.path);
  });
  after(async () => {
    await install?.remove();
    await out?.remove();
    await stage?.remove();
  });

  it("ships compiled JavaScript and the dashboard, never the TypeScript sources or tests", async () => {
    const files = await tarList(seedwatchTgz);
    assert.ok(files.includes("package/dist/main.js"));
    assert.ok(files.includes("package/dist/web/dashboard-routes.js"));
    assert.ok(files.includes("package/dashboard/index.html"));
    assert.ok(files.some((f) => /^package\/dashboard\/assets\/index-[\w-]+\.js$/.test(f)));
    const metricsFiles = await tarList(metricsTgz);
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/testing/index.js"])
      assert.ok(metricsFiles.includes(`package/${f}`), f);
    for (const f of [...files, ...metricsFiles]) {
      assert.ok(!/\.ts$/.test(f) || f.endsWith(".d.ts"), f);
      assert.ok(!/\.test\.|\/fixtures\//.test(f), f);
      // The docs and Grafana generators (tools/ at the repository's root) are not the daemon's.
      assert.ok(!/^package\/(tools|dist\/docs)\//.test(f), f);
    }
  });

  it("points bin and exports at dist/ inside the tarball, and leaves the manifests in the tree as they were", async () => {
    const packed = await tarManifest(seedwatchTgz);
    assert.deepEqual(packed.bin, { seedwatch: "./dist/main.js" });
    assert.equal(packed.exports, undefined, "seedwatch is a command: no exports");
    assert.deepEqual(packed.files, ["dist", "dashboard"]);
    assert.equal(packed.scripts, undefined);
    assert.deepEqual((await tarManifest(metricsTgz)).exports, {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./testing": { types: "./dist/testing/index.d.ts", default: "./dist/testing/index.js" },
    });
    for (const name of ["metrics", "exporter"]) {
      const staged = join(stage.path, "packages", name);
      assert.equal(
        readFileSync(join(staged, "package.json"), "utf8"),
        readFileSync(join(ROOT, "packages", name, "package.json"), "utf8"),
      );
      for (const built of ["dist", "dashboard", "package.json.prepack"])
        assert.ok(!existsSync(join(staged, built)), `${name}/${built} left behind`);
    }
    const main = readFileSync(join(install.path, "node_modules/seedwatch/dist/main.js"), "utf8");
    assert.equal(
      main.split("\n")[0],
      readFileSync(SEEDWATCH_MAIN, "utf8").split("\n")[0],
      "the sources' first line: the executable's flags and environment",
    );
  });

  it("`npx seedwatch --version` prints the package's version", async () => {
    const { stdout } = await run("npx", ["--offline", "seedwatch", "--version"], {
      cwd: install.path,
      env: NPM_ENV,
      timeout: 60_000,
    });
    assert.equal(stdout, `seedwatch ${version} (node ${process.version})\n`);
  });

  it("resolves every dependency inside the install folder", async () => {
    await npm(["ls", "--all", "--offline"], install.path);
    // A parent folder's node_modules (such as one in /tmp) must not be what makes it work.
    let checked = 0;
    for (const pkg of ["seedwatch", "@seedwatch/metrics"]) {
      const dir = join(install.path, "node_modules", pkg);
      for (const dep of Object.keys(manifestOf(dir).dependencies ?? {})) {
        checked++;
        const { stdout } = await run(
          process.execPath,
          [
            "--input-type=module",
            "-e",
            `process.stdout.write(import.meta.resolve(${JSON.stringify(dep)}))`,
          ],
          { cwd: dir },
        );
        const path = fileURLToPath(stdout);
        assert.ok(
          path.startsWith(join(install.path, "node_modules") + sep),
          `${pkg} -> ${dep}: ${path}`,
        );
        assert.ok(!path.endsWith(".ts"), `${dep} resolves to TypeScript: ${path}`);
      }
    }
    assert.equal(checked, 4);
  });

  describe("the installed daemon against a real qBittorrent", () => {
    let qb: Qbittorrent;
    let daemon: Daemon;
    let base = "";

    before(async () => {
      qb = await startQbittorrent();
      const made = await makeTorrents({
        dir: join(install.path, "torrents"),
        count: 2,
        announce: ["http://127.0.0.1:9/announce?passkey=00112233445566778899aabbccddeeff"],
      });
      await qb.addTorrents(made, { savepath: made[0]?.payloadDir ?? "", paused: true });
      writeFileSync(
        join(install.path, "seedwatch.yml"),
        `global: { poll_interval: 1s }\ntargets:\n  - { name: qb, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}" }\n`,
      );
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      // The bin as npx runs it (through its `#!/usr/bin/env -S node ...` line), started directly:
      // npx runs it under `sh -c` and does not pass SIGTERM on, which would leave it running.
      daemon = await startDaemon({
        name: "seedwatch (installed)",
        command: join(install.path, "node_modules/.bin/seedwatch"),
        args: ["--config.file=seedwatch.yml", `--web.listen-address=127.0.0.1:${port}`],
        cwd: install.path,
        ready: async () => (await fetch(`${base}/-/ready`).catch(() => undefined))?.status === 200,
      });
    });
    after(async () => {
      await daemon?.stop();
      await qb?.stop();
    });

    it("exports the client's figures and its build info", async () => {
      const text = await waitFor("both torrents in /metrics", async () => {
        const body = await (await fetch(`${base}/metrics`)).text();
        return /^seedwatch_target_torrents\{name="qb",type="qbittorrent"\} 2$/m.test(body)
          ? body
          : undefined;
      });
      assert.match(text, /^pt_up\{name="qb",host="[^"]+",client="qbittorrent"\} 1$/m);
      assert.match(
        text,
        new RegExp(
          `^seedwatch_build_info\\{version="${version}",node_version="${process.version}"\\} 1$`,
          "m",
        ),
      );
    });

    it("logs one line per event and nothing per scrape", async () => {
      const before = daemon.logs();
      assert.match(before, /msg="target is up" target=qb/);
      for (let i = 0; i < 5; i++) await (await fetch(`${base}/metrics`)).text();
      assert.equal(daemon.logs(), before);
    });

    it("serves the dashboard shipped in the package", async () => {
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      const script = /src="\.(\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
      assert.ok(script !== undefined, html.slice(0, 500));
      const asset = await fetch(`${base}${script}`);
      assert.equal(asset.status, 200);
      assert.equal(
        await asset.text(),
        readFileSync(join(install.path, "node_modules/seedwatch/dashboard", script), "utf8"),
      );
    });

    it("runs on V8's --optimize-for-size with MALLOC_ARENA_MAX=2, from the bin's first line", () => {
      const argv = readFileSync(`/proc/${daemon.pid}/cmdline`, "utf8").split("\0");
      const flags = daemonLaunch().nodeFlags;
      assert.ok(flags.includes("--optimize-for-size"));
      assert.deepEqual(argv.slice(1, 1 + flags.length), flags, argv.join(" "));
      assert.ok(argv[1 + flags.length]?.endsWith("node_modules/.bin/seedwatch"), argv.join(" "));
      const environment = readFileSync(`/proc/${daemon.pid}/environ`, "utf8").split("\0");
      assert.ok(
        environment.includes("MALLOC_ARENA_MAX=2"),
        "fewer malloc arenas, from the same line",
      );
    });
  });
});
