// The English words of `seedwatch migrate pt-exporter`: comments in the seedwatch.yml it prints, and its errors.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: seedwatch.yml's own ${VAR} syntax, written as text

/** Every message of the pt-exporter migration, in English (the reference catalog). */
export const MIGRATE_EN = {
  "head.title":
    "seedwatch.yml, converted from pt-exporter's {file} by `seedwatch migrate pt-exporter`.",
  "head.check": "Check it with: seedwatch --config.check --config.file=seedwatch.yml",
  "head.metrics":
    "The pt_* metrics keep their names; docs/migration.md says what changed (name label, Transmission's client label).",
  "flag.listen":
    "config.listen: {listen}. seedwatch listens on :8742 by default; to keep the address Prometheus scrapes, run: seedwatch --web.listen-address={listen}",
  "flag.listenDefault":
    "pt-exporter listened on :9200 (no config.listen). seedwatch listens on :8742 by default; to keep :9200, run: seedwatch --web.listen-address=:9200",
  "flag.logLevel": "config.logLevel: {level}. Run seedwatch with --log.level={flag}",
  "key.timeout": "config.timeout: {seconds} (seconds)",
  "key.noTimeout":
    "config.timeout: {value}: pt-exporter then waited without a time limit; seedwatch always has one (default 10s)",
  "key.categoryAsTracker": "config.UseCategoryAsTracker",
  "key.rewrite": "config.rewrite (keys in lower case, as pt-exporter read them)",
  "key.rewriteEnv":
    "config.rewrite: {host}: left out, it holds ${...}, which seedwatch reads as an environment variable",
  "key.rewriteEmpty": "config.rewrite: {host}: left out, seedwatch needs a host and a name",
  "key.downloaderExporter":
    "config.downloader-exporter: true. pt-exporter then replaced pt_* with downloader_*; seedwatch emits downloader_* beside pt_*",
  "key.lang":
    "config.lang: {value}: pt-exporter's Chinese status names (上传中, 等待, ...), on pt_torrents_count and downloader_torrents_count",
  "key.langEnglish":
    "config.lang: {value}: pt-exporter wrote English status names for any lang but zh (Uploading, Stalled, ...)",
  "key.langDefault":
    "no config.lang: pt-exporter's default, zh, wrote Chinese status names (上传中, 等待, ...); en for English ones",
  "key.default":
    "config.default ({keys}): pt-exporter never read it; its max-up-speed and max-down-speed go to the clients below without their own (0: none)",
  "key.maxSpeed":
    "config.{key}: {value}: seedwatch sets it per target, as {target} on each client below without its own",
  "key.maxSpeedLeftOut":
    "config.{key}: {value}: left out: 0, or not a line rate (1Gbps, 100Mbps, or bytes per second)",
  "key.unknown": "config.{key}: not a pt-exporter setting (it ignored it too)",
  "target.name": "pt-exporter's name label: the key {key} in capitals",
  "target.renamed":
    "pt-exporter's name label was {label}; a seedwatch name holds only letters, digits, '.', '_' and '-'",
  "target.twice":
    "the key {key} is given more than once (pt-exporter's keys ignore case): the last one is used",
  "target.urlScheme": "host: {host} has no scheme: http:// assumed",
  "target.transmissionUrl":
    "host: {host}. pt-exporter spoke plain HTTP to this host and port (80 when none) at /transmission/rpc",
  "target.urlCredentials": "host: the user and password in the URL moved to username and password",
  "target.badUrl": "host: {host} is not a URL; fix url",
  "target.noHost": "no host: pt-exporter could not poll this client; fill in url",
  "target.password": "or ${ENV_VAR}, or password_file: PATH, to keep the password out of this file",
  "target.passwordEnv":
    "the password holds ${...}, which seedwatch reads as an environment variable: put the password in {variable}",
  "target.maxSpeed":
    "{key}: {value}, bits per second: {bytes} bytes a second in {metric} (pt-exporter never read this key)",
  "target.maxSpeedZero": "{key}: {value}: no series for 0 (as pt-exporter)",
  "target.maxSpeedFrom": "from {from}: {bytes} bytes a second",
  "target.maxSpeedLeftOut":
    "{key}: {value}: left out, not a line rate (1Gbps, 100Mbps, or bytes per second)",
  "target.unknown": "{key}: not a pt-exporter setting (it ignored it too)",
  "target.unsupported":
    "{key}: type {type} is not one pt-exporter polled (qbittorrent, transmission): left out. seedwatch also polls deluge, rtorrent: see docs/clients",
  "target.notClient": "{key}: not a client (a map with type and host): left out",
  help: `usage: seedwatch migrate pt-exporter [--lang=en|zh-CN] [FILE]

Prints a seedwatch.yml equivalent to pt-exporter's configuration FILE (default: config.yaml,
where pt-exporter reads it): every client becomes a target, config's settings become global
keys, and each key without an equivalent stays as a comment that says so.

  --lang=LANG   the language of the comments: en or zh-CN (default: from LC_ALL, LC_MESSAGES
                or LANG, else en)
  --help        this text

example: seedwatch migrate pt-exporter config.yaml > seedwatch.yml
`,
  "error.read": "cannot read {file} ({code})",
  "error.tooLarge": "{file} is larger than {limit}",
  "error.yaml": "{file}:{line}:{col}: YAML syntax: {problem}",
  "error.notMap": "{file}: expected pt-exporter's config.yaml: keys config and one per client",
  "error.noClient": "{file}: no client to migrate (pt-exporter polls the keys besides config)",
} as const;

/** A key of the migration's catalogs. */
export type MigrateMessageKey = keyof typeof MIGRATE_EN;
