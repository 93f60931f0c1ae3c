// The running daemon: config, state database, targets, host indicators, HTTP server, reloads and shutdown.

import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { NeedsCredentials } from "./collect/needs-credentials.ts";
import { TargetSet } from "./collect/target-set.ts";
import type { Config } from "./config/config.ts";
import { builtInConfig, ConfigError, loadConfig } from "./config/load.ts";
import type { DiscoveryService } from "./discovery/discovery-service.ts";
import { HistoryService } from "./history/history-service.ts";
import { HostCollector, HostSampler } from "./host/index.ts";
import type { Logger } from "./log.ts";
import { AuditLog } from "./removal/audit-log.ts";
import { AuditPruner } from "./removal/audit-pruner.ts";
import { REMOVAL_DISABLED } from "./removal/removal-config.ts";
import { RemovalService } from "./removal/removal-service.ts";
import { type ConfigReloadStatus, DaemonCollector } from "./render/daemon-collector.ts";
import { formatDuration } from "./settings/duration.ts";
import { redactUrl } from "./settings/redact-url.ts";
import { CounterStore } from "./store/counter-store.ts";
import { openDatabase } from "./store/database.ts";
import {
  makeStateDirectory,
  STATE_DATABASE_NAME,
  stateDirectory,
} from "./store/state-directory.ts";
import { isSupportedType, loadTarget } from "./target-loader.ts";
import { AccessControl } from "./web/access-policy.ts";
import { apiRoutes } from "./web/api-routes.ts";
import { coreRoutes } from "./web/core-routes.ts";
import { CsrfGuard } from "./web/csrf.ts";
import { dashboardRoutes } from "./web/dashboard-routes.ts";
import { historyRoutes } from "./web/history-routes.ts";
import { parseListenAddress } from "./web/listen-address.ts";
import type { LiveFeed } from "./web/live-feed.ts";
import { removalRoutes } from "./web/removal-routes.ts";
import { createRouter } from "./web/router.ts";
import { createWebServer, type WebServer } from "./web/web-server.ts";

/** How to run the daemon. */
export interface DaemonOptions {
  /**
   * The config file; undefined runs the built-in configuration: the clients found on this
   * machine, the state database in the platform's state directory.
   */
  readonly configFile: string | undefined;
  /** The environment discovery and the state directory read (HOME, XDG_*; the process's own by default). */
  readonly env?: NodeJS.ProcessEnv;
  /** How often discovery looks again (default a minute). */
  readonly discoveryIntervalMs?: number;
  /** `host:port`, `:port` or `[v6]:port`. */
  readonly listenAddress: string;
  /** exporter-toolkit's web-config.yml: TLS, basic auth, headers, rate limit. */
  readonly webConfigFile?: string;
  readonly log: Logger;
}

/** Checks what loading alone cannot: that every target's type can be built here. */
export function checkSupported(config: Config): void {
  const problems = config.targets
    .filter((t) => !isSupportedType(t.type))
    .map(
      (t) =>
        `${config.file}: target ${t.name}: type ${t.type} is not supported by this version of seedwatch`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
}

/** A started daemon. */
export class Daemon {
  /** Loads the config (throwing ConfigError before anything binds), then starts everything. */
  static async start(options: DaemonOptions): Promise<Daemon> {
    const config = Daemon.#load(options);
    checkSupported(config);
    const { host, port } = parseListenAddress(options.listenAddress);
    const db = openDatabase(config.storagePath);
    const daemon = new Daemon(options, config, db);
    for (const target of config.targets)
      options.log.info("watching", {
        target: target.name,
        type: target.type,
        url: redactUrl(target.url),
        found_in: config.file,
      });
    await daemon.#applyTargets(true);
    if (config.discovery) {
      const { DISCOVERY_INTERVAL_MS } = await daemon.#startDiscovery();
      if (daemon.#targets.targets.length === 0 && daemon.#needsCredentials().length === 0)
        options.log.info("no torrent client found on this machine yet: discovery looks again", {
          every: formatDuration(options.discoveryIntervalMs ?? DISCOVERY_INTERVAL_MS),
        });
    }
    daemon.#history.start();
    daemon.#auditPruner.start();
    daemon.#web.server.listen(port, host);
    await once(daemon.#web.server, "listening");
    options.log.info("listening", {
      address: daemon.address,
      tls: daemon.#web.secure,
      basic_auth: daemon.#web.authEnabled,
      targets: daemon.#targets.targets.length,
      config: config.file,
      state: config.storagePath,
    });
    return daemon;
  }

  /** The config file's configuration, or the built-in one (its state directory made first). */
  static #load(options: DaemonOptions): Config {
    if (options.configFile !== undefined) return loadConfig(options.configFile, options.env);
    const env = options.env ?? process.env;
    const dir = makeStateDirectory(stateDirectory(env, env.HOME || homedir()));
    return builtInConfig(join(dir, STATE_DATABASE_NAME));
  }

  readonly #options: DaemonOptions;
  readonly #db: DatabaseSync;
  readonly #targets: TargetSet;
  readonly #web: WebServer;
  readonly #feed: LiveFeed;
  readonly #host: HostSampler | undefined;
  readonly #history: HistoryService;
  readonly #auditPruner: AuditPruner;
  readonly #access: AccessControl;
  readonly #reload: ConfigReloadStatus = { ok: true, at: Date.now() };
  #config: Config;
  #reloading: Promise<{ ok: boolean; error?: string }> | undefined;
  #discovery: DiscoveryService | undefined;
  /** Target changes one at a time (a reload and a discovery round may come together). */
  #applying: Promise<unknown> = Promise.resolve();

  private constructor(options: DaemonOptions, config: Config, db: DatabaseSync) {
    const log = options.log;
    this.#options = options;
    this.#config = config;
    this.#db = db;
    const counters = new CounterStore(db);
    this.#targets = new TargetSet((target) => loadTarget(target, { log, counters }));
    // Host paths are fixed for the daemon's life: a reload that changes them needs a restart.
    this.#host = config.host.enabled
      ? new HostSampler({
          paths: config.host.paths,
          onFilesystemStuck: (path, timeoutMs) =>
            log.warn(
              "file system stuck: statfs did not answer, its usage is left out and it is not asked again until that call returns",
              { path, timeout: `${timeoutMs / 1000}s` },
            ),
          onFilesystemRecovered: (path, stuckMs) =>
            log.info("file system answers again: its usage is read again", {
              path,
              stuck_seconds: Math.round(stuckMs / 1000),
            }),
        })
      : undefined;
    const host = this.#host;
    const needsCredentials = () => this.#needsCredentials();
    const api = apiRoutes({
      targets: this.#targets,
      needsCredentials,
      host: async () => (host === undefined ? null : host.sample()),
      log,
    });
    this.#feed = api.feed;
    // History settings are read once: changing them needs a restart.
    this.#history = new HistoryService({
      config: config.history,
      db,
      targets: this.#targets,
      host,
      log,
    });
    const routes = [
      ...coreRoutes({
        targets: this.#targets,
        needsCredentials,
        daemonCollectors: [
          new DaemonCollector(this.#reload),
          ...(host ? [new HostCollector({ sampler: host })] : []),
        ],
        config: () => this.#config,
        reload: () => this.reload(),
        allowedOrigins: () => this.#config.web.allowedOrigins,
        log,
      }),
      ...api.routes,
      ...historyRoutes({
        backend: this.#history.backend,
        resolution: config.history.resolution,
        targets: this.#targets,
        hostPaths: config.host.paths,
        log,
      }),
      ...dashboardRoutes({ log }),
    ];
    // Scope policy (web: in seedwatch.yml) over the users of web-config.yml; both are reloadable.
    this.#access = new AccessControl({ policy: () => this.#config.web, web: () => this.#web });
    // Retention is read on every prune; a reload prunes at once (see #doReload).
    const audit = new AuditLog(db, {
      retention: () => this.#config.audit,
      onBacklog: () => void this.#auditPruner.run(),
    });
    this.#auditPruner = new AuditPruner(audit, log);
    routes.push(
      ...removalRoutes({
        service: new RemovalService({
          targets: this.#targets,
          policy: (name) => this.#config.removal.get(name) ?? REMOVAL_DISABLED,
          audit,
          log,
        }),
        audit,
        csrf: new CsrfGuard(),
        identity: (req) => this.#access.identity(req),
        allowedOrigins: () => this.#config.web.allowedOrigins,
        secure: () => this.#web.secure,
        log,
      }),
    );
    const router = createRouter(
      routes,
      (req, res, scope) => this.#access.authorize(req, res, scope),
      log,
    );
    let refusedSince = 0;
    let refusedLogged = 0;
    this.#web = createWebServer({
      ...(options.webConfigFile === undefined ? {} : { webConfigFile: options.webConfigFile }),
      handler: (req, res) => router(req, res),
      maxConnectionsPerClient: () => this.#config.web.maxConnectionsPerClient,
      onConnectionRefused: (client) => {
        refusedSince += 1;
        // The first refusal at once, then one line a minute at most: a flood must not flood the log.
        if (Date.now() - refusedLogged < 60_000) return;
        refusedLogged = Date.now();
        log.warn(
          "connections refused: a client has too many open (web.max_connections_per_client)",
          {
            client,
            refused_since_last_line: refusedSince,
            limit: this.#config.web.maxConnectionsPerClient,
          },
        );
        refusedSince = 0;
      },
      onReload: (outcome) => {
        if (!outcome.ok)
          log.error("web config reload failed, keeping the last good one", { err: outcome.error });
        else if (outcome.changed) log.info("web config reloaded", { file: options.webConfigFile });
      },
      onHandlerError: (error, req) => log.error("request failed", { path: req.url, err: error }),
      onClientRefused: (reason, remote) => log.debug("TLS client refused", { reason, remote }),
    });
  }

  /** The address the server listens on, e.g. `127.0.0.1:8742`. */
  get address(): string {
    const address = this.#web.server.address() as AddressInfo;
    return address.family === "IPv6"
      ? `[${address.address}]:${address.port}`
      : `${address.address}:${address.port}`;
  }

  /** Clients discovery found that need a password (the dashboard's cards, `/api/v1/targets`). */
  #needsCredentials(): readonly NeedsCredentials[] {
    return this.#discovery?.discovered.needsCredentials ?? [];
  }

  /** The targets (for tests and the dashboard). */
  get targets(): TargetSet {
    return this.#targets;
  }

  /**
   * Reads the config file again. A bad file keeps the running config (logged, and
   * `seedwatch_config_last_reload_successful` goes to 0); a good one replaces changed targets.
   */
  reload(): Promise<{ ok: boolean; error?: string }> {
    this.#reloading ??= this.#doReload().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  /** Stops serving and polling, closes the database. */
  async stop(): Promise<void> {
    await this.#discovery?.stop();
    this.#feed.close();
    await this.#web.close();
    await this.#history.stop();
    await this.#auditPruner.stop();
    await this.#targets.stop();
    this.#db.close();
  }

  async #doReload(): Promise<{ ok: boolean; error?: string }> {
    const log = this.#options.log;
    const web = this.#web.reload();
    // Both files are read; the answer tells of either failing (the log already has the details).
    const webError = web.ok ? undefined : `web config: ${web.error.message}`;
    const previous = this.#config;
    try {
      // Without a config file there is nothing to read again: discovery looks again instead.
      const config =
        this.#options.configFile === undefined
          ? this.#config
          : loadConfig(this.#options.configFile, this.#options.env);
      checkSupported(config);
      if (config.storagePath !== this.#config.storagePath) {
        throw new ConfigError([
          `${config.file}: storage.path cannot change while running (restart instead)`,
        ]);
      }
      this.#config = config;
      if (config.discovery && this.#discovery === undefined) await this.#startDiscovery();
      else if (!config.discovery && this.#discovery !== undefined) {
        await this.#discovery.stop();
        this.#discovery = undefined;
      } else await this.#discovery?.round();
      const changes = await this.#applyTargets(true);
      void this.#auditPruner.run();
      this.#reload.ok = true;
      this.#reload.at = Date.now();
      log.info("configuration reloaded", changes);
      return webError === undefined ? { ok: true } : { ok: false, error: webError };
    } catch (error) {
      this.#config = previous;
      this.#reload.ok = false;
      const message =
        error instanceof ConfigError
          ? error.problems.join("; ")
          : String((error as Error).message ?? error);
      log.error("configuration reload failed, keeping the running configuration", { err: message });
      return { ok: false, error: webError === undefined ? message : `${message}; ${webError}` };
    }
  }

  /**
   * Makes the targets those of the config file and those discovery watches (a name the file
   * uses is the file's). `retryKept`: an operator's reload retries kept targets at once; a
   * discovery round does not.
   */
  #applyTargets(
    retryKept: boolean,
  ): Promise<{ started: string[]; kept: string[]; stopped: string[] }> {
    const next = this.#applying.then(() => {
      const configured = this.#config.targets;
      const names = new Set(configured.map((t) => t.name));
      const discovered = (this.#discovery?.discovered.targets ?? [])
        .map((t) => t.config)
        .filter((t) => !names.has(t.name));
      return this.#targets.apply({ targets: [...configured, ...discovered] }, { retryKept });
    });
    this.#applying = next.catch(() => {});
    return next;
  }

  /**
   * Starts discovery: a first round now (its targets applied), then one every interval. Its code
   * (which probes every client type) is loaded only then: a config file that turns discovery off
   * keeps none of it resident. Resolves with the discovery module.
   */
  async #startDiscovery(): Promise<typeof import("./discovery/discovery-service.ts")> {
    const [service, { findClients }] = await Promise.all([
      import("./discovery/discovery-service.ts"),
      import("./discovery/find-clients.ts"),
    ]);
    const env = this.#options.env ?? process.env;
    const home = env.HOME || homedir();
    const discovery = new service.DiscoveryService({
      find: () => findClients({ env, home }),
      context: () => ({
        configured: this.#config.targets,
        clientDefaults: this.#config.clientDefaults,
        configFile: this.#options.configFile,
        storagePath: this.#config.storagePath,
      }),
      apply: async () => {
        await this.#applyTargets(false);
      },
      ...(this.#options.discoveryIntervalMs === undefined
        ? {}
        : { intervalMs: this.#options.discoveryIntervalMs }),
      log: this.#options.log,
    });
    this.#discovery = discovery;
    await discovery.start();
    return service;
  }
}
