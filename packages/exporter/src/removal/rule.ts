// Removal rules: their format (the same in seedwatch.yml and in a request), validation, and the compiled form.

import { z } from "zod";
import { STATUS_NAMES, type StatusCode } from "../model/status.ts";
import { parseDuration } from "../settings/duration.ts";
import { parseByteSize } from "./byte-size.ts";

/** Most torrents one removal may touch; a bigger selection asks for a `limit`. */
export const MAX_TORRENTS_PER_REMOVAL = 10_000;

/** How a rule orders what it selects (for `limit` and `free_space_below`). */
export const RULE_ORDERS = [
  "oldest",
  "newest",
  "largest",
  "smallest",
  "highest_ratio",
  "lowest_ratio",
  "longest_seeding",
] as const;

/** One ordering. */
export type RuleOrder = (typeof RULE_ORDERS)[number];

/** A rule name: what the audit log and the confirmation page show. */
export const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const duration = z
  .union([z.string(), z.number()])
  .refine((value) => parseDuration(value) !== undefined, {
    message: 'expected a duration such as "36h", "7d", "90m", or a number of seconds',
  })
  .transform((value) => (parseDuration(value) as number) / 1000);

const size = z
  .union([z.string(), z.number()])
  .refine((value) => parseByteSize(value) !== undefined, {
    message: 'expected a size such as "500MiB", "20GiB", "1.5TB", or a number of bytes',
  })
  .transform((value) => parseByteSize(value) as number);

const ratio = z.number().min(0).max(1e9);

function range<T extends z.ZodType<number>>(value: T) {
  return z
    .strictObject({ min: value.optional(), max: value.optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, {
      message: "expected min, max or both",
    })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      message: "min is above max",
    });
}

const text = z.string().max(200);

/** Conditions on what a torrent is (used both to select and in `exclude`). */
const filters = {
  /** Tracker identity (the `tracker` label) or any tracker host; `*.example.org` matches its subdomains. */
  trackers: z.array(z.string().min(1).max(253)).min(1).max(100).optional(),
  /** Categories (qBittorrent's category, Deluge's and rTorrent's label); "" is "none". */
  categories: z.array(text).min(1).max(100).optional(),
  /** Any of these tags. */
  tags: z.array(text.min(1)).min(1).max(100).optional(),
  /** Status names of the status table (Uploading, Stalled, Paused, ...). */
  states: z
    .array(z.enum(STATUS_NAMES as [string, ...string[]]))
    .min(1)
    .max(STATUS_NAMES.length)
    .optional(),
};

const CONDITIONS = [
  "trackers",
  "categories",
  "tags",
  "states",
  "complete",
  "ratio",
  "seeding_time",
  "size",
  "age",
  "free_space_below",
] as const;

/** A rule as written (YAML or JSON): every condition given must hold. */
export const ruleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        RULE_NAME,
        "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      )
      .optional(),
    /** Delete the downloaded files too (default false). */
    delete_data: z.boolean().optional(),
    ...filters,
    /** Only complete (true) or only incomplete (false) torrents. */
    complete: z.boolean().optional(),
    ratio: range(ratio).optional(),
    /** Time spent seeding. */
    seeding_time: range(duration).optional(),
    /** Bytes selected for download. */
    size: range(size).optional(),
    /** Time since the torrent was added. */
    age: range(duration).optional(),
    /** Keep torrents that match any of these. */
    exclude: z.strictObject(filters).optional(),
    /**
     * Only while the client's free space is below this: select, in `order`, just enough
     * matching torrents to get back above it (needs delete_data: true).
     */
    free_space_below: size.optional(),
    order: z.enum(RULE_ORDERS).optional(),
    /** At most this many torrents per application. */
    limit: z.number().int().min(1).max(MAX_TORRENTS_PER_REMOVAL).optional(),
  })
  .superRefine((rule, ctx) => {
    if (!CONDITIONS.some((key) => rule[key] !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `a rule needs at least one condition (${CONDITIONS.join(", ")}); it never selects every torrent by default`,
      });
    }
    if (rule.free_space_below !== undefined && rule.delete_data !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["free_space_below"],
        message: "removing torrents without their data frees no space: set delete_data: true",
      });
    }
    if (rule.exclude !== undefined && Object.keys(rule.exclude).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["exclude"],
        message: "expected at least one condition",
      });
    }
  });

/** A rule as validated, before compiling. */
export type RawRule = z.output<typeof ruleSchema>;

/** A closed interval; an absent end is open. */
export interface Range {
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** Set conditions, compiled. */
export interface RuleFilters {
  /** Lower case; `*.x` patterns keep their `.x` suffix form. */
  readonly trackers: readonly string[] | undefined;
  readonly categories: ReadonlySet<string> | undefined;
  readonly tags: ReadonlySet<string> | undefined;
  readonly states: ReadonlySet<StatusCode> | undefined;
}

/** A rule ready to evaluate on the model. Times are in seconds, sizes in bytes. */
export interface RemovalRule extends RuleFilters {
  readonly name: string;
  readonly deleteData: boolean;
  readonly complete: boolean | undefined;
  readonly ratio: Range | undefined;
  readonly seedingTime: Range | undefined;
  readonly size: Range | undefined;
  readonly age: Range | undefined;
  readonly exclude: RuleFilters | undefined;
  readonly freeSpaceBelow: number | undefined;
  readonly order: RuleOrder;
  readonly limit: number | undefined;
  /** The rule as written (validated), for previews and the audit log. */
  readonly source: RawRule;
}

/** Compiles a validated rule; `fallbackName` names a rule written without one. */
export function compileRule(raw: RawRule, fallbackName: string): RemovalRule {
  const range = (r: { min?: number; max?: number } | undefined): Range | undefined =>
    r === undefined ? undefined : { min: r.min, max: r.max };
  return {
    name: raw.name ?? fallbackName,
    deleteData: raw.delete_data ?? false,
    ...compileFilters(raw),
    complete: raw.complete,
    ratio: range(raw.ratio),
    seedingTime: range(raw.seeding_time),
    size: range(raw.size),
    age: range(raw.age),
    exclude: raw.exclude === undefined ? undefined : compileFilters(raw.exclude),
    freeSpaceBelow: raw.free_space_below,
    order: raw.order ?? "oldest",
    limit: raw.limit,
    source: raw,
  };
}

function compileFilters(raw: {
  trackers?: readonly string[] | undefined;
  categories?: readonly string[] | undefined;
  tags?: readonly string[] | undefined;
  states?: readonly string[] | undefined;
}): RuleFilters {
  return {
    trackers: raw.trackers?.map((t) => t.toLowerCase().replace(/^\*\./, ".")),
    categories: raw.categories === undefined ? undefined : new Set(raw.categories),
    tags: raw.tags === undefined ? undefined : new Set(raw.tags),
    states:
      raw.states === undefined
        ? undefined
        : new Set(raw.states.map((s) => STATUS_NAMES.indexOf(s) as StatusCode)),
  };
}
