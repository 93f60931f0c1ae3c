// A fault-injection proxy on loopback: relays to a real client, or refuses, delays, hangs, truncates, corrupts, lies.

import { once } from "node:events";
import {
  Agent,
  type ClientRequest,
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { connect, createServer, isIP, type Socket } from "node:net";
import { type ByteFault, byteFault } from "./byte-fault.ts";
import { DelayLine } from "./delay-line.ts";
import { checkFault, type Fault, type FaultProxyMode } from "./fault.ts";
import { gzipBomb } from "./gzip-bomb.ts";

export type { Fault, FaultProxyMode, FaultTarget } from "./fault.ts";

/** Where the proxy relays to. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** How to start a FaultProxy. */
export interface FaultProxyOptions {
  readonly upstream: Upstream;
  /**
   * "http": a reverse proxy that reads each request and applies the fault per answer (status
   * and gzipBomb allowed); "tcp": a byte pipe per connection (SCGI, Deluge's TLS RPC).
   */
  readonly mode: FaultProxyMode;
  /** Loopback address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** The fault to start with (default pass). */
  readonly fault?: Fault;
}

/** Counters for assertions; each only grows. */
export interface FaultProxyStats {
  /** Connections accepted (refused ones included). */
  readonly connections: number;
  /** Requests read ("http" mode). */
  readonly requests: number;
  /** Bytes the proxy wrote to its clients. */
  readonly bytesToClient: number;
  /** Bytes the proxy wrote to upstreams. */
  readonly bytesToUpstream: number;
  /** Connections ("tcp") or requests ("http") that met a fault other than pass, refused connections included. */
  readonly faulted: number;
  /** Answer bytes flipped by corrupt faults. */
  readonly corruptedBytes: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  readonly host: string;
  /** Its port: the same from start to close (the listener is never reopened). */
  readonly port: number;
  /** `http://host:port` in "http" mode, `tcp://host:port` in "tcp" mode. */
  readonly url: string;
  readonly mode: FaultProxyMode;
  readonly fault: Fault;
  readonly upstream: Upstream;
  /** Applies from now on; every open connection is closed, so a kept-alive socket cannot bypass it. */
  setFault(fault: Fault): void;
  /** Relays to another upstream from now on (a client restored from older state); open connections closed. */
  setUpstream(upstream: Upstream): void;
  /** A snapshot of the counters. */
  readonly stats: FaultProxyStats;
  /** Destroys every socket and the listener, and clears every timer. */
  close(): Promise<void>;
}

/** Request headers that belong to one hop (RFC 9110 §7.6.1), plus Expect (the proxy answers 100 itself). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);

/**
 * Starts the proxy on a free port of `host` (loopback only). In "http" mode it forwards each
 * request with keep-alive, `Host` rewritten to the upstream's `host:port` (qBittorrent's Host
 * header validation compares the port) and the client's `Host` in `X-Forwarded-Host` (so
 * qBittorrent's CSRF check matches an `Origin`/`Referer` naming the proxy); cookies, the
 * Transmission session-id handshake and JSON-RPC pass unchanged. An upstream that cannot be
 * reached, or that breaks off, resets the client's connection, as the client itself would have.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { mode } = options;
  if (mode !== "http" && mode !== "tcp") {
    throw new TypeError(`mode must be "http" or "tcp", got ${JSON.stringify(mode)}`);
  }
  let upstream = checkUpstream(options.upstream);
  const host = options.host ?? "127.0.0.1";
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== "::1") {
    throw new TypeError(`host must be a loopback address (127.x.y.z or ::1), got ${host}`);
  }
  let fault: Fault = options.fault ?? { kind: "pass" };
  checkFault(fault, mode);

  const clients = new Set<Socket>();
  const upstreams = new Set<Socket>();
  const byteFaults = new Set<ByteFault>();
  const counts = {
    connections: 0,
    requests: 0,
    faulted: 0,
    closedToClient: 0,
    closedToUpstream: 0,
    closedCorrupted: 0,
  };
  let closed = false;
  let agent = new Agent({ keepAlive: true });

  const trackUpstream = (socket: Socket) => {
    if (upstreams.has(socket)) return;
    upstreams.add(socket);
    socket.once("close", () => {
      upstreams.delete(socket);
      counts.closedToUpstream += socket.bytesWritten;
    });
  };
  const trackByteFault = (client: Socket, bytes: ByteFault) => {
    byteFaults.add(bytes);
    client.once("close", () => {
      byteFaults.delete(bytes);
      counts.closedCorrupted += bytes.corrupted;
    });
  };
  const closeConnections = () => {
    for (const socket of clients) socket.destroy();
    for (const socket of upstreams) socket.destroy();
  };

  const http = mode === "http" ? createHttpServer({ keepAliveTimeout: 60_000 }) : undefined;
  http?.on("request", (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const now = fault;
    if (now.kind !== "pass") counts.faulted++;
    switch (now.kind) {
      case "refuse":
        req.socket.resetAndDestroy();
        return;
      case "hang":
        req.resume();
        return;
      case "status": {
        req.resume();
        res.writeHead(now.status, { ...now.headers });
        res.end(now.body ?? "");
        return;
      }
      case "gzipBomb": {
        req.resume();
        const bomb = gzipBomb(now.decodedBytes);
        res.writeHead(now.status, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": String(bomb.compressedBytes),
        });
        writeAll(res, bomb.chunks());
        return;
      }
      default:
        forward(req, res, now);
    }
  });

  const forward = (req: IncomingMessage, res: ServerResponse, now: Fault) => {
    const client = req.socket;
    const to = upstream;
    const headers: Record<string, string | string[]> = {};
    const listed = new Set(
      String(req.headers.connection ?? "")
        .toLowerCase()
        .split(",")
        .map((name) => name.trim()),
    );
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && !listed.has(name)) headers[name] = value;
    }
    headers.host = hostPort(to);
    if (req.headers.host !== undefined && headers["x-forwarded-host"] === undefined) {
      headers["x-forwarded-host"] = req.headers.host;
    }
    let done = false;
    let closed = false;
    let responded = false;
    let outgoing: ClientRequest | undefined;
    // The client went away (or setFault closed it): stop asking the upstream.
    res.once("close", () => {
      closed = true;
      if (!done) outgoing?.destroy();
    });
    const onResponse = (incoming: IncomingMessage) => {
      responded = true;
      incoming.once("end", () => {
        done = true;
      });
      // The upstream broke off mid-answer: break off the client's answer too.
      incoming.once("aborted", () => client.destroy());
      incoming.once("error", () => client.destroy());
      if (now.kind === "truncate" || now.kind === "corrupt") {
        relayRaw(incoming, client, now, () => {
          if (!done) outgoing?.destroy();
        });
        return;
      }
      const head = responseHead(incoming);
      if (now.kind !== "delay") {
        res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, head);
        incoming.pipe(res);
        return;
      }
      const line = new DelayLine(now.ms);
      res.once("close", () => line.clear());
      line.push(() => res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, head));
      incoming.on("data", (chunk: Buffer) => line.push(() => res.write(chunk)));
      incoming.once("end", () => line.push(() => res.end()));
    };
    /**
     * Sends the request; once more on a fresh socket when a kept-alive one turns out closed by
     * the upstream before any answer (qBittorrent drops idle connections after a few seconds),
     * as the client itself would, so "pass" never fails where a direct connection would not.
     */
    const send = (body: Buffer | undefined, again: boolean) => {
      const sent = httpRequest({
        host: to.host,
        port: to.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      });
      outgoing = sent;
      sent.on("socket", trackUpstream);
      sent.on("response", onResponse);
      sent.on("error", (error: NodeJS.ErrnoException) => {
        if (done || closed) return;
        const stale = sent.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
        if (stale && !again && !responded) {
          send(body, true);
          return;
        }
        client.resetAndDestroy();
      });
      sent.end(body);
    };
    // The body is read whole first (requests to torrent clients are small), so it can be sent again.
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => {
      const hasBody =
        req.headers["content-length"] !== undefined ||
        req.headers["transfer-encoding"] !== undefined;
      const body = Buffer.concat(chunks);
      delete headers["transfer-encoding"];
      if (hasBody) headers["content-length"] = String(body.length);
      if (!closed) send(hasBody ? body : undefined, false);
    });
  };

  /** Writes the answer itself on the client's socket, through the byte fault, then closes it. */
  const relayRaw = (
    incoming: IncomingMessage,
    client: Socket,
    now: Extract<Fault, { kind: "truncate" | "corrupt" }>,
    stopUpstream: () => void,
  ) => {
    const bytes = byteFault(now) as ByteFault;
    trackByteFault(client, bytes);
    const onBody = (now.target ?? "body") === "body";
    const chunked = /\bchunked\b/i.test(String(incoming.headers["transfer-encoding"] ?? ""));
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      incoming.removeAllListeners("data");
      stopUpstream();
      client.end();
    };
    /** Sends wire bytes (after the whole-answer fault); false once nothing more may go. */
    const send = (wire: Buffer): boolean => {
      const out = onBody ? wire : bytes.apply(wire);
      if (out.length > 0 && !client.write(out)) {
        incoming.pause();
        client.once("drain", () => incoming.resume());
      }
      if (!onBody && bytes.done) {
        finish();
        return false;
      }
      return true;
    };
    const lines = [`HTTP/1.1 ${incoming.statusCode} ${incoming.statusMessage}`];
    const raw = responseHead(incoming);
    for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
    lines.push("connection: close", "", "");
    if (!send(Buffer.from(lines.join("\r\n"), "latin1"))) return;
    incoming.on("data", (chunk: Buffer) => {
      if (finished) return;
      const payload = onBody ? bytes.apply(chunk) : chunk;
      if (payload.length > 0) {
        const framed = chunked
          ? Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, CRLF])
          : payload;
        if (!send(framed)) return;
      }
      if (onBody && bytes.done) finish();
    });
    incoming.once("end", () => {
      if (finished) return;
      if (chunked && !send(Buffer.from("0\r\n\r\n"))) return;
      finish();
    });
  };

  const pipeTcp = (client: Socket, now: Fault) => {
    const to = upstream;
    const server = connect({ host: to.host, port: to.port, allowHalfOpen: true });
    trackUpstream(server);
    const bytes = byteFault(now);
    if (bytes !== undefined) trackByteFault(client, bytes);
    const line = now.kind === "delay" ? new DelayLine(now.ms) : undefined;
    client.on("data", (chunk: Buffer) => {
      if (!server.destroyed && !server.write(chunk)) client.pause();
    });
    server.on("drain", () => client.resume());
    client.once("end", () => {
      if (!server.destroyed) server.end();
    });
    let finished = false;
    server.on("data", (chunk: Buffer) => {
      if (finished) return;
      const out = bytes === undefined ? chunk : bytes.apply(chunk);
      if (line !== undefined) {
        line.push(() => client.write(out));
      } else if (out.length > 0 && !client.write(out)) {
        server.pause();
        client.once("drain", () => server.resume());
      }
      if (bytes?.done) {
        finished = true;
        server.destroy();
        client.end();
      }
    });
    server.once("end", () => {
      if (finished) return;
      if (line === undefined) client.end();
      else line.push(() => client.end());
    });
    // Refused or reset by the upstream: the client sees a reset too.
    server.once("error", () => {
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.once("error", () => server.destroy());
    client.once("close", () => {
      line?.clear();
      server.destroy();
    });
  };

  const listener = createServer({ allowHalfOpen: true }, (client) => {
    if (closed) {
      client.destroy();
      return;
    }
    counts.connections++;
    clients.add(client);
    client.once("close", () => {
      clients.delete(client);
      counts.closedToClient += client.bytesWritten;
    });
    client.on("error", () => {});
    const now = fault;
    if (now.kind === "refuse") {
      counts.faulted++;
      client.resetAndDestroy();
      return;
    }
    if (http !== undefined) {
      http.emit("connection", client);
      return;
    }
    if (now.kind !== "pass") counts.faulted++;
    if (now.kind === "hang") {
      client.resume();
      return;
    }
    pipeTcp(client, now);
  });
  listener.listen(0, host);
  await Promise.race([
    once(listener, "listening"),
    once(listener, "error").then(([error]) => {
      throw error;
    }),
  ]);
  const port = (listener.address() as { port: number }).port;
  const hostInUrl = isIP(host) === 6 ? `[${host}]` : host;

  return {
    host,
    port,
    url: `${mode}://${hostInUrl}:${port}`,
    mode,
    get fault() {
      return fault;
    },
    get upstream() {
      return upstream;
    },
    setFault(next) {
      checkFault(next, mode);
      fault = next;
      closeConnections();
    },
    setUpstream(next) {
      upstream = checkUpstream(next);
      const old = agent;
      agent = new Agent({ keepAlive: true });
      closeConnections();
      old.destroy();
    },
    get stats() {
      let toClient = counts.closedToClient;
      for (const socket of clients) toClient += socket.bytesWritten;
      let toUpstream = counts.closedToUpstream;
      for (const socket of upstreams) toUpstream += socket.bytesWritten;
      let corrupted = counts.closedCorrupted;
      for (const bytes of byteFaults) corrupted += bytes.corrupted;
      return {
        connections: counts.connections,
        requests: counts.requests,
        bytesToClient: toClient,
        bytesToUpstream: toUpstream,
        faulted: counts.faulted,
        corruptedBytes: corrupted,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const done = once(listener, "close");
      listener.close();
      closeConnections();
      agent.destroy();
      await done;
    },
  };
}

const CRLF = Buffer.from("\r\n");

/** The upstream's raw response headers without the hop-by-hop ones (the proxy frames its own hop). */
function responseHead(incoming: IncomingMessage): string[] {
  const listed = new Set(
    String(incoming.headers.connection ?? "")
      .toLowerCase()
      .split(",")
      .map((name) => name.trim()),
  );
  const head: string[] = [];
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === "connection" || name === "keep-alive" || listed.has(name)) continue;
    head.push(raw[i] as string, raw[i + 1] as string);
  }
  return head;
}

/** Writes every chunk to `res` with backpressure, then ends it; stops if the client goes away. */
function writeAll(res: ServerResponse, chunks: Iterable<Buffer>): void {
  const iterator = chunks[Symbol.iterator]();
  const pump = () => {
    for (;;) {
      if (res.destroyed) return;
      const next = iterator.next();
      if (next.done) {
        res.end();
        return;
      }
      if (!res.write(next.value)) {
        res.once("drain", pump);
        return;
      }
    }
  };
  pump();
}

function hostPort(upstream: Upstream): string {
  return `${isIP(upstream.host) === 6 ? `[${upstream.host}]` : upstream.host}:${upstream.port}`;
}

function checkUpstream(upstream: Upstream): Upstream {
  const { host, port } = (upstream ?? {}) as Partial<Upstream>;
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`upstream.host must be a non-empty string, got ${JSON.stringify(host)}`);
  }
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65_535) {
    throw new TypeError(`upstream.port must be an integer from 1 to 65535, got ${port}`);
  }
  return { host, port: port as number };
}
