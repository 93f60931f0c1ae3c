// The options of init() and their SEEDWATCH_* environment variables: defaults and validation in one place.

import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { InstrumentConfigError } from "./errors.ts";

/** channel-exporter's default buckets, in milliseconds, for all three histograms. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  100, 200, 500, 800, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000,
]);

/** One partner: its id, and the action code of each path (exact path, no query string). */
export interface PartnerConfig {
  readonly partner: string | number;
  readonly paths?: Readonly<Record<string, string | number>>;
}

/** `host:port` (or `host` for the scheme's default port) -> partner. */
export type PartnerTable = Readonly<Record<string, PartnerConfig>>;

/** What `init()` takes. Only `syscode` is required. */
export interface InstrumentOptions {
  /** A letter and 9 digits; upper-cased. Its first 4 characters are the `appid` label. */
  readonly syscode: string;
  /** Buckets of `<SYSCODE>_inner_metrics`, in milliseconds (default {@link DEFAULT_BUCKETS}). */
  readonly innerMetricsBuckets?: readonly number[];
  /** Buckets of `partner_http_metrics`, in milliseconds (default {@link DEFAULT_BUCKETS}). */
  readonly partnerHttpMetricsBuckets?: readonly number[];
  /** Buckets of `<SYSCODE>_consumer_metrics`, in milliseconds (default {@link DEFAULT_BUCKETS}). */
  readonly consumerMetricsBuckets?: readonly number[];
  /** The partner table: only calls to these hosts are measured (default: none). */
  readonly partners?: PartnerTable;
  /** Port of the metrics server started when the app has no HTTP server (9166); false: never. */
  readonly metricsPort?: number | false;
  /** Address that server binds (default: every interface, as channel-exporter). */
  readonly metricsHost?: string;
  /** Path answered with the metrics, on the app's servers and on ours (default `/metrics`). */
  readonly metricsPath?: string;
  /** Answer `metricsPath` on the app's own HTTP servers, before the app sees it (default true). */
  readonly serveOnAppServer?: boolean;
  /** How long to wait for the app's HTTP server before starting ours (default 40,000 ms, as channel-exporter). */
  readonly appServerWaitMs?: number;
  /** `path` label: the route template where the framework knows it, else the raw path ("route"); or always the raw path ("raw"). */
  readonly pathLabel?: "route" | "raw";
  /** Inbound paths never measured (default `/healthcheck` and `/metrics`). */
  readonly skipPaths?: readonly string[];
  /** Largest body read for a business code (default 65,536 bytes); larger ones give `code="-1"`. */
  readonly maxBodyBytes?: number;
  /** Most label sets per histogram (default 2048); observations for further ones are dropped. */
  readonly maxSeries?: number;
}

/** A partner, normalized. */
export interface ResolvedPartner {
  readonly partner: string;
  readonly paths: Readonly<Record<string, string>>;
}

/** Options after validation and defaults; plain data, so it can be handed to worker threads. */
export interface ResolvedOptions {
  readonly syscode: string;
  readonly appid: string;
  readonly innerMetricsBuckets: readonly number[];
  readonly partnerHttpMetricsBuckets: readonly number[];
  readonly consumerMetricsBuckets: readonly number[];
  /** Keys lower-cased `host:port` or `host`; IPv6 hosts in brackets. */
  readonly partners: Readonly<Record<string, ResolvedPartner>>;
  readonly metricsPort: number | false;
  readonly metricsHost: string | undefined;
  readonly metricsPath: string;
  readonly serveOnAppServer: boolean;
  readonly appServerWaitMs: number;
  readonly pathLabel: "route" | "raw";
  readonly skipPaths: readonly string[];
  readonly maxBodyBytes: number;
  readonly maxSeries: number;
}

/** Every environment variable `optionsFromEnv` reads, with the option it sets. */
export const ENVIRONMENT: Readonly<Record<string, keyof InstrumentOptions | "partnersFile">> = {
  SEEDWATCH_SYSCODE: "syscode",
  SEEDWATCH_INNER_METRICS_BUCKETS: "innerMetricsBuckets",
  SEEDWATCH_PARTNER_HTTP_METRICS_BUCKETS: "partnerHttpMetricsBuckets",
  SEEDWATCH_CONSUMER_METRICS_BUCKETS: "consumerMetricsBuckets",
  SEEDWATCH_PARTNERS: "partners",
  SEEDWATCH_PARTNERS_FILE: "partnersFile",
  SEEDWATCH_METRICS_PORT: "metricsPort",
  SEEDWATCH_METRICS_HOST: "metricsHost",
  SEEDWATCH_METRICS_PATH: "metricsPath",
  SEEDWATCH_SERVE_ON_APP_SERVER: "serveOnAppServer",
  SEEDWATCH_APP_SERVER_WAIT_MS: "appServerWaitMs",
  SEEDWATCH_PATH_LABEL: "pathLabel",
  SEEDWATCH_SKIP_PATHS: "skipPaths",
  SEEDWATCH_MAX_BODY_BYTES: "maxBodyBytes",
  SEEDWATCH_MAX_SERIES: "maxSeries",
};

const SYSCODE = /^[A-Za-z]\d{9}$/;
const MAX_BODY_BYTES = 16 * 2 ** 20;
const MAX_SERIES = 1_000_000;

/** Validates `options` and fills in the defaults; throws InstrumentConfigError naming the option. */
export function resolveOptions(options: InstrumentOptions): ResolvedOptions {
  if (options === null || typeof options !== "object") {
    throw new InstrumentConfigError(
      "options",
      `expected an object with a syscode, got ${typeof options}`,
    );
  }
  const known = new Set<string>(Object.values(ENVIRONMENT));
  for (const key of Object.keys(options)) {
    if (!known.has(key) || key === "partnersFile") {
      throw new InstrumentConfigError(key, "unknown option");
    }
  }
  const syscode = options.syscode;
  if (typeof syscode !== "string" || !SYSCODE.test(syscode)) {
    throw new InstrumentConfigError(
      "syscode",
      `expected a letter followed by 9 digits (like A123456789), got ${describe(syscode)}`,
    );
  }
  const upper = syscode.toUpperCase();
  const metricsPath = options.metricsPath ?? "/metrics";
  if (typeof metricsPath !== "string" || !/^\/[^?#\s]*$/.test(metricsPath)) {
    throw new InstrumentConfigError(
      "metricsPath",
      `expected a path starting with "/", got ${describe(metricsPath)}`,
    );
  }
  const skipPaths = options.skipPaths ?? ["/healthcheck", "/metrics"];
  if (!Array.isArray(skipPaths) || skipPaths.some((p) => typeof p !== "string")) {
    throw new InstrumentConfigError("skipPaths", "expected an array of paths");
  }
  const pathLabel = options.pathLabel ?? "route";
  if (pathLabel !== "route" && pathLabel !== "raw") {
    throw new InstrumentConfigError(
      "pathLabel",
      `expected "route" or "raw", got ${describe(pathLabel)}`,
    );
  }
  // In a cluster worker, each worker process has its own histograms: by default it serves them
  // on a port of its own (metricsPort + worker id) rather than on the shared app port, where a
  // scrape would reach whichever worker took the connection.
  const worker = clusterWorkerId();
  const basePort = options.metricsPort ?? 9166;
  if (basePort !== false && !(Number.isInteger(basePort) && basePort >= 1 && basePort <= 65535)) {
    throw new InstrumentConfigError(
      "metricsPort",
      `expected a port (1-65535) or false, got ${describe(basePort)}`,
    );
  }
  const metricsPort = basePort === false || worker === undefined ? basePort : basePort + worker;
  if (metricsPort !== false && metricsPort > 65535) {
    throw new InstrumentConfigError(
      "metricsPort",
      `${basePort} + cluster worker id ${worker} is past 65535`,
    );
  }
  const metricsHost = options.metricsHost;
  if (metricsHost !== undefined && (typeof metricsHost !== "string" || metricsHost === "")) {
    throw new InstrumentConfigError(
      "metricsHost",
      `expected an address to bind, got ${describe(metricsHost)}`,
    );
  }
  const serveOnAppServer = options.serveOnAppServer ?? worker === undefined;
  if (typeof serveOnAppServer !== "boolean") {
    throw new InstrumentConfigError(
      "serveOnAppServer",
      `expected true or false, got ${describe(serveOnAppServer)}`,
    );
  }
  return {
    syscode: upper,
    appid: upper.slice(0, 4),
    innerMetricsBuckets: buckets("innerMetricsBuckets", options.innerMetricsBuckets),
    partnerHttpMetricsBuckets: buckets(
      "partnerHttpMetricsBuckets",
      options.partnerHttpMetricsBuckets,
    ),
    consumerMetricsBuckets: buckets("consumerMetricsBuckets", options.consumerMetricsBuckets),
    partners: partners(options.partners ?? {}),
    metricsPort,
    metricsHost,
    metricsPath,
    serveOnAppServer,
    appServerWaitMs:
      worker === undefined
        ? integer("appServerWaitMs", options.appServerWaitMs, 40_000, 0, 2 ** 31 - 1)
        : 0,
    pathLabel,
    skipPaths: [...new Set([...skipPaths, metricsPath])],
    maxBodyBytes: integer("maxBodyBytes", options.maxBodyBytes, 65_536, 0, MAX_BODY_BYTES),
    maxSeries: integer("maxSeries", options.maxSeries, 2048, 1, MAX_SERIES),
  };
}

/**
 * Reads the options from `SEEDWATCH_*` environment variables (see {@link ENVIRONMENT}); throws
 * InstrumentConfigError naming the variable when one cannot be parsed. Validation of the values
 * is `resolveOptions`'s.
 */
export function optionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): InstrumentOptions {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const syscode = get("SEEDWATCH_SYSCODE");
  if (syscode === undefined) {
    throw new InstrumentConfigError(
      "SEEDWATCH_SYSCODE",
      "not set: expected a letter followed by 9 digits (like A123456789)",
    );
  }
  const options: Record<string, unknown> = { syscode };
  for (const [name, option] of Object.entries(ENVIRONMENT)) {
    const value = get(name);
    if (value === undefined || option === "syscode") continue;
    switch (option) {
      case "innerMetricsBuckets":
      case "partnerHttpMetricsBuckets":
      case "consumerMetricsBuckets":
        options[option] = value
          .split(",")
          .map((part) =>
            envNumber(name, part.trim(), "a comma-separated list of bucket bounds in milliseconds"),
          );
        break;
      case "partners":
        options.partners = envJson(name, value, "a JSON object of partners");
        break;
      case "partnersFile": {
        if (options.partners !== undefined) {
          throw new InstrumentConfigError(
            name,
            "set either SEEDWATCH_PARTNERS or SEEDWATCH_PARTNERS_FILE, not both",
          );
        }
        let text: string;
        try {
          text = readFileSync(value, "utf8");
        } catch (error) {
          throw new InstrumentConfigError(
            name,
            `cannot read ${value}: ${(error as Error).message}`,
            { cause: error },
          );
        }
        options.partners = envJson(name, text, `a JSON object of partners in ${value}`);
        break;
      }
      case "metricsPort":
        options.metricsPort =
          value === "off" || value === "false"
            ? false
            : envNumber(name, value, 'a port (1-65535) or "off"');
        break;
      case "serveOnAppServer":
        options.serveOnAppServer = envBoolean(name, value);
        break;
      case "appServerWaitMs":
      case "maxBodyBytes":
      case "maxSeries":
        options[option] = envNumber(name, value, "a whole number");
        break;
      case "skipPaths":
        options.skipPaths = value
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean);
        break;
      default:
        options[option] = value;
    }
  }
  return options as unknown as InstrumentOptions;
}

function buckets(field: string, value: readonly number[] | undefined): readonly number[] {
  if (value === undefined) return DEFAULT_BUCKETS;
  if (!Array.isArray(value) || value.length === 0) {
    throw new InstrumentConfigError(
      field,
      "expected a non-empty array of bucket bounds in milliseconds",
    );
  }
  for (let i = 0; i < value.length; i++) {
    const bound = value[i];
    if (
      typeof bound !== "number" ||
      !Number.isFinite(bound) ||
      (i > 0 && bound <= (value[i - 1] as number))
    ) {
      throw new InstrumentConfigError(
        field,
        `expected finite, strictly increasing bounds, got ${value.join(",")}`,
      );
    }
  }
  return Object.freeze([...value]);
}

function partners(table: PartnerTable): Record<string, ResolvedPartner> {
  if (table === null || typeof table !== "object" || Array.isArray(table)) {
    throw new InstrumentConfigError(
      "partners",
      `expected an object of "host:port" -> { partner, paths }, got ${describe(table)}`,
    );
  }
  const out: Record<string, ResolvedPartner> = {};
  for (const [key, config] of Object.entries(table)) {
    const field = `partners[${JSON.stringify(key)}]`;
    const hostPort = normalizeHostPort(key);
    if (hostPort === undefined) {
      throw new InstrumentConfigError(field, 'expected a key of the form "host:port" or "host"');
    }
    if (config === null || typeof config !== "object" || !isLabel(config.partner)) {
      throw new InstrumentConfigError(
        `${field}.partner`,
        `expected a string or number, got ${describe(config?.partner)}`,
      );
    }
    const paths: Record<string, string> = {};
    const given = config.paths ?? {};
    if (given === null || typeof given !== "object" || Array.isArray(given)) {
      throw new InstrumentConfigError(
        `${field}.paths`,
        "expected an object of path -> action code",
      );
    }
    for (const [path, action] of Object.entries(given)) {
      if (!path.startsWith("/") || !isLabel(action)) {
        throw new InstrumentConfigError(
          `${field}.paths[${JSON.stringify(path)}]`,
          "expected a path starting with / mapped to an action code (string or number)",
        );
      }
      paths[path] = String(action);
    }
    for (const name of Object.keys(config)) {
      if (name !== "partner" && name !== "paths") {
        throw new InstrumentConfigError(
          `${field}.${name}`,
          "unknown field (expected partner and paths)",
        );
      }
    }
    out[hostPort] = { partner: String(config.partner), paths };
  }
  return out;
}

/** The id of this cluster worker (1, 2, ...), or undefined outside a cluster worker. */
export function clusterWorkerId(): number | undefined {
  return cluster.isWorker ? cluster.worker?.id : undefined;
}

/** `Host:Port` -> `host:port`; `[::1]:80` stays bracketed; undefined when it is not host[:port]. */
export function normalizeHostPort(key: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`http://${key}`);
  } catch {
    return undefined;
  }
  if (
    url.username !== "" ||
    url.password !== "" ||
    url.pathname !== "/" ||
    url.search !== "" ||
    url.hash !== ""
  ) {
    return undefined;
  }
  // URL drops the port 80 of http://; keep what the key said.
  const port = /:(\d+)$/.exec(key)?.[1];
  return port === undefined ? url.hostname : `${url.hostname}:${Number(port)}`;
}

function integer(
  field: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InstrumentConfigError(
      field,
      `expected a whole number from ${min} to ${max}, got ${describe(value)}`,
    );
  }
  return value;
}

function isLabel(value: unknown): value is string | number {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function envNumber(name: string, text: string, expected: string): number {
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) {
    throw new InstrumentConfigError(name, `expected ${expected}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function envBoolean(name: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (["1", "true", "yes", "on"].includes(lower)) return true;
  if (["0", "false", "no", "off"].includes(lower)) return false;
  throw new InstrumentConfigError(name, `expected true or false, got ${JSON.stringify(text)}`);
}

function envJson(name: string, text: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InstrumentConfigError(name, `expected ${expected}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
