// Test helper: builds the dashboard (Vite) when dist/ is missing or older than a source, for the browser tests.

import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DASHBOARD = join(ROOT, "packages/dashboard");

/** Builds the dashboard when dist/ is missing or older than a source (npm ci builds it too). */
export async function ensureDashboardBuilt(): Promise<void> {
  const built = await stat(join(DASHBOARD, "dist/index.html")).catch(() => undefined);
  const files = async (dir: string) =>
    (await readdir(dir, { recursive: true })).map((f) => join(dir, f));
  const sources = [
    join(DASHBOARD, "index.html"),
    join(DASHBOARD, "vite.config.ts"),
    ...(await files(join(DASHBOARD, "src"))),
    // The language code the dashboard shares with the daemon's pages.
    ...(await files(join(ROOT, "packages/exporter/src/web/i18n"))),
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
