// `npm run docs`: writes the generated references and Grafana dashboards; `--check` only says which are stale.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { DASHBOARDS, renderDashboard } from "../grafana/dashboards.ts";
import { renderConfigReference } from "./config-reference.ts";
import { renderMetricsReference } from "./metrics-reference.ts";

/** The repository's root. */
export const ROOT = new URL("../../", import.meta.url);

/** A generated file: its path from the root, its content, and how to compare it. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
  /** JSON is compared as data: Biome formats it (`npm run lint` checks that), not the generator. */
  readonly json: boolean;
}

/** Every generated file, freshly rendered. */
export async function generatedFiles(): Promise<GeneratedFile[]> {
  return [
    { path: "docs/configuration.md", text: renderConfigReference(), json: false },
    { path: "docs/metrics.md", text: await renderMetricsReference(), json: false },
    ...DASHBOARDS.map((d) => ({
      path: `deploy/grafana/${d.file}`,
      text: renderDashboard(d.spec),
      json: true,
    })),
  ];
}

/** Whether the file on disk says what the generator says. */
export function isCurrent(file: GeneratedFile): boolean {
  let onDisk: string;
  try {
    onDisk = readFileSync(new URL(file.path, ROOT), "utf8");
  } catch {
    return false;
  }
  if (!file.json) return onDisk === file.text;
  try {
    return isDeepStrictEqual(JSON.parse(onDisk), JSON.parse(file.text));
  } catch {
    return false;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes("--check");
  const files = await generatedFiles();
  const stale = files.filter((f) => !isCurrent(f));
  if (check) {
    for (const f of stale) process.stderr.write(`${f.path} is stale: run npm run docs\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const f of stale) {
    const url = new URL(f.path, ROOT);
    mkdirSync(new URL(".", url), { recursive: true });
    writeFileSync(url, f.text);
  }
  const json = stale.filter((f) => f.json).map((f) => f.path);
  if (json.length > 0) {
    const biome = spawnSync("npx", ["biome", "format", "--write", ...json], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (biome.status !== 0) return 1;
  }
  for (const f of stale) process.stdout.write(`wrote ${f.path}\n`);
  if (stale.length === 0) process.stdout.write("every generated file is current\n");
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
