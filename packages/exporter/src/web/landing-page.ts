// The HTML landing page: what this daemon is, its targets and their health, and where everything is.

import type { Target } from "../collect/target.ts";
import { VERSION } from "../version.ts";

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** The landing page listing targets. */
export function landingPage(targets: readonly Target[]): string {
  const rows = targets
    .map((t) => {
      const h = t.health;
      const name = escapeHtml(t.config.name);
      const state = h.up ? "up" : h.lastAttemptAt === 0 ? "starting" : "down";
      return `<tr><td>${name}</td><td>${escapeHtml(t.config.type)}</td><td class="${state}">${state}</td><td>${escapeHtml(describe(t))}</td><td>${escapeHtml(h.lastError ?? "")}</td><td><a href="probe?target=${encodeURIComponent(t.config.name)}">probe</a></td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Seedwatch</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ccc;text-align:left}.up{color:#187a2f}.down{color:#b3261e}@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}}</style>
</head><body>
<h1>Seedwatch ${escapeHtml(VERSION)}</h1>
<p>Prometheus exporter for BitTorrent clients. <a href="metrics">Metrics</a> · <a href="config">Configuration</a> · <a href="api/v1/targets">Targets (JSON)</a> · <a href="-/healthy">Health</a></p>
<table><thead><tr><th>Target</th><th>Type</th><th>State</th><th>What</th><th>Last error</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

function describe(target: Target): string {
  const s = target.summary();
  return [s.torrents === undefined ? "" : `${s.torrents} torrents`, s.model ?? "", s.version ?? ""]
    .filter(Boolean)
    .join(", ");
}
