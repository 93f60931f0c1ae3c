// A torrent target as the daemon builds it, its source pointed at a stand-in, polled and rendered as /probe would.

import { Registry } from "@seedwatch/metrics";
import type { TargetConfig } from "../../packages/exporter/src/collect/target-config.ts";
import { TorrentTarget } from "../../packages/exporter/src/collect/torrent-target.ts";
import { parseConfig } from "../../packages/exporter/src/config/load.ts";
import { silentLogger } from "../../packages/exporter/src/log.ts";
import { TorrentTargetCollector } from "../../packages/exporter/src/render/torrent-target-collector.ts";
import { createTorrentSource } from "../../packages/exporter/src/target-kinds.ts";

/**
 * The clients with a golden exposition, and how each golden target is configured: `url` is
 * where the client would be (it shows in the `host` label; the source is pointed at a stand-in
 * instead), `options` more YAML keys of the target.
 */
export const GOLDEN_CLIENTS = {
  qbittorrent: { url: "http://127.0.0.1:8080", options: "compat: { downloader_exporter: true }" },
  transmission: { url: "http://127.0.0.1:9091/transmission/rpc", options: "" },
  deluge: { url: "deluge://127.0.0.1:58846", options: "" },
  rtorrent: { url: "scgi://127.0.0.1:5000", options: "" },
} as const;

/** A client with a golden exposition. */
export type GoldenClient = keyof typeof GOLDEN_CLIENTS;

/** The golden target of `client`, logging in as given ("" for none). */
export function goldenConfig(
  client: GoldenClient,
  credentials: { readonly username: string; readonly password: string },
): TargetConfig {
  const { url, options } = GOLDEN_CLIENTS[client];
  const fields = [
    `name: ${client}`,
    `type: ${client}`,
    `url: ${JSON.stringify(url)}`,
    ...(credentials.username === "" ? [] : [`username: ${JSON.stringify(credentials.username)}`]),
    ...(credentials.password === "" ? [] : [`password: ${JSON.stringify(credentials.password)}`]),
    ...(options === "" ? [] : [options]),
  ];
  const config = parseConfig(`targets:\n  - { ${fields.join(", ")} }\n`, "golden.yml", {});
  return config.targets[0] as TargetConfig;
}

/** How `pollAndRender` polls. */
export interface PollPlan {
  readonly config: TargetConfig;
  /** Where the source connects instead of the configured URL (scheme and path stay). */
  readonly standIn: string;
  readonly polls: number;
  /**
   * Called before poll `i`, and with `i` = `polls` before the target stops (its source may say
   * goodbye to the client): where a recording or a replay sets its clock and poll index.
   */
  readonly beforePoll: (i: number) => void | Promise<void>;
  /** The target's clock (default Date.now). */
  readonly now?: () => number;
}

/**
 * Builds the target as the daemon does (its source from the registry, its table, its collector),
 * polls it `polls` times, renders it alone as `/probe?target=` would (without the
 * scrape-duration families, which measure the machine), and stops it. Throws when a poll fails.
 */
export async function pollAndRender(plan: PollPlan): Promise<string> {
  const target = new TorrentTarget(plan.config, {
    log: silentLogger,
    counters: undefined,
    findProcess: false,
    ...(plan.now === undefined ? {} : { now: plan.now }),
    createSource: (config, context) =>
      createTorrentSource({ ...config, url: redirect(config.url, plan.standIn) }, context),
  });
  try {
    for (let i = 0; i < plan.polls; i++) {
      await plan.beforePoll(i);
      await target.refreshIfOlderThan(0, Date.now() + 60_000);
      if (!target.health.up) throw new Error(`poll ${i} failed: ${target.health.lastError}`);
    }
    const registry = new Registry();
    registry.register(new TorrentTargetCollector(target, silentLogger));
    return await registry.render();
  } finally {
    await plan.beforePoll(plan.polls);
    await target.stop();
  }
}

function redirect(configured: string, standIn: string): string {
  const url = new URL(configured);
  url.host = new URL(standIn).host;
  return url.href;
}
