// `npm start` keeps Node's compile cache, so that a start after the first loads no TypeScript stripper (about 20 MB resident).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { daemonLaunch } from "@seedwatch/testbed";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = /\bNODE_COMPILE_CACHE=(\S+)/;
/** Writes to stderr, as the process exits, whether Node's type stripper (amaro) was loaded. */
const PROBE = `data:text/javascript,${encodeURIComponent(
  'process.on("exit",()=>process.stderr.write("amaro:"+process.moduleLoadList.some((m)=>m.includes("amaro"))+"\\n"))',
)}`;

function startScript(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  return manifest.scripts.start as string;
}

describe("npm start", () => {
  it("runs Node as the seedwatch executable's first line does: its environment, then its flags", () => {
    const launch = daemonLaunch();
    const words = startScript().split(/\s+/);
    const node = words.indexOf("node");
    for (const [name, value] of Object.entries(launch.env))
      assert.ok(words.slice(0, node).includes(`${name}=${value}`), `${name}=${value}`);
    assert.deepEqual(words.slice(node + 1, -1), launch.nodeFlags);
    assert.equal(words.at(-1), "packages/exporter/src/main.ts");
  });

  it("keeps a compile cache: the second start strips no TypeScript", async () => {
    const script = startScript();
    assert.match(script, CACHE, "the start script sets NODE_COMPILE_CACHE");
    const dir = await mkdtemp(join(tmpdir(), "seedwatch-compile-cache-"));
    try {
      // The script as it is, with the cache in a directory of this test's own.
      const command = `${script.replace(CACHE, `NODE_COMPILE_CACHE=${dir}`)} --version`;
      const start = async () => {
        const { stdout, stderr } = await run("sh", ["-c", command], {
          cwd: ROOT,
          env: { ...process.env, NODE_OPTIONS: `--import=${PROBE}` },
          timeout: 120_000,
        });
        assert.match(stdout, /^seedwatch /);
        return /amaro:(true|false)/.exec(stderr)?.[1];
      };
      assert.equal(await start(), "true", "the first start strips the sources and caches them");
      assert.equal(await start(), "false", "the second start takes them from the cache");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
