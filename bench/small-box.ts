// Benchmark: what the daemon keeps resident on a small box (1,000 torrents), and what costs what.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, tempDir, waitFor } from "../packages/testbed/src/index.ts";
import { DAEMON_ENV } from "./child.ts";
import { firstLine } from "./first-line.ts";
import { localGet } from "./local-get.ts";
import { DAEMON_MAIN, START_FLAGS, startEnv, warmCompileCache } from "./npm-start.ts";
import type { SuiteResult } from "./suite.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SIMULATOR = join(ROOT, "bench/simulators/qbittorrent-simulator.main.ts");
const MB = 2 ** 20;

/**
 * Loaded with `--import` into the measured process (a data: URL, so that it is not TypeScript
 * and does not itself load the type stripper): on SIGUSR2 it writes process.memoryUsage() and
 * process.cpuUsage().
 */
const PROBE = `data:text/javascript,${encodeURIComponent(`
import { writeFileSync } from "node:fs";
process.on("SIGUSR2", () => writeFileSync(process.env.MEMORY_PROBE_OUT, JSON.stringify({ ...process.memoryUsage(), cpu: process.cpuUsage() })));
`)}`;

interface Variant {
  readonly name: string;
  readonly what: string;
  readonly torrents: number;
  readonly flags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The script to run, or "bare" for a bare Node HTTP server. */
  readonly main: string;
}

interface Measured {
  readonly rssMB: number;
  /** Resident anonymous memory: the V8 heap, malloc's, stacks (RssAnon). */
  readonly anonMB: number;
  /** Resident file pages: mostly Node's executable, shared with other node processes (RssFile). */
  readonly fileMB: number;
  /** CPU time of the process from its start to the measurement (utime + stime). */
  readonly cpuMs: number;
  readonly heapUsedMB: number;
  readonly heapTotalMB: number;
  readonly externalMB: number;
  readonly arrayBuffersMB: number;
}

/**
 * Starts the real daemon against a qBittorrent simulator of 1,000 torrents (per-torrent series
 * on, history on, host sampler on, as the defaults are), scrapes `/metrics` ten times, waits
 * 3 s and reads its resident size (`/proc/PID/status`) and `process.memoryUsage()`. Variants
 * separate the costs: as `npm start` runs it (TypeScript sources, stripped of their types on
 * its first run and taken from its compile cache after, so no type stripper is loaded), without
 * the compile cache (the stripper, a WebAssembly build of SWC, loaded on every start), without
 * `MALLOC_ARENA_MAX=2`, without torrents, without V8's optimizing compiler TurboFan
 * (`--max-opt=2`), compiled to JavaScript as the packed package runs it (its shebang sets no
 * compile cache; a variant with one), with V8's `--lite-mode`,
 * and a bare Node HTTP server for the floor. Each variant runs twice, interleaved; a variant with
 * flags of its own gets a compile cache warmed with them (V8 refuses one of other flags).
 */
export async function smallBox(options: { quick: boolean }): Promise<SuiteResult> {
  const compiled = await compile();
  const cache = await tempDir("small-box-compile-cache");
  try {
    const START_ENV = startEnv(join(cache.path, "cache"));
    const n = 1000;
    const variants: Variant[] = [
      {
        name: "npm start",
        what: "sources, --optimize-for-size, MALLOC_ARENA_MAX=2, compile cache",
        torrents: n,
        flags: START_FLAGS,
        env: START_ENV,
        main: DAEMON_MAIN,
      },
      {
        name: "without MALLOC_ARENA_MAX",
        what: "sources, --optimize-for-size (before)",
        torrents: n,
        flags: START_FLAGS,
        env: { NODE_COMPILE_CACHE: START_ENV.NODE_COMPILE_CACHE },
        main: DAEMON_MAIN,
      },
      {
        name: "without the compile cache",
        what: "npm start before NODE_COMPILE_CACHE: every start strips types",
        torrents: n,
        flags: START_FLAGS,
        env: { MALLOC_ARENA_MAX: "2" },
        main: DAEMON_MAIN,
      },
      {
        name: "no torrents",
        what: "npm start, a client with 0 torrents",
        torrents: 0,
        flags: START_FLAGS,
        env: START_ENV,
        main: DAEMON_MAIN,
      },
      {
        name: "npm start, no TurboFan",
        what: "npm start with --max-opt=2: Maglev at most (its own compile cache)",
        torrents: n,
        flags: [...START_FLAGS, "--max-opt=2"],
        env: startEnv(join(cache.path, "cache-max-opt-2")),
        main: DAEMON_MAIN,
      },
      {
        name: "compiled (packed)",
        what: "JavaScript as npm pack ships it, its shebang's flags and env (no compile cache)",
        torrents: n,
        flags: START_FLAGS,
        env: DAEMON_ENV,
        main: compiled.main,
      },
      {
        name: "compiled + compile cache",
        what: "the packed JavaScript with NODE_COMPILE_CACHE set",
        torrents: n,
        flags: START_FLAGS,
        env: START_ENV,
        main: compiled.main,
      },
      {
        name: "compiled + --lite-mode",
        what: "no optimizing compilers (slower)",
        torrents: n,
        flags: [...START_FLAGS, "--lite-mode"],
        env: DAEMON_ENV,
        main: compiled.main,
      },
      {
        name: "bare Node HTTP server",
        what: "the floor: node, an HTTP server, nothing else",
        torrents: 0,
        flags: START_FLAGS,
        env: START_ENV,
        main: "bare",
      },
    ];
    // One warm-up per cache, main and flags; variants of other flags have caches of their own.
    const warmed = new Set<string>();
    for (const v of variants) {
      const dir = v.env.NODE_COMPILE_CACHE;
      const key = JSON.stringify([dir, v.main, v.flags]);
      if (dir === undefined || v.main === "bare" || warmed.has(key)) continue;
      warmed.add(key);
      await warmCompileCache(dir, v.main, v.flags);
    }
    const repeats = options.quick ? 1 : 2;
    const results = new Map<string, Measured[]>();
    for (let r = 0; r < repeats; r++) {
      for (const variant of variants) {
        const measured = await measure(variant);
        results.set(variant.name, [...(results.get(variant.name) ?? []), measured]);
      }
    }
    const rows = variants.map((v) => {
      const runs = results.get(v.name) ?? [];
      const mean = (key: keyof Measured) => runs.reduce((s, m) => s + m[key], 0) / runs.length;
      return {
        variant: v.name,
        what: v.what,
        torrents: v.torrents,
        "RSS MB": mean("rssMB"),
        "RSS MB (runs)": runs.map((m) => m.rssMB.toFixed(1)).join(" / "),
        "anon MB": mean("anonMB"),
        "file MB": mean("fileMB"),
        "CPU ms": mean("cpuMs"),
        "heap used MB": mean("heapUsedMB"),
        "heap total MB": mean("heapTotalMB"),
        "external MB": mean("externalMB"),
        "array buffers MB": mean("arrayBuffersMB"),
      };
    });
    const rss = (name: string) => Number(rows.find((row) => row.variant === name)?.["RSS MB"]);
    return {
      suite: "small-box",
      description: `resident memory with ${n.toLocaleString("en")} torrents after 10 scrapes, each variant ${repeats}x interleaved; pt-exporter needs ~20 MB (issue 18)`,
      rows,
      ratios: [
        {
          "type stripping (npm start - compiled, both cached), MB":
            rss("npm start") - rss("compiled + compile cache"),
          "MALLOC_ARENA_MAX=2 saves, MB": rss("without MALLOC_ARENA_MAX") - rss("npm start"),
          "compile cache saves, MB": rss("without the compile cache") - rss("npm start"),
          "1,000 torrents cost, MB": rss("npm start") - rss("no torrents"),
          "TurboFan costs, MB": rss("npm start") - rss("npm start, no TurboFan"),
          "compile cache costs the packed JS, MB":
            rss("compiled + compile cache") - rss("compiled (packed)"),
          "daemon over bare Node (compiled), MB":
            rss("compiled (packed)") - rss("bare Node HTTP server"),
        },
      ],
      goals: [
        {
          what: `1,000 torrents: resident <= 70 MB as npm start runs it (${rss("npm start").toFixed(0)} MB)`,
          met: rss("npm start") <= 70,
        },
        {
          what: `1,000 torrents: resident <= 70 MB as the packed package runs it (${rss("compiled (packed)").toFixed(0)} MB)`,
          met: rss("compiled (packed)") <= 70,
        },
      ],
    };
  } finally {
    await compiled.remove();
    await cache.remove();
  }
}

async function measure(variant: Variant): Promise<Measured> {
  const dir = await tempDir("small-box");
  const simulator =
    variant.main === "bare"
      ? undefined
      : spawn(process.execPath, [SIMULATOR, String(variant.torrents), "0.01"], {
          stdio: ["ignore", "pipe", "inherit"],
        });
  let daemon: ChildProcess | undefined;
  try {
    const port = await freePort();
    const out = join(dir.path, "memory.json");
    const env = { ...process.env, ...variant.env, MEMORY_PROBE_OUT: out };
    if (simulator === undefined) {
      const server = `require("node:http").createServer((q, r) => r.end("ok\\n")).listen(${port}, "127.0.0.1")`;
      daemon = spawn(process.execPath, [...variant.flags, "--import", PROBE, "-e", server], {
        env,
        stdio: "ignore",
      });
    } else {
      const url = await firstLine(simulator);
      const config = join(dir.path, "seedwatch.yml");
      await writeFile(
        config,
        `targets:\n  - { name: box, type: qbittorrent, url: "${url}", username: admin, password: adminadmin }\n`,
      );
      daemon = spawn(
        process.execPath,
        [
          ...variant.flags,
          "--import",
          PROBE,
          variant.main,
          `--config.file=${config}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { cwd: dir.path, env, stdio: "ignore" },
      );
    }
    const path = simulator === undefined ? "/" : "/metrics";
    await until(
      async () => (await localGet(port, "/-/healthy").catch(() => localGet(port, "/"))) !== "",
    );
    if (simulator !== undefined)
      await until(async () =>
        /^pt_up\{name="box"[^}]*\} 1$/m.test(await localGet(port, "/metrics")),
      );
    for (let i = 0; i < 10; i++) {
      await localGet(port, path);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    daemon.kill("SIGUSR2");
    await until(async () => (await readFile(out, "utf8").catch(() => "")) !== "");
    const usage = JSON.parse(await readFile(out, "utf8")) as NodeJS.MemoryUsage & {
      cpu: NodeJS.CpuUsage;
    };
    const { cpu } = usage;
    const status = await readFile(`/proc/${daemon.pid}/status`, "utf8");
    const kB = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
    return {
      rssMB: kB("VmRSS") / 1024,
      anonMB: kB("RssAnon") / 1024,
      fileMB: kB("RssFile") / 1024,
      cpuMs: (cpu.user + cpu.system) / 1000,
      heapUsedMB: usage.heapUsed / MB,
      heapTotalMB: usage.heapTotal / MB,
      externalMB: usage.external / MB,
      arrayBuffersMB: usage.arrayBuffers / MB,
    };
  } finally {
    if (daemon !== undefined && daemon.exitCode === null) {
      daemon.kill("SIGTERM");
      await once(daemon, "exit");
    }
    if (simulator !== undefined) {
      simulator.kill("SIGTERM");
      await once(simulator, "exit");
    }
    await dir.remove();
  }
}

/** Compiles the exporter and the metrics core to JavaScript, laid out as an installed package. */
async function compile(): Promise<{ main: string; remove: () => Promise<void> }> {
  const dir = await tempDir("small-box-js");
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  const metrics = join(dir.path, "node_modules/@seedwatch/metrics");
  await run(
    process.execPath,
    [tsc, "-p", "tsconfig.build.json", "--outDir", join(metrics, "dist")],
    {
      cwd: join(ROOT, "packages/metrics"),
    },
  );
  await run(
    process.execPath,
    [tsc, "-p", "tsconfig.build.json", "--outDir", join(dir.path, "exporter")],
    {
      cwd: join(ROOT, "packages/exporter"),
    },
  );
  await writeFile(
    join(metrics, "package.json"),
    JSON.stringify({
      name: "@seedwatch/metrics",
      type: "module",
      exports: { ".": "./dist/index.js" },
    }),
  );
  const manifest = JSON.parse(
    await readFile(join(ROOT, "packages/exporter/package.json"), "utf8"),
  ) as {
    version: string;
  };
  await writeFile(
    join(dir.path, "package.json"),
    JSON.stringify({ type: "module", version: manifest.version }),
  );
  await mkdir(join(dir.path, "node_modules"), { recursive: true });
  for (const name of ["yaml", "zod", "bcryptjs"])
    await symlink(join(ROOT, "node_modules", name), join(dir.path, "node_modules", name));
  return { main: join(dir.path, "exporter/main.js"), remove: () => dir.remove() };
}

/** Waits until `check` holds (a check that throws counts as not yet). */
function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<unknown> {
  return waitFor("the process under test", async () => ((await check()) ? true : undefined), {
    timeoutMs,
    intervalMs: 200,
  });
}
