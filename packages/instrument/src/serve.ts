// Serving the metrics: on the app's own HTTP servers before the app sees the request, else on a port of our own.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { once } from "node:events";
import { createServer, type IncomingMessage, Server, type ServerResponse } from "node:http";
import { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serveMetrics } from "@seedwatch/metrics";
import type { ResolvedOptions } from "./options.ts";
import { reportError } from "./report.ts";
import type { Runtime } from "./runtime.ts";

const kOwn = Symbol("seedwatch.ownServer");
const kHooked = Symbol("seedwatch.metricsHook");
const LISTEN = "tracing:net.server.listen:asyncEnd";

type Marked = Server & { [kOwn]?: true; [kHooked]?: true };
type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

/** Whether `server` is our own metrics server (whose requests are not measured). */
export function isOwnServer(server: Server): boolean {
  return (server as Marked)[kOwn] === true;
}

/**
 * Called for each request an app's server starts (from the request channel, which Node
 * publishes just before it emits `request`). A GET or HEAD of the metrics path is answered by
 * us: for that one request the server's `emit` is replaced by a one-shot wrapper that restores
 * it and swallows the event, so the app never sees the request. Every other request passes
 * untouched, with no wrapper in its way (nor in its stack traces).
 */
export function serveOnAppServer(
  server: Server,
  req: IncomingMessage,
  res: ServerResponse,
  runtime: Runtime,
): boolean {
  const marked = server as Marked;
  if (marked[kHooked] !== true) {
    marked[kHooked] = true;
    runtime.appServerSeen();
  }
  if (!runtime.options.serveOnAppServer || (req.method !== "GET" && req.method !== "HEAD"))
    return false;
  if (!isMetricsUrl(req.url ?? "", runtime.options.metricsPath)) return false;
  const own = Object.getOwnPropertyDescriptor(server, "emit");
  const emit = server.emit as Emit;
  const restore = () => {
    if (own === undefined) delete (server as { emit?: unknown }).emit;
    else Object.defineProperty(server, "emit", own);
  };
  server.emit = function emitOnce(this: Server, event: string | symbol, ...args: unknown[]) {
    restore();
    // Node emits `request` (or, for Expect: 100-continue, `checkContinue`) right after the
    // channel; anything else means this request went another way: pass it on.
    if ((event === "request" || event === "checkContinue") && args[0] === req) {
      respond(runtime, req, res);
      return true;
    }
    return emit.call(this, event, ...args);
  } as Emit;
  return true;
}

function isMetricsUrl(url: string, path: string): boolean {
  // The `?` first: one character read rules out almost every other URL.
  return url === path || (url.charCodeAt(path.length) === 0x3f && url.startsWith(path));
}

function respond(runtime: Runtime, req: IncomingMessage, res: ServerResponse): void {
  serveMetrics(runtime.metrics.registry, req, res).catch((error: unknown) => {
    reportError("serving the metrics", error);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end("metrics unavailable\n");
  });
}

/**
 * The metrics server of a process without an HTTP server of its own: started on
 * `metricsPort` once `appServerWaitMs` has passed without the app starting one (as the
 * original waits for Flask). It never keeps the process alive, and a port already taken is
 * reported, not thrown.
 */
export class FallbackServer {
  readonly #options: ResolvedOptions;
  readonly #metrics: () => Runtime | undefined;
  #timer: NodeJS.Timeout | undefined;
  #server: Server | undefined;
  #seen = false;
  #closed = false;
  readonly #onListen = (message: unknown) => {
    const server = (message as { server?: unknown }).server;
    if (
      (server instanceof Server || server instanceof HttpsServer) &&
      !isOwnServer(server as Server)
    ) {
      this.appServerSeen();
    }
  };

  constructor(options: ResolvedOptions, runtime: () => Runtime | undefined) {
    this.#options = options;
    this.#metrics = runtime;
  }

  /** Starts waiting for the app's server (or starts ours at once when the wait is 0). */
  start(): void {
    if (this.#options.metricsPort === false) return;
    subscribe(LISTEN, this.#onListen);
    if (this.#options.appServerWaitMs === 0) {
      this.#listen();
      return;
    }
    this.#timer = setTimeout(() => this.#listen(), this.#options.appServerWaitMs);
    this.#timer.unref();
  }

  /** The app has an HTTP server: ours is not needed (one already started stays up). */
  appServerSeen(): void {
    this.#seen = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The port ours listens on, once it does. */
  get port(): number | undefined {
    const address = this.#server?.address();
    return address !== null && typeof address === "object"
      ? (address as AddressInfo).port
      : undefined;
  }

  /** Whether an app server was seen. */
  get sawAppServer(): boolean {
    return this.#seen;
  }

  async close(): Promise<void> {
    this.#closed = true;
    unsubscribe(LISTEN, this.#onListen);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const server = this.#server;
    this.#server = undefined;
    if (server?.listening) {
      server.closeAllConnections();
      const closed = once(server, "close");
      server.close();
      await closed;
    }
  }

  #listen(): void {
    this.#timer = undefined;
    if (this.#seen || this.#closed || this.#options.metricsPort === false) return;
    const server = createServer((req, res) => {
      const runtime = this.#metrics();
      if (runtime !== undefined && isMetricsUrl(req.url ?? "", this.#options.metricsPath)) {
        respond(runtime, req, res);
      } else {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end(`not found: metrics are at ${this.#options.metricsPath}\n`);
      }
    });
    (server as Marked)[kOwn] = true;
    server.on("error", (error) => {
      reportError(`metrics server on port ${this.#options.metricsPort}`, error);
    });
    server.listen(this.#options.metricsPort, this.#options.metricsHost);
    server.unref();
    this.#server = server;
  }
}
