// Generates docs/configuration.md from the zod schema: every key, its type and default (from the code), and its meaning.

import { basename } from "node:path";
import type { z } from "zod";
import type { Config, TargetConfig } from "../../packages/exporter/src/config/config.ts";
import { parseConfig } from "../../packages/exporter/src/config/load.ts";
import { configSchema } from "../../packages/exporter/src/config/schema.ts";
import { HISTORY_DEFAULTS } from "../../packages/exporter/src/history/history-config.ts";
import { AUDIT_RETENTION_DEFAULTS } from "../../packages/exporter/src/removal/audit-retention.ts";
import { compileRule } from "../../packages/exporter/src/removal/rule.ts";
import { formatDuration } from "../../packages/exporter/src/settings/duration.ts";
import { DEFAULT_WEB_POLICY } from "../../packages/exporter/src/web/access-policy.ts";
import { code, codeList, generatedNotice, table } from "./markdown.ts";

/** One key of the file, flattened: `targets[].per_torrent.max_torrents`. */
export interface ConfigKey {
  readonly path: string;
  readonly type: string;
}

/** Where in the file a key is documented, and the text that introduces that part. */
interface Section {
  /** Path prefix of the keys the section lists, shown relative to it. */
  readonly prefix: string;
  readonly title: string;
  readonly intro: string;
}

/** What the reference says about one key; `default` reads the resolved configuration. */
interface KeyDoc {
  readonly meaning: string;
  readonly default?: (d: ResolvedDefaults) => string;
}

/** A resolved configuration with nothing set, and the constants defaults come from. */
interface ResolvedDefaults {
  readonly config: Config;
  readonly client: TargetConfig;
  readonly device: TargetConfig;
}

const ms = (value: number) => code(formatDuration(value));
const json = (value: unknown) => code(JSON.stringify(value));
const none = () => "none";
const days = (value: number) => code(`${value / 86_400_000}d`);
const count = (value: number) => code(String(value));

/** Meanings (and defaults) of every key. A key of the schema missing here fails the docs test. */
const KEYS: Readonly<Record<string, KeyDoc>> = {
  "targets[].name": {
    meaning:
      "Unique name of the target: the `name` label of its series, and its name in `/probe?target=`, the dashboard and the API. 1-64 letters, digits, `.`, `_`, `-`.",
  },
  "targets[].type": {
    meaning:
      "What the target is; see [clients/](clients/) and [devices/linxdot.md](devices/linxdot.md).",
  },
  "targets[].url": {
    meaning:
      "Where the target answers, without credentials: `http(s)://` (qBittorrent, Transmission, deluge-web, rTorrent behind a web server, Linxdot), `deluge://host:58846` (deluged's RPC), `scgi://host:port` or `scgi:///path/to/socket` (rTorrent).",
  },
  "targets[].username": {
    meaning:
      "User name for the target's login (qBittorrent WebUI, Deluge account, HTTP basic auth, Linxdot dashboard).",
  },
  "targets[].password": {
    meaning:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's ${VAR} syntax
      "Its password. `${ENV_VAR}` is replaced by the variable's value. Shown as `<secret>` in `/config`, never logged.",
  },
  "targets[].password_file": {
    meaning:
      "Read the password from this file instead (one trailing newline is dropped); relative to the config file. For a `deluge` target it may be Deluge's own `auth` file (`user:password:level` lines): the password of `username`'s line is used, as deluge-console does.",
  },
  "targets[].api_key": {
    meaning: "qBittorrent 5.2+: an API key, used instead of username and password.",
  },
  "targets[].plain_credentials": {
    meaning:
      "Linxdot only: send the credentials as typed instead of MD5-hashed (linxdot_exporter's `--plain_credentials`).",
    default: () => code("false"),
  },
  "targets[].poll_interval": {
    meaning:
      "How often the target is polled in the background. A global value applies to torrent clients, not to devices.",
    default: (d) => `${ms(d.client.pollInterval)} (devices: ${ms(d.device.pollInterval)})`,
  },
  "targets[].timeout": {
    meaning:
      "Time limit of one poll (every request of it together). A sync (the first poll, or one while the target is down) may go on while data keeps arriving, cut short after this long without any, or after 30 times this (at least 5 minutes).",
    default: (d) => ms(d.client.timeout),
  },
  "targets[].per_torrent.enabled": {
    meaning:
      "Export per-torrent series (`pt_tracker_torrent*`); when false, only the aggregates, and `seedwatch_target_per_torrent_omitted_torrents` counts every torrent.",
    default: (d) => json(d.client.perTorrent.enabled),
  },
  "targets[].per_torrent.max_torrents": {
    meaning:
      "All or nothing: while the target has at most this many torrents every one has its per-torrent series; with more, none has (only the aggregates, always complete), `seedwatch_target_per_torrent_omitted_torrents` is the number of torrents, and the log says so each time the target crosses the cap, either way.",
    default: (d) => json(d.client.perTorrent.maxTorrents),
  },
  "targets[].tracker.rename": {
    meaning:
      'Tracker host (or `*.domain` for its subdomains) to the name used as the `tracker` label, e.g. `{"tracker.example.org": Example}`. Global and target maps are merged.',
    default: (d) => json(d.client.tracker.rename),
  },
  "targets[].tracker.category_as_tracker": {
    meaning:
      "Use the torrent's category as its `tracker` label (pt-exporter's `UseCategoryAsTracker`).",
    default: (d) => json(d.client.tracker.categoryAsTracker),
  },
  "targets[].compat.downloader_exporter": {
    meaning:
      "Also export LeiShi1313/downloader-exporter's `downloader_*` family (see [migration.md](migration.md)).",
    default: (d) => json(d.client.compat.downloaderExporter),
  },
  "targets[].compat.status_language": {
    meaning:
      "The language of the `status` label of `pt_torrents_count` and `downloader_torrents_count`: `en` (`Uploading`, `Stalled`, ...) or `zh`, pt-exporter's default `lang: zh` (`上传中`, `等待`, ...; see [metrics.md](metrics.md)), for panels and alerts that match those values.",
    default: (d) => code(d.client.compat.statusLanguage),
  },
  "targets[].max_upload_speed": {
    meaning:
      "The host's upload bandwidth (pt-exporter's `max-up-speed`): `1Gbps` and `100Mbps` are bits per second (1 Gbps is 125,000,000 bytes a second), a plain number bytes per second. Exported as `pt_max_upload_speed_bytes` for utilization panels; not exported when unset or 0. Torrent clients only; not under `global:`.",
    default: none,
  },
  "targets[].max_download_speed": {
    meaning:
      "The host's download bandwidth (pt-exporter's `max-down-speed`), as `max_upload_speed`; exported as `pt_max_download_speed_bytes`.",
    default: none,
  },
  "targets[].tls.insecure_skip_verify": {
    meaning:
      "Accept any certificate from an `https://` target (self-signed seedboxes). Prefer `ca_file`.",
    default: (d) => json(d.client.tls.insecureSkipVerify),
  },
  "targets[].tls.ca_file": {
    meaning:
      "PEM file of the CA (or the self-signed certificate) to trust for this target; relative to the config file. For deluged's RPC it pins `<deluge config>/ssl/daemon.cert`.",
    default: none,
  },
  "targets[].removal.enabled": {
    meaning:
      "Allow removing this target's torrents through the removal API and the `/remove` confirmation page (the dashboard's and Grafana's links). Off unless set; every removal is audited. See [security.md](security.md).",
    default: (d) => json(d.config.removal.get(d.client.name)?.enabled ?? false),
  },
  "targets[].removal.rules[].name": {
    meaning:
      "The rule's name: what requests, `/remove?rule=NAME` links and the audit log refer to. Required in the config file; a target's rule replaces a global one of the same name.",
  },
  "targets[].removal.rules[].delete_data": {
    meaning: "Delete the downloaded files too.",
    default: () => json(compileRule({ trackers: ["x"] }, "x").deleteData),
  },
  "targets[].removal.rules[].trackers": {
    meaning:
      "Only torrents of these trackers (the `tracker` label, or any tracker host; `*.example.org` matches its subdomains).",
  },
  "targets[].removal.rules[].categories": {
    meaning: 'Only torrents in these categories (`""` is none).',
  },
  "targets[].removal.rules[].tags": { meaning: "Only torrents with any of these tags." },
  "targets[].removal.rules[].states": {
    meaning:
      "Only torrents in these states (the `status` names: `Uploading`, `Stalled`, `Paused`, ...).",
  },
  "targets[].removal.rules[].complete": {
    meaning: "Only complete (`true`) or only incomplete (`false`) torrents.",
  },
  "targets[].removal.rules[].ratio.min": { meaning: "Only torrents whose ratio is at least this." },
  "targets[].removal.rules[].ratio.max": { meaning: "Only torrents whose ratio is at most this." },
  "targets[].removal.rules[].seeding_time.min": {
    meaning: "Only torrents that have seeded at least this long.",
  },
  "targets[].removal.rules[].seeding_time.max": {
    meaning: "Only torrents that have seeded at most this long.",
  },
  "targets[].removal.rules[].size.min": {
    meaning: "Only torrents of at least this size (bytes selected for download).",
  },
  "targets[].removal.rules[].size.max": { meaning: "Only torrents of at most this size." },
  "targets[].removal.rules[].age.min": { meaning: "Only torrents added at least this long ago." },
  "targets[].removal.rules[].age.max": { meaning: "Only torrents added at most this long ago." },
  "targets[].removal.rules[].exclude.trackers": { meaning: "Keep torrents of these trackers." },
  "targets[].removal.rules[].exclude.categories": { meaning: "Keep torrents in these categories." },
  "targets[].removal.rules[].exclude.tags": { meaning: "Keep torrents with any of these tags." },
  "targets[].removal.rules[].exclude.states": { meaning: "Keep torrents in these states." },
  "targets[].removal.rules[].free_space_below": {
    meaning:
      "Only while the client's free space is below this: select, in `order`, just enough matching torrents to get back above it (needs `delete_data: true`).",
  },
  "targets[].removal.rules[].order": {
    meaning: "In which order the rule picks torrents (for `limit` and `free_space_below`).",
    default: () => code(compileRule({ trackers: ["x"] }, "x").order),
  },
  "targets[].removal.rules[].limit": {
    meaning: "At most this many torrents each time the rule is applied.",
  },
  "global.min_refresh_interval": {
    meaning:
      "A scrape re-polls a torrent client first when its data is older than this (devices: their `poll_interval`). 0 re-polls on every scrape.",
    default: (d) => ms(d.client.minRefreshInterval),
  },
  "storage.path": {
    meaning:
      "The state database (node:sqlite): per-tracker totals and every torrent's last counters, the history archive, the removal audit log. Relative to the config file. Without a config file seedwatch uses the platform's state directory: `$XDG_STATE_HOME/seedwatch/`, else `~/.local/state/seedwatch/` (created with mode 0700).",
    default: (d) =>
      `${code(basename(d.config.storagePath))} beside the config file; under systemd's \`StateDirectory=\`, in it (\`$STATE_DIRECTORY\`)`,
  },
  discovery: {
    meaning:
      "Also find the torrent clients of this machine and watch them, as seedwatch does when it runs without a config file: their own configuration files are read (qBittorrent.conf, Transmission's settings.json, Deluge's core.conf and auth, ~/.rtorrent.rc), then their default ports are tried, again every minute. A client this file lists (same URL) is left to it. See [discovery.md](discovery.md).",
    default: () => `${code("false")} (${code("true")} without a config file)`,
  },
  "audit.removals.max_age": {
    meaning:
      "Real removals (results `removed`, `partial`, `failed`) older than this are deleted from the audit log, with their list of torrents.",
    default: () => days(AUDIT_RETENTION_DEFAULTS.kinds.removal.maxAge),
  },
  "audit.removals.max_entries": {
    meaning: "At most this many real removals are kept (the oldest go first).",
    default: () => count(AUDIT_RETENTION_DEFAULTS.kinds.removal.maxEntries),
  },
  "audit.removals.max_torrents": {
    meaning:
      "At most this many torrents listed across the kept real removals (each removal lists every torrent it removed); above it the oldest removals go, whole (the newest is always kept).",
    default: () => count(AUDIT_RETENTION_DEFAULTS.maxRemovedTorrents),
  },
  "audit.nothing_removed.max_age": {
    meaning:
      "Requests that removed nothing (results `refused`, `nothing`) older than this are deleted.",
    default: () => days(AUDIT_RETENTION_DEFAULTS.kinds["nothing-removed"].maxAge),
  },
  "audit.nothing_removed.max_entries": {
    meaning: "At most this many requests that removed nothing are kept.",
    default: () => count(AUDIT_RETENTION_DEFAULTS.kinds["nothing-removed"].maxEntries),
  },
  "audit.dry_runs.max_age": {
    meaning: "Dry runs and previews older than this are deleted.",
    default: () => days(AUDIT_RETENTION_DEFAULTS.kinds["dry-run"].maxAge),
  },
  "audit.dry_runs.max_entries": {
    meaning: "At most this many dry runs are kept.",
    default: () => count(AUDIT_RETENTION_DEFAULTS.kinds["dry-run"].maxEntries),
  },
  "host.enabled": {
    meaning:
      "Read the host's indicators (`seedwatch_host_*`, the dashboard's host panel, host history).",
    default: (d) => json(d.config.host.enabled),
  },
  "host.paths": {
    meaning:
      "Absolute paths whose file systems' size and free space are shown (`seedwatch_host_filesystem_*{path}`). A path whose statfs does not answer within 5 s (a hung NFS or FUSE mount) is reported stuck (`seedwatch_host_filesystem_stuck`, a warning in the log) and not asked again until that call returns; the other paths and indicators are served meanwhile.",
    default: (d) => json(d.config.host.paths),
  },
  "history.enabled": {
    meaning:
      "Keep the history archive and answer `/api/v1/history`. Read at start only (a reload does not change history settings).",
    default: (d) => json(d.config.history.enabled),
  },
  "history.resolution": {
    meaning:
      "Sample period of the embedded archive, whole seconds from 1s to 1h. See [history.md](history.md).",
    default: (d) => ms(d.config.history.resolution),
  },
  "history.source": {
    meaning:
      "Where the dashboard's history comes from: the embedded archive, or a Prometheus-compatible query API.",
    default: (d) => code(d.config.history.source),
  },
  "history.prometheus_url": {
    meaning:
      "With `source: prometheus`: the base URL (`/api/v1/query_range` is appended); Thanos, Mimir and VictoriaMetrics bases work.",
    default: none,
  },
  "history.prometheus_selector": {
    meaning:
      'Label matchers picking this seedwatch\'s scrape, e.g. `job="seedwatch", instance="box1:8742"`.',
    default: () => "none (every series)",
  },
  "history.prometheus_timeout": {
    meaning: "Time limit of one query.",
    default: () => ms(HISTORY_DEFAULTS.prometheusTimeout),
  },
  "history.prometheus_rate_window": {
    meaning: "Window of `rate()` over host counters: at least 4 scrape intervals.",
    default: () => ms(HISTORY_DEFAULTS.prometheusRateWindow),
  },
  "history.prometheus_basic_auth.username": { meaning: "Basic auth user for the query API." },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's ${VAR} syntax
  "history.prometheus_basic_auth.password": { meaning: "Its password (`${ENV_VAR}` works)." },
  "history.prometheus_basic_auth.password_file": {
    meaning: "Or read the password from this file.",
  },
  "history.prometheus_bearer_token_file": {
    meaning: "A bearer token for the query API, read from this file (instead of basic auth).",
  },
  "history.prometheus_tls.insecure_skip_verify": {
    meaning: "Accept any certificate from the query API.",
    default: () => json(false),
  },
  "history.prometheus_tls.ca_file": {
    meaning: "PEM file of the CA to trust for the query API.",
    default: none,
  },
  "web.auth_required": {
    meaning:
      "Scopes that need a `--web.config.file` user when it has `basic_auth_users` (`actions` and `admin` always do). See [security.md](security.md).",
    default: () => json([...DEFAULT_WEB_POLICY.authRequired]),
  },
  "web.loopback_only": {
    meaning:
      "Scopes that answer only loopback clients, with a loopback `Host`, while nobody has to log in for them.",
    default: () => json([...DEFAULT_WEB_POLICY.loopbackOnly]),
  },
  "web.allowed_hosts": {
    meaning:
      "Host names accepted in `Host` besides localhost and loopback addresses (a reverse proxy's public name).",
    default: () => json(DEFAULT_WEB_POLICY.allowedHosts),
  },
  "web.allowed_origins": {
    meaning:
      "Origins (`https://seed.example.org`) allowed to send actions and `/-/reload` besides seedwatch's own.",
    default: () => json(DEFAULT_WEB_POLICY.allowedOrigins),
  },
  "web.max_connections_per_client": {
    meaning:
      "Connections one client address (an IPv6 client: its /64) may hold open at once; more are closed at once, so one address cannot take all 1,024. Behind a reverse proxy every client shares the proxy's address: raise it there.",
    default: () => json(DEFAULT_WEB_POLICY.maxConnectionsPerClient),
  },
};

const SECTIONS: readonly Section[] = [
  // First: later sections are tried first (see sectionOf), so this one takes only the top-level keys.
  { prefix: "", title: "Top level", intro: "" },
  {
    prefix: "targets[].",
    title: "`targets`: what to watch",
    intro:
      "A list; at least one target, unless `discovery: true`. Keys marked *global* can also be set under `global:`, as the default for every target; a target's own value wins.",
  },
  {
    prefix: "targets[].removal.rules[].",
    title: "`removal.rules`: named removal rules",
    intro:
      "Under a target's `removal:` (or `global.removal:`). A rule selects the torrents that meet every condition it gives (at least one), less those `exclude` matches; the same format is accepted in removal requests.",
  },
  {
    prefix: "global.",
    title: "`global`: defaults for every target",
    intro: "Every key marked *global* above, plus:",
  },
  { prefix: "storage.", title: "`storage`", intro: "" },
  {
    prefix: "audit.",
    title: "`audit`: how much of the removal audit log is kept",
    intro:
      "Each kind of entry is deleted by age and by count, oldest first, on every write and every 10 minutes; a reload applies at once. See [removal.md](removal.md#the-audit-log).",
  },
  { prefix: "host.", title: "`host`: the machine the daemon runs on", intro: "" },
  {
    prefix: "history.",
    title: "`history`: the archive behind the dashboard's charts",
    intro: "See [history.md](history.md).",
  },
  {
    prefix: "web.",
    title: "`web`: who may reach which pages",
    intro:
      "Scopes: `health`, `metrics`, `dashboard`, `api`, `actions`, `admin`; see [security.md](security.md). TLS and users are in the `--web.config.file` (exporter-toolkit's web-config.yml), not here.",
  },
];

type Schema = z.core.$ZodType;
type Def = { type: string; [key: string]: unknown };

const defOf = (schema: Schema) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Drops optional/default/nullable wrappers. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.type === "optional" || def.type === "default" || def.type === "nullable")
      s = def.innerType as Schema;
    else return s;
  }
}

/** A readable type of a leaf schema. */
export function typeOf(schema: Schema): string {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number": {
      const n = s as unknown as {
        isInt: boolean;
        minValue: number | null;
        maxValue: number | null;
      };
      const min = n.minValue ?? Number.NEGATIVE_INFINITY;
      const max = n.maxValue ?? Number.POSITIVE_INFINITY;
      const safe = n.isInt && max >= Number.MAX_SAFE_INTEGER;
      const range =
        Number.isFinite(min) && Number.isFinite(max) && !safe
          ? ` (${min} to ${max})`
          : Number.isFinite(min)
            ? ` (${min} or more)`
            : "";
      return `${n.isInt ? "integer" : "number"}${range}`;
    }
    case "enum":
      return `one of ${codeList(Object.values(def.entries as Record<string, string>))}`;
    case "array":
      return `list of ${typeOf(def.element as Schema)}`;
    case "record":
      return `map of ${typeOf(def.keyType as Schema)} to ${typeOf(def.valueType as Schema)}`;
    case "pipe": {
      // The duration and size fields are a string-or-number union turned into a number: tell
      // them apart by what they accept.
      const accepts = (value: string) =>
        (s as unknown as { safeParse(v: unknown): { success: boolean } }).safeParse(value).success;
      if (accepts("90s")) return "duration (`10s`, `1m30s`, `500ms`, or seconds)";
      if (accepts("20GiB")) return "size (`500MiB`, `20GiB`, `1.5TB`, or bytes)";
      if (accepts("1Gbps")) return "line rate (`1Gbps`, `100Mbps`, or bytes per second)";
      return typeOf(def.in as Schema);
    }
    case "union":
      return (def.options as Schema[]).map(typeOf).join(" or ");
    default:
      return def.type;
  }
}

/** Every key of the schema, flattened (objects into dotted paths, lists of objects into `[]`). */
export function configKeys(
  schema: Schema = configSchema as unknown as Schema,
  prefix = "",
): ConfigKey[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.type === "object") {
    return Object.entries(def.shape as Record<string, Schema>).flatMap(([key, child]) =>
      configKeys(child, `${prefix}${key}.`),
    );
  }
  const path = prefix.slice(0, -1);
  if (def.type === "array" && defOf(unwrap(def.element as Schema)).type === "object")
    return configKeys(def.element as Schema, `${path}[].`);
  return [{ path, type: typeOf(s) }];
}

function resolvedDefaults(): ResolvedDefaults {
  const config = parseConfig(
    [
      "targets:",
      "  - { name: client, type: transmission, url: http://127.0.0.1:9091 }",
      "  - { name: device, type: linxdot, url: http://192.0.2.1, username: u, password: p }",
    ].join("\n"),
    "/etc/seedwatch/seedwatch.yml",
    {},
  );
  const [client, device] = config.targets as [TargetConfig, TargetConfig];
  return { config, client, device };
}

/** Keys of the schema with no meaning in KEYS, and entries of KEYS no key of the schema has. */
export function undocumentedKeys(): { missing: string[]; stale: string[] } {
  const keys = configKeys();
  const paths = new Set(keys.map((k) => k.path));
  const shared = (path: string) =>
    path.startsWith("global.") && paths.has(`targets[].${path.slice("global.".length)}`);
  return {
    missing: keys.map((k) => k.path).filter((p) => KEYS[p] === undefined && !shared(p)),
    stale: Object.keys(KEYS).filter((p) => !paths.has(p)),
  };
}

/** The whole of docs/configuration.md. */
export function renderConfigReference(): string {
  const { missing } = undocumentedKeys();
  if (missing.length > 0)
    throw new Error(`no meaning in config-reference.ts for: ${missing.join(", ")}`);
  const keys = configKeys();
  const paths = new Set(keys.map((k) => k.path));
  const defaults = resolvedDefaults();
  const sectionOf = (path: string) =>
    [...SECTIONS].reverse().find((s) => path.startsWith(s.prefix)) as Section;
  const parts = SECTIONS.map((section) => {
    const rows = keys
      .filter((k) => sectionOf(k.path) === section && KEYS[k.path] !== undefined)
      .map((k) => {
        const doc = KEYS[k.path] as KeyDoc;
        const inGlobal =
          section.prefix === "targets[]." &&
          paths.has(`global.${k.path.slice("targets[].".length)}`);
        const required = defOf(configSchemaAt(k.path)).type !== "optional";
        return [
          `${code(k.path.slice(section.prefix.length))}${inGlobal ? " *global*" : ""}`,
          k.type,
          doc.default?.(defaults) ?? (required ? "(required)" : ""),
          doc.meaning,
        ];
      });
    const intro = section.intro === "" ? "" : `${section.intro}\n\n`;
    return `## ${section.title}\n\n${intro}${table(["key", "type", "default", "meaning"], rows)}\n`;
  });
  return `# Configuration reference

${generatedNotice("tools/docs/config-reference.ts, from the zod schema in packages/exporter/src/config/schema.ts")}

seedwatch reads one YAML file (\`--config.file\`, default \`seedwatch.yml\`, at most 1 MiB). It
is validated strictly: an unknown key is an error, and every error names the file, the line and
column, the field path and what was expected, but never quotes a value from the file (a
mistyped password stays out of the log). \`seedwatch --config.check\` prints every problem and
exits; a running daemon re-reads the file on SIGHUP or \`POST /-/reload\` and keeps the running
configuration if the new one is bad (\`seedwatch_config_last_reload_successful 0\`).

- Quote a value that starts with \`*\`, \`&\`, \`!\`, \`|\`, \`>\`, \`%\`, \`@\`, a backtick or a quote
  (\`password: '*Abc123'\`): unquoted, YAML reads it as something else and the error says to quote
  it. Quote one that holds \`: \` or \` #\` too (\` #\` starts a comment, silently).
- \`\${NAME}\` anywhere in a string is replaced by the environment variable \`NAME\` (an unset
  variable is an error; it is named when the value is nothing but \`\${NAME}\`, never its value).
- Relative paths (\`password_file\`, \`ca_file\`, \`storage.path\`, ...) are relative to the config
  file's directory.
- Durations are Prometheus-style (\`500ms\`, \`10s\`, \`1m30s\`, \`1h\`, \`7d\`) or a number of seconds.
  Sizes are a number of bytes or a number with a unit: \`KiB\`, \`MiB\`, \`GiB\`, \`TiB\` (and the bare
  \`K\`, \`M\`, \`G\`, \`T\`) are powers of 1024, \`kB\`, \`MB\`, \`GB\`, \`TB\` powers of 1000.
- Secrets (\`password\`, \`api_key\`) are shown as \`<secret>\` in \`/config\` and never logged.

[seedwatch.example.yml](../seedwatch.example.yml) is a commented example; the command-line flags
are in the README.

${parts.join("\n")}`;
}

/** The schema of a flattened key's last step (to tell required keys from optional ones). */
function configSchemaAt(path: string): Schema {
  let s: Schema = configSchema as unknown as Schema;
  for (const step of path.split(".")) {
    const list = step.endsWith("[]");
    const key = list ? step.slice(0, -2) : step;
    const found = (defOf(unwrap(s)).shape as Record<string, Schema>)[key] as Schema;
    s = list ? (defOf(unwrap(found)).element as Schema) : found;
  }
  return s;
}
