// The daemon loads a target kind's code, and discovery's, only when configured; `--version` puts them in the compile cache.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tempDir } from "@seedwatch/testbed";
import { jsonFromScript } from "@seedwatch/testbed/node-script";

const run = promisify(execFile);
const DAEMON = new URL("./daemon.ts", import.meta.url).href;
const LOG = new URL("./log.ts", import.meta.url).href;
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const SRC = fileURLToPath(new URL(".", import.meta.url));

/** Code that only some configurations need: the other kinds' sources, and discovery. */
const ON_FIRST_USE =
  /\/src\/(sources\/(qbittorrent|transmission|deluge|rtorrent|linxdot)|discovery)\//;

/**
 * In a fresh Node, starts the daemon on `config` (HOME an empty directory, so discovery finds
 * nothing of this machine's), stops it, and returns which of the daemon's optional folders were
 * loaded, and whether Node's type stripper was (with `compileCache` on, as NODE_COMPILE_CACHE
 * turns it on).
 */
async function startAndStop(
  config: string,
  compileCache?: string,
): Promise<{ folders: string[]; stripper: boolean }> {
  const dir = await tempDir("lazy-modules");
  try {
    const file = join(dir.path, "seedwatch.yml");
    await writeFile(
      file,
      `storage: { path: ${JSON.stringify(join(dir.path, "state.db"))} }\n${config}`,
    );
    const script = `
      import { enableCompileCache, registerHooks } from "node:module";
      ${compileCache === undefined ? "" : `enableCompileCache(${JSON.stringify(compileCache)});`}
      const loaded = new Set();
      registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });
      const { Daemon } = await import(${JSON.stringify(DAEMON)});
      const { silentLogger } = await import(${JSON.stringify(LOG)});
      const daemon = await Daemon.start({
        configFile: ${JSON.stringify(file)},
        env: { HOME: ${JSON.stringify(dir.path)} },
        listenAddress: "127.0.0.1:0",
        log: silentLogger,
      });
      await daemon.stop();
      // Deluge's auth file is the config's (a Deluge target's password file), not the source's.
      const folders = [...loaded].filter((url) => !url.endsWith("/sources/deluge/auth-file.ts")).map((url) => ${ON_FIRST_USE}.exec(url)?.[1]).filter(Boolean);
      const stripper = process.moduleLoadList.some((name) => name.includes("amaro"));
      process.stdout.write(JSON.stringify({ folders: [...new Set(folders)].sort(), stripper }));
    `;
    return await jsonFromScript(script, { timeoutMs: 120_000 });
  } finally {
    await dir.remove();
  }
}

const QBITTORRENT = `targets:
  - { name: qb, type: qbittorrent, url: "http://127.0.0.1:9", username: u, password: p }
`;

describe("modules loaded on first use", () => {
  it("a daemon watching one qBittorrent loads neither the other kinds' code nor discovery's", async () => {
    const { folders } = await startAndStop(QBITTORRENT);
    assert.deepEqual(folders, ["sources/qbittorrent"]);
  });

  it("each configured kind, and discovery when on, is loaded", async () => {
    const { folders } = await startAndStop(`discovery: true
targets:
  - { name: de, type: deluge, url: "deluge://127.0.0.1:9", username: u, password: p }
  - { name: miner, type: linxdot, url: "http://127.0.0.1:9", username: u, password: p }
`);
    assert.ok(folders.includes("discovery"), folders.join());
    assert.ok(folders.includes("sources/deluge"), folders.join());
    assert.ok(folders.includes("sources/linxdot"), folders.join());
  });

  it("after `seedwatch --version` fills the compile cache, a daemon loading them strips no TypeScript", async () => {
    const cache = await tempDir("lazy-modules-cache");
    try {
      await run(process.execPath, [MAIN, "--version"], {
        env: { ...process.env, NODE_COMPILE_CACHE: cache.path },
      });
      const every = `discovery: true
targets:
  - { name: qb, type: qbittorrent, url: "http://127.0.0.1:9", username: u, password: p }
  - { name: tr, type: transmission, url: "http://127.0.0.1:9/transmission/rpc" }
  - { name: de, type: deluge, url: "deluge://127.0.0.1:9", username: u, password: p }
  - { name: rt, type: rtorrent, url: "scgi://127.0.0.1:9" }
  - { name: miner, type: linxdot, url: "http://127.0.0.1:9", username: u, password: p }
`;
      const cached = await startAndStop(every, cache.path);
      assert.equal(cached.folders.length, 6, cached.folders.join());
      assert.equal(cached.stripper, false, `a module of ${SRC} was missing from the cache`);
    } finally {
      await cache.remove();
    }
  });
});
