// Whether a client answers where its configuration says, and whether it asks this address for a login: one small request each.

import { connect } from "node:net";
import type { HttpClient } from "../net/http-client.ts";
import { TINY_ANSWER_BYTES } from "../sources/answer-limits.ts";
import { RtorrentApi } from "../sources/rtorrent/api.ts";
import { createTransport } from "../sources/rtorrent/create-transport.ts";

/** What a web client's probe saw: it answers, with or without asking for a login. */
export interface WebAnswer {
  readonly login: boolean;
  /** The version it gave, when it gave one. */
  readonly version?: string;
}

/**
 * qBittorrent's WebUI: `GET /api/v2/app/version` answers the version without a login
 * (`WebUI\LocalHostAuth=false` from loopback, or a whitelisted subnet) and 403 with one.
 */
export async function probeQbittorrent(
  http: HttpClient,
  baseUrl: string,
  timeoutMs: number,
): Promise<WebAnswer | undefined> {
  const res = await get(http, new URL("api/v2/app/version", withSlash(baseUrl)), timeoutMs);
  if (res === undefined) return undefined;
  if (res.status === 200 && /^v?\d+\.\d+/.test(res.body))
    return { login: false, version: res.body.trim() };
  if (res.status === 403 && /forbidden/i.test(res.body)) return { login: true };
  return undefined;
}

/** Transmission's RPC: 409 (a session id to take: no login) or 401 (a login). */
export async function probeTransmission(
  http: HttpClient,
  rpcUrl: string,
  timeoutMs: number,
): Promise<WebAnswer | undefined> {
  const res = await get(http, new URL(rpcUrl), timeoutMs, "{}");
  if (res === undefined) return undefined;
  if (res.status === 409 && res.session) return { login: false };
  if (res.status === 401 && /transmission/i.test(res.realm)) return { login: true };
  return undefined;
}

/** rTorrent's XML-RPC (SCGI over TCP or a Unix socket): its version, or undefined. */
export async function probeRtorrent(url: string, timeoutMs: number): Promise<string | undefined> {
  let transport: ReturnType<typeof createTransport> | undefined;
  try {
    transport = createTransport(url, { maxResponseBytes: TINY_ANSWER_BYTES });
    const version = await new RtorrentApi(transport).call(
      "system.client_version",
      [],
      AbortSignal.timeout(timeoutMs),
      TINY_ANSWER_BYTES,
    );
    return typeof version === "string" && /^\d+\.\d+/.test(version) ? version : undefined;
  } catch {
    return undefined;
  } finally {
    transport?.close();
  }
}

/** Whether a TCP port accepts connections (deluged's RPC, whose TLS needs an account to go further). */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[(.*)\]$/, "$1"), port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

async function get(
  http: HttpClient,
  url: URL,
  timeoutMs: number,
  body?: string,
): Promise<{ status: number; body: string; session: boolean; realm: string } | undefined> {
  try {
    // Whatever answers is read only as far as a version string or an error goes.
    const res = await http.request({
      method: body === undefined ? "GET" : "POST",
      url,
      ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }),
      signal: AbortSignal.timeout(timeoutMs),
      maxBytes: TINY_ANSWER_BYTES,
    });
    const header = (name: string) => {
      const value = res.headers[name];
      return Array.isArray(value) ? value.join(",") : (value ?? "");
    };
    return {
      status: res.status,
      body: res.body.toString("utf8").slice(0, 200),
      session: header("x-transmission-session-id") !== "",
      realm: header("www-authenticate"),
    };
  } catch {
    return undefined;
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
