// Validates the audit log's query string (`/audit`, `/api/v1/audit`): target, dry runs or not, paging.

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
