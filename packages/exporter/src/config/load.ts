// Reads, expands and validates the YAML config; every problem names the file, line, field path and what was expected.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isNode, LineCounter, parseDocument } from "yaml";
import { buildHistoryConfig } from "../history/history-config.ts";
import { buildRemovalPolicy } from "../removal/removal-config.ts";
import { buildWebPolicy } from "../web/access-policy.ts";
import {
  type Config,
  DEFAULT_MIN_REFRESH_INTERVAL,
  DEFAULT_STORAGE_PATH,
  DEVICE_POLL_INTERVAL,
  DEVICE_TYPES,
  TARGET_DEFAULTS,
  type TargetConfig,
} from "./config.ts";
import { redactUrl } from "./redact-url.ts";
import { configSchema, type RawConfig } from "./schema.ts";
import { REDACTED, Secret } from "./secret.ts";

/** A config that cannot be used; `problems` holds one line per problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}

const SECRET_KEYS = new Set(["password", "api_key"]);
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Reads and validates a config file. Throws ConfigError listing every problem found. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([
      `${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? error})`,
    ]);
  }
  return parseConfig(text, file, env);
}

/** Validates config text as if read from `file` (relative paths resolve against its directory). */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = (path: ReadonlyArray<string | number>): string => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const { line, col } = lines.linePos(node.range[0]);
        return `${file}:${line}:${col}`;
      }
    }
    return file;
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return `${file}:${line}:${col}: YAML syntax: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const problems: string[] = [];
  let written: unknown;
  try {
    // yaml throws on an unresolved alias and on alias bombs (more than maxAliasCount expansions).
    written = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([`${file}: YAML: ${(error as Error).message}`]);
  }
  if (tooDeep(written, 0))
    throw new ConfigError([
      `${file}: YAML: nested more than ${MAX_DEPTH} levels deep, or an alias contains itself`,
    ]);
  const expanded = expandEnv(written ?? {}, [], env, (path, message) =>
    problems.push(`${where(path)}: ${formatPath(path)}: ${message}`),
  );
  const parsed = configSchema.safeParse(expanded);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      problems.push(`${where(path)}: ${formatPath(path) || "(top level)"}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return build(parsed.data, file, written, problems, where);
}

function build(
  raw: RawConfig,
  file: string,
  written: unknown,
  problems: string[],
  where: (path: ReadonlyArray<string | number>) => string,
): Config {
  const base = dirname(resolve(file));
  const g = raw.global ?? {};
  const targets = raw.targets.map((t, i): TargetConfig => {
    let password = t.password === undefined ? undefined : new Secret(t.password);
    if (t.password_file !== undefined) {
      const path = resolve(base, t.password_file);
      try {
        password = new Secret(readFileSync(path, "utf8").replace(/\r?\n$/, ""));
      } catch (error) {
        problems.push(
          `${where(["targets", i, "password_file"])}: targets[${i}].password_file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        );
      }
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
      },
      tls: {
        insecureSkipVerify: t.tls?.insecure_skip_verify ?? g.tls?.insecure_skip_verify ?? false,
        ...(caFile === undefined ? {} : { caFile: resolve(base, caFile) }),
      },
    };
  });
  const history = buildHistoryConfig(raw.history, base, (path, message) =>
    problems.push(`${where(path)}: ${formatPath(path)}: ${message}`),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    file,
    targets,
    storagePath: resolve(base, raw.storage?.path ?? DEFAULT_STORAGE_PATH),
    host: { enabled: raw.host?.enabled ?? true, paths: raw.host?.paths ?? ["/"] },
    history,
    web: buildWebPolicy(raw.web),
    removal: new Map(raw.targets.map((t) => [t.name, buildRemovalPolicy(g.removal, t.removal)])),
    redacted: redact(written),
  };
}

/** Deeper than any config needs; a self-containing alias (`a: &x [*x]`) is infinitely deep. */
const MAX_DEPTH = 32;

function tooDeep(value: unknown, depth: number, checked = new Set<object>()): boolean {
  if (typeof value !== "object" || value === null || checked.has(value)) return false;
  if (depth >= MAX_DEPTH) return true;
  // Aliases share objects: each is walked once, so a wide alias graph costs its size, not its paths.
  if (Object.values(value).some((item) => tooDeep(item, depth + 1, checked))) return true;
  checked.add(value);
  return false;
}

/** Replaces `${VAR}` in every string; a variable that is not set is a problem (named, never its value). */
function expandEnv(
  value: unknown,
  path: Array<string | number>,
  env: NodeJS.ProcessEnv,
  problem: (path: Array<string | number>, message: string) => void,
): unknown {
  if (typeof value === "string") {
    return value.replace(ENV_REF, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problem(path, `environment variable ${name} is not set`);
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

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === "number" ? `${out}[${part}]` : out === "" ? part : `${out}.${part}`,
    "",
  );
}
