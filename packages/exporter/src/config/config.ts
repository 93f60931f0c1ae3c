// The daemon's configuration as the rest of the code sees it: defaults merged, secrets wrapped.

import type { TrackerNaming } from "../model/tracker.ts";
import type { TlsOptions } from "../net/http-client.ts";
import type { TargetType } from "./schema.ts";
import type { Secret } from "./secret.ts";

/** One target, with every option resolved. */
export interface TargetConfig {
  readonly name: string;
  readonly type: TargetType;
  readonly url: string;
  readonly username: string | undefined;
  readonly password: Secret | undefined;
  readonly apiKey: Secret | undefined;
  /** Background poll period, ms. */
  readonly pollInterval: number;
  /** Time limit of one poll, ms. */
  readonly timeout: number;
  readonly perTorrent: { readonly enabled: boolean; readonly maxTorrents: number };
  readonly tracker: TrackerNaming;
  readonly compat: { readonly downloaderExporter: boolean };
  readonly tls: TlsOptions;
}

/** The whole configuration. */
export interface Config {
  /** The file it came from. */
  readonly file: string;
  readonly targets: readonly TargetConfig[];
  /** A scrape re-polls a target only when its data is older than this, ms. */
  readonly minRefreshInterval: number;
  /** Where the daemon keeps its state (retired tracker totals, history). */
  readonly storagePath: string;
  /** The configuration as a user may see it (secrets replaced), for `/config`. */
  readonly redacted: unknown;
}

/** Defaults of every target option. */
export const TARGET_DEFAULTS = {
  pollInterval: 10_000,
  timeout: 10_000,
  perTorrent: { enabled: true, maxTorrents: 5000 },
  tracker: { rename: {}, categoryAsTracker: false },
  compat: { downloaderExporter: false },
  tls: { insecureSkipVerify: false },
} as const;

/** Default of the minimum refresh interval, ms. */
export const DEFAULT_MIN_REFRESH_INTERVAL = 2000;

/** Default state file. */
export const DEFAULT_STORAGE_PATH = "seedwatch.db";
