// Validates the audit log's query strings (`/audit`, `/api/v1/audit`, an entry's torrents): filters and paging.

import type { AuditQuery } from "../removal/audit-log.ts";

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Parses `?target=&dryRun=&before=&limit=`; a string is the problem to report. */
export function parseAuditQuery(params: URLSearchParams): AuditQuery | string {
  const target = params.get("target") ?? "";
  if (target !== "" && !TARGET_NAME.test(target)) return "target: expected a target name";
  const dry = params.get("dryRun") ?? "";
  const dryRun =
    dry === ""
      ? undefined
      : dry === "1" || dry === "true"
        ? true
        : dry === "0" || dry === "false"
          ? false
          : null;
  if (dryRun === null) return "dryRun: expected 1 (only dry runs) or 0 (only real removals)";
  const beforeText = params.get("before") ?? "";
  const before = beforeText === "" ? undefined : Number(beforeText);
  if (before !== undefined && (!/^\d{1,15}$/.test(beforeText) || !Number.isSafeInteger(before)))
    return "before: expected an entry id";
  const limitText = params.get("limit") ?? "50";
  const limit = Number(limitText);
  if (!/^\d{1,3}$/.test(limitText) || limit < 1 || limit > 500)
    return "limit: expected a whole number from 1 to 500";
  return { target: target === "" ? undefined : target, dryRun, before, limit };
}

/** Which torrents of one audit entry to list. */
export interface AuditTorrentsQuery {
  readonly id: number;
  /** Position of the first torrent (the previous page's `next`). */
  readonly from: number;
  readonly limit: number;
}

/** Most torrents one page of an entry's torrents lists. */
export const MAX_AUDIT_TORRENTS_PAGE = 5000;

/** Parses an entry id (`:id`, `?id=`) with `?from=&limit=`; a string is the problem to report. */
export function parseAuditTorrentsQuery(
  idText: string,
  params: URLSearchParams,
): AuditTorrentsQuery | string {
  const id = Number(idText);
  if (!/^\d{1,15}$/.test(idText) || !Number.isSafeInteger(id)) return "id: expected an entry id";
  const fromText = params.get("from") ?? "0";
  const from = Number(fromText);
  if (!/^\d{1,9}$/.test(fromText)) return "from: expected a position (the previous page's next)";
  const limitText = params.get("limit") ?? "1000";
  const limit = Number(limitText);
  if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > MAX_AUDIT_TORRENTS_PAGE)
    return `limit: expected a whole number from 1 to ${MAX_AUDIT_TORRENTS_PAGE}`;
  return { id, from, limit };
}
