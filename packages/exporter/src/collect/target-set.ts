// The daemon's targets: built from the config, kept across reloads when unchanged, refreshed together for a scrape.

import type { Collector } from "@seedwatch/metrics";
import { crypto } from "../net/node-builtins.ts";
import type { DeviceTarget } from "./device-target.ts";
import type { TargetConfig } from "./target-config.ts";
import type { TorrentTarget } from "./torrent-target.ts";

/** A target of either kind; its `kind` tells which. */
export type AnyTarget = TorrentTarget | DeviceTarget<unknown>;

/** A target and the collector that exports it. */
export interface TargetEntry {
  readonly target: AnyTarget;
  readonly collector: Collector;
}

interface Entry extends TargetEntry {
  readonly fingerprint: string;
}

/**
 * Holds one target per configured client or device. A reload keeps every target whose
 * settings did not change (its session, table and counters carry on) and makes each of them that
 * is backing off try again at once (`Target.retryNow`); it replaces changed ones (which start
 * with an immediate poll) and stops removed ones. So after any reload, every target is polled
 * without waiting out a backoff.
 */
export class TargetSet {
  readonly #entries = new Map<string, Entry>();
  readonly #build: (config: TargetConfig) => TargetEntry | Promise<TargetEntry>;

  /**
   * `build` makes a configured target and its collector (src/target-kinds.ts; the daemon's
   * src/target-loader.ts first loads the code of the target's kind).
   */
  constructor(build: (config: TargetConfig) => TargetEntry | Promise<TargetEntry>) {
    this.#build = build;
  }

  /**
   * Makes the set match `config`'s targets; returns the names started, kept and stopped.
   * `retryKept: false` leaves kept targets' backoff alone (a change discovery made, not an
   * operator's reload: a client that refuses us is not asked again every minute).
   */
  async apply(
    config: { readonly targets: readonly TargetConfig[] },
    options: { readonly retryKept?: boolean } = {},
  ): Promise<{ started: string[]; kept: string[]; stopped: string[] }> {
    const wanted = new Map(config.targets.map((t) => [t.name, t]));
    const stopped: string[] = [];
    const kept: string[] = [];
    const started: string[] = [];
    for (const [name, entry] of this.#entries) {
      const next = wanted.get(name);
      if (next !== undefined && fingerprint(next) === entry.fingerprint) continue;
      await entry.target.stop();
      this.#entries.delete(name);
      stopped.push(name);
    }
    for (const [name, targetConfig] of wanted) {
      const existing = this.#entries.get(name);
      if (existing !== undefined) {
        if (options.retryKept !== false) existing.target.retryNow();
        kept.push(name);
        continue;
      }
      const entry = await this.#build(targetConfig);
      this.#entries.set(name, { ...entry, fingerprint: fingerprint(targetConfig) });
      entry.target.start();
      started.push(name);
    }
    return { started, kept: kept.filter((name) => !stopped.includes(name)), stopped };
  }

  /** The target with this name. */
  get(name: string): AnyTarget | undefined {
    return this.#entries.get(name)?.target;
  }

  /** Every target, in config order. */
  get targets(): AnyTarget[] {
    return [...this.#entries.values()].map((e) => e.target);
  }

  /** The torrent-client target with this name (undefined for a device or an unknown name). */
  torrentTarget(name: string): TorrentTarget | undefined {
    const target = this.get(name);
    return target?.kind === "torrent" ? target : undefined;
  }

  /** Every torrent-client target, in config order. */
  torrentTargets(): TorrentTarget[] {
    return this.targets.filter((t) => t.kind === "torrent");
  }

  /** The collectors of every target, or of one. */
  collectors(name?: string): Collector[] {
    const entries =
      name === undefined
        ? [...this.#entries.values()]
        : [this.#entries.get(name)].filter((e) => e !== undefined);
    return entries.map((e) => e.collector);
  }

  /** Whether every target has been polled at least once (the daemon is ready). */
  get ready(): boolean {
    return [...this.#entries.values()].every((e) => e.target.ready);
  }

  /**
   * Refreshes every target (or one) whose data is older than its `minRefreshInterval` (or
   * `maxAgeMs` when given), waiting at most until `deadline`.
   */
  async refresh(deadline: number, name?: string, maxAgeMs?: number): Promise<void> {
    const targets =
      name === undefined ? this.targets : [this.get(name)].filter((t) => t !== undefined);
    await Promise.all(
      targets.map((t) => t.refreshIfOlderThan(maxAgeMs ?? t.config.minRefreshInterval, deadline)),
    );
  }

  /** Stops every target. */
  async stop(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => e.target.stop()));
    this.#entries.clear();
  }
}

/** A digest of everything that defines a target (secrets included, but only hashed). */
function fingerprint(config: TargetConfig): string {
  const material = JSON.stringify({
    ...config,
    password: config.password?.reveal(),
    apiKey: config.apiKey?.reveal(),
  });
  return crypto.createHash("sha256").update(material).digest("hex");
}
