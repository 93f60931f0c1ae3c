// Outbound calls through http(s).request (and axios, got, node-fetch on top of it), from node:http's client channels.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
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
    const target = targetOf(request);
    if (target !== undefined && runtime.partners.hasHost(target.host)) {
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
    const encoding = response.headers["content-encoding"];
    call.contentEncoding = encoding;
    const observer: PushObserver = {
      onPush(chunk) {
        if (chunk === null) {
          (response as IncomingMessage & { [kPushObserver]?: PushObserver })[kPushObserver] =
            undefined;
          call.complete();
        } else {
          call.tap.add(chunk);
        }
      },
    };
    (response as IncomingMessage & { [kPushObserver]?: PushObserver })[kPushObserver] = observer;
  } catch (error) {
    reportError("measuring a partner call", error);
  }
}

interface Target {
  readonly host: string;
  readonly port: number | undefined;
  readonly path: string;
}

/**
 * Host and path of a request: from the options it was made with, or from the absolute URL a
 * request through an HTTP proxy carries as its path.
 */
function targetOf(request: ClientRequest): Target | undefined {
  const path = request.path;
  if (path.startsWith("http://") || path.startsWith("https://")) {
    const url = new URL(path);
    return {
      host: url.hostname,
      port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
    };
  }
  return request.host === undefined ? undefined : { host: request.host, port: undefined, path };
}

/**
 * The port a request went to. ClientRequest does not keep it; the Host header Node wrote has it
 * (and leaves it out for the default port), unless the app set its own Host, in which case the
 * socket's remote port tells.
 */
function portOf(request: ClientRequest, host: string, defaultPort: number): number {
  const header = request.getHeader("host");
  if (typeof header === "string") {
    const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(header.trim());
    const name = match?.[1]?.replace(/^\[|\]$/g, "").toLowerCase();
    if (match !== null && name === host.replace(/^\[|\]$/g, "").toLowerCase()) {
      return match[2] === undefined ? defaultPort : Number(match[2]);
    }
  }
  return request.socket?.remotePort ?? defaultPort;
}
