// Server-rendered pages of the removal actions: the confirmation page, the result, the audit log and errors.

import type { ServerResponse } from "node:http";
import type {
  AuditEntry,
  AuditPage,
  AuditQuery,
  AuditTorrent,
  AuditTorrentPage,
} from "../removal/audit-log.ts";
import { formatByteSize } from "../removal/byte-size.ts";
import type { RemovalForm } from "../removal/removal-request.ts";
import type { RemovalAnswer, RemovalPlan } from "../removal/removal-service.ts";
import type { SelectedTorrent } from "../removal/select.ts";
import type { AuditTorrentsQuery } from "./audit-query.ts";
import { escapeHtml as e } from "./landing-page.ts";

/**
 * Headers of every action page: no framing (a confirmation button must not be clickjacked), no
 * scripts at all, forms only to this daemon, nothing cached, no Referer to other sites.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

/** Sends an action page, with a session cookie when one is new. */
export function sendPage(
  res: ServerResponse,
  status: number,
  html: string,
  setCookie?: string,
): void {
  const headers: Record<string, string | number> = {
    ...PAGE_HEADERS,
    "content-length": Buffer.byteLength(html),
  };
  if (setCookie !== undefined) headers["set-cookie"] = setCookie;
  res.writeHead(status, headers);
  res.end(res.req?.method === "HEAD" ? undefined : html);
}

const STYLE = `body{font:15px system-ui,sans-serif;margin:2rem;max-width:72rem;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .7rem;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.warn{border-left:4px solid #b3261e;padding:.4rem .8rem;background:#b3261e14}
.note{border-left:4px solid #8886;padding:.4rem .8rem}.data{color:#b3261e;font-weight:600}button{font:inherit;padding:.5rem 1rem;cursor:pointer}
button.danger{background:#b3261e;color:#fff;border:0;border-radius:4px}code{background:#8883;padding:0 .25rem}
@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}td,th{border-color:#444}}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>${e(title)} · Seedwatch</title>
<style>${STYLE}</style>
</head><body>
${body}
<p><a href="./">Dashboard</a> · <a href="audit">Removal audit log</a></p>
</body></html>
`;
}

/** A page that says what went wrong. */
export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${e(title)}</h1>\n<p>${e(message)}</p>`);
}

/** What the confirmation page needs. */
export interface ConfirmPageInput {
  readonly plan: RemovalPlan;
  /** The link that opened the page (repeated in the form, so the POST plans the same thing). */
  readonly form: RemovalForm;
  /** The CSRF token of the session. */
  readonly token: string;
  /** Now, ms since the epoch (for ages). */
  readonly now: number;
}

/** The confirmation page: what will be removed, and a form that removes exactly that. */
export function confirmPage(input: ConfirmPageInput): string {
  const { plan, form } = input;
  const count = plan.torrents.length;
  const withData = plan.torrents.filter((t) => t.deleteData).length;
  const parts: string[] = [];
  parts.push(`<h1>Remove ${count} torrent${count === 1 ? "" : "s"} from ${e(plan.target)}?</h1>`);
  if (!plan.removalEnabled) {
    parts.push(
      `<p class="warn">Removal is disabled for ${e(plan.target)} in seedwatch.yml (<code>removal: { enabled: true }</code> turns it on). This page only shows what would be removed.</p>`,
    );
  }
  if (withData > 0) {
    parts.push(
      `<p class="warn"><span class="data">The downloaded files of ${withData === count ? "these torrents" : `${withData} of them`} will be deleted from disk.</span></p>`,
    );
  }
  for (const warning of plan.warnings) parts.push(`<p class="warn">${e(warning)}</p>`);
  if (plan.rules.length > 0) {
    parts.push(
      `<ul>${plan.rules
        .map(
          (r) =>
            `<li>Rule <b>${e(r.rule)}</b>: ${r.matched} match, ${r.selected} selected${r.note === undefined ? "" : ` (${e(r.note)})`}</li>`,
        )
        .join("")}</ul>`,
    );
  }
  if (plan.missing.length > 0) {
    parts.push(
      `<p class="note">Not on ${e(plan.target)} (already gone?): ${plan.missing.map((h) => `<code>${e(h)}</code>`).join(" ")}</p>`,
    );
  }
  if (count === 0) {
    parts.push("<p>Nothing to remove.</p>");
    return page(`Remove from ${plan.target}`, parts.join("\n"));
  }
  parts.push(torrentTable(plan.torrents, input.now));
  if (plan.removalEnabled) {
    const hidden = (name: string, value: string) =>
      `<input type="hidden" name="${name}" value="${e(value)}">`;
    const fields = [
      hidden("csrf", input.token),
      hidden("target", form.target),
      ...form.hashes.map((h) => hidden("hash", h)),
      ...form.rules.map((r) => hidden("rule", r)),
      ...(form.rules.length === 0 ? [hidden("deleteData", form.deleteData ? "1" : "0")] : []),
      ...plan.torrents.map((t) => hidden("shown", t.hash)),
    ];
    parts.push(
      `<form method="post" action="remove">${fields.join("")}<button class="danger" type="submit">Remove ${count} torrent${count === 1 ? "" : "s"}${withData > 0 ? " and delete data" : ""}</button> <a href="./">Cancel</a></form>`,
    );
  }
  return page(`Remove from ${plan.target}`, parts.join("\n"));
}

/** The page after a confirmed removal. */
export function resultPage(answer: RemovalAnswer, now: number): string {
  const title =
    answer.result === "removed"
      ? `Removed ${answer.torrents.length} torrent${answer.torrents.length === 1 ? "" : "s"} from ${answer.target}`
      : answer.result === "nothing"
        ? `Nothing was removed from ${answer.target}`
        : `Removal from ${answer.target}: ${answer.result}`;
  const parts = [`<h1>${e(title)}</h1>`];
  if (answer.error !== null) parts.push(`<p class="warn">${e(answer.error)}</p>`);
  if (answer.stillPresent.length > 0) {
    parts.push(
      `<p class="warn">Still listed by the client: ${answer.stillPresent.map((h) => `<code>${e(h)}</code>`).join(" ")}</p>`,
    );
  }
  if (answer.missing.length > 0) {
    parts.push(
      `<p class="note">Not removed because no longer there or no longer selected: ${answer.missing.map((h) => `<code>${e(h)}</code>`).join(" ")}</p>`,
    );
  }
  if (answer.torrents.length > 0) parts.push(torrentTable(answer.torrents, now));
  parts.push(`<p>Audit log entry <a href="audit?id=${answer.auditId}">#${answer.auditId}</a>.</p>`);
  return page(title, parts.join("\n"));
}

/** The audit log page: a page of entries (each with its counts and a sample of torrents). */
export function auditPage(listing: AuditPage, query: AuditQuery): string {
  const rows = listing.entries
    .map((entry) => {
      const cells = [
        `<a href="audit?id=${entry.id}">${entry.id}</a>`,
        e(entry.at.replace("T", " ").replace(/\.\d+Z$/, "Z")),
        e(entry.user ?? "(no login)"),
        e(entry.remote),
        e(entry.via),
        e(entry.target),
        entry.dryRun ? "dry run" : "removal",
        e(entry.result),
        e(entry.rules.join(", ")),
        torrentsCell(entry),
        e(entry.error ?? ""),
      ];
      return `<tr>${cells.map((c, i) => (i === 0 ? `<td class="n">${c}</td>` : `<td>${c}</td>`)).join("")}</tr>`;
    })
    .join("\n");
  const base = new URLSearchParams();
  if (query.target !== undefined) base.set("target", query.target);
  if (query.dryRun !== undefined) base.set("dryRun", query.dryRun ? "1" : "0");
  base.set("limit", String(query.limit));
  const older = new URLSearchParams(base);
  if (listing.next !== null) older.set("before", String(listing.next));
  const filters = [
    `<a href="audit">all</a>`,
    `<a href="audit?dryRun=0">removals only</a>`,
    `<a href="audit?dryRun=1">dry runs only</a>`,
    `<a href="api/v1/audit?${e(base.toString())}">JSON</a>`,
  ].join(" · ");
  return page(
    "Removal audit log",
    `<h1>Removal audit log${query.target === undefined ? "" : `: ${e(query.target)}`}</h1>
<p>Every removal and dry run, newest first. ${filters}</p>
<table><thead><tr><th>#</th><th>When (UTC)</th><th>User</th><th>From</th><th>Via</th><th>Target</th><th>Kind</th><th>Result</th><th>Rules</th><th>Torrents</th><th>Error</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="11">No entries.</td></tr>'}
</tbody></table>
${listing.next === null ? "" : `<p><a href="audit?${e(older.toString())}">Older entries</a></p>`}`,
  );
}

/** One entry of the audit log with a page of its torrents (every torrent of a real removal). */
export function auditEntryPage(
  entry: AuditEntry,
  torrents: AuditTorrentPage,
  query: AuditTorrentsQuery,
): string {
  const facts: Array<[string, string]> = [
    ["When (UTC)", e(entry.at.replace("T", " ").replace(/\.\d+Z$/, "Z"))],
    ["User", e(entry.user ?? "(no login)")],
    ["From", e(entry.remote)],
    ["Via", e(entry.via)],
    ["Target", e(entry.target)],
    ["Kind", entry.dryRun ? "dry run" : "removal"],
    ["Result", e(entry.result)],
    ["Rules", e(entry.rules.join(", "))],
    ["Torrents", String(entry.torrentCount)],
    ["Not on the target", String(entry.missingCount)],
    ["Error", e(entry.error ?? "")],
  ];
  const parts = [
    `<h1>Audit log entry #${entry.id}</h1>`,
    `<table><tbody>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</tbody></table>`,
  ];
  if (torrents.sample) {
    parts.push(
      `<p class="note">Only the first ${entry.torrents.length} of the ${entry.torrentCount} torrents are kept: dry runs and requests that removed nothing keep a sample.</p>`,
    );
  }
  if (torrents.torrents.length > 0) {
    const first = query.from + 1;
    const last = query.from + torrents.torrents.length;
    parts.push(
      `<p>Torrents ${first}-${last} of ${entry.torrentCount}:</p>`,
      `<table><thead><tr><th>Torrent</th><th>Tracker</th><th>Size</th><th>Data</th><th>Rule</th></tr></thead>
<tbody>
${torrents.torrents.map(auditTorrentRow).join("\n")}
</tbody></table>`,
    );
  }
  if (torrents.next !== null) {
    parts.push(
      `<p><a href="audit?id=${entry.id}&amp;from=${torrents.next}&amp;limit=${query.limit}">Next torrents</a></p>`,
    );
  }
  if (entry.missing.length > 0) {
    parts.push(
      `<p class="note">Asked for but not on ${e(entry.target)}${entry.missing.length < entry.missingCount ? ` (the first ${entry.missing.length} of ${entry.missingCount})` : ""}: ${entry.missing.map((h) => `<code>${e(h)}</code>`).join(" ")}</p>`,
    );
  }
  parts.push(
    `<p><a href="audit?before=${entry.id + 1}">Back to the log</a> · <a href="api/v1/audit/${entry.id}/torrents">JSON</a></p>`,
  );
  return page(`Audit log entry #${entry.id}`, parts.join("\n"));
}

function torrentsCell(entry: AuditEntry): string {
  const parts: string[] = [];
  if (entry.torrentCount === 0) parts.push("none");
  else {
    const lines = entry.torrents.map(
      (t) =>
        `${e(t.name)} <code>${e(t.hash.slice(0, 12))}</code> ${e(t.tracker)} ${formatByteSize(t.size)}${t.deleteData ? ' <span class="data">+data</span>' : ""}`,
    );
    if (entry.torrents.length < entry.torrentCount)
      lines.push(
        `<a href="audit?id=${entry.id}">${entry.kind === "removal" ? `all ${entry.torrentCount}` : `only these ${entry.torrents.length} of ${entry.torrentCount} are kept`}</a>`,
      );
    parts.push(
      `<details><summary>${entry.torrentCount} torrent${entry.torrentCount === 1 ? "" : "s"}${entry.deleteData ? ', <span class="data">data deleted</span>' : ""}</summary>${lines.join("<br>")}</details>`,
    );
  }
  if (entry.missingCount > 0) parts.push(`${entry.missingCount} not on the target`);
  return parts.join("<br>");
}

function auditTorrentRow(t: AuditTorrent): string {
  return `<tr><td>${e(t.name)}<br><code>${e(t.hash)}</code></td><td>${e(t.tracker)}</td><td class="n">${formatByteSize(t.size)}</td><td>${t.deleteData ? '<span class="data">deleted</span>' : "kept"}</td><td>${e(t.rule ?? "")}</td></tr>`;
}

function torrentTable(torrents: readonly SelectedTorrent[], now: number): string {
  const rows = torrents
    .map(
      (t) =>
        `<tr><td>${e(t.name)}<br><code>${e(t.hash)}</code></td><td>${e(t.tracker)}</td><td>${e(t.category)}</td><td>${e(t.tags.join(", "))}</td><td>${e(t.state)}</td><td class="n">${formatByteSize(t.size)}</td><td class="n">${(t.progress * 100).toFixed(0)}%</td><td class="n">${t.ratio < 0 ? "?" : t.ratio.toFixed(2)}</td><td class="n">${span(t.seedingTime)}</td><td class="n">${t.addedOn > 0 ? span(Math.max(0, now / 1000 - t.addedOn)) : "?"}</td><td>${t.deleteData ? '<span class="data">deleted</span>' : "kept"}</td><td>${e(t.rule ?? "")}</td></tr>`,
    )
    .join("\n");
  return `<table><thead><tr><th>Torrent</th><th>Tracker</th><th>Category</th><th>Tags</th><th>State</th><th>Size</th><th>Done</th><th>Ratio</th><th>Seeding</th><th>Age</th><th>Data</th><th>Rule</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** A duration in seconds as "3d 4h", "5h 12m", "42s". */
function span(seconds: number): string {
  const s = Math.floor(seconds);
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${s}s`;
}
