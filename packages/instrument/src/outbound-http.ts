// Outbound calls through http(s).request (and axios, got, node-fetch on top of it), from node:http's client channels.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
// The global `performance` is a lazy getter that costs more than the clock read itself.
import { performance } from "node:perf_hooks";
import { PartnerCall } from "./partner-call.ts";
import { kPushObserver, type PushObserver } from "./patches.ts";
import { reportError } from "./report.ts";
import { current } from "./runtime.ts";

const CREATED = "http.client.request.created";
const RESPONSE = "http.client.response.finish";
const kStart = Symbol("seedwatch.callStart");

type Request = ClientRequest & { [kStart]?: number };

/** Subscribes to node:http's client channels; returns the unsubscriber. */
export function installOutboundHttp(): () => void {
  subscribe(CREATED, onCreated as (message: unknown) => void);
  subscribe(RESPONSE, onResponse as (message: unknown) => void);
  return () => {
    unsubscribe(CREATED, onCreated as (message: unknown) => void);
    unsubscribe(RESPONSE, onResponse as (message: unknown) => void);
  };
}

function onCreated({ request }: { request: Request }): void {
  const runtime = current();
  if (runtime === undefined || runtime.partners.empty) return;
  try {
    const host = isAbsolute(request.path) ? targetOf(request)?.host : request.host;
    if (host !== undefined && runtime.partners.hasHost(host)) {
      request[kStart] = performance.now();
    }
  } catch (error) {
    reportError("measuring a partner call", error);
  }
}

function onResponse({ request, response }: { request: Request; response: IncomingMessage }): void {
  const start = request[kStart];
  if (start === undefined) return;
  request[kStart] = undefined;
  const runtime = current();
  if (runtime === undefined) return;
  try {
    const target = targetOf(request);
    if (target === undefined) return;
    const defaultPort = request.protocol === "https:" ? 443 : 80;
    const port = target.port ?? portOf(request, target.host, defaultPort);
    const match = runtime.partners.match(target.host, port, defaultPort, target.path);
    if (match === undefined) return;
    const call = new PartnerCall(start, match, runtime.options.maxBodyBytes);
    call.status = response.statusCode ?? 0;
    // From the raw list: `response.headers` would make Node build every header's entry.
    call.contentEncoding = contentEncoding(response.rawHeaders);
    call.watch(response as IncomingMessage & { [kPushObserver]?: PushObserver });
  } catch (error) {
    reportError("measuring a partner call", error);
  }
}

interface Target {
  readonly host: string;
  readonly port: number | undefined;
  readonly path: string;
}

function isAbsolute(path: string): boolean {
  // One comparison for the usual path, which starts with "/": startsWith is a builtin call.
  return path.charCodeAt(0) === 0x68 && (path.startsWith("http://") || path.startsWith("https://"));
}

/**
 * Host and path of a request: from the options it was made with, or from the absolute URL a
 * request through an HTTP proxy carries as its path.
 */
function targetOf(request: ClientRequest): Target | undefined {
  const path = request.path;
  if (isAbsolute(path)) {
    const url = new URL(path);
    return {
      host: url.hostname,
      port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
    };
  }
  return request.host === undefined ? undefined : { host: request.host, port: undefined, path };
}

/** A `Host` header split as `name[:port]`: the name without brackets, lower-cased. */
interface HostHeader {
  readonly name: string;
  readonly port: number | undefined;
}

// Host headers seen, parsed once: a service calls few hosts, over and over.
const hostHeaders = new Map<string, HostHeader | null>();
const MAX_HOST_HEADERS = 1000;

/**
 * The port a request went to. ClientRequest does not keep it; the Host header Node wrote has it
 * (and leaves it out for the default port), unless the app set its own Host, in which case the
 * socket's remote port tells.
 */
function portOf(request: ClientRequest, host: string, defaultPort: number): number {
  const header = request.getHeader("host");
  if (typeof header === "string") {
    const parsed = parseHostHeader(header);
    if (parsed !== null && (parsed.name === host || parsed.name === bare(host))) {
      return parsed.port ?? defaultPort;
    }
  }
  return request.socket?.remotePort ?? defaultPort;
}

function parseHostHeader(header: string): HostHeader | null {
  let parsed = hostHeaders.get(header);
  if (parsed !== undefined) return parsed;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(header.trim());
  parsed =
    match === null
      ? null
      : {
          name: bare(match[1] as string),
          port: match[2] === undefined ? undefined : Number(match[2]),
        };
  if (hostHeaders.size >= MAX_HOST_HEADERS) hostHeaders.clear();
  hostHeaders.set(header, parsed);
  return parsed;
}

/** A host name without IPv6 brackets, lower-cased. */
function bare(host: string): string {
  return host.replace(/^\[|\]$/g, "").toLowerCase();
}

/** `Content-Encoding` from a raw header list, repeated values joined as Node joins them. */
function contentEncoding(raw: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 16 && name.toLowerCase() === "content-encoding") {
      value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
    }
  }
  return value;
}
