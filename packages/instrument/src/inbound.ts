// Inbound HTTP (<SYSCODE>_inner_metrics) from node:http's server channels, for every framework built on it.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
// The global `performance` is a lazy getter that costs more than the clock read itself.
import { performance } from "node:perf_hooks";
import { BodyTap } from "./body-tap.ts";
import { bodyText, decodeBody, inboundCode } from "./business-code.ts";
import { fuzzyGet, keyMatches } from "./fuzzy-get.ts";
import { InboundRequest } from "./inbound-state.ts";
import { scanJson } from "./json-scan.ts";
import { labelValue, truthy } from "./label-values.ts";
import { kPushObserver, kResponseTap, type PushObserver } from "./patches.ts";
import { reportError } from "./report.ts";
import { routeTemplate } from "./routes.ts";
import { current } from "./runtime.ts";
import { isOwnServer, serveOnAppServer } from "./serve.ts";

type Response = ServerResponse & { [kResponseTap]?: InboundRequest };
type Request = IncomingMessage & { [kPushObserver]?: PushObserver };

interface ServerMessage {
  readonly request: Request;
  readonly response: Response;
  readonly server: Server;
}

const START = "http.server.request.start";
const FINISH = "http.server.response.finish";
const METHOD_CODE = ["methodcode"];

/** Subscribes to node:http's server channels; returns the unsubscriber. */
export function installInbound(): () => void {
  subscribe(START, onStart as (message: unknown) => void);
  subscribe(FINISH, onFinish as (message: unknown) => void);
  return () => {
    unsubscribe(START, onStart as (message: unknown) => void);
    unsubscribe(FINISH, onFinish as (message: unknown) => void);
  };
}

function onStart(message: ServerMessage): void {
  const runtime = current();
  if (runtime === undefined || isOwnServer(message.server)) return;
  try {
    const request = message.request;
    if (serveOnAppServer(message.server, request, message.response, runtime)) return;
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    // One lookup finds whether the path is skipped and, later, its recorders.
    const rawPath = runtime.metrics.inbound.path(q < 0 ? url : url.slice(0, q));
    if (rawPath.skip) return;
    const query = q < 0 ? "" : url.slice(q + 1);
    // User-Agent and Method-Code from the raw header list, matched as FuzzyGet matches keys
    // (first match wins), without making Node build `req.headers`.
    const raw = request.rawHeaders;
    let userAgent: string | undefined;
    let methodCode: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      // The usual spellings first: one comparison instead of normalizing the name.
      if (name === "User-Agent" || name === "user-agent") {
        userAgent ??= raw[i + 1];
        continue;
      }
      // Normalized, the names are `useragent` and `methodcode`: at least 9 characters, ending
      // (save for trailing - or _) in t or e. This skips most headers without normalizing them.
      if (name.length < 9) continue;
      const last = name.charCodeAt(name.length - 1) | 0x20;
      if (last !== 0x74 && last !== 0x65 && last !== 0x2d && last !== 0x7f) continue;
      if (userAgent === undefined && keyMatches(name, 0, name.length, "useragent")) {
        userAgent = raw[i + 1];
      } else if (methodCode === undefined && keyMatches(name, 0, name.length, "methodcode")) {
        methodCode = raw[i + 1];
      }
    }
    const state = new InboundRequest(
      performance.now(),
      runtime.options.maxBodyBytes,
      rawPath,
      query,
      userAgent,
      methodCode,
    );
    if (
      request.method !== "GET" &&
      request.method !== "HEAD" &&
      !truthy(methodCode) &&
      !hasParams(query)
    ) {
      const type = String(request.headers["content-type"] ?? "").toLowerCase();
      if (type.includes("json") || type.includes("x-www-form-urlencoded")) {
        const tap = new BodyTap(runtime.options.maxBodyBytes);
        state.requestTap = tap;
        state.requestType = type;
        request[kPushObserver] = tap;
      }
    }
    message.response[kResponseTap] = state;
  } catch (error) {
    reportError("measuring an inbound request", error);
  }
}

function onFinish(message: ServerMessage): void {
  const response = message.response;
  const state = response[kResponseTap];
  if (state === undefined) return;
  response[kResponseTap] = undefined;
  const request = message.request;
  if (state.requestTap !== undefined) request[kPushObserver] = undefined;
  const runtime = current();
  if (runtime === undefined) return;
  try {
    const ms = performance.now() - state.start;
    const status = response.statusCode;
    if (status === 404) return;
    const template =
      runtime.options.pathLabel === "route" ? routeTemplate(state, request) : undefined;
    const path = template === undefined ? state.rawPath : runtime.metrics.inbound.path(template);
    const body = state.body();
    const code = inboundCode(
      body === undefined || state.textual
        ? body
        : decodeBody(body, contentEncoding(response), state.limit),
    );
    path.observe(state.userAgent, status, code, methodCode(state, request), ms);
  } catch (error) {
    reportError("recording an inbound request", error);
  }
}

/**
 * The method code, in channel-exporter's order: set on the request by the app (`req.methodCode` or
 * `req.method_code`), else a `Method-Code` header, else a `method_code` field of the request
 * data (the query parameters if any, else the form, else the JSON body); "" when none.
 */
function methodCode(state: InboundRequest, request: IncomingMessage): string {
  const own = request as IncomingMessage & { methodCode?: unknown; method_code?: unknown };
  if (own.methodCode !== undefined && truthy(own.methodCode)) return labelValue(own.methodCode);
  if (own.method_code !== undefined && truthy(own.method_code)) {
    return labelValue(own.method_code);
  }
  const header = state.headerMethodCode;
  if (header !== undefined && header !== "") return header;
  let found: unknown;
  const query = state.query;
  if (query === "" && state.requestTap === undefined) return "";
  if (hasParams(query)) {
    found = fuzzyGet(firstValues(new URLSearchParams(query)), "method_code");
  } else {
    const tap = state.requestTap;
    const text = tap === undefined ? undefined : bodyText(tap, undefined);
    if (text === undefined) return "";
    found = state.requestType.includes("x-www-form-urlencoded")
      ? fuzzyGet(firstValues(new URLSearchParams(text)), "method_code")
      : scanJson(text, METHOD_CODE)?.[0];
  }
  return truthy(found) ? labelValue(found) : "";
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}

function hasParams(query: string): boolean {
  return query !== "" && query.split("&").some((part) => part !== "" && part !== "=");
}

const HAS_CONTENT_ENCODING = /\r\ncontent-encoding:/i;
const CONTENT_ENCODING = /\r\ncontent-encoding:[ \t]*([^\r\n]*)/gi;

/**
 * The Content-Encoding the response was sent with, read from the header block Node wrote
 * (`_header`, which has the headers of `setHeader()` and of `writeHead()` alike); repeated
 * headers joined with commas, as getHeader() joins an array.
 */
function contentEncoding(response: ServerResponse): string | undefined {
  const head = (response as ServerResponse & { _header?: unknown })._header;
  if (typeof head !== "string" || !HAS_CONTENT_ENCODING.test(head)) return undefined;
  let value: string | undefined;
  for (const match of head.matchAll(CONTENT_ENCODING)) {
    value = value === undefined ? match[1] : `${value},${match[1]}`;
  }
  return value;
}
