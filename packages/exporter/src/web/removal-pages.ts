// Server-rendered pages of the removal actions: the confirmation page, the result, the audit log and errors, in the reader's language.

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
import type { PageText } from "./i18n/page-text.ts";
import { isPageMessageKey, type PageMessageKey } from "./i18n/pages-en.ts";
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
  // Written in the language the request's Accept-Language asks for.
  vary: "Accept-Language",
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

function page(text: PageText, title: string, body: string): string {
  return `<!doctype html>
<html lang="${text.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>${e(title)} · Seedwatch</title>
<style>${STYLE}</style>
</head><body>
${body}
<p><a href="./">${e(text.text("page.dashboard"))}</a> · <a href="audit">${e(text.text("page.auditLog"))}</a></p>
</body></html>
`;
}

/** A page that says what went wrong: a title and a message, both already in the page's language. */
export function errorPage(text: PageText, title: string, message: string): string {
  return page(text, title, `<h1>${e(title)}</h1>\n<p>${e(message)}</p>`);
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
  /** The reader's language. */
  readonly text: PageText;
}

/** The confirmation page: what will be removed, and a form that removes exactly that. */
export function confirmPage(input: ConfirmPageInput): string {
  const { plan, form, text } = input;
  const count = plan.torrents.length;
  const withData = plan.torrents.filter((t) => t.deleteData).length;
  const target = plan.target;
  const parts: string[] = [];
  parts.push(`<h1>${text.html("confirm.title", { count, target })}</h1>`);
  if (!plan.removalEnabled) {
    parts.push(
      `<p class="warn">${text.html("confirm.disabled", { target }, { setting: "<code>removal: { enabled: true }</code>" })}</p>`,
    );
  }
  if (withData > 0) {
    const sentence =
      withData === count
        ? text.html("confirm.deleteAll", { count })
        : text.html("confirm.deleteSome", { count: withData });
    parts.push(`<p class="warn"><span class="data">${sentence}</span></p>`);
  }
  for (const warning of plan.warnings) parts.push(`<p class="warn">${e(warning)}</p>`);
  if (plan.rules.length > 0) {
    parts.push(
      `<ul>${plan.rules
        .map(
          (r) =>
            `<li>${text.html(
              r.note === undefined ? "confirm.rule" : "confirm.ruleNote",
              { matched: r.matched, selected: r.selected, note: r.note ?? "" },
              { rule: `<b>${e(r.rule)}</b>` },
            )}</li>`,
        )
        .join("")}</ul>`,
    );
  }
  if (plan.missing.length > 0) {
    parts.push(
      `<p class="note">${text.html("confirm.missing", { target }, { hashes: hashList(plan.missing) })}</p>`,
    );
  }
  const title = text.text("confirm.pageTitle", { target });
  if (count === 0) {
    parts.push(`<p>${text.html("confirm.nothing")}</p>`);
    return page(text, title, parts.join("\n"));
  }
  parts.push(torrentTable(text, plan.torrents, input.now));
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
    const button = text.html(withData > 0 ? "confirm.buttonWithData" : "confirm.button", { count });
    parts.push(
      `<form method="post" action="remove">${fields.join("")}<button class="danger" type="submit">${button}</button> <a href="./">${text.html("confirm.cancel")}</a></form>`,
    );
  }
  return page(text, title, parts.join("\n"));
}

/** The page after a confirmed removal. */
export function resultPage(answer: RemovalAnswer, now: number, text: PageText): string {
  const target = answer.target;
  const title =
    answer.result === "removed"
      ? text.text("result.removed", { count: answer.torrents.length, target })
      : answer.result === "nothing"
        ? text.text("result.nothing", { target })
        : text.text("result.other", { target, result: text.text(`outcome.${answer.result}`) });
  const parts = [`<h1>${e(title)}</h1>`];
  if (answer.error !== null) parts.push(`<p class="warn">${e(answer.error)}</p>`);
  if (answer.stillPresent.length > 0) {
    parts.push(
      `<p class="warn">${text.html("result.stillPresent", {}, { hashes: hashList(answer.stillPresent) })}</p>`,
    );
  }
  if (answer.missing.length > 0) {
    parts.push(
      `<p class="note">${text.html("result.missing", {}, { hashes: hashList(answer.missing) })}</p>`,
    );
  }
  if (answer.torrents.length > 0) parts.push(torrentTable(text, answer.torrents, now));
  parts.push(
    `<p>${text.html("result.auditEntry", {}, { link: `<a href="audit?id=${answer.auditId}">#${answer.auditId}</a>` })}</p>`,
  );
  return page(text, title, parts.join("\n"));
}

/** The audit log page: a page of entries (each with its counts and a sample of torrents). */
export function auditPage(listing: AuditPage, query: AuditQuery, text: PageText): string {
  const rows = listing.entries
    .map((entry) => {
      const cells = [
        `<a href="audit?id=${entry.id}">${entry.id}</a>`,
        e(when(entry.at)),
        e(entry.user ?? text.text("audit.noLogin")),
        e(entry.remote),
        e(text.text(`via.${entry.via}`)),
        e(entry.target),
        e(text.text(entry.dryRun ? "kind.dryRun" : "kind.removal")),
        e(text.text(`outcome.${entry.result}`)),
        e(entry.rules.join(", ")),
        torrentsCell(text, entry),
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
    `<a href="audit">${text.html("audit.all")}</a>`,
    `<a href="audit?dryRun=0">${text.html("audit.removalsOnly")}</a>`,
    `<a href="audit?dryRun=1">${text.html("audit.dryRunsOnly")}</a>`,
    `<a href="api/v1/audit?${e(base.toString())}">${text.html("audit.json")}</a>`,
  ].join(" · ");
  const title =
    query.target === undefined
      ? text.text("page.auditLog")
      : text.text("audit.titleTarget", { target: query.target });
  const headings = AUDIT_COLUMNS.map((key) => `<th>${text.html(key)}</th>`).join("");
  return page(
    text,
    title,
    `<h1>${e(title)}</h1>
<p>${text.html("audit.intro", {}, { filters })}</p>
<table><thead><tr>${headings}</tr></thead>
<tbody>
${rows || `<tr><td colspan="${AUDIT_COLUMNS.length}">${text.html("audit.none")}</td></tr>`}
</tbody></table>
${listing.next === null ? "" : `<p><a href="audit?${e(older.toString())}">${text.html("audit.older")}</a></p>`}`,
  );
}

const AUDIT_COLUMNS = [
  "column.id",
  "column.when",
  "column.user",
  "column.from",
  "column.via",
  "column.target",
  "column.kind",
  "column.result",
  "column.rules",
  "column.torrents",
  "column.error",
] as const;

/** One entry of the audit log with a page of its torrents (every torrent of a real removal). */
export function auditEntryPage(
  entry: AuditEntry,
  torrents: AuditTorrentPage,
  query: AuditTorrentsQuery,
  text: PageText,
): string {
  const facts: Array<[PageMessageKey, string]> = [
    ["column.when", e(when(entry.at))],
    ["column.user", e(entry.user ?? text.text("audit.noLogin"))],
    ["column.from", e(entry.remote)],
    ["column.via", e(text.text(`via.${entry.via}`))],
    ["column.target", e(entry.target)],
    ["column.kind", e(text.text(entry.dryRun ? "kind.dryRun" : "kind.removal"))],
    ["column.result", e(text.text(`outcome.${entry.result}`))],
    ["column.rules", e(entry.rules.join(", "))],
    ["column.torrents", String(entry.torrentCount)],
    ["column.notOnTarget", String(entry.missingCount)],
    ["column.error", e(entry.error ?? "")],
  ];
  const title = text.text("entry.title", { id: String(entry.id) });
  const parts = [
    `<h1>${e(title)}</h1>`,
    `<table><tbody>${facts.map(([k, v]) => `<tr><th>${text.html(k)}</th><td>${v}</td></tr>`).join("")}</tbody></table>`,
  ];
  if (torrents.sample) {
    parts.push(
      `<p class="note">${text.html("entry.sample", { kept: entry.torrents.length, count: entry.torrentCount })}</p>`,
    );
  }
  if (torrents.torrents.length > 0) {
    const first = query.from + 1;
    const last = query.from + torrents.torrents.length;
    const headings = ENTRY_COLUMNS.map((key) => `<th>${text.html(key)}</th>`).join("");
    parts.push(
      `<p>${text.html("entry.range", { first, last, count: entry.torrentCount })}</p>`,
      `<table><thead><tr>${headings}</tr></thead>
<tbody>
${torrents.torrents.map((t) => auditTorrentRow(text, t)).join("\n")}
</tbody></table>`,
    );
  }
  if (torrents.next !== null) {
    parts.push(
      `<p><a href="audit?id=${entry.id}&amp;from=${torrents.next}&amp;limit=${query.limit}">${text.html("entry.next")}</a></p>`,
    );
  }
  if (entry.missing.length > 0) {
    const hashes = hashList(entry.missing);
    parts.push(
      `<p class="note">${
        entry.missing.length < entry.missingCount
          ? text.html(
              "entry.missingSome",
              { target: entry.target, shown: entry.missing.length, count: entry.missingCount },
              { hashes },
            )
          : text.html("entry.missing", { target: entry.target }, { hashes })
      }</p>`,
    );
  }
  parts.push(
    `<p><a href="audit?before=${entry.id + 1}">${text.html("entry.back")}</a> · <a href="api/v1/audit/${entry.id}/torrents">${text.html("audit.json")}</a></p>`,
  );
  return page(text, title, parts.join("\n"));
}

const ENTRY_COLUMNS = [
  "column.torrent",
  "column.tracker",
  "column.size",
  "column.data",
  "column.rule",
] as const;

/** An ISO time as `2026-12-07 14:05:09Z`. */
function when(at: string): string {
  return at.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** Info-hashes as HTML: each in `<code>`, separated by spaces. */
function hashList(hashes: readonly string[]): string {
  return hashes.map((h) => `<code>${e(h)}</code>`).join(" ");
}

function torrentsCell(text: PageText, entry: AuditEntry): string {
  const parts: string[] = [];
  if (entry.torrentCount === 0) parts.push(text.html("audit.noTorrents"));
  else {
    const plusData = ` <span class="data">${text.html("audit.plusData")}</span>`;
    const lines = entry.torrents.map(
      (t) =>
        `${e(t.name)} <code>${e(t.hash.slice(0, 12))}</code> ${e(t.tracker)} ${formatByteSize(t.size)}${t.deleteData ? plusData : ""}`,
    );
    if (entry.torrents.length < entry.torrentCount)
      lines.push(
        `<a href="audit?id=${entry.id}">${
          entry.kind === "removal"
            ? text.html("audit.allTorrents", { count: entry.torrentCount })
            : text.html("audit.sampleKept", {
                kept: entry.torrents.length,
                count: entry.torrentCount,
              })
        }</a>`,
      );
    const summary = entry.deleteData
      ? text.html(
          "audit.torrentCountDeleted",
          { count: entry.torrentCount },
          { deleted: `<span class="data">${text.html("audit.dataDeleted")}</span>` },
        )
      : text.html("audit.torrentCount", { count: entry.torrentCount });
    parts.push(`<details><summary>${summary}</summary>${lines.join("<br>")}</details>`);
  }
  if (entry.missingCount > 0)
    parts.push(text.html("audit.notOnTarget", { count: entry.missingCount }));
  return parts.join("<br>");
}

function dataCell(text: PageText, deleteData: boolean): string {
  return deleteData
    ? `<span class="data">${text.html("data.deleted")}</span>`
    : text.html("data.kept");
}

function auditTorrentRow(text: PageText, t: AuditTorrent): string {
  return `<tr><td>${e(t.name)}<br><code>${e(t.hash)}</code></td><td>${e(t.tracker)}</td><td class="n">${formatByteSize(t.size)}</td><td>${dataCell(text, t.deleteData)}</td><td>${e(t.rule ?? "")}</td></tr>`;
}

const TORRENT_COLUMNS = [
  "column.torrent",
  "column.tracker",
  "column.category",
  "column.tags",
  "column.state",
  "column.size",
  "column.done",
  "column.ratio",
  "column.seeding",
  "column.age",
  "column.data",
  "column.rule",
] as const;

function torrentTable(text: PageText, torrents: readonly SelectedTorrent[], now: number): string {
  const rows = torrents
    .map(
      (t) =>
        `<tr><td>${e(t.name)}<br><code>${e(t.hash)}</code></td><td>${e(t.tracker)}</td><td>${e(t.category)}</td><td>${e(t.tags.join(", "))}</td><td>${e(statusName(text, t.state))}</td><td class="n">${formatByteSize(t.size)}</td><td class="n">${(t.progress * 100).toFixed(0)}%</td><td class="n">${t.ratio < 0 ? "?" : t.ratio.toFixed(2)}</td><td class="n">${e(span(text, t.seedingTime))}</td><td class="n">${t.addedOn > 0 ? e(span(text, Math.max(0, now / 1000 - t.addedOn))) : "?"}</td><td>${dataCell(text, t.deleteData)}</td><td>${e(t.rule ?? "")}</td></tr>`,
    )
    .join("\n");
  const headings = TORRENT_COLUMNS.map((key) => `<th>${text.html(key)}</th>`).join("");
  return `<table><thead><tr>${headings}</tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** A status name of pt-exporter's table in the page's language (a name it lacks as it is). */
function statusName(text: PageText, state: string): string {
  const key = `status.${state}`;
  return isPageMessageKey(key) ? text.text(key) : state;
}

/** A duration in seconds as "3d 4h", "5h 12m", "42s" (in Chinese "3天4小时", ...). */
function span(text: PageText, seconds: number): string {
  const s = Math.floor(seconds);
  if (s >= 86_400)
    return text.text("duration.dh", {
      d: String(Math.floor(s / 86_400)),
      h: String(Math.floor((s % 86_400) / 3600)),
    });
  if (s >= 3600)
    return text.text("duration.hm", {
      h: String(Math.floor(s / 3600)),
      m: String(Math.floor((s % 3600) / 60)),
    });
  if (s >= 60)
    return text.text("duration.ms", { m: String(Math.floor(s / 60)), s: String(s % 60) });
  return text.text("duration.s", { s: String(s) });
}
