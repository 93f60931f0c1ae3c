// What the per-torrent tables of the target and tracker dashboards share: the removal link, its seedwatch URL variable, status names, the omitted-torrents thresholds.

import { STATUS_NAMES } from "../../packages/exporter/src/model/status.ts";
import { type Json, textVariable } from "./model.ts";

/** The seedwatch address the removal links open, as the browser reaches it. */
export const SEEDWATCH_URL = textVariable(
  "seedwatch_url",
  "seedwatch URL",
  "http://127.0.0.1:8742",
  "Where your browser reaches seedwatch: the per-torrent tables link to its removal confirmation page (/remove). The page answers only a logged-in user, or loopback clients when nobody logs in (docs/security.md); removal must be enabled for the target.",
);

/** Grafana value mappings from the `pt_torrent_status` number to its status name. */
export const STATUS_MAPPINGS: readonly Json[] = [
  {
    type: "value",
    options: Object.fromEntries(
      STATUS_NAMES.map((name, i) => [String(i), { text: name, index: i }]),
    ),
  },
];

/** The link every per-torrent table puts on the torrent's name. */
export function removalLink(target: string) {
  return {
    column: "torrent_name",
    title: "Remove this torrent (seedwatch asks for confirmation)",
    url: `\${seedwatch_url}/remove?target=${target}&hash=\${__data.fields.torrent_hash}`,
    blank: true,
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
