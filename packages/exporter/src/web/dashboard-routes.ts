// Serves the built dashboard: the page at `/`, its hashed assets under `/assets/`, gzip when accepted, no traversal.

import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { acceptsGzip } from "@seedwatch/metrics";
import type { Logger } from "../log.ts";
import { type Route, send } from "./route.ts";

const PACKED_DASHBOARD_DIR = fileURLToPath(new URL("../../dashboard/", import.meta.url));

/**
 * The dashboard's build: `dashboard/` inside the installed npm package (shipped beside `dist/`),
 * else where `vite build` puts it in this repository (the Docker image keeps that layout).
 */
export const DEFAULT_DASHBOARD_DIR = existsSync(join(PACKED_DASHBOARD_DIR, "index.html"))
  ? PACKED_DASHBOARD_DIR
  : fileURLToPath(new URL("../../../dashboard/dist/", import.meta.url));

/** Options of the dashboard routes. */
export interface DashboardRouteOptions {
  /** The build output: `index.html` and `assets/` (default DEFAULT_DASHBOARD_DIR). */
  readonly dir?: string;
  readonly log: Logger;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Worth compressing: text. Images and fonts are compressed already. */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt"]);

/** A name Vite gives an asset: letters, digits, `.`, `_`, `-`; no leading dot, so never `..`. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/** Vite's content hash before the extension (`index-Bnl9vRny.js`): such a file never changes. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const YEAR_SECONDS = 365 * 24 * 3600;

interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly body: Buffer;
  readonly etag: string;
  gzip?: Buffer;
}

/**
 * The dashboard's routes (scope "dashboard"). Files are read from disk when they change and kept
 * in memory with their gzip form, so a rebuild while the daemon runs is served at once. Without a
 * build, `/` answers 500 with a page that says how to build it.
 */
export function dashboardRoutes(options: DashboardRouteOptions): Route[] {
  const dir = resolve(options.dir ?? DEFAULT_DASHBOARD_DIR);
  const cache = new Map<string, CachedFile>();
  let warned = false;

  const load = async (path: string): Promise<CachedFile | undefined> => {
    // ASSET_NAME already rules out separators and dots; this is the belt to those braces.
    if (!path.startsWith(dir + sep)) return undefined;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      cache.delete(path);
      return undefined;
    }
    const cached = cache.get(path);
    if (cached !== undefined && cached.mtimeMs === info.mtimeMs && cached.size === info.size)
      return cached;
    const body = await readFile(path);
    const file: CachedFile = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      body,
      etag: `"${body.length.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
    };
    cache.set(path, file);
    return file;
  };

  return [
    {
      method: "GET",
      path: "/",
      scope: "dashboard",
      handle: async (req, res) => {
        const file = await load(join(dir, "index.html"));
        if (file === undefined) {
          if (!warned) {
            warned = true;
            options.log.warn("the dashboard is not built; / answers with how to build it", {
              dir,
            });
          }
          return send(res, 500, "text/html; charset=utf-8", notBuiltPage());
        }
        // The page names the current hashed assets, so it is revalidated on every visit.
        serve(req, res, file, ".html", "no-cache");
      },
    },
    {
      method: "GET",
      path: "/assets/:file",
      scope: "dashboard",
      handle: async (req, res, { params }) => {
        const name = params.file ?? "";
        const file = ASSET_NAME.test(name) ? await load(join(dir, "assets", name)) : undefined;
        if (file === undefined) return send(res, 404, "text/plain; charset=utf-8", "not found\n");
        const cacheControl = HASHED.test(name)
          ? `public, max-age=${YEAR_SECONDS}, immutable`
          : "no-cache";
        serve(req, res, file, extname(name).toLowerCase(), cacheControl);
      },
    },
  ];
}

function serve(
  req: IncomingMessage,
  res: ServerResponse,
  file: CachedFile,
  ext: string,
  cacheControl: string,
): void {
  const compressible = COMPRESSIBLE.has(ext);
  const headers: Record<string, string | number> = {
    "content-type": TYPES[ext] ?? "application/octet-stream",
    "cache-control": cacheControl,
    etag: file.etag,
    "x-content-type-options": "nosniff",
  };
  if (compressible) headers.vary = "accept-encoding";
  if (etagMatches(req.headers["if-none-match"], file.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  let body = file.body;
  if (compressible && acceptsGzip(req.headers["accept-encoding"])) {
    file.gzip ??= gzipSync(file.body, { level: 9 });
    body = file.gzip;
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === etag || t === "*");
}

function notBuiltPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Seedwatch: dashboard not built</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:44rem;line-height:1.5}code{background:#8883;padding:0 .25rem}@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}}</style>
</head><body>
<h1>The dashboard is not built</h1>
<p>This seedwatch runs, but the files of its dashboard are missing. In a checkout of the repository,
<code>npm ci</code> builds them (its <code>prepare</code> step runs <code>vite build</code>), or build them alone
with <code>npx vite build packages/dashboard</code>; then reload this page. The daemon's log names the directory it reads.</p>
<p>Everything else works meanwhile: <a href="targets">targets</a> · <a href="metrics">metrics</a> ·
<a href="api/v1/overview">API</a> · <a href="-/healthy">health</a></p>
</body></html>
`;
}
