// `seedwatch linxdot`: the standalone Linxdot exporter, with linxdot_exporter 1.0.1's options and environment variables.

import { closeSync, openSync, writeSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Registry, serveMetrics } from "@seedwatch/metrics";
import type { TargetConfig } from "./collect/target-config.ts";
import { TARGET_DEFAULTS } from "./config/config.ts";
import { createLogger, type Logger } from "./log.ts";
import { Secret } from "./settings/secret.ts";
import { buildTarget } from "./target-kinds.ts";
import { VERSION } from "./version.ts";
import { escapeHtml } from "./web/landing-page.ts";
import { collectDeadline, scrapeDeadline } from "./web/scrape-deadline.ts";

/** linxdot_exporter's default port (`DEFAULT_EXPORTER_PORT`). */
export const LINXDOT_DEFAULT_PORT = 8061;

/** linxdot_exporter's default refresh interval in seconds (`DEFAULT_REFRESH_INTERVAL`). */
export const LINXDOT_DEFAULT_REFRESH_SECONDS = 60;

const REQUIRED_MESSAGE = "Required arguments or environment variables: HOST, USERNAME and PASSWORD";

const USAGE = `usage: seedwatch linxdot [-h] [-f LOG_FILE] [-o HOST] [-u USERNAME] [-p PASSWORD] [-a] [-d]
                         [-r REFRESH_INTERVAL] [-t PORT] [--address ADDRESS] [--version]

Exporter for metrics for Linxdot miner devices (linxdot_exporter's options). Every option can
also come from the environment variable in brackets; an option given here wins.

  -h, --help                 show this help message and exit
  -f, --log_file LOG_FILE    path of log file, appended to (LOG_FILE; default: standard error)
  -o, --host HOST            miner hostname or IP address, optionally with :port or as an
                             http(s):// URL (MINER_HOST)
  -u, --username USERNAME    miner API username (MINER_USERNAME)
  -p, --password PASSWORD    miner API password (MINER_PASSWORD; prefer it: arguments show in ps)
  -a, --plain_credentials    use login credentials without MD5 hashing (PLAIN_CREDENTIALS)
  -d, --debug                enable debug mode: debug log lines (EXPORTER_DEBUG)
  -r, --refresh_interval REFRESH_INTERVAL
                             refresh rate of reading miner API, in seconds: the miner is asked at
                             most once per interval (EXPORTER_REFRESH; default ${LINXDOT_DEFAULT_REFRESH_SECONDS})
  -t, --port PORT            TCP port number of exporter listens (EXPORTER_PORT; default ${LINXDOT_DEFAULT_PORT})
  --address ADDRESS          IP address to listen on (EXPORTER_ADDRESS; default: every address,
                             as linxdot_exporter does; seedwatch's addition)
  --version                  show program's version number and exit

PLAIN_CREDENTIALS and EXPORTER_DEBUG take 1, true, yes or on (and 0, false, no, off or empty).
Serves /metrics (miner_* as linxdot_exporter names them, plus miner_up) and /-/healthy.
`;

/** Everything the standalone exporter runs with. */
export interface LinxdotOptions {
  /** The miner's base URL, e.g. `http://192.168.1.20`. */
  readonly url: string;
  /** The `name` label: the miner's host (and port) as given. */
  readonly name: string;
  readonly username: string;
  readonly password: Secret;
  readonly plainCredentials: boolean;
  readonly refreshSeconds: number;
  readonly port: number;
  /** Listen address; undefined listens on every address. */
  readonly address: string | undefined;
  readonly debug: boolean;
  readonly logFile: string | undefined;
}

/** What the command line and environment ask for. */
export type LinxdotArgs =
  | { readonly kind: "run"; readonly options: LinxdotOptions }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "error"; readonly message: string; readonly code: number };

/** Where runLinxdot writes, what it reads, and when it stops. */
export interface LinxdotIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the exporter should stop (signals in production). */
  readonly stopSignal?: Promise<unknown>;
  /** The environment (the process's own by default). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Reads linxdot_exporter's options from `argv`, each falling back to its environment variable
 * and then to linxdot_exporter's default. Empty variables count as unset, as they did there.
 */
export function parseLinxdotArgs(argv: readonly string[], env: NodeJS.ProcessEnv): LinxdotArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        log_file: { type: "string", short: "f" },
        host: { type: "string", short: "o" },
        username: { type: "string", short: "u" },
        password: { type: "string", short: "p" },
        plain_credentials: { type: "boolean", short: "a" },
        debug: { type: "boolean", short: "d" },
        refresh_interval: { type: "string", short: "r" },
        port: { type: "string", short: "t" },
        address: { type: "string" },
        version: { type: "boolean" },
      },
    }).values;
  } catch (error) {
    return { kind: "error", message: `${(error as Error).message}\n\n${USAGE}`, code: 2 };
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const pick = (flag: string, variable: string): string | undefined => {
    const value = (values[flag] as string | undefined) ?? env[variable];
    return value === undefined || value === "" ? undefined : value;
  };
  const host = pick("host", "MINER_HOST");
  const username = pick("username", "MINER_USERNAME");
  const password = pick("password", "MINER_PASSWORD");
  const missing = [
    host === undefined ? "-o/--host or MINER_HOST" : undefined,
    username === undefined ? "-u/--username or MINER_USERNAME" : undefined,
    password === undefined ? "-p/--password or MINER_PASSWORD" : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length > 0) {
    return {
      kind: "error",
      message: `${REQUIRED_MESSAGE} (missing: ${missing.join(", ")})`,
      code: 1,
    };
  }
  const problems: string[] = [];
  const target = minerUrl(host as string);
  if (typeof target === "string") problems.push(target);
  const plain =
    values.plain_credentials === true ||
    switchValue("PLAIN_CREDENTIALS", env.PLAIN_CREDENTIALS, problems);
  const debug =
    values.debug === true || switchValue("EXPORTER_DEBUG", env.EXPORTER_DEBUG, problems);
  const refresh = wholeNumber(
    "-r/--refresh_interval (EXPORTER_REFRESH)",
    pick("refresh_interval", "EXPORTER_REFRESH"),
    LINXDOT_DEFAULT_REFRESH_SECONDS,
    1,
    7 * 24 * 3600,
    problems,
  );
  const port = wholeNumber(
    "-t/--port (EXPORTER_PORT)",
    pick("port", "EXPORTER_PORT"),
    LINXDOT_DEFAULT_PORT,
    1,
    65535,
    problems,
  );
  if (problems.length > 0 || typeof target === "string")
    return { kind: "error", message: problems.join("\n"), code: 2 };
  return {
    kind: "run",
    options: {
      url: target.url,
      name: target.name,
      username: username as string,
      password: new Secret(password as string),
      plainCredentials: plain,
      refreshSeconds: refresh,
      port,
      address: pick("address", "EXPORTER_ADDRESS"),
      debug,
      logFile: pick("log_file", "LOG_FILE"),
    },
  };
}

/**
 * Runs the standalone Linxdot exporter until `io.stopSignal`: polls the miner in the background
 * once per refresh interval and serves `/metrics`, where a scrape asks the miner only when its
 * data is older than the interval. Resolves with the exit code.
 */
export async function runLinxdot(argv: readonly string[], io: LinxdotIo): Promise<number> {
  const parsed = parseLinxdotArgs(argv, io.env ?? process.env);
  if (parsed.kind === "help") {
    io.out(USAGE);
    return 0;
  }
  if (parsed.kind === "version") {
    io.out(
      `seedwatch linxdot ${VERSION} (linxdot_exporter 1.0.1 compatible, node ${process.version})\n`,
    );
    return 0;
  }
  if (parsed.kind === "error") {
    io.err(`seedwatch linxdot: ${parsed.message}\n`);
    return parsed.code;
  }
  const options = parsed.options;
  let fd: number | undefined;
  if (options.logFile !== undefined) {
    try {
      fd = openSync(options.logFile, "a");
    } catch (error) {
      io.err(
        `seedwatch linxdot: cannot open the log file ${options.logFile} (${(error as NodeJS.ErrnoException).code ?? error})\n`,
      );
      return 1;
    }
  }
  const logFd = fd;
  const log = createLogger({
    level: options.debug ? "debug" : "info",
    format: "logfmt",
    write:
      logFd === undefined ? (line) => io.err(`${line}\n`) : (line) => writeSync(logFd, `${line}\n`),
  });
  try {
    return await serve(options, log, io);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function serve(options: LinxdotOptions, log: Logger, io: LinxdotIo): Promise<number> {
  const interval = options.refreshSeconds * 1000;
  const config: TargetConfig = {
    ...TARGET_DEFAULTS,
    name: options.name,
    type: "linxdot",
    url: options.url,
    username: options.username,
    password: options.password,
    apiKey: undefined,
    pollInterval: interval,
    minRefreshInterval: interval,
    timeout: Math.min(TARGET_DEFAULTS.timeout, interval),
    plainCredentials: options.plainCredentials,
  };
  const { target, collector } = buildTarget(config, { log, counters: undefined });
  const registry = new Registry({
    collectorMetricsPrefix: "seedwatch",
    onCollectorError: (name, error) =>
      log.error("collector failed", { collector: name, err: error }),
  });
  registry.register(collector);

  const metrics = async (req: IncomingMessage, res: ServerResponse) => {
    const polls = target.polls;
    const deadline = scrapeDeadline(req.headers["x-prometheus-scrape-timeout-seconds"], Date.now());
    await target.refreshIfOlderThan(config.minRefreshInterval, deadline);
    if (target.polls === polls)
      log.debug("cache hit: the miner's data is younger than the refresh interval");
    await serveMetrics(registry, req, res, { deadline: collectDeadline(deadline, Date.now()) });
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://exporter").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    const done = (() => {
      if (path === "/metrics") return metrics(req, res);
      if (path === "/-/healthy") return text(res, 200, "Healthy\n");
      if (path === "/") return html(res, landing(options, target.health.up));
      return text(res, 404, "not found: try /metrics\n");
    })();
    void Promise.resolve(done).catch((error: unknown) => {
      log.error("request failed", { path, err: error });
      if (!res.headersSent) text(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  const outcome = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once("error", resolve);
    server.once("listening", () => resolve(undefined));
    server.listen(options.port, options.address);
  });
  server.on("error", (error) => log.error("server error", { err: error }));
  if (outcome !== undefined) {
    log.error("cannot listen", {
      address: `${options.address ?? ""}:${options.port}`,
      err: outcome.code ?? outcome.message,
    });
    await target.stop();
    return 1;
  }
  target.start();
  const address = server.address() as AddressInfo;
  log.info("listening", {
    address:
      address.family === "IPv6"
        ? `[${address.address}]:${address.port}`
        : `${address.address}:${address.port}`,
    miner: options.url,
    refresh_s: options.refreshSeconds,
    plain_credentials: options.plainCredentials,
    version: VERSION,
  });
  await (io.stopSignal ?? new Promise(() => {}));
  log.info("shutting down");
  server.closeAllConnections();
  server.close();
  await target.stop();
  return 0;
}

/** The miner's base URL and display name from `--host`, or what is wrong with it. */
function minerUrl(host: string): { url: string; name: string } | string {
  const problem = `-o/--host (MINER_HOST): expected a host name or IP address, optionally with :port (e.g. 192.168.1.20 or miner.lan:8080), or an http(s):// URL; got ${JSON.stringify(host.slice(0, 100))}`;
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return problem;
  if (url.username !== "" || url.password !== "")
    return "-o/--host (MINER_HOST): put credentials in -u/-p (MINER_USERNAME/MINER_PASSWORD), not in the host";
  if (url.hostname === "" || url.search !== "" || url.hash !== "") return problem;
  return { url: `${url.protocol}//${url.host}${url.pathname}`, name: url.host };
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["", "0", "false", "no", "off"]);

/** An on/off environment variable (linxdot_exporter took any non-empty text as on). */
function switchValue(name: string, value: string | undefined, problems: string[]): boolean {
  if (value === undefined) return false;
  const normal = value.trim().toLowerCase();
  if (TRUE.has(normal)) return true;
  if (!FALSE.has(normal))
    problems.push(
      `${name}: expected 1, true, yes or on (or 0, false, no, off); got ${JSON.stringify(value.slice(0, 40))}`,
    );
  return false;
}

function wholeNumber(
  what: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  const number = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(number) && number >= min && number <= max) return number;
  problems.push(
    `${what}: expected a whole number from ${min} to ${max}; got ${JSON.stringify(value.slice(0, 40))}`,
  );
  return fallback;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
}

function landing(options: LinxdotOptions, up: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seedwatch linxdot</title></head>
<body><h1>seedwatch linxdot ${escapeHtml(VERSION)}</h1>
<p>Miner ${escapeHtml(options.name)}: ${up ? "up" : "down"}. Asked at most every ${options.refreshSeconds} s.</p>
<p><a href="metrics">Metrics</a></p></body></html>
`;
}
