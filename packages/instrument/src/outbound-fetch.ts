// Outbound calls through global fetch (and userland undici), from undici's diagnostics channels.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
// The global `performance` is a lazy getter that costs more than the clock read itself.
import { performance } from "node:perf_hooks";
import { PartnerCall } from "./partner-call.ts";
import { reportError } from "./report.ts";
import { current } from "./runtime.ts";

const kCall = Symbol("seedwatch.partnerCall");

interface UndiciRequest {
  readonly origin?: unknown;
  readonly path?: unknown;
  [kCall]?: PartnerCall;
}

interface Origin {
  readonly host: string;
  readonly port: number;
  readonly defaultPort: number;
}

const CHANNELS = {
  "undici:request:create": onCreate,
  "undici:request:headers": onHeaders,
  "undici:request:bodyChunkReceived": onChunk,
  "undici:request:trailers": onComplete,
  "undici:request:error": onError,
} as Record<string, (message: never) => void>;

// Origins seen, parsed once: a service calls few of them, over and over.
const origins = new Map<string, Origin | null>();
const MAX_ORIGINS = 1000;

/** Subscribes to undici's request channels; returns the unsubscriber. */
export function installOutboundFetch(): () => void {
  for (const [name, handler] of Object.entries(CHANNELS)) {
    subscribe(name, handler as (message: unknown) => void);
  }
  return () => {
    for (const [name, handler] of Object.entries(CHANNELS)) {
      unsubscribe(name, handler as (message: unknown) => void);
    }
  };
}

function onCreate({ request }: { request: UndiciRequest }): void {
  const runtime = current();
  if (runtime === undefined || runtime.partners.empty) return;
  try {
    const origin = parseOrigin(request.origin);
    if (origin === null || !runtime.partners.hasHost(origin.host)) return;
    const path = typeof request.path === "string" ? request.path : "/";
    const match = runtime.partners.match(origin.host, origin.port, origin.defaultPort, path);
    if (match !== undefined) {
      request[kCall] = new PartnerCall(performance.now(), match, runtime.options.maxBodyBytes);
    }
  } catch (error) {
    reportError("measuring a partner call", error);
  }
}

function onHeaders({
  request,
  response,
}: {
  request: UndiciRequest;
  response: { statusCode?: number; headers?: unknown };
}): void {
  const call = request[kCall];
  if (call === undefined) return;
  call.status = response.statusCode ?? 0;
  call.contentEncoding = headerValue(response.headers, "content-encoding");
}

function onChunk({ request, chunk }: { request: UndiciRequest; chunk: unknown }): void {
  request[kCall]?.add(chunk);
}

function onComplete({ request }: { request: UndiciRequest }): void {
  const call = request[kCall];
  if (call === undefined) return;
  request[kCall] = undefined;
  call.complete();
}

function onError({ request }: { request: UndiciRequest }): void {
  request[kCall] = undefined;
}

function parseOrigin(value: unknown): Origin | null {
  const key = String(value);
  let origin = origins.get(key);
  if (origin !== undefined) return origin;
  try {
    const url = new URL(key);
    const defaultPort = url.protocol === "https:" ? 443 : 80;
    origin = {
      host: url.hostname,
      port: url.port === "" ? defaultPort : Number(url.port),
      defaultPort,
    };
  } catch {
    origin = null;
  }
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(key, origin);
  return origin;
}

/** A header from undici's raw list (`[name, value, name, value, ...]`, Buffers or strings). */
function headerValue(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const key = headers[i] as { length?: unknown };
    // Names are Buffers or strings; only one of the right length is turned into text.
    if (key?.length === name.length && String(key).toLowerCase() === name) {
      return String(headers[i + 1]);
    }
  }
  return undefined;
}
