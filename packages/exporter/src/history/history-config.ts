// The `history:` section of the config: its schema, its defaults, and the resolved form the daemon uses.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { TlsOptions } from "../net/http-client.ts";
import { parseDuration } from "../settings/duration.ts";
import { Secret } from "../settings/secret.ts";
import { DEFAULT_RESOLUTION_MS } from "./levels.ts";

/** Where the dashboard's history comes from. */
export const HISTORY_SOURCES = ["embedded", "prometheus"] as const;

/** The history settings, resolved. */
export interface HistoryConfig {
  /** Whether there is history at all (sampling, and the API). */
  readonly enabled: boolean;
  /** Sample period of the embedded archive, ms (a whole number of seconds). */
  readonly resolution: number;
  readonly source: (typeof HISTORY_SOURCES)[number];
  /** Set when `source` is prometheus. */
  readonly prometheus: PrometheusHistoryConfig | undefined;
}

/** How to read history from a Prometheus-compatible query API. */
export interface PrometheusHistoryConfig {
  /** Base URL: `/api/v1/query_range` is appended (Thanos, Mimir and VictoriaMetrics bases included). */
  readonly url: string;
  /** Extra label matchers picking this seedwatch's series, e.g. `job="seedwatch"`; may be empty. */
  readonly selector: string;
  /** Time limit of one query, ms. */
  readonly timeout: number;
  /** Window of `rate()` over host counters, ms (at least 4 scrape intervals). */
  readonly rateWindow: number;
  readonly username: string | undefined;
  readonly password: Secret | undefined;
  readonly bearerToken: Secret | undefined;
  readonly tls: TlsOptions;
}

/** Defaults of the history section. */
export const HISTORY_DEFAULTS = {
  enabled: true,
  resolution: DEFAULT_RESOLUTION_MS,
  source: "embedded",
  prometheusTimeout: 10_000,
  prometheusRateWindow: 60_000,
} as const;

const duration = z
  .union([z.string(), z.number()])
  .refine((value) => parseDuration(value) !== undefined, {
    message: 'expected a duration such as "10s", "1m30s", "500ms", or a number of seconds',
  })
  .transform((value) => parseDuration(value) as number);

const MATCHER = String.raw`[A-Za-z_][A-Za-z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"`;
const SELECTOR = new RegExp(
  String.raw`^\s*\{?\s*(?:${MATCHER}\s*(?:,\s*${MATCHER}\s*)*,?)?\s*\}?\s*$`,
);

/** The zod schema of the `history:` section. */
export const historySchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    resolution: duration
      .refine((ms) => ms >= 1000 && ms <= 3_600_000 && ms % 1000 === 0, {
        message: "expected a whole number of seconds from 1s to 1h",
      })
      .optional(),
    source: z.enum(HISTORY_SOURCES).optional(),
    prometheus_url: z.string().min(1).optional(),
    prometheus_selector: z
      .string()
      .regex(SELECTOR, 'expected label matchers such as job="seedwatch", instance=~"box1:.*"')
      .optional(),
    prometheus_timeout: duration.optional(),
    prometheus_rate_window: duration
      .refine((ms) => ms >= 1000 && ms % 1000 === 0, {
        message: "expected a whole number of seconds, at least 1s",
      })
      .optional(),
    prometheus_basic_auth: z
      .strictObject({
        username: z.string().min(1),
        password: z.string().optional(),
        password_file: z.string().min(1).optional(),
      })
      .optional(),
    prometheus_bearer_token_file: z.string().min(1).optional(),
    prometheus_tls: z
      .strictObject({
        insecure_skip_verify: z.boolean().optional(),
        ca_file: z.string().min(1).optional(),
      })
      .optional(),
  })
  .superRefine((h, ctx) => {
    if (h.source === "prometheus" && h.prometheus_url === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["prometheus_url"],
        message: "required with source: prometheus (e.g. http://127.0.0.1:9090)",
      });
    }
    if (h.prometheus_url !== undefined) {
      const problem = urlProblem(h.prometheus_url);
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", path: ["prometheus_url"], message: problem });
    }
    const auth = h.prometheus_basic_auth;
    if (
      auth !== undefined &&
      (auth.password === undefined) === (auth.password_file === undefined)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["prometheus_basic_auth"],
        message: "give password or password_file (one of them)",
      });
    }
    if (auth !== undefined && h.prometheus_bearer_token_file !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["prometheus_bearer_token_file"],
        message: "give prometheus_basic_auth or prometheus_bearer_token_file, not both",
      });
    }
  });

/** The section as validated. */
export type RawHistoryConfig = z.output<typeof historySchema>;

/**
 * Resolves the section: defaults, files read (relative to `base`), secrets wrapped. A file that
 * cannot be read is reported through `problem` with its field path.
 */
export function buildHistoryConfig(
  raw: RawHistoryConfig | undefined,
  base: string,
  problem: (path: Array<string | number>, message: string) => void,
): HistoryConfig {
  const h = raw ?? {};
  const source = h.source ?? HISTORY_DEFAULTS.source;
  const readSecret = (field: string[], file: string): Secret | undefined => {
    const path = resolve(base, file);
    try {
      return new Secret(readFileSync(path, "utf8").trim());
    } catch (error) {
      // Not the path: a secret written here by mistake would show in the message.
      problem(
        ["history", ...field],
        `cannot read the file it names (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
      return undefined;
    }
  };
  let prometheus: PrometheusHistoryConfig | undefined;
  if (source === "prometheus" && h.prometheus_url !== undefined) {
    const auth = h.prometheus_basic_auth;
    const caFile = h.prometheus_tls?.ca_file;
    // Read once here so a missing CA file is a config error, not a failure at the first query.
    if (caFile !== undefined) readSecret(["prometheus_tls", "ca_file"], caFile);
    prometheus = {
      url: h.prometheus_url.replace(/\/+$/, ""),
      selector: (h.prometheus_selector ?? "")
        .trim()
        .replace(/^\{|\}$/g, "")
        .trim()
        .replace(/,$/, ""),
      timeout: h.prometheus_timeout ?? HISTORY_DEFAULTS.prometheusTimeout,
      rateWindow: h.prometheus_rate_window ?? HISTORY_DEFAULTS.prometheusRateWindow,
      username: auth?.username,
      password:
        auth === undefined
          ? undefined
          : auth.password_file !== undefined
            ? readSecret(["prometheus_basic_auth", "password_file"], auth.password_file)
            : new Secret(auth.password ?? ""),
      bearerToken:
        h.prometheus_bearer_token_file === undefined
          ? undefined
          : readSecret(["prometheus_bearer_token_file"], h.prometheus_bearer_token_file),
      tls: {
        insecureSkipVerify: h.prometheus_tls?.insecure_skip_verify ?? false,
        ...(caFile === undefined ? {} : { caFile: resolve(base, caFile) }),
      },
    };
  }
  return {
    enabled: h.enabled ?? HISTORY_DEFAULTS.enabled,
    resolution: h.resolution ?? HISTORY_DEFAULTS.resolution,
    source,
    prometheus,
  };
}

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "expected a URL such as http://127.0.0.1:9090";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return "expected an http:// or https:// URL";
  if (parsed.username !== "" || parsed.password !== "")
    return "put credentials in prometheus_basic_auth, not in the URL";
  if (parsed.search !== "" || parsed.hash !== "")
    return "expected a base URL without ?query or #fragment";
  return undefined;
}
