// web-config.yml in exporter-toolkit's format: parsed strictly, validated, relative paths resolved.

import { dirname, resolve } from "node:path";
import { z } from "zod";
import {
  type DataMaps,
  type FieldPath,
  formatFieldPath,
  HIDDEN_KEY,
  mayNameUnknownKey,
  valueAt,
} from "../settings/field-path.ts";
import { describeIssue } from "../settings/issue-wording.ts";
import { formatBytes, readCapped } from "../settings/read-capped.ts";
import { readYaml, type YamlText } from "../settings/yaml-reader.ts";
import { parseGoDuration } from "./go-duration.ts";
import { bcryptCost } from "./hash-password.ts";
import type { RateLimitConfig } from "./rate-limit.ts";
import { CONFIGURABLE_HEADERS } from "./security-headers.ts";
import {
  CIPHER_SUITES,
  CLIENT_AUTH_ALIASES,
  CLIENT_AUTH_TYPES,
  type ClientAuthType,
  CURVES,
  INSECURE_CIPHER_SUITES,
  TLS_VERSION_NAMES,
  type TlsVersionName,
} from "./tls-names.ts";
import { WebConfigError, type WebConfigIssue } from "./web-config-error.ts";

/** `tls_server_config` after validation; file paths are absolute. */
export interface TlsServerConfig {
  readonly certFile?: string;
  /** Inline PEM certificate (instead of `certFile`). */
  readonly cert?: string;
  readonly keyFile?: string;
  /** Inline PEM key (instead of `keyFile`); a secret. */
  readonly key?: string;
  readonly clientCaFile?: string;
  /** Inline PEM client CA certificates (instead of `clientCaFile`). */
  readonly clientCa?: string;
  readonly clientAuthType: ClientAuthType;
  /** Client certificates must carry one of these SANs (DNS, IP, e-mail or URI), when set. */
  readonly clientAllowedSans?: readonly string[];
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  /** Go cipher suite names, in preference order; undefined: OpenSSL's defaults. */
  readonly cipherSuites?: readonly string[];
  /** Go curve names, in preference order; undefined: OpenSSL's defaults. */
  readonly curvePreferences?: readonly string[];
  readonly preferServerCipherSuites: boolean;
}

/** A validated web configuration. */
export interface WebConfig {
  /** The file it came from, as given (it names the file in every error). */
  readonly file: string;
  /** TLS settings; undefined when the server speaks plain HTTP. */
  readonly tls: TlsServerConfig | undefined;
  /**
   * `http_server_config.http2`, accepted for compatibility with exporter-toolkit files. The
   * server speaks HTTP/1.1 (over TLS when configured) whatever its value.
   */
  readonly http2: boolean;
  /** Security headers to set on every response (blank values left out). */
  readonly headers: Readonly<Record<string, string>>;
  /** User name -> bcrypt hash; empty when basic auth is off. The hashes are secrets. */
  readonly users: ReadonlyMap<string, string>;
  /** The global token bucket; undefined when `rate_limit.interval` is 0 (off). */
  readonly rateLimit: RateLimitConfig | undefined;
}

/**
 * Largest web configuration file read: it holds users (~80 bytes each) and perhaps inline PEM,
 * so this is room for some 10,000 users, and a parse of well under a second at worst.
 */
export const MAX_WEB_CONFIG_BYTES = 1024 * 1024;

/** User names are data (half a credential): a message points at them by line, never names them. */
const DATA_MAPS: DataMaps = (parent) => parent.length === 1 && parent[0] === "basic_auth_users";

const oneOf = (values: readonly string[]) => `expected one of ${values.join(", ")}`;
const BOOLEAN = z.boolean({ error: "expected true or false" });
const FILE_NAME = z
  .string({ error: "expected a file name" })
  .min(1, { error: "expected a file name" });
const PEM = z.string({ error: "expected PEM text" }).min(1, { error: "expected PEM text" });
const TLS_VERSION = z.enum(TLS_VERSION_NAMES, { error: oneOf(TLS_VERSION_NAMES) });
const CLIENT_AUTH_NAMES = [...CLIENT_AUTH_TYPES, ...Object.keys(CLIENT_AUTH_ALIASES)];
const CIPHER_NAMES = Object.keys(CIPHER_SUITES);
const CURVE_NAMES = Object.keys(CURVES);
const HEADER_NAMES = Object.keys(CONFIGURABLE_HEADERS);

const CIPHER_SUITE = z.string({ error: oneOf(CIPHER_NAMES) }).superRefine((name, ctx) => {
  if (CIPHER_SUITES[name] !== undefined) return;
  // Which one is wrong is told by the path (cipher_suites[1]) and the line, not by its text.
  const why = INSECURE_CIPHER_SUITES.has(name)
    ? "an insecure cipher suite"
    : "not a cipher suite name as Go spells it";
  ctx.addIssue({ code: "custom", message: `${why}; ${oneOf(CIPHER_NAMES)}` });
});

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `expected a list of ${what}` });

/** Sections written as `key:` with nothing after them are empty, as in Go's decoder. */
const section = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null || value === undefined ? {} : value), schema);

const MAPPING = { error: "expected a mapping" };

const TLS_SHAPE = {
  cert: PEM.optional(),
  key: PEM.optional(),
  client_ca: PEM.optional(),
  cert_file: FILE_NAME.optional(),
  key_file: FILE_NAME.optional(),
  client_ca_file: FILE_NAME.optional(),
  client_auth_type: z
    .enum(CLIENT_AUTH_NAMES as [string, ...string[]], { error: oneOf(CLIENT_AUTH_TYPES) })
    .optional(),
  client_allowed_sans: list(
    z.string({ error: "expected a SAN (DNS name, IP address, e-mail or URI)" }).min(1),
    "SANs",
  ).optional(),
  min_version: TLS_VERSION.default("TLS12"),
  max_version: TLS_VERSION.default("TLS13"),
  cipher_suites: list(CIPHER_SUITE, "cipher suite names").optional(),
  curve_preferences: list(
    z.enum(CURVE_NAMES as [string, ...string[]], { error: oneOf(CURVE_NAMES) }),
    "curve names",
  ).optional(),
  prefer_server_cipher_suites: BOOLEAN.default(true),
};

const HEADERS_SHAPE = Object.fromEntries(
  HEADER_NAMES.map((name) => {
    const allowed = CONFIGURABLE_HEADERS[name];
    const value = z
      .string({ error: "expected a header value" })
      .regex(/^[\t\x20-\x7e]*$/, { error: "expected a header value of printable ASCII" });
    // Blank means unset (exporter-toolkit's documentation), whatever the allowed values.
    const checked =
      allowed === undefined
        ? value
        : value.refine((v) => v === "" || allowed.includes(v), { error: oneOf(allowed) });
    return [name, checked.optional()];
  }),
);

const HTTP_SHAPE = {
  http2: BOOLEAN.default(true),
  headers: section(z.strictObject(HEADERS_SHAPE, MAPPING)),
};

const DURATION = z
  .union([z.string(), z.number()], {
    error: "expected a duration such as 100ms, 1s or 1m (0 turns the limit off)",
  })
  .transform((value, ctx) => {
    const ms = typeof value === "number" ? (value === 0 ? 0 : undefined) : parseGoDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "expected a duration such as 100ms, 1s or 1m (0 turns the limit off)",
      });
      return z.NEVER;
    }
    return ms;
  });

const RATE_LIMIT_SHAPE = {
  interval: DURATION.default(0),
  burst: z
    .number({ error: "expected a whole number" })
    .int({ error: "expected a whole number" })
    .min(0, { error: "expected a whole number" })
    .default(0),
};

const USERS = z.record(
  z.string(),
  z.string({ error: "expected a bcrypt hash" }).refine((hash) => bcryptCost(hash) !== undefined, {
    error:
      "expected a bcrypt hash ($2a$, $2b$ or $2y$ with a cost of 4 to 31), as `seedwatch hash-password` prints",
  }),
  MAPPING,
);

const TLS_SECTION = z.strictObject(TLS_SHAPE, MAPPING);

const TOP_SHAPE = {
  tls_server_config: section(TLS_SECTION),
  http_server_config: section(z.strictObject(HTTP_SHAPE, MAPPING)),
  basic_auth_users: section(USERS),
  rate_limit: section(z.strictObject(RATE_LIMIT_SHAPE, MAPPING)),
};

const SCHEMA = section(z.strictObject(TOP_SHAPE, MAPPING));

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(TOP_SHAPE),
  tls_server_config: Object.keys(TLS_SHAPE),
  http_server_config: Object.keys(HTTP_SHAPE),
  rate_limit: Object.keys(RATE_LIMIT_SHAPE),
};

/**
 * Parses and validates the text of a web configuration file. Relative file paths resolve against
 * the directory of `file`. Throws a WebConfigError that lists every problem found.
 */
export function parseWebConfig(text: string, file: string): WebConfig {
  if (Buffer.byteLength(text) > MAX_WEB_CONFIG_BYTES) throw tooLarge(file);
  const yaml = readYaml(text, DATA_MAPS);
  if (yaml.problems.length > 0) {
    throw new WebConfigError(
      file,
      yaml.problems.map((p) => ({
        path: p.path,
        line: p.line,
        col: p.col,
        message: `YAML syntax: ${p.message}`,
      })),
    );
  }
  const raw = yaml.value;
  const parsed = SCHEMA.safeParse(raw, { error: describeIssue });
  if (!parsed.success) {
    throw new WebConfigError(
      file,
      parsed.error.issues.flatMap((issue) => toIssues(issue, yaml)),
    );
  }
  const input = parsed.data;
  const issues: WebConfigIssue[] = [];
  const at = (path: FieldPath, message: string): WebConfigIssue => ({
    path: formatFieldPath(path, DATA_MAPS),
    ...yaml.locate(path),
    message,
  });
  const dir = dirname(resolve(file));
  const tls = toTlsConfig(
    input.tls_server_config,
    writtenKeysOf(raw, "tls_server_config"),
    dir,
    (field, message) => issues.push(at(["tls_server_config", field], message)),
  );

  const users = new Map<string, string>();
  for (const [user, hash] of Object.entries(input.basic_auth_users)) {
    if (user.includes(":")) {
      issues.push({
        ...at(
          ["basic_auth_users", user],
          "expected a user name without ':' (basic auth cannot carry it)",
        ),
        ...yaml.locate(["basic_auth_users", user], "key"),
      });
    }
    users.set(user, hash);
  }

  const { interval, burst } = input.rate_limit;
  if (interval > 0 && burst < 1) {
    issues.push(
      at(
        ["rate_limit", "burst"],
        "expected a whole number of at least 1 when rate_limit.interval is set",
      ),
    );
  }
  if (issues.length > 0) throw new WebConfigError(file, issues);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.http_server_config.headers)) {
    if (typeof value === "string" && value !== "") headers[name] = value;
  }
  return {
    file,
    tls,
    http2: input.http_server_config.http2,
    headers,
    users,
    rateLimit: interval > 0 ? { intervalMs: interval, burst } : undefined,
  };
}

/**
 * Reads and validates a web configuration file (synchronously: the server re-reads it just
 * before a TLS handshake, which cannot wait). Throws a WebConfigError.
 */
export function loadWebConfig(file: string): WebConfig {
  return parseWebConfig(readWebConfigText(file), file);
}

/**
 * Reads a web configuration file's text, no more than MAX_WEB_CONFIG_BYTES + 1 bytes of it;
 * throws a WebConfigError.
 */
export function readWebConfigText(file: string): string {
  let read: ReturnType<typeof readCapped>;
  try {
    read = readCapped(file, MAX_WEB_CONFIG_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new WebConfigError(file, [{ path: "", message: `cannot read the file (${code})` }], {
      cause: error,
    });
  }
  if (read.tooLarge) throw tooLarge(file);
  return read.bytes.toString("utf8");
}

function tooLarge(file: string): WebConfigError {
  return new WebConfigError(file, [
    {
      path: "",
      message: `larger than ${formatBytes(MAX_WEB_CONFIG_BYTES)}, the most a web config file may hold`,
    },
  ]);
}

/**
 * The configuration as it may be shown (a `/config` page, a log line): in web-config.yml's own
 * terms, with every password hash and inline key replaced by `<secret>`.
 */
export function describeWebConfig(config: WebConfig): Record<string, unknown> {
  const tls = config.tls;
  const out: Record<string, unknown> = {};
  if (tls !== undefined) {
    out.tls_server_config = {
      ...(tls.certFile === undefined ? { cert: tls.cert } : { cert_file: tls.certFile }),
      ...(tls.keyFile === undefined ? { key: "<secret>" } : { key_file: tls.keyFile }),
      ...(tls.clientCaFile !== undefined ? { client_ca_file: tls.clientCaFile } : {}),
      ...(tls.clientCa !== undefined ? { client_ca: tls.clientCa } : {}),
      client_auth_type: tls.clientAuthType,
      ...(tls.clientAllowedSans ? { client_allowed_sans: tls.clientAllowedSans } : {}),
      min_version: tls.minVersion,
      max_version: tls.maxVersion,
      ...(tls.cipherSuites ? { cipher_suites: tls.cipherSuites } : {}),
      ...(tls.curvePreferences ? { curve_preferences: tls.curvePreferences } : {}),
      prefer_server_cipher_suites: tls.preferServerCipherSuites,
    };
  }
  out.http_server_config = { http2: config.http2, headers: { ...config.headers } };
  out.basic_auth_users = Object.fromEntries([...config.users.keys()].map((u) => [u, "<secret>"]));
  out.rate_limit = config.rateLimit
    ? { interval: `${config.rateLimit.intervalMs}ms`, burst: config.rateLimit.burst }
    : { interval: "0s", burst: 0 };
  return out;
}

/** The files a TLS configuration reads (certificate, key, client CAs). */
export function tlsFiles(tls: TlsServerConfig | undefined): string[] {
  if (tls === undefined) return [];
  return [tls.certFile, tls.keyFile, tls.clientCaFile].filter((f): f is string => f !== undefined);
}

function writtenKeysOf(raw: unknown, section: string): string[] {
  const value = (raw as Record<string, unknown> | null | undefined)?.[section];
  return value !== null && typeof value === "object" ? Object.keys(value) : [];
}

function toIssues(issue: z.core.$ZodIssue, yaml: YamlText): WebConfigIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code !== "unrecognized_keys") {
    return [
      { path: formatFieldPath(path, DATA_MAPS), ...yaml.locate(path), message: issue.message },
    ];
  }
  const dotted = formatFieldPath(path, DATA_MAPS);
  const known =
    dotted === "http_server_config.headers"
      ? `header cannot be configured; ${oneOf(HEADER_NAMES)}`
      : `unknown field; ${oneOf(KNOWN_KEYS[dotted] ?? [])}`;
  return issue.keys.map((key) => {
    const named = mayNameUnknownKey(key, valueAt(yaml.value, [...path, key]));
    return {
      path: formatFieldPath([...path, named ? key : HIDDEN_KEY], DATA_MAPS),
      ...yaml.locate([...path, key], "key"),
      message: named
        ? known
        : `${known} (the key is not named: it may be a value written as a key)`,
    };
  });
}

type TlsInput = z.output<typeof TLS_SECTION>;

function toTlsConfig(
  input: TlsInput,
  writtenKeys: readonly string[],
  dir: string,
  report: (field: string, message: string) => void,
): TlsServerConfig | undefined {
  const hasCert = input.cert !== undefined || input.cert_file !== undefined;
  const hasKey = input.key !== undefined || input.key_file !== undefined;
  const hasCa = input.client_ca !== undefined || input.client_ca_file !== undefined;
  // Defaults fill min_version and friends, so "set" means a key written in the file.
  if (writtenKeys.length === 0) return undefined;
  for (const [inline, fileField] of [
    ["cert", "cert_file"],
    ["key", "key_file"],
    ["client_ca", "client_ca_file"],
  ] as const) {
    if (input[inline] !== undefined && input[fileField] !== undefined) {
      report(inline, `expected either ${inline} or ${fileField}, not both`);
    }
  }
  if (!hasCert) {
    report("cert_file", "expected cert_file (or cert) when tls_server_config is set");
  }
  if (!hasKey) {
    report("key_file", "expected key_file (or key) when tls_server_config is set");
  }
  const authName = input.client_auth_type ?? "NoClientCert";
  const auth: ClientAuthType = CLIENT_AUTH_ALIASES[authName] ?? (authName as ClientAuthType);
  if (hasCa && auth === "NoClientCert") {
    report(
      "client_auth_type",
      "expected a client auth type other than NoClientCert when a client CA is set",
    );
  }
  if (!hasCa && (auth === "VerifyClientCertIfGiven" || auth === "RequireAndVerifyClientCert")) {
    report(
      "client_ca_file",
      `expected client_ca_file (or client_ca) when client_auth_type is ${auth}`,
    );
  }
  if (
    input.client_allowed_sans !== undefined &&
    auth !== "RequireAnyClientCert" &&
    auth !== "RequireAndVerifyClientCert"
  ) {
    report(
      "client_allowed_sans",
      "expected client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert when client_allowed_sans is set",
    );
  }
  const versionIndex = (v: TlsVersionName) => TLS_VERSION_NAMES.indexOf(v);
  if (versionIndex(input.max_version) < versionIndex(input.min_version)) {
    report("max_version", `expected a version not older than min_version (${input.min_version})`);
  }
  const suites = input.cipher_suites;
  if (
    suites !== undefined &&
    versionIndex(input.max_version) < versionIndex("TLS13") &&
    suites.every((name) => (CIPHER_SUITES[name] ?? "").startsWith("TLS_"))
  ) {
    report(
      "cipher_suites",
      `expected at least one cipher suite for TLS 1.2 and older when max_version is ${input.max_version}`,
    );
  }
  const file = (path: string | undefined) => (path === undefined ? undefined : resolve(dir, path));
  return {
    certFile: file(input.cert_file),
    cert: input.cert,
    keyFile: file(input.key_file),
    key: input.key,
    clientCaFile: file(input.client_ca_file),
    clientCa: input.client_ca,
    clientAuthType: auth,
    clientAllowedSans: input.client_allowed_sans,
    minVersion: input.min_version,
    maxVersion: input.max_version,
    cipherSuites: input.cipher_suites,
    curvePreferences: input.curve_preferences,
    preferServerCipherSuites: input.prefer_server_cipher_suites,
  };
}
