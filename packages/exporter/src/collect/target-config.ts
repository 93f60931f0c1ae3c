// One target's settings as its poll loop, its source and its renderer read them: defaults merged, secrets wrapped.

import type { TrackerNaming } from "../model/tracker.ts";
import type { TlsOptions } from "../net/http-client.ts";
import type { Secret } from "../settings/secret.ts";

/** Target kinds the daemon knows; each has its entry in the map of kinds (src/target-kinds.ts). */
export const TARGET_TYPES = [
  "qbittorrent",
  "transmission",
  "deluge",
  "rtorrent",
  "linxdot",
] as const;

/** One target kind. */
export type TargetType = (typeof TARGET_TYPES)[number];

/** Languages of the `status` label (`compat.status_language`): English, or pt-exporter's Chinese. */
export const STATUS_LANGUAGES = ["en", "zh"] as const;

/** One language of the `status` label. */
export type StatusLanguage = (typeof STATUS_LANGUAGES)[number];

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
  /** Time limit of one steady poll, ms; a sync's longest silence (see `PollDeadline`). */
  readonly timeout: number;
  /**
   * A scrape re-polls the target only when its data is older than this, ms. For devices it
   * equals the poll interval: a device is asked at most once per interval, however often
   * Prometheus scrapes.
   */
  readonly minRefreshInterval: number;
  /** Linxdot: send the credentials as they are instead of MD5-hashed. */
  readonly plainCredentials: boolean;
  readonly perTorrent: { readonly enabled: boolean; readonly maxTorrents: number };
  readonly tracker: TrackerNaming;
  readonly compat: {
    readonly downloaderExporter: boolean;
    /** The language of the `status` label of the per-status counts. */
    readonly statusLanguage: StatusLanguage;
  };
  /**
   * The host's bandwidth, bytes per second (`max_upload_speed`, `max_download_speed`), exported
   * for utilization panels; undefined when not set (or set to 0).
   */
  readonly maxSpeed: { readonly upload: number | undefined; readonly download: number | undefined };
  readonly tls: TlsOptions;
}
