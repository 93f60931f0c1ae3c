// HTTP exchanges (qBittorrent's WebAPI, Transmission's RPC): a recording proxy in front of a real client, and its replay.

import { once } from "node:events";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
} from "node:http";
import type { RecordingWriter } from "./recording.ts";
import type { ReplayScript } from "./replay-script.ts";
import type { Scrubber } from "./scrubber.ts";

/** Answer headers sources read; the rest (dates, server names) is not recorded. */
const KEPT_HEADERS = [
  "content-type",
  "set-cookie",
  "www-authenticate",
  "x-transmission-session-id",
  "x-transmission-rpc-version",
] as const;

/** A local stand-in for a client: its URL, and how to stop it. */
export interface StandIn {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a proxy on loopback that relays every request to `upstream` and records it with the
 * answer's status, kept headers and exact body. It asks the client for an uncompressed answer
 * (the replay serves what was recorded, byte for byte). Session cookies and Transmission's
 * session id are registered with `scrubber` as they go by.
 */
export async function startHttpRecorder(
  upstream: string,
  writer: RecordingWriter,
  scrubber: Scrubber,
): Promise<StandIn> {
  const base = new URL(upstream);
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const headers: IncomingHttpHeaders = { ...req.headers, host: base.host };
      delete headers["accept-encoding"];
      const answer = await relay(new URL(req.url ?? "/", base), req.method ?? "GET", headers, body);
      const kept = keptHeaders(answer.headers);
      for (const cookie of [kept["set-cookie"] ?? []].flat()) {
        const value = /^[^=;]+=([^;]*)/.exec(cookie)?.[1];
        if (value) scrubber.secret(value, "session");
      }
      const session = kept["x-transmission-session-id"];
      if (typeof session === "string" && session !== "") scrubber.secret(session, "session");
      writer.add({
        request: describeRequest(req, body),
        name: answerName(req.url ?? "/", body, answer.headers["content-type"]),
        answer: answer.body,
        status: answer.status,
        headers: kept,
      });
      res.writeHead(answer.status, { ...kept, "content-length": answer.body.length });
      res.end(answer.body);
    })().catch((error: unknown) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`recording proxy: ${(error as Error).message}`);
    });
  });
  return listen(server);
}

/** Starts a server on loopback that answers each request with the next recorded answer, if it matches. */
export async function startHttpReplay(script: ReplayScript): Promise<StandIn> {
  const server = createServer((req, res) => {
    // Only what was recorded: no Date header, which would differ from run to run.
    res.sendDate = false;
    readAll(req)
      .then((body) => {
        const matched = script.match(describeRequest(req, body));
        if (matched === undefined) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("not the request that was recorded\n");
          return;
        }
        const { exchange, answer } = matched;
        res.writeHead(exchange.status ?? 200, {
          ...(exchange.headers as Record<string, string | string[]>),
          "content-length": answer.length,
        });
        res.end(answer);
      })
      .catch(() => res.destroy());
  });
  return listen(server);
}

/** What identifies a request: method, path with query, and body. Headers (cookies, auth) are not compared. */
function describeRequest(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  return {
    method: req.method,
    path: req.url,
    ...(body.length === 0 ? {} : { body: body.toString("utf8") }),
  };
}

/** `app-version.txt`, `sync-maindata.json`, `session-stats.json` (Transmission names its method in the body). */
function answerName(path: string, body: Buffer, contentType: string | undefined): string {
  let name = path.split("?")[0]?.replace(/^\/(api\/v2\/)?/, "") ?? "";
  try {
    const method = (JSON.parse(body.toString("utf8")) as { method?: unknown }).method;
    if (typeof method === "string") name = method;
  } catch {
    // Not a JSON request: named by its path.
  }
  const ext = /json/.test(contentType ?? "")
    ? "json"
    : /xml/.test(contentType ?? "")
      ? "xml"
      : "txt";
  return `${name.replace(/[^A-Za-z0-9.]+/g, "-") || "root"}.${ext}`;
}

function keptHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

async function relay(
  url: URL,
  method: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const outgoing = request(url, { method, headers, signal: AbortSignal.timeout(60_000) });
  outgoing.end(body);
  const [incoming] = (await once(outgoing, "response")) as [IncomingMessage];
  return {
    status: incoming.statusCode ?? 0,
    headers: incoming.headers,
    body: await readAll(incoming),
  };
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<StandIn> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
