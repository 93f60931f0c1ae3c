// The running daemon: config, state database, targets, host indicators, HTTP server, reloads and shutdown.

import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { DatabaseSync } from "node:sqlite";
import { TargetSet } from "./collect/target-set.ts";
import type { Config } from "./config/config.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { HistoryService } from "./history/history-service.ts";
import { HostCollector, HostSampler } from "./host/index.ts";
import type { Logger } from "./log.ts";
import { AuditLog } from "./removal/audit-log.ts";
import { AuditPruner } from "./removal/audit-pruner.ts";
import { REMOVAL_DISABLED } from "./removal/removal-config.ts";
import { RemovalService } from "./removal/removal-service.ts";
import { type ConfigReloadStatus, DaemonCollector } from "./render/daemon-collector.ts";
import { CounterStore } from "./store/counter-store.ts";
import { openDatabase } from "./store/database.ts";
import { buildTarget, TARGET_KINDS } from "./target-kinds.ts";
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
  readonly configFile: string;
  /** `host:port`, `:port` or `[v6]:port`. */
  readonly listenAddress: string;
  /** exporter-toolkit's web-config.yml: TLS, basic auth, headers, rate limit. */
  readonly webConfigFile?: string;
  readonly log: Logger;
}

/** Checks what loading alone cannot: that every target's type can be built here. */
export function checkSupported(config: Config): void {
  const problems = config.targets
    .filter((t) => !(t.type in TARGET_KINDS))
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
    const config = loadConfig(options.configFile);
    checkSupported(config);
    const { host, port } = parseListenAddress(options.listenAddress);
    const db = openDatabase(config.storagePath);
    const daemon = new Daemon(options, config, db);
    await daemon.#targets.apply(config);
    daemon.#history.start();
    daemon.#auditPruner.start();
    daemon.#web.server.listen(port, host);
    await once(daemon.#web.server, "listening");
    options.log.info("listening", {
      address: daemon.address,
      tls: daemon.#web.secure,
      basic_auth: daemon.#web.authEnabled,
      targets: config.targets.length,
      config: options.configFile,
    });
    return daemon;
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

  private constructor(options: DaemonOptions, config: Config, db: DatabaseSync) {
    const log = options.log;
    this.#options = options;
    this.#config = config;
    this.#db = db;
    const counters = new CounterStore(db);
    this.#targets = new TargetSet((target) => buildTarget(target, { log, counters }));
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
    const api = apiRoutes({
      targets: this.#targets,
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
    try {
      const config = loadConfig(this.#options.configFile);
      checkSupported(config);
      if (config.storagePath !== this.#config.storagePath) {
        throw new ConfigError([
          `${config.file}: storage.path cannot change while running (restart instead)`,
        ]);
      }
      const changes = await this.#targets.apply(config);
      this.#config = config;
      void this.#auditPruner.run();
      this.#reload.ok = true;
      this.#reload.at = Date.now();
      log.info("configuration reloaded", changes);
      return webError === undefined ? { ok: true } : { ok: false, error: webError };
    } catch (error) {
      this.#reload.ok = false;
      const message =
        error instanceof ConfigError
          ? error.problems.join("; ")
          : String((error as Error).message ?? error);
      log.error("configuration reload failed, keeping the running configuration", { err: message });
      return { ok: false, error: webError === undefined ? message : `${message}; ${webError}` };
    }
  }
}
