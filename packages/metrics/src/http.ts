// Answers a metrics request on node:http: format negotiation, gzip, HEAD.

import type { IncomingMessage, ServerResponse } from "node:http";
import { acceptsGzip } from "./accept-encoding.ts";
import { CONTENT_TYPES, encodeBuffers, negotiateFormat } from "./exposition.ts";
import { gzipSegments } from "./gzip-segments.ts";
import type { CollectOptions, Registry } from "./registry.ts";

const GZIP_MIN_BYTES = 1024;

/** The body and headers of a metrics response. */
export interface EncodedMetrics {
  /** The body as chunks, to write in order (the exposition's own chunks when not compressed). */
  readonly chunks: readonly Uint8Array[];
  /** The body as one buffer (joined on first use). */
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
  let chunks: readonly Uint8Array[] = encodeBuffers(
    (await registry.collect(options)).families,
    format,
  );
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const headers: Record<string, string> = {
    "content-type": CONTENT_TYPES[format],
    vary: "Accept, Accept-Encoding",
    "cache-control": "no-store",
  };
  if (length >= GZIP_MIN_BYTES && acceptsGzip(acceptEncoding)) {
    chunks = await gzipSegments(chunks);
    length = 0;
    for (const chunk of chunks) length += chunk.length;
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = String(length);
  let body: Buffer | undefined;
  return {
    chunks,
    get body() {
      body ??= Buffer.concat(chunks, length);
      return body;
    },
    headers,
  };
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
  const { chunks, headers } = await encodeForRequest(
    registry,
    req.headers.accept,
    req.headers["accept-encoding"],
    options,
  );
  res.writeHead(200, headers);
  if (req.method !== "HEAD") for (const chunk of chunks) res.write(chunk);
  res.end();
}
