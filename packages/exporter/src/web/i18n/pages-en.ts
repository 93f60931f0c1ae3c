// The English catalog of the pages the daemon renders itself: removal confirmation, result, audit log, errors.

/** Every visible string of the daemon's own pages, in English (the reference catalog). */
export const PAGES_EN = {
  "page.dashboard": "Dashboard",
  "page.auditLog": "Removal audit log",

  // Error pages.
  "error.badLink": "Bad removal link",
  "error.cannotRemove": "Cannot remove",
  "error.refused": "Refused",
  "error.refusedBecause": "This removal was refused: {problem}.",
  "error.badRequest": "Bad request",
  "error.expired": "Confirmation expired",
  "error.expiredWhy":
    "This confirmation did not come from a page this seedwatch showed you in this session (or seedwatch restarted since). Open the removal link again.",
  "error.notFound": "Not found",
  "error.noEntry": "No audit log entry #{id}.",

  // The confirmation page.
  "confirm.pageTitle": "Remove from {target}",
  "confirm.title": {
    one: "Remove {count} torrent from {target}?",
    other: "Remove {count} torrents from {target}?",
  },
  "confirm.disabled":
    "Removal is disabled for {target} in seedwatch.yml ({setting} turns it on). This page only shows what would be removed.",
  "confirm.deleteAll": {
    one: "The downloaded files of this torrent will be deleted from disk.",
    other: "The downloaded files of these torrents will be deleted from disk.",
  },
  "confirm.deleteSome": {
    one: "The downloaded files of {count} of them will be deleted from disk.",
    other: "The downloaded files of {count} of them will be deleted from disk.",
  },
  "confirm.rule": "Rule {rule}: {matched} match, {selected} selected",
  "confirm.ruleNote": "Rule {rule}: {matched} match, {selected} selected ({note})",
  "confirm.missing": "Not on {target} (already gone?): {hashes}",
  "confirm.nothing": "Nothing to remove.",
  "confirm.button": { one: "Remove {count} torrent", other: "Remove {count} torrents" },
  "confirm.buttonWithData": {
    one: "Remove {count} torrent and delete data",
    other: "Remove {count} torrents and delete data",
  },
  "confirm.cancel": "Cancel",

  // The result page.
  "result.removed": {
    one: "Removed {count} torrent from {target}",
    other: "Removed {count} torrents from {target}",
  },
  "result.nothing": "Nothing was removed from {target}",
  "result.other": "Removal from {target}: {result}",
  "result.stillPresent": "Still listed by the client: {hashes}",
  "result.missing": "Not removed because no longer there or no longer selected: {hashes}",
  "result.auditEntry": "Audit log entry {link}.",

  // Results, kinds and ways of an audit entry.
  "outcome.dry-run": "dry run",
  "outcome.removed": "removed",
  "outcome.partial": "partial",
  "outcome.nothing": "nothing",
  "outcome.failed": "failed",
  "outcome.refused": "refused",
  "kind.dryRun": "dry run",
  "kind.removal": "removal",
  "via.api": "api",
  "via.confirm": "confirm",

  // The audit log.
  "audit.titleTarget": "Removal audit log: {target}",
  "audit.intro": "Every removal and dry run, newest first. {filters}",
  "audit.all": "all",
  "audit.removalsOnly": "removals only",
  "audit.dryRunsOnly": "dry runs only",
  "audit.json": "JSON",
  "audit.none": "No entries.",
  "audit.older": "Older entries",
  "audit.noLogin": "(no login)",
  "audit.noTorrents": "none",
  "audit.plusData": "+data",
  "audit.allTorrents": "all {count}",
  "audit.sampleKept": "only these {kept} of {count} are kept",
  "audit.torrentCount": { one: "{count} torrent", other: "{count} torrents" },
  "audit.torrentCountDeleted": {
    one: "{count} torrent, {deleted}",
    other: "{count} torrents, {deleted}",
  },
  "audit.dataDeleted": "data deleted",
  "audit.notOnTarget": "{count} not on the target",

  // One audit entry.
  "entry.title": "Audit log entry #{id}",
  "entry.sample":
    "Only the first {kept} of the {count} torrents are kept: dry runs and requests that removed nothing keep a sample.",
  "entry.range": "Torrents {first}-{last} of {count}:",
  "entry.next": "Next torrents",
  "entry.missing": "Asked for but not on {target}: {hashes}",
  "entry.missingSome": "Asked for but not on {target} (the first {shown} of {count}): {hashes}",
  "entry.back": "Back to the log",

  // Table headings.
  "column.id": "#",
  "column.when": "When (UTC)",
  "column.user": "User",
  "column.from": "From",
  "column.via": "Via",
  "column.target": "Target",
  "column.kind": "Kind",
  "column.result": "Result",
  "column.rules": "Rules",
  "column.torrents": "Torrents",
  "column.notOnTarget": "Not on the target",
  "column.error": "Error",
  "column.torrent": "Torrent",
  "column.tracker": "Tracker",
  "column.category": "Category",
  "column.tags": "Tags",
  "column.state": "State",
  "column.size": "Size",
  "column.done": "Done",
  "column.ratio": "Ratio",
  "column.seeding": "Seeding",
  "column.age": "Age",
  "column.data": "Data",
  "column.rule": "Rule",
  "data.deleted": "deleted",
  "data.kept": "kept",

  // Torrent status names (pt-exporter's table, codes 0-10).
  "status.Unknown": "Unknown",
  "status.Allocating": "Allocating",
  "status.Downloading": "Downloading",
  "status.Uploading": "Uploading",
  "status.Checking": "Checking",
  "status.Errored": "Errored",
  "status.Stalled": "Stalled",
  "status.Queued": "Queued",
  "status.Paused": "Paused",
  "status.Moving": "Moving",
  "status.Undefined": "Undefined",

  // Durations: the two largest units.
  "duration.dh": "{d}d {h}h",
  "duration.hm": "{h}h {m}m",
  "duration.ms": "{m}m {s}s",
  "duration.s": "{s}s",
} as const;

/** A key of the daemon pages' catalogs. */
export type PageMessageKey = keyof typeof PAGES_EN;

/** Whether `key` is a key of the catalogs (for keys built from data, such as status names). */
export function isPageMessageKey(key: string): key is PageMessageKey {
  return Object.hasOwn(PAGES_EN, key);
}
