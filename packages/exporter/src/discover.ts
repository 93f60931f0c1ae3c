// `seedwatch discover`: looks for torrent clients on their default local ports and prints a config to paste.

import { connect } from "node:net";
import { stringify } from "yaml";
import { HttpClient } from "./net/http-client.ts";
import { TINY_ANSWER_BYTES } from "./sources/answer-limits.ts";

/** A client found on loopback. */
export interface Discovered {
  readonly type: "qbittorrent" | "transmission" | "deluge" | "rtorrent";
  readonly url: string;
  readonly note: string;
}

const TIMEOUT_MS = 1500;

/** Probes the four clients' default ports on `host` (loopback by default). */
export async function discover(host = "127.0.0.1"): Promise<Discovered[]> {
  const http = new HttpClient();
  const probes = await Promise.all([
    probeQbittorrent(http, host, 8080),
    probeTransmission(http, host, 9091),
    probeDelugeWeb(http, host, 8112),
    probeTcp(host, 58846).then((open): Discovered | undefined =>
      open
        ? { type: "deluge", url: `deluge://${host}:58846`, note: "Deluge daemon RPC port answers" }
        : undefined,
    ),
    probeTcp(host, 5000).then((open): Discovered | undefined =>
      open
        ? {
            type: "rtorrent",
            url: `scgi://${host}:5000`,
            note: "something listens on rTorrent's usual SCGI port",
          }
        : undefined,
    ),
  ]).finally(() => http.close());
  return probes.filter((p): p is Discovered => p !== undefined);
}

/** A config file (YAML) for what was found, with credentials to fill in. */
export function discoveredConfig(found: readonly Discovered[]): string {
  if (found.length === 0) {
    return "# seedwatch discover: no torrent client answered on its default local port.\n# Write targets by hand: see the configuration reference.\n";
  }
  // "${VAR}" is seedwatch's own environment-variable syntax, written into the config on purpose.
  const credentials: Record<Discovered["type"], Record<string, string>> = {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: seedwatch's ${VAR} syntax
    qbittorrent: { username: "admin", password: "${QBITTORRENT_PASSWORD}" },
    transmission: {},
    // biome-ignore lint/suspicious/noTemplateCurlyInString: seedwatch's ${VAR} syntax
    deluge: { username: "localclient", password: "${DELUGE_PASSWORD}" },
    rtorrent: {},
  };
  const targets = found.map((f, i) => ({
    name: `${f.type}${i === 0 ? "" : `-${i}`}`,
    type: f.type,
    url: f.url,
    ...credentials[f.type],
  }));
  const notes = found.map((f) => `#   ${f.url}: ${f.note}`).join("\n");
  return `# Found by seedwatch discover:\n${notes}\n# Fill in the credentials (\${VAR} reads an environment variable).\n${stringify({ targets })}`;
}

async function probeQbittorrent(
  http: HttpClient,
  host: string,
  port: number,
): Promise<Discovered | undefined> {
  const res = await get(http, `http://${host}:${port}/api/v2/app/version`);
  if (res === undefined) return undefined;
  if (res.status === 403 || (res.status === 200 && /^v\d/.test(res.body))) {
    return {
      type: "qbittorrent",
      url: `http://${host}:${port}`,
      note:
        res.status === 200
          ? `qBittorrent ${res.body.trim()} (no login needed)`
          : "qBittorrent Web API (login needed)",
    };
  }
  return undefined;
}

async function probeTransmission(
  http: HttpClient,
  host: string,
  port: number,
): Promise<Discovered | undefined> {
  const res = await get(http, `http://${host}:${port}/transmission/rpc`);
  if (res === undefined || (res.status !== 409 && res.status !== 401)) return undefined;
  return {
    type: "transmission",
    url: `http://${host}:${port}/transmission/rpc`,
    note:
      res.status === 401 ? "Transmission RPC (needs username and password)" : "Transmission RPC",
  };
}

async function probeDelugeWeb(
  http: HttpClient,
  host: string,
  port: number,
): Promise<Discovered | undefined> {
  const res = await get(
    http,
    `http://${host}:${port}/json`,
    JSON.stringify({ method: "auth.check_session", params: [], id: 1 }),
  );
  if (res === undefined || !res.body.includes('"id"')) return undefined;
  return {
    type: "deluge",
    url: `http://${host}:${port}`,
    note: "deluge-web JSON-RPC (password of the web UI)",
  };
}

async function get(
  http: HttpClient,
  url: string,
  body?: string,
): Promise<{ status: number; body: string } | undefined> {
  try {
    // Whatever answers on these ports is read only as far as a version string or an error goes.
    const res = await http.request({
      method: body === undefined ? "GET" : "POST",
      url: new URL(url),
      ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      maxBytes: TINY_ANSWER_BYTES,
    });
    return { status: res.status, body: res.body.toString("utf8").slice(0, 200) };
  } catch {
    return undefined;
  }
}

function probeTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: TIMEOUT_MS });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}
