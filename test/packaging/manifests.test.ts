// Every workspace manifest names files that exist, and packing refuses one that names a missing file.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { packedManifest } from "../../scripts/pack-package.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGES = join(ROOT, "packages");

interface Manifest {
  readonly name: string;
  readonly bin?: string | Record<string, string>;
  readonly exports?: string | Record<string, string>;
}

function manifests(): Array<{ dir: string; manifest: Manifest }> {
  return readdirSync(PACKAGES)
    .map((name) => join(PACKAGES, name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest,
    }));
}

/** Every path a manifest's `bin` and `exports` name, with where it is named. */
function namedPaths(manifest: Manifest): Array<[string, string]> {
  const bin = typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : manifest.bin;
  const exports =
    typeof manifest.exports === "string" ? { ".": manifest.exports } : manifest.exports;
  return [
    ...Object.entries(bin ?? {}).map(([k, v]): [string, string] => [`bin["${k}"]`, v]),
    ...Object.entries(exports ?? {}).map(([k, v]): [string, string] => [`exports["${k}"]`, v]),
  ];
}

describe("workspace manifests", () => {
  it("name only files that exist in bin and exports (a pattern: its folder)", () => {
    const checked: string[] = [];
    for (const { dir, manifest } of manifests()) {
      for (const [where, path] of namedPaths(manifest)) {
        const target = path.includes("*") ? path.slice(0, path.indexOf("*")) : path;
        assert.ok(
          existsSync(join(dir, target)),
          `${manifest.name}: ${where} names ${path}, which does not exist`,
        );
        checked.push(`${manifest.name} ${where}`);
      }
    }
    assert.ok(checked.includes('seedwatch bin["seedwatch"]'), checked.join(", "));
  });

  it("seedwatch is a command, not a library: no exports", () => {
    const exporter = manifests().find((m) => m.manifest.name === "seedwatch");
    assert.equal(exporter?.manifest.exports, undefined);
  });
});

describe("packedManifest", () => {
  const dir = join(PACKAGES, "metrics");

  it("points bin and exports at dist/", () => {
    const packed = packedManifest(
      { name: "x", exports: { ".": "./src/index.ts" }, scripts: { prepack: "p", postpack: "p" } },
      dir,
      [],
      true,
    );
    assert.deepEqual(packed.exports, {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
    });
    assert.deepEqual(packed.files, ["dist"]);
    assert.equal(packed.scripts, undefined);
  });

  it("refuses an export or a bin that names a missing file, instead of packing without it", () => {
    assert.throws(
      () => packedManifest({ name: "x", exports: { ".": "./src/nowhere.ts" } }, dir, [], false),
      /names \.\/src\/nowhere\.ts, which does not exist: fix package\.json/,
    );
    assert.throws(
      () => packedManifest({ name: "x", bin: { x: "./src/nowhere.ts" } }, dir, [], false),
      /names \.\/src\/nowhere\.ts, which does not exist/,
    );
  });
});
