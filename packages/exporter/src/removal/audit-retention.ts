// The `audit:` section of the config: how long, and how much, of each kind of audit log entry is kept.

import { z } from "zod";
import { parseDuration } from "../settings/duration.ts";

/**
 * The kinds of audit log entry, each kept for its own time and count: real removals (something
 * was or may have been removed: results removed, partial, failed), requests that removed nothing
 * (refused, nothing selected) and dry runs.
 */
export const AUDIT_KINDS = ["removal", "nothing-removed", "dry-run"] as const;

/** One kind. */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** How long and how many entries of one kind are kept. */
export interface KindRetention {
  /** ms; older entries are deleted. */
  readonly maxAge: number;
  /** The newest this many are kept. */
  readonly maxEntries: number;
}

/** The audit log's retention, resolved. */
export interface AuditRetention {
  readonly kinds: Readonly<Record<AuditKind, KindRetention>>;
  /** Torrents listed across the kept real removals; the oldest removals go first above it. */
  readonly maxRemovedTorrents: number;
}

const DAY = 86_400_000;

/** What is kept when `audit:` says nothing. */
export const AUDIT_RETENTION_DEFAULTS: AuditRetention = {
  kinds: {
    removal: { maxAge: 730 * DAY, maxEntries: 100_000 },
    "nothing-removed": { maxAge: 90 * DAY, maxEntries: 10_000 },
    "dry-run": { maxAge: 30 * DAY, maxEntries: 10_000 },
  },
  maxRemovedTorrents: 500_000,
};

/** The config key of each kind. */
export const AUDIT_KIND_KEYS: Readonly<Record<AuditKind, string>> = {
  removal: "removals",
  "nothing-removed": "nothing_removed",
  "dry-run": "dry_runs",
};

const maxAge = z
  .union([z.string(), z.number()])
  .refine((value) => parseDuration(value) !== undefined, {
    message: 'expected a duration such as "30d", "12h", or a number of seconds',
  })
  .transform((value) => parseDuration(value) as number)
  .refine((ms) => ms >= 60_000, { message: "expected at least 1m" });

const maxEntries = z.number().int().min(1).max(10_000_000);

const kindSchema = z.strictObject({
  max_age: maxAge.optional(),
  max_entries: maxEntries.optional(),
});

/** The zod schema of the `audit:` section. */
export const auditSchema = z.strictObject({
  removals: kindSchema
    .extend({ max_torrents: z.number().int().min(1).max(100_000_000).optional() })
    .optional(),
  nothing_removed: kindSchema.optional(),
  dry_runs: kindSchema.optional(),
});

/** The section as validated. */
export type RawAuditConfig = z.output<typeof auditSchema>;

/** Resolves the section over the defaults. */
export function buildAuditRetention(raw: RawAuditConfig | undefined): AuditRetention {
  const kind = (
    name: AuditKind,
    set: { max_age?: number | undefined; max_entries?: number | undefined } | undefined,
  ): KindRetention => ({
    maxAge: set?.max_age ?? AUDIT_RETENTION_DEFAULTS.kinds[name].maxAge,
    maxEntries: set?.max_entries ?? AUDIT_RETENTION_DEFAULTS.kinds[name].maxEntries,
  });
  return {
    kinds: {
      removal: kind("removal", raw?.removals),
      "nothing-removed": kind("nothing-removed", raw?.nothing_removed),
      "dry-run": kind("dry-run", raw?.dry_runs),
    },
    maxRemovedTorrents: raw?.removals?.max_torrents ?? AUDIT_RETENTION_DEFAULTS.maxRemovedTorrents,
  };
}
