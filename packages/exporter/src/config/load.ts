// Reads, expands and validates the YAML config; every problem names the file, line, field path and what was expected.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { buildHistoryConfig } from "../history/history-config.ts";
import { buildAuditRetention } from "../removal/audit-retention.ts";
import { buildRemovalPolicy } from "../removal/removal-config.ts";
import {
  type DataMaps,
  type FieldPath,
  formatFieldPath,
  HIDDEN_KEY,
  mayNameUnknownKey,
  valueAt,
} from "../settings/field-path.ts";
import { describeIssue } from "../settings/issue-wording.ts";
import { type CappedRead, formatBytes, readCapped } from "../settings/read-capped.ts";
import { redactUrl } from "../settings/redact-url.ts";
import { REDACTED, Secret } from "../settings/secret.ts";
import { readYaml } from "../settings/yaml-reader.ts";
import { delugePasswordFile } from "../sources/deluge/auth-file.ts";
import { systemdStateDirectory } from "../store/state-directory.ts";
import { buildWebPolicy } from "../web/access-policy.ts";
import {
  BUILT_IN_CONFIG,
  type ClientDefaults,
  type Config,
  DEFAULT_MIN_REFRESH_INTERVAL,
  DEFAULT_STORAGE_PATH,
  DEVICE_POLL_INTERVAL,
  DEVICE_TYPES,
  TARGET_DEFAULTS,
  type TargetConfig,
} from "./config.ts";
import { configSchema, type RawConfig } from "./schema.ts";

/**
 * Largest config file read. A target is ~200 bytes and a `tracker.rename` entry 30-50, so this
 * holds 20,000-35,000 renames, far more than the trackers anyone seeds on. The YAML reader also
 * stops at MAX_YAML_TOKENS, which only a file of nothing but punctuation reaches first; together
 * they bound a reload (parsed on the event loop) at about a second of CPU, whatever the file.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Problems listed in one ConfigError; the rest are counted (a file can hold 20,000 mistakes). */
export const MAX_LISTED_PROBLEMS = 100;

/** A config that cannot be used; `problems` holds one line per problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    const listed =
      problems.length > MAX_LISTED_PROBLEMS
        ? [
            ...problems.slice(0, MAX_LISTED_PROBLEMS),
            `... and ${problems.length - MAX_LISTED_PROBLEMS} more problems`,
          ]
        : problems;
    super(listed.join("\n"), options);
    this.problems = listed;
  }
}

const SECRET_KEYS = new Set(["password", "api_key"]);
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ONLY_ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** Keys of `tracker.rename` are tracker hosts (data, perhaps pasted with a passkey): never named. */
const DATA_MAPS: DataMaps = (parent) =>
  parent.length >= 2 && parent.at(-1) === "rename" && parent.at(-2) === "tracker";

/** Reads and validates a config file. Throws ConfigError listing every problem found. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let read: CappedRead;
  try {
    read = readCapped(file, MAX_CONFIG_BYTES);
  } catch (error) {
    throw new ConfigError(
      [
        `${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      ],
      { cause: error },
    );
  }
  if (read.tooLarge) throw tooLarge(file);
  return parseConfig(read.bytes.toString("utf8"), file, env);
}

/** Validates config text as if read from `file` (relative paths resolve against its directory). */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw tooLarge(file);
  const yaml = readYaml(text, DATA_MAPS);
  if (yaml.problems.length > 0) {
    throw new ConfigError(
      yaml.problems.map(
        (p) =>
          `${file}:${p.line}:${p.col}: ${p.path === "" ? "" : `${p.path}: `}YAML syntax: ${p.message}`,
      ),
    );
  }
  const where = (path: FieldPath, at?: "key"): string => {
    const { line, col } = yaml.locate(path, at);
    return `${file}:${line}:${col}`;
  };
  const problems: string[] = [];
  const problem = (path: FieldPath, message: string) =>
    problems.push(
      `${where(path)}: ${formatFieldPath(path, DATA_MAPS) || "(top level)"}: ${message}`,
    );
  const written = yaml.value;
  const expanded = expandEnv(written ?? {}, [], env, problem);
  const parsed = configSchema.safeParse(expanded, { error: describeIssue });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      if (issue.code !== "unrecognized_keys") {
        problem(path, issue.message);
        continue;
      }
      for (const key of issue.keys) {
        const at = [...path, key];
        const named = mayNameUnknownKey(key, valueAt(expanded, at));
        problems.push(
          `${where(at, "key")}: ${named ? formatFieldPath(at, DATA_MAPS) : formatFieldPath([...path, HIDDEN_KEY], DATA_MAPS)}: ${
            named ? "unknown key" : "unknown key (not named: it may be a value written as a key)"
          }`,
        );
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return build(parsed.data, file, written, problems, problem, env);
}

/**
 * The configuration seedwatch runs on when there is no config file: the clients of this machine
 * found and watched (`discovery: true`), the state database at `storagePath` (in the state
 * directory), everything else at its default.
 */
export function builtInConfig(storagePath: string): Config {
  return parseConfig(
    stringify({ discovery: true, storage: { path: storagePath } }),
    BUILT_IN_CONFIG,
    {},
  );
}

function tooLarge(file: string): ConfigError {
  return new ConfigError([
    `${file}: larger than ${formatBytes(MAX_CONFIG_BYTES)}, the most a config file may hold`,
  ]);
}

function build(
  raw: RawConfig,
  file: string,
  written: unknown,
  problems: string[],
  problem: (path: FieldPath, message: string) => void,
  env: NodeJS.ProcessEnv,
): Config {
  const base = dirname(resolve(file));
  const g = raw.global ?? {};
  const listed = raw.targets ?? [];
  const targets = listed.map((t, i): TargetConfig => {
    let password = t.password === undefined ? undefined : new Secret(t.password);
    if (t.password_file !== undefined) {
      const path = resolve(base, t.password_file);
      let text: string | undefined;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        // Not the path: a password written here by mistake would show in the message.
        problem(
          ["targets", i, "password_file"],
          `cannot read the file it names (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        );
      }
      // A deluge target may name Deluge's own auth file: the password of its username's line.
      const value =
        text === undefined || t.type !== "deluge"
          ? text?.replace(/\r?\n$/, "")
          : delugePasswordFile(text, t.username);
      if (text !== undefined && value === undefined)
        problem(
          ["targets", i, "password_file"],
          "a Deluge auth file (several user:password:level lines) with no line for this username",
        );
      if (value !== undefined) password = new Secret(value);
    }
    const caFile = t.tls?.ca_file ?? g.tls?.ca_file;
    // Devices keep their own default (asked once a minute); a global poll_interval is for clients.
    const pollInterval =
      t.poll_interval ??
      (DEVICE_TYPES.includes(t.type)
        ? DEVICE_POLL_INTERVAL
        : (g.poll_interval ?? TARGET_DEFAULTS.pollInterval));
    return {
      name: t.name,
      type: t.type,
      url: t.url,
      username: t.username,
      password,
      apiKey: t.api_key === undefined ? undefined : new Secret(t.api_key),
      pollInterval,
      minRefreshInterval: DEVICE_TYPES.includes(t.type)
        ? pollInterval
        : (g.min_refresh_interval ?? DEFAULT_MIN_REFRESH_INTERVAL),
      plainCredentials: t.plain_credentials ?? false,
      timeout: t.timeout ?? g.timeout ?? TARGET_DEFAULTS.timeout,
      perTorrent: {
        enabled:
          t.per_torrent?.enabled ?? g.per_torrent?.enabled ?? TARGET_DEFAULTS.perTorrent.enabled,
        maxTorrents:
          t.per_torrent?.max_torrents ??
          g.per_torrent?.max_torrents ??
          TARGET_DEFAULTS.perTorrent.maxTorrents,
      },
      tracker: {
        rename: lowerKeys({ ...g.tracker?.rename, ...t.tracker?.rename }),
        categoryAsTracker:
          t.tracker?.category_as_tracker ?? g.tracker?.category_as_tracker ?? false,
      },
      compat: {
        downloaderExporter: t.compat?.downloader_exporter ?? g.compat?.downloader_exporter ?? false,
        statusLanguage:
          t.compat?.status_language ??
          g.compat?.status_language ??
          TARGET_DEFAULTS.compat.statusLanguage,
      },
      // 0 is pt-exporter's "not set" (its example's 0Gbps): no series.
      maxSpeed: {
        upload: t.max_upload_speed || undefined,
        download: t.max_download_speed || undefined,
      },
      tls: {
        insecureSkipVerify: t.tls?.insecure_skip_verify ?? g.tls?.insecure_skip_verify ?? false,
        ...(caFile === undefined ? {} : { caFile: resolve(base, caFile) }),
      },
    };
  });
  const history = buildHistoryConfig(raw.history, base, problem);
  if (problems.length > 0) throw new ConfigError(problems);
  const globalCaFile = g.tls?.ca_file;
  const clientDefaults: ClientDefaults = {
    pollInterval: g.poll_interval ?? TARGET_DEFAULTS.pollInterval,
    minRefreshInterval: g.min_refresh_interval ?? DEFAULT_MIN_REFRESH_INTERVAL,
    timeout: g.timeout ?? TARGET_DEFAULTS.timeout,
    perTorrent: {
      enabled: g.per_torrent?.enabled ?? TARGET_DEFAULTS.perTorrent.enabled,
      maxTorrents: g.per_torrent?.max_torrents ?? TARGET_DEFAULTS.perTorrent.maxTorrents,
    },
    tracker: {
      rename: lowerKeys({ ...g.tracker?.rename }),
      categoryAsTracker: g.tracker?.category_as_tracker ?? false,
    },
    compat: {
      downloaderExporter: g.compat?.downloader_exporter ?? false,
      statusLanguage: g.compat?.status_language ?? TARGET_DEFAULTS.compat.statusLanguage,
    },
    tls: {
      insecureSkipVerify: g.tls?.insecure_skip_verify ?? false,
      ...(globalCaFile === undefined ? {} : { caFile: resolve(base, globalCaFile) }),
    },
  };
  // Under systemd the file system is read-only but for the unit's StateDirectory=.
  const systemd = systemdStateDirectory(env);
  return {
    file,
    targets,
    storagePath:
      raw.storage?.path === undefined && systemd !== undefined
        ? join(systemd, DEFAULT_STORAGE_PATH)
        : resolve(base, raw.storage?.path ?? DEFAULT_STORAGE_PATH),
    host: { enabled: raw.host?.enabled ?? true, paths: raw.host?.paths ?? ["/"] },
    history,
    web: buildWebPolicy(raw.web),
    removal: new Map(listed.map((t) => [t.name, buildRemovalPolicy(g.removal, t.removal)])),
    audit: buildAuditRetention(raw.audit),
    discovery: raw.discovery ?? false,
    clientDefaults,
    redacted: redact(written),
  };
}

/**
 * Replaces `${VAR}` in every string. A variable that is not set is a problem; it is named only
 * when the value is nothing but the reference (`${QB_PASSWORD}`): in `pa${ss}word` the name is
 * part of a value that may be a secret.
 */
function expandEnv(
  value: unknown,
  path: Array<string | number>,
  env: NodeJS.ProcessEnv,
  problem: (path: FieldPath, message: string) => void,
): unknown {
  if (typeof value === "string") {
    return value.replace(ENV_REF, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problem(
          path,
          ONLY_ENV_REF.test(value)
            ? `environment variable ${name} is not set`
            : "refers to an environment variable that is not set",
        );
        return "";
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((item, i) => expandEnv(item, [...path, i], env, problem));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        expandEnv(item, [...path, key], env, problem),
      ]),
    );
  }
  return value;
}

/** The config as written, with every secret replaced: what `/config` shows. */
function redact(value: unknown, key = ""): unknown {
  if (SECRET_KEYS.has(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === "string" && (key === "url" || key.endsWith("_url"))) return redactUrl(value);
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, redact(item, k)]));
  }
  return value;
}

function lowerKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}
