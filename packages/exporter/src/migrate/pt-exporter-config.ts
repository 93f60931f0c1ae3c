// Converts pt-exporter's config.yaml into an equivalent seedwatch.yml, every key accounted for by a value or a comment.

import { parseLineRate } from "../settings/line-rate.ts";
import { readYaml } from "../settings/yaml-reader.ts";
import type { Language } from "../web/i18n/language.ts";
import { formatMessage, type MessageParams } from "../web/i18n/message-format.ts";
import { MIGRATE_EN, type MigrateMessageKey } from "./migrate-messages-en.ts";
import { MIGRATE_ZH_CN } from "./migrate-messages-zh-cn.ts";

/** The migration's catalogs by language; English is the reference. */
export const MIGRATE_CATALOGS = { en: MIGRATE_EN, "zh-CN": MIGRATE_ZH_CN } as const;

/** A pt-exporter configuration that cannot be converted; the message quotes no value of it. */
export class PtExporterConfigError extends Error {
  override name = "PtExporterConfigError";
}

/** What pt-exporter reads from its `config:` block (viper lower-cases every key). */
export const PT_EXPORTER_SETTINGS: ReadonlySet<string> = new Set([
  "loglevel",
  "listen",
  "downloader-exporter",
  "lang",
  "timeout",
  "usecategoryastracker",
  "rewrite",
  "default",
  "maxupspeed",
  "maxdownspeed",
]);

/** What pt-exporter reads of each client (lower case). */
export const PT_EXPORTER_CLIENT_KEYS: ReadonlySet<string> = new Set([
  "type",
  "host",
  "username",
  "password",
  "max-up-speed",
  "max-down-speed",
]);

/** pt-exporter's bandwidth keys: per client, in `config.default`, and `config`'s own (a number). */
const MAX_SPEEDS = [
  {
    client: "max-up-speed",
    setting: "maxupspeed",
    target: "max_upload_speed",
    metric: "pt_max_upload_speed_bytes",
  },
  {
    client: "max-down-speed",
    setting: "maxdownspeed",
    target: "max_download_speed",
    metric: "pt_max_download_speed_bytes",
  },
] as const;

/** Where a client without its own max speed takes one from, per target key. */
type SpeedFallbacks = Map<string, { readonly value: unknown; readonly from: string }>;

/** The client types pt-exporter polls, and the seedwatch type of each. */
const CLIENT_TYPES = new Set(["qbittorrent", "transmission"]);

/** A seedwatch target name. */
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `${NAME}`: seedwatch.yml replaces it with an environment variable, in every value. */
const ENV_REF = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/** One key of a mapping: as written, its value, and whether other cases of it came before. */
interface Entry {
  readonly key: string;
  readonly value: unknown;
  readonly twice: boolean;
}

type Mapping = ReadonlyMap<string, Entry>;

/**
 * The seedwatch.yml for pt-exporter's configuration `text` (read from `file`), with comments in
 * `language`. pt-exporter reads its file with viper: keys are case-insensitive, the `config:`
 * block holds the settings and every other key is a client, whose name label is the key in
 * capitals. Settings become `global:` keys; the listen address and log level become flags (said
 * in comments); what seedwatch has no equivalent for is kept as a comment saying so.
 */
export function convertPtExporterConfig(text: string, file: string, language: Language): string {
  const say = (key: MigrateMessageKey, params?: MessageParams) =>
    formatMessage(language, MIGRATE_CATALOGS[language][key], params);
  const yaml = readYaml(text);
  const [problem] = yaml.problems;
  if (problem !== undefined)
    throw new PtExporterConfigError(
      say("error.yaml", { file, line: problem.line, col: problem.col, problem: problem.message }),
    );
  const root = mapping(yaml.value);
  if (root === undefined) throw new PtExporterConfigError(say("error.notMap", { file }));

  const head: string[] = [];
  const global: string[] = [];
  const targets: string[] = [];
  const settings = mapping(root.get("config")?.value) ?? new Map();

  head.push(...comment(0, say("head.title", { file })), ...comment(0, say("head.check")));
  head.push(...comment(0, say("head.metrics")), "#");
  const listen = settings.get("listen");
  if (listen === undefined) head.push(...comment(0, say("flag.listenDefault")));
  else {
    const address = goString(listen.value);
    head.push(
      ...comment(
        0,
        say("flag.listen", { listen: address.includes(":") ? address : `:${address}` }),
      ),
    );
  }
  const level = settings.get("loglevel");
  if (level !== undefined) {
    const written = goString(level.value);
    head.push(
      ...comment(
        0,
        say("flag.logLevel", { level: written, flag: written === "debug" ? "debug" : "info" }),
      ),
    );
  }

  const timeout = settings.get("timeout");
  if (timeout !== undefined) {
    const seconds = goInt(timeout.value);
    if (seconds > 0)
      global.push(
        line(1, `timeout: ${seconds}s`, say("key.timeout", { seconds: String(seconds) })),
      );
    else global.push(...comment(1, say("key.noTimeout", { value: goString(timeout.value) })));
  }
  const byCategory = settings.get("usecategoryastracker");
  const rewrite = mapping(settings.get("rewrite")?.value);
  if (byCategory !== undefined || rewrite !== undefined) {
    global.push(line(1, "tracker:"));
    if (byCategory !== undefined)
      global.push(
        line(2, `category_as_tracker: ${goBool(byCategory.value)}`, say("key.categoryAsTracker")),
      );
    if (rewrite !== undefined) {
      const renames: string[] = [];
      const skipped: string[] = [];
      for (const [host, { value }] of rewrite) {
        const name = goString(value);
        if (ENV_REF.test(host) || ENV_REF.test(name))
          skipped.push(...comment(2, say("key.rewriteEnv", { host })));
        else if (host === "" || name === "")
          skipped.push(...comment(2, say("key.rewriteEmpty", { host })));
        else renames.push(line(3, `${quote(host)}: ${quote(name)}`));
      }
      global.push(
        renames.length === 0
          ? line(2, "rename: {}", say("key.rewrite"))
          : line(2, "rename:", say("key.rewrite")),
        ...renames,
        ...skipped,
      );
    }
  }
  global.push(line(1, "compat:"));
  const compat = settings.get("downloader-exporter");
  if (compat !== undefined) {
    const on = goBool(compat.value);
    global.push(
      line(2, `downloader_exporter: ${on}`, on ? say("key.downloaderExporter") : undefined),
    );
  }
  // pt-exporter writes Chinese status names for lang "zh" exactly (its default), English otherwise.
  const lang = settings.get("lang");
  const written = lang === undefined ? "zh" : goString(lang.value);
  global.push(
    line(
      2,
      `status_language: ${written === "zh" ? "zh" : "en"}`,
      lang === undefined
        ? say("key.langDefault")
        : say(written === "zh" ? "key.lang" : "key.langEnglish", { value: written }),
    ),
  );
  // Max speeds for clients without their own: config.default's (which pt-exporter never read),
  // else config's maxupspeed / maxdownspeed (which it read as numbers for every client).
  const fallbacks: SpeedFallbacks = new Map();
  const defaults = settings.get("default");
  const defaultKeys = mapping(defaults?.value);
  for (const speed of MAX_SPEEDS) {
    const setting = settings.get(speed.setting);
    if (setting === undefined) continue;
    const value = setting.value;
    const rate = parseLineRate(value);
    if (rate === undefined || rate === 0)
      global.push(
        ...comment(1, say("key.maxSpeedLeftOut", { key: setting.key, value: goString(value) })),
      );
    else {
      global.push(
        ...comment(
          1,
          say("key.maxSpeed", { key: setting.key, value: goString(value), target: speed.target }),
        ),
      );
      fallbacks.set(speed.target, { value, from: `config.${setting.key}` });
    }
  }
  for (const speed of MAX_SPEEDS) {
    const value = defaultKeys?.get(speed.client)?.value;
    const rate = parseLineRate(value);
    if (rate !== undefined && rate > 0)
      fallbacks.set(speed.target, {
        value,
        from: `config.${defaults?.key ?? "default"}.${defaultKeys?.get(speed.client)?.key}`,
      });
  }
  if (defaults !== undefined) {
    const keys = [...(defaultKeys?.values() ?? [])]
      .map(({ key, value }) => `${key}: ${goString(value)}`)
      .join(", ");
    global.push(
      ...comment(1, say("key.default", { keys: keys === "" ? goString(defaults.value) : keys })),
    );
  }
  for (const [lower, { key }] of settings)
    if (!PT_EXPORTER_SETTINGS.has(lower)) global.push(...comment(1, say("key.unknown", { key })));

  const names = new Set<string>();
  let clients = 0;
  for (const [lower, { key, value, twice }] of root) {
    if (lower === "config") continue;
    const client = mapping(value);
    const type = client === undefined ? "" : goString(client.get("type")?.value).toLowerCase();
    if (client === undefined) {
      targets.push(...comment(1, say("target.notClient", { key })));
      continue;
    }
    if (!CLIENT_TYPES.has(type)) {
      targets.push(
        ...comment(1, say("target.unsupported", { key, type: type === "" ? '""' : type })),
      );
      continue;
    }
    clients++;
    targets.push(
      ...convertClient(key, lower, client, type, names, say, twice, fallbacks, language),
    );
  }
  if (clients === 0) throw new PtExporterConfigError(say("error.noClient", { file }));

  const out = [...head, ""];
  if (global.length > 0) out.push("global:", ...global, "");
  out.push("targets:", ...targets);
  return `${out.join("\n")}\n`;
}

/** One client of pt-exporter's file as a seedwatch target. */
function convertClient(
  key: string,
  lower: string,
  client: Mapping,
  type: string,
  names: Set<string>,
  say: (key: MigrateMessageKey, params?: MessageParams) => string,
  twice: boolean,
  fallbacks: SpeedFallbacks,
  language: Language,
): string[] {
  const out: string[] = [];
  // viper lower-cases the key; pt-exporter upper-cases it for the name label.
  const label = lower.toUpperCase();
  let name = TARGET_NAME.test(label) ? label : safeName(label);
  if (name === "") name = "TARGET";
  for (let n = 2; names.has(name); n++) name = `${name.replace(/-\d+$/, "")}-${n}`;
  names.add(name);
  if (twice) out.push(...comment(1, say("target.twice", { key })));
  out.push(
    line(
      1,
      `- name: ${plainName(name)}`,
      name === label ? say("target.name", { key }) : say("target.renamed", { label }),
    ),
    line(2, `type: ${type}`),
  );

  const username = client.get("username");
  const password = client.get("password");
  let user = username === undefined ? undefined : goString(username.value);
  let secret = password === undefined ? undefined : goString(password.value);
  const host = client.get("host");
  if (host === undefined) out.push(...comment(2, say("target.noHost")), line(2, 'url: ""'));
  else {
    const written = goString(host.value);
    let url: URL | undefined;
    let assumed = false;
    try {
      url = new URL(written);
      if (!/^https?:$/.test(url.protocol)) throw new TypeError("not http");
    } catch {
      try {
        url = new URL(`http://${written}`);
        assumed = true;
      } catch {
        url = undefined;
      }
    }
    if (url === undefined)
      out.push(
        ...comment(2, say("target.badUrl", { host: written })),
        line(2, `url: ${quote(written)}`),
      );
    else {
      const notes: string[] = [];
      if (assumed) notes.push(say("target.urlScheme", { host: written }));
      if (url.username !== "" || url.password !== "") {
        // pt-exporter sent them with the URL; seedwatch wants them apart (and never in a label).
        user ??= decodeURIComponent(url.username);
        secret ??= decodeURIComponent(url.password);
        url.username = "";
        url.password = "";
        notes.push(say("target.urlCredentials"));
      }
      let target: string;
      if (type === "transmission") {
        // hekmon/transmissionrpc: plain HTTP to host and port (80 when none), at /transmission/rpc.
        target = `http://${url.host}/transmission/rpc`;
        notes.push(say("target.transmissionUrl", { host: written }));
      } else {
        target = url.href.replace(/\/$/, "");
      }
      for (const note of notes) out.push(...comment(2, note));
      out.push(line(2, `url: ${quote(target)}`));
    }
  }
  if (user !== undefined) out.push(line(2, `username: ${quote(user)}`));
  if (secret !== undefined) {
    if (ENV_REF.test(secret)) {
      const variable = `${name.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}_PASSWORD`;
      out.push(
        ...comment(2, say("target.passwordEnv", { variable })),
        line(2, `password: \${${variable}}`),
      );
    } else out.push(line(2, `password: ${quote(secret)}`, say("target.password")));
  }
  const bytes = new Intl.NumberFormat(language);
  for (const speed of MAX_SPEEDS) {
    const own = client.get(speed.client);
    const fallback = fallbacks.get(speed.target);
    if (own !== undefined) {
      const rate = parseLineRate(own.value);
      const params = { key: own.key, value: goString(own.value) };
      if (rate === undefined) out.push(...comment(2, say("target.maxSpeedLeftOut", params)));
      else
        out.push(
          line(
            2,
            `${speed.target}: ${lineRate(own.value)}`,
            rate === 0
              ? say("target.maxSpeedZero", params)
              : say("target.maxSpeed", {
                  ...params,
                  bytes: bytes.format(rate),
                  metric: speed.metric,
                }),
          ),
        );
    } else if (fallback !== undefined) {
      const rate = parseLineRate(fallback.value) as number;
      out.push(
        line(
          2,
          `${speed.target}: ${lineRate(fallback.value)}`,
          say("target.maxSpeedFrom", { from: fallback.from, bytes: bytes.format(rate) }),
        ),
      );
    }
  }
  for (const [lowerKey, { key: written }] of client) {
    if (PT_EXPORTER_CLIENT_KEYS.has(lowerKey)) continue;
    out.push(...comment(2, say("target.unknown", { key: written })));
  }
  out.push("");
  return out;
}

/**
 * A YAML mapping as pt-exporter's viper sees it: keys lower-cased (a key given twice in other
 * cases: the last wins), in the file's order; undefined for anything else.
 */
function mapping(value: unknown): Mapping | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const out = new Map<string, Entry>();
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const twice = out.has(lower);
    out.delete(lower);
    out.set(lower, { key, value: item, twice });
  }
  return out;
}

/** A value as viper's GetString gives it. */
function goString(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A value as viper's GetInt gives it (spf13/cast: a number, or a string of one; else 0). */
function goInt(value: unknown): number {
  if (typeof value === "number") return Math.trunc(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value))
    return Number.parseInt(value, 10);
  return 0;
}

/** A value as viper's GetBool gives it (spf13/cast: strconv.ParseBool's words, numbers not 0). */
function goBool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string")
    return ["1", "t", "T", "TRUE", "true", "True"].includes(value.trim());
  return false;
}

/** A line rate parseLineRate accepts, as seedwatch.yml reads it back: a number, or plain text. */
function lineRate(value: unknown): string {
  return typeof value === "number" ? String(value) : String(value).trim();
}

/** A name seedwatch accepts, from one it does not: other characters become '-'. */
function safeName(label: string): string {
  return label
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64);
}

/** A name as YAML reads it back as the same string: plain when it can be, else quoted. */
function plainName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9._-]*$/.test(name) &&
    !/^(true|false|null|yes|no|on|off|y|n)$/i.test(name)
    ? name
    : quote(name);
}

/** A string as a YAML double-quoted scalar (JSON's escapes are YAML's). */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** A line at `depth` (two spaces each), with a comment after it. */
function line(depth: number, text: string, note?: string): string {
  const indented = `${"  ".repeat(depth)}${text}`;
  return note === undefined ? indented : `${indented}  # ${note.replace(/\s+/g, " ")}`;
}

/**
 * A comment line at `depth`. Never wrapped: a line break could fall inside a command, and
 * Chinese has no spaces to break at.
 */
function comment(depth: number, text: string): string[] {
  return [`${"  ".repeat(depth)}# ${text.replace(/\s+/g, " ")}`];
}
