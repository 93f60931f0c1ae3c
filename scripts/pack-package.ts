// npm prepack/postpack of a publishable package: compiles src/ to dist/ and points the packed manifest at it.
//
// Node strips types only outside node_modules, so an installed package must ship JavaScript. The
// repository keeps running from the .ts sources: the manifest is rewritten for the length of
// `npm pack`/`npm publish` only (prepack), and put back byte for byte afterwards (postpack).
//
//   node ../../scripts/pack-package.ts prepack  [--declarations] [--copy FROM=TO]...
//   node ../../scripts/pack-package.ts postpack [--copy FROM=TO]...
//
// Run by npm in the package's directory. `--copy` ships a directory built elsewhere (the
// dashboard's `dist/`) inside the package; `--declarations` emits `.d.ts` beside the JavaScript.

import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

/** What the build emits into, inside the package. */
const OUT_DIR = "dist";
/** The manifest as it is in the repository, while npm packs the rewritten one. */
const BACKUP = "package.json.prepack";

/** A directory to ship inside the package: built at `from`, packed as `to`. */
interface Copy {
  readonly from: string;
  readonly to: string;
}

/** A package.json, as far as this script reads and writes it. */
interface Manifest {
  [key: string]: unknown;
  bin?: string | Record<string, string>;
  exports?: string | Record<string, unknown>;
  files?: string[];
  scripts?: Record<string, string>;
}

function main(argv: readonly string[]): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`pack-package: ${(error as Error).message}\n`);
    return 2;
  }
  const dir = process.cwd();
  try {
    if (parsed.phase === "prepack") prepack(dir, parsed.copies, parsed.declarations);
    else postpack(dir, parsed.copies);
    return 0;
  } catch (error) {
    process.stderr.write(`pack-package ${parsed.phase}: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      copy: { type: "string", multiple: true },
      declarations: { type: "boolean" },
    },
  });
  const [phase, ...rest] = positionals;
  if ((phase !== "prepack" && phase !== "postpack") || rest.length > 0)
    throw new Error("expected prepack or postpack, then options");
  const copies = (values.copy ?? []).map((spec): Copy => {
    const [from, to, ...more] = spec.split("=");
    if (from === undefined || from === "" || to === undefined || more.length > 0)
      throw new Error(
        `--copy expects FROM=TO (a built directory and its name in the package), got ${spec}`,
      );
    if (!/^[A-Za-z0-9_-]+$/.test(to) || to === OUT_DIR || to === "src" || to === "node_modules")
      throw new Error(
        `--copy: TO must be a plain directory name other than dist, src, node_modules; got ${to}`,
      );
    return { from, to };
  });
  return { phase, copies, declarations: values.declarations === true };
}

/** Builds dist/, copies the shipped directories in, and rewrites package.json for the tarball. */
function prepack(dir: string, copies: readonly Copy[], declarations: boolean): void {
  // A pack that failed after its prepack leaves the rewritten manifest behind: start from the original.
  if (existsSync(join(dir, BACKUP))) renameSync(join(dir, BACKUP), join(dir, "package.json"));
  const original = readFileSync(join(dir, "package.json"), "utf8");
  const manifest = JSON.parse(original) as Manifest;
  if (!existsSync(join(dir, "tsconfig.build.json")))
    throw new Error(`${dir} has no tsconfig.build.json to compile src/ with`);

  rmSync(join(dir, OUT_DIR), { recursive: true, force: true });
  const tsc = findUp(dir, "node_modules/typescript/bin/tsc");
  const args = [tsc, "-p", "tsconfig.build.json", ...(declarations ? ["--declaration"] : [])];
  const build = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8" });
  if (build.status !== 0) {
    throw new Error(
      `tsc -p tsconfig.build.json failed (exit ${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`,
    );
  }

  for (const copy of copies) {
    const from = resolve(dir, copy.from);
    if (!existsSync(from) || readdirSync(from).length === 0)
      throw new Error(
        `${from} is missing or empty: build it first (for the dashboard: npm run prepare at the repository root)`,
      );
    rmSync(join(dir, copy.to), { recursive: true, force: true });
    cpSync(from, join(dir, copy.to), { recursive: true });
  }

  const packed = packedManifest(manifest, dir, copies, declarations);
  writeFileSync(join(dir, BACKUP), original);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(packed, null, 2)}\n`);
}

/** Puts the repository's package.json back and removes what prepack built. */
function postpack(dir: string, copies: readonly Copy[]): void {
  if (existsSync(join(dir, BACKUP))) renameSync(join(dir, BACKUP), join(dir, "package.json"));
  rmSync(join(dir, OUT_DIR), { recursive: true, force: true });
  for (const copy of copies) rmSync(join(dir, copy.to), { recursive: true, force: true });
}

/**
 * The manifest inside the tarball: `bin` and `exports` point at dist/*.js (and *.d.ts), `files`
 * lists only what was built, and the pack scripts (which need this repository) are left out.
 */
export function packedManifest(
  manifest: Manifest,
  dir: string,
  copies: readonly Copy[],
  declarations: boolean,
): Manifest {
  const out: Manifest = { ...manifest };
  const js = (source: string) => {
    if (!existsSync(join(dir, source)))
      throw new Error(`package.json names ${source}, which does not exist: fix package.json`);
    return toDist(source, ".js");
  };
  if (typeof manifest.bin === "string") out.bin = js(manifest.bin);
  else if (manifest.bin !== undefined)
    out.bin = Object.fromEntries(Object.entries(manifest.bin).map(([k, v]) => [k, js(v)]));
  if (manifest.exports !== undefined) {
    const entries =
      typeof manifest.exports === "string" ? { ".": manifest.exports } : manifest.exports;
    const mapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value !== "string")
        throw new Error(`exports["${key}"]: expected a path to a .ts file under src/`);
      mapped[key] = declarations
        ? { types: toDist(value, ".d.ts"), default: js(value) }
        : js(value);
    }
    out.exports = mapped;
  }
  out.files = [OUT_DIR, ...copies.map((c) => c.to)];
  const scripts = { ...manifest.scripts };
  delete scripts.prepack;
  delete scripts.postpack;
  if (Object.keys(scripts).length > 0) out.scripts = scripts;
  else delete out.scripts;
  return out;
}

/** `./src/a/b.ts` -> `./dist/a/b<ext>`. */
function toDist(source: string, ext: string): string {
  const match = /^(?:\.\/)?src\/(.+)\.ts$/.exec(source);
  if (match === null) throw new Error(`${source}: expected a .ts file under src/`);
  return `./${OUT_DIR}/${match[1]}${ext}`;
}

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir)
      throw new Error(`${relative} not found above ${from}: run npm ci first`);
  }
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
