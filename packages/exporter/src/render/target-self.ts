// The daemon's own view of every target, whatever its kind: health, polls, errors, bytes received.

import {
  defineCounter,
  defineGauge,
  joinLabels,
  type MetricWriter,
  type RenderedLabels,
  renderLabels,
} from "@seedwatch/metrics";
import type { Target } from "../collect/target.ts";

const S = ["name", "type"] as const;

/** The daemon's own view of each target. */
export const TARGET_SELF = {
  up: defineGauge({
    name: "seedwatch_target_up",
    help: "Whether the target's last poll succeeded.",
    labelNames: S,
  }),
  pollDuration: defineGauge({
    name: "seedwatch_target_poll_duration_seconds",
    help: "How long the target's last poll took.",
    unit: "seconds",
    labelNames: S,
  }),
  polls: defineCounter({
    name: "seedwatch_target_polls_total",
    help: "Polls of the target.",
    labelNames: S,
  }),
  pollErrors: defineCounter({
    name: "seedwatch_target_poll_errors_total",
    help: "Failed polls of the target by reason (auth, banned, timeout, connection, http, protocol, other).",
    labelNames: [...S, "reason"],
  }),
  lastSuccess: defineGauge({
    name: "seedwatch_target_last_success_timestamp_seconds",
    help: "When the target last answered a poll (0 if never).",
    unit: "seconds",
    labelNames: S,
  }),
  torrents: defineGauge({
    name: "seedwatch_target_torrents",
    help: "Torrents the daemon tracks for the target.",
    labelNames: S,
  }),
  omitted: defineGauge({
    name: "seedwatch_target_per_torrent_omitted_torrents",
    help: "Torrents of the target without per-torrent series: 0 when it has at most per_torrent.max_torrents (every torrent has them), else all of its torrents (none has them, only the aggregates).",
    labelNames: S,
  }),
  perTorrentCap: defineGauge({
    name: "seedwatch_target_per_torrent_max_torrents",
    help: "The target's per_torrent.max_torrents: with more torrents than this, none has per-torrent series; 0 when per_torrent.enabled is false.",
    labelNames: S,
  }),
  counterSaveErrors: defineCounter({
    name: "seedwatch_target_state_save_errors_total",
    help: "Polls whose tracker counters could not be saved to the state database (kept in memory and saved with the next poll; a crash meanwhile loses them).",
    labelNames: S,
  }),
  received: defineCounter({
    name: "seedwatch_target_received_bytes_total",
    help: "Bytes received from the target's API (on the wire, compressed).",
    unit: "bytes",
    labelNames: S,
  }),
} as const;

/** Renders the self metrics every target has (not the torrent-only ones). */
export function renderTargetSelf(w: MetricWriter, target: Target, labels: RenderedLabels): void {
  const health = target.health;
  w.family(TARGET_SELF.up).sample(labels, health.up ? 1 : 0);
  w.family(TARGET_SELF.pollDuration).sample(labels, health.lastDuration);
  w.family(TARGET_SELF.polls).sample(labels, target.polls);
  const errors = w.family(TARGET_SELF.pollErrors);
  for (const [reason, count] of target.errors)
    errors.sample(joinLabels(labels, renderLabels(["reason"], [reason])), count);
  w.family(TARGET_SELF.lastSuccess).sample(labels, health.lastSuccessAt / 1000);
  w.family(TARGET_SELF.received).sample(labels, target.bytesReceived);
}

/** The `{name,type}` label set of a target's self metrics. */
export function targetSelfLabels(target: Target): RenderedLabels {
  return renderLabels(["name", "type"], [target.config.name, target.config.type]);
}
