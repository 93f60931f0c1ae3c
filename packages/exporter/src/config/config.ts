// The daemon's configuration as the rest of the code sees it: defaults merged, secrets wrapped.

import type { TargetConfig } from "../collect/target-config.ts";
import type { HistoryConfig } from "../history/history-config.ts";
import type { AuditRetention } from "../removal/audit-retention.ts";
import type { RemovalPolicy } from "../removal/removal-config.ts";
import type { WebAccessPolicy } from "../web/access-policy.ts";

export type { TargetConfig };

/** The whole configuration. */
export interface Config {
  /** The file it came from. */
  readonly file: string;
  readonly targets: readonly TargetConfig[];
  /** Where the daemon keeps its state (retired tracker totals, history). */
  readonly storagePath: string;
  /** Host indicators: whether to read them, and the paths whose disk usage to show. */
  readonly host: { readonly enabled: boolean; readonly paths: readonly string[] };
  /** The history archive and where the dashboard reads history from (fixed until a restart). */
  readonly history: HistoryConfig;
  /** Who may reach which scope of the web server (`web:`). */
  readonly web: WebAccessPolicy;
  /**
   * Removal settings per target name (`removal:`). Kept out of TargetConfig so that enabling
   * removal on a reload does not restart the target's session.
   */
  readonly removal: ReadonlyMap<string, RemovalPolicy>;
  /** How long and how much of the removal audit log is kept (`audit:`; reloadable). */
  readonly audit: AuditRetention;
  /** Whether the clients on this machine are found and watched besides `targets` (`discovery:`). */
  readonly discovery: boolean;
  /** What a torrent client the file does not list gets (a discovered one): `global:` over the defaults. */
  readonly clientDefaults: ClientDefaults;
  /** The configuration as a user may see it (secrets replaced), for `/config`. */
  readonly redacted: unknown;
}

/** A torrent client target's options that do not say which client it is: what `global:` sets. */
export type ClientDefaults = Omit<
  TargetConfig,
  "name" | "type" | "url" | "username" | "password" | "apiKey" | "plainCredentials" | "maxSpeed"
>;

/** Poll interval of device targets unless set (the Linxdot exporter's refresh default). */
export const DEVICE_POLL_INTERVAL = 60_000;

/** Target types that are devices, not torrent clients. */
export const DEVICE_TYPES: readonly string[] = ["linxdot"];

/** Defaults of every target option. */
export const TARGET_DEFAULTS = {
  pollInterval: 10_000,
  timeout: 10_000,
  perTorrent: { enabled: true, maxTorrents: 5000 },
  tracker: { rename: {}, categoryAsTracker: false },
  compat: { downloaderExporter: false, statusLanguage: "en" },
  tls: { insecureSkipVerify: false },
  maxSpeed: { upload: undefined, download: undefined },
} as const;

/** Default of the minimum refresh interval, ms. */
export const DEFAULT_MIN_REFRESH_INTERVAL = 2000;

/** Default state file, beside the config file (in systemd's StateDirectory= when the unit has one). */
export const DEFAULT_STORAGE_PATH = "seedwatch.db";

/** What `Config.file` says when no config file was found and the built-in one runs. */
export const BUILT_IN_CONFIG = "(built-in configuration: no seedwatch.yml)";
