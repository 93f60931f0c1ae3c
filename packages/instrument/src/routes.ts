// Route templates (`/users/:id`) from the frameworks that know them: Express, Fastify, Koa's router.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { InboundRequest } from "./inbound-state.ts";
import { kResponseTap } from "./patches.ts";
import { reportError } from "./report.ts";

const FASTIFY_HANDLER = "tracing:fastify.request.handler:start";
const kPatched = Symbol("seedwatch.patched");

type Response = ServerResponse & { [kResponseTap]?: unknown };

interface FastifyHandlerStart {
  readonly reply?: { readonly raw?: Response };
  readonly route?: { readonly url?: unknown };
}

/** Subscribes to Fastify's handler channel (Fastify 5 publishes each request's route); returns the unsubscriber. */
export function installRoutes(): () => void {
  subscribe(FASTIFY_HANDLER, onFastifyHandler as (message: unknown) => void);
  return () => unsubscribe(FASTIFY_HANDLER, onFastifyHandler as (message: unknown) => void);
}

function onFastifyHandler(message: FastifyHandlerStart): void {
  const state = message.reply?.raw?.[kResponseTap];
  const url = message.route?.url;
  if (state instanceof InboundRequest && typeof url === "string") state.route = url;
}

/**
 * The route template of a request, where the framework that answered it knows one: Fastify's
 * route (from its channel), Koa's router's matched route (`ctx._matchedRoute`), Express's
 * `req.baseUrl` + `req.route.path`. Undefined otherwise (plain node:http, or a request that
 * middleware answered before any route matched).
 */
export function routeTemplate(state: InboundRequest, request: IncomingMessage): string | undefined {
  if (state.route !== undefined) return state.route;
  const matched = state.koa?._matchedRoute;
  if (typeof matched === "string") return matched;
  if (matched instanceof RegExp) return String(matched);
  const express = request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };
  const path = express.route?.path;
  if (path === undefined || path === null) return undefined;
  const base = typeof express.baseUrl === "string" ? express.baseUrl : "";
  return `${base}${typeof path === "string" ? path : String(path)}`;
}

type KoaApplication = {
  prototype: {
    createContext?: (this: unknown, req: IncomingMessage, res: ServerResponse) => { res?: unknown };
    handleRequest?: unknown;
    [kPatched]?: true;
  };
};

/** Whether `value` is Koa's Application class. */
export function isKoa(value: unknown): value is KoaApplication {
  if (typeof value !== "function") return false;
  const proto = (value as KoaApplication).prototype;
  return (
    proto !== undefined &&
    typeof proto.createContext === "function" &&
    typeof proto.handleRequest === "function"
  );
}

/**
 * Koa publishes nothing and keeps no link from `req` to its context, where @koa/router writes
 * the matched route; so `createContext` is wrapped to remember the context of each measured
 * request. The wrapper calls the original and returns its context untouched.
 */
export function patchKoa(application: KoaApplication): void {
  const proto = application.prototype;
  if (proto[kPatched]) return;
  const createContext = proto.createContext as NonNullable<
    KoaApplication["prototype"]["createContext"]
  >;
  proto.createContext = function createContextMeasured(this: unknown, req, res) {
    const context = createContext.call(this, req, res);
    try {
      const state = (res as Response)[kResponseTap];
      if (state instanceof InboundRequest) state.koa = context as InboundRequest["koa"];
    } catch (error) {
      reportError("reading Koa's context", error);
    }
    return context;
  };
  proto[kPatched] = true;
}
