// Answers a metrics request on node:http: format negotiation, gzip, HEAD.

import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { constants, gzip } from "node:zlib";
import { acceptsGzip } from "./accept-encoding.ts";
import { CONTENT_TYPES, encodeBytes, negotiateFormat } from "./exposition.ts";
import type { CollectOptions, Registry } from "./registry.ts";

const gzipAsync = promisify(gzip);
// Level 1 compresses a large exposition about as well as level 6 (both ~16x) in a third of the time.
const GZIP_OPTIONS = { level: 1 };
const GZIP_MIN_BYTES = 1024;

/** The body and headers of a metrics response. */
export interface EncodedMetrics {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Collects `registry` (within `options.deadline` when given) and encodes it for a request with
 * these `Accept`/`Accept-Encoding` headers.
 */
export async function encodeForRequest(
  registry: Registry,
  accept: string | undefined,
  acceptEncoding: string | undefined,
  options: CollectOptions = {},
): Promise<EncodedMetrics> {
  const format = negotiateFormat(accept);
  let body = encodeBytes((await registry.collect(options)).families, format);
  const headers: Record<string, string> = {
    "content-type": CONTENT_TYPES[format],
    vary: "Accept, Accept-Encoding",
    "cache-control": "no-store",
  };
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(acceptEncoding)) {
    body = await gzipAsync(body, { ...GZIP_OPTIONS, flush: constants.Z_NO_FLUSH });
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = String(body.length);
  return { body, headers };
}

/**
 * Answers a GET or HEAD request with the registry's metrics; other methods get 405.
 * `options.deadline` (the scrape's, e.g. from `X-Prometheus-Scrape-Timeout-Seconds`) bounds the
 * collectors' time together with the registry's `collectorTimeoutMs`.
 */
export async function serveMetrics(
  registry: Registry,
  req: IncomingMessage,
  res: ServerResponse,
  options: CollectOptions = {},
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("method not allowed\n");
    return;
  }
  const { body, headers } = await encodeForRequest(
    registry,
    req.headers.accept,
    req.headers["accept-encoding"],
    options,
  );
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
