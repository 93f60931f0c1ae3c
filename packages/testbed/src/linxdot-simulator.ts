// A Linxdot miner dashboard SIMULATOR for tests: no real miner exists here, so this answers exactly the two requests linxdot_exporter 1.0.1 makes.
// POST /login_odd (form fields username, password; MD5-hashed or plain) sets a session cookie;
// GET /info/system answers the system JSON to a live session and 401 otherwise. Anything else is
// 404 (unknown path) or 405 (wrong method). What the real device says to a refused login, and
// its cookie's name, were found in no public source: both are options here.

import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The README's sample answer of linxdot_exporter (numbers as numbers). */
export const LINXDOT_SAMPLE_SYSTEM: Readonly<Record<string, unknown>> = {
  animal_name: "xxxxxx-xxxxxxx-xxxxxxxx",
  region: "AU915",
  firmware: "Linxdot 1.2.26 r17752-8c4a79dd5",
  model_name: "LD-1001",
  sn: "LD1NTVxxxxxxxxx",
  cpu_temp: 35.555,
  cpu_usage: 7.169,
  memory_usage: 17.504,
  storage_usage: 39.822,
};

/** How the simulated miner behaves. */
export interface LinxdotSimulatorOptions {
  /** The dashboard account (default admin / sim-password). */
  readonly username?: string;
  readonly password?: string;
  /** What `/login_odd` expects: both fields MD5-hashed (default) or as typed. */
  readonly credentials?: "md5" | "plain";
  /**
   * What a refused login gets: HTTP 401 (default), or HTTP 200 with no session cookie (the
   * session is then refused by `/info/system`).
   */
  readonly refusedLogin?: "401" | "200-without-session";
  /** The session cookie's name (default `sysauth`). */
  readonly cookieName?: string;
}

/** One request the simulator answered. */
export interface LinxdotSimulatorRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The login form as received (tests check hashing), for POST /login_odd only. */
  readonly form?: Readonly<Record<string, string>>;
}

/** A running simulated miner. */
export interface LinxdotSimulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`, as linxdot_exporter's `--host` takes it. */
  readonly host: string;
  /** The `/info/system` answer: an object is sent as JSON, a string as it is (malformed answers). */
  system: unknown;
  /** Milliseconds to wait before answering any request (a slow device). */
  delayMs: number;
  /** A status to answer `/info/system` with instead of 200, for a live session (a failing device). */
  systemStatus: number | undefined;
  /** Counts: accepted and refused logins, every `/info/system` request, and those answered 401. */
  readonly counts: {
    logins: number;
    refusedLogins: number;
    systemRequests: number;
    unauthorized: number;
  };
  /** Every request answered, in order. */
  readonly requests: readonly LinxdotSimulatorRequest[];
  /** Forgets every session, as a device reboot or a session timeout does: the next call gets 401. */
  expireSessions(): void;
  /** Stops it, closing open connections. */
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 64 * 1024;

/** Starts the simulated miner on a free loopback port. */
export async function startLinxdotSimulator(
  options: LinxdotSimulatorOptions = {},
): Promise<LinxdotSimulator> {
  const username = options.username ?? "admin";
  const password = options.password ?? "sim-password";
  const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
  const expected =
    (options.credentials ?? "md5") === "md5"
      ? { username: md5(username), password: md5(password) }
      : { username, password };
  const cookieName = options.cookieName ?? "sysauth";
  const sessions = new Set<string>();
  const requests: LinxdotSimulatorRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const sim = {
    system: { ...LINXDOT_SAMPLE_SYSTEM } as unknown,
    delayMs: 0,
    systemStatus: undefined as number | undefined,
    counts: { logins: 0, refusedLogins: 0, systemRequests: 0, unauthorized: 0 },
    requests,
    expireSessions: () => sessions.clear(),
  };

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
    form?: Record<string, string>,
  ) => {
    const path = new URL(req.url ?? "/", "http://device").pathname;
    requests.push({ method: req.method ?? "", path, status, ...(form ? { form } : {}) });
    const send = () => {
      timers.delete(timer);
      if (res.destroyed) return;
      res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    const timer = setTimeout(send, sim.delayMs);
    timers.add(timer);
  };

  const session = (req: IncomingMessage): string | undefined => {
    for (const part of (req.headers.cookie ?? "").split(";")) {
      const [name, value = ""] = part.trim().split("=", 2);
      if (name === cookieName && sessions.has(value)) return value;
    }
    return undefined;
  };

  const login = async (req: IncomingMessage, res: ServerResponse) => {
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      answer(req, res, 400, "expected a form (application/x-www-form-urlencoded)\n");
      return;
    }
    let body = "";
    for await (const chunk of req) {
      body += String(chunk);
      if (body.length > MAX_FORM_BYTES) {
        answer(req, res, 413, "form too large\n");
        return;
      }
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    if (form.username !== expected.username || form.password !== expected.password) {
      sim.counts.refusedLogins++;
      if ((options.refusedLogin ?? "401") === "401")
        answer(req, res, 401, '{"error":"invalid username or password"}', {}, form);
      else answer(req, res, 200, '{"error":"invalid username or password"}', {}, form);
      return;
    }
    sim.counts.logins++;
    const id = randomBytes(16).toString("hex");
    sessions.add(id);
    answer(
      req,
      res,
      200,
      "{}",
      {
        "content-type": "application/json",
        "set-cookie": `${cookieName}=${id}; path=/; HttpOnly`,
      },
      form,
    );
  };

  const system = (req: IncomingMessage, res: ServerResponse) => {
    sim.counts.systemRequests++;
    if (session(req) === undefined) {
      sim.counts.unauthorized++;
      answer(req, res, 401, '{"error":"unauthorized"}', { "content-type": "application/json" });
      return;
    }
    if (sim.systemStatus !== undefined) {
      answer(req, res, sim.systemStatus, "device error\n");
      return;
    }
    const body = typeof sim.system === "string" ? sim.system : JSON.stringify(sim.system);
    answer(req, res, 200, body, { "content-type": "application/json" });
  };

  const routes: Record<string, { method: string; handle: typeof login | typeof system }> = {
    "/login_odd": { method: "POST", handle: login },
    "/info/system": { method: "GET", handle: system },
  };
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://device").pathname];
    if (route === undefined) {
      answer(req, res, 404, "not found\n");
      return;
    }
    if (req.method !== route.method) {
      answer(req, res, 405, "method not allowed\n", { allow: route.method });
      return;
    }
    void Promise.resolve(route.handle(req, res)).catch(() => res.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return Object.assign(sim, {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  });
}
