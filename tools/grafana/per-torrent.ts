// What the per-torrent tables of the target and tracker dashboards share: the removal link, its seedwatch URL variable, status names, column names, the omitted-torrents thresholds.

import { STATUS_LABELS } from "../../packages/exporter/src/render/status-labels.ts";
import { type DashboardLanguage, statusLanguageOf } from "./dashboard-language.ts";
import { type Json, textVariable } from "./model.ts";
import type { GrafanaText } from "./text-en.ts";

/** The seedwatch address the removal links open, as the browser reaches it. */
export function seedwatchUrlVariable(t: GrafanaText): Json {
  return textVariable(
    "seedwatch_url",
    t["common.seedwatchUrl"],
    "http://127.0.0.1:8742",
    t["common.seedwatchUrlHelp"],
  );
}

/**
 * Grafana value mappings from the `pt_tracker_torrent_status` number to its status name: English,
 * or pt-exporter's Chinese names in the Chinese dashboards.
 */
export function statusMappings(language: DashboardLanguage): readonly Json[] {
  return [
    {
      type: "value",
      options: Object.fromEntries(
        STATUS_LABELS[statusLanguageOf(language)].map((name, i) => [
          String(i),
          { text: name, index: i },
        ]),
      ),
    },
  ];
}

/** The link every per-torrent table puts on the torrent's name. */
export function removalLink(target: string, t: GrafanaText) {
  return {
    column: "torrent_name",
    title: t["common.removeTorrent"],
    url: `\${seedwatch_url}/remove?target=${target}&hash=\${__data.fields.torrent_hash}`,
    blank: true,
  };
}

/** Titles of the label columns of the per-torrent tables. */
export function torrentColumns(t: GrafanaText): Readonly<Record<string, string>> {
  return {
    name: t["common.target"],
    torrent_name: t["figure.torrent"],
    torrent_hash: t["figure.hash"],
    tracker: t["common.tracker"],
  };
}

/** Green at 0, red from 1: any torrent without per-torrent series makes the tables incomplete. */
export const OMITTED_THRESHOLDS = {
  mode: "absolute",
  steps: [
    { color: "green", value: null },
    { color: "red", value: 1 },
  ],
};
