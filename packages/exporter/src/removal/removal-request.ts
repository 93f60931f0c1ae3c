// Parses what a removal request asks for: a JSON body, a confirmation link's query, or the confirmation form.

import { z } from "zod";
import {
  compileRule,
  MAX_TORRENTS_PER_REMOVAL,
  type RemovalRule,
  RULE_NAME,
  ruleSchema,
} from "./rule.ts";

/** Largest JSON or form body of a removal request. */
export const MAX_REMOVAL_BODY_BYTES = 1024 * 1024;

/**
 * Hashes one request may name at most. Unknown ones are only counted in the audit log (with a
 * sample of AUDIT_SAMPLE_SIZE), so a request's size does not decide what it writes.
 */
export const MAX_HASHES_PER_REQUEST = MAX_TORRENTS_PER_REMOVAL;

/** Rules one request may apply at most. */
export const MAX_RULES_PER_REQUEST = 50;

/** A torrent's info-hash as clients key it: 40 hex digits (v1) or 64 (v2). */
export const INFO_HASH = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** A rule in a request: a configured one by name, or one written in the request. */
export type RuleReference = { readonly name: string } | { readonly rule: RemovalRule };

/** What to remove. */
export type RemovalSelection =
  | { readonly kind: "hashes"; readonly hashes: readonly string[]; readonly deleteData: boolean }
  | { readonly kind: "rules"; readonly rules: readonly RuleReference[] };

/** A parsed removal request. */
export interface RemovalRequest {
  readonly selection: RemovalSelection;
  readonly dryRun: boolean;
  /**
   * What the user confirmed: the selection is narrowed to these hashes, so a confirmation never
   * removes a torrent its page did not show (rules may match more by the time it is sent).
   */
  readonly only?: ReadonlySet<string>;
}

const bodySchema = z
  .strictObject({
    hashes: z
      .array(z.string().regex(INFO_HASH, "expected a 40- or 64-digit hex info-hash"))
      .min(1)
      .max(MAX_HASHES_PER_REQUEST)
      .optional(),
    rules: z.array(z.unknown()).min(1).max(MAX_RULES_PER_REQUEST).optional(),
    deleteData: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.hashes === undefined) === (body.rules === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "expected either hashes or rules" });
    }
    if (body.rules !== undefined && body.deleteData !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["deleteData"],
        message: "with rules, each rule says whether to delete data (delete_data)",
      });
    }
  });

/**
 * Parses the JSON body of `POST /api/v1/targets/:name/remove`:
 * `{ hashes: [...], deleteData?, dryRun? }` or `{ rules: ["configured-name" | {rule}], dryRun? }`.
 * Returns the request, or the problem to answer with a 400.
 */
export function parseRemovalBody(text: string): RemovalRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "the body is not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "expected a JSON object";
  // Said plainly, and before 10,000 hashes are each checked against a regular expression.
  const hashes = (value as { hashes?: unknown }).hashes;
  if (Array.isArray(hashes) && hashes.length > MAX_HASHES_PER_REQUEST)
    return `hashes: at most ${MAX_HASHES_PER_REQUEST} in one request (got ${hashes.length}): send them in several requests`;
  const parsed = bodySchema.safeParse(value);
  if (!parsed.success) return formatIssues(parsed.error.issues);
  const body = parsed.data;
  const dryRun = body.dryRun ?? false;
  if (body.hashes !== undefined) {
    return {
      selection: {
        kind: "hashes",
        hashes: uniqueHashes(body.hashes),
        deleteData: body.deleteData ?? false,
      },
      dryRun,
    };
  }
  const rules: RuleReference[] = [];
  const problems: string[] = [];
  (body.rules ?? []).forEach((item, i) => {
    if (typeof item === "string") {
      if (RULE_NAME.test(item)) rules.push({ name: item });
      else problems.push(`rules[${i}]: expected a configured rule's name or a rule object`);
      return;
    }
    const rule = ruleSchema.safeParse(item);
    if (rule.success) rules.push({ rule: compileRule(rule.data, `request-rule-${i + 1}`) });
    else problems.push(formatIssues(rule.error.issues, `rules[${i}]`));
  });
  if (problems.length > 0) return problems.join("; ");
  return { selection: { kind: "rules", rules }, dryRun };
}

/** A removal link or confirmation form: `target`, `hash` (repeated), `rule` (repeated), `deleteData`. */
export interface RemovalForm {
  readonly target: string;
  readonly hashes: readonly string[];
  readonly rules: readonly string[];
  readonly deleteData: boolean;
}

/** Hashes one link may carry (a link's length is bounded by the server's header size anyway). */
export const MAX_LINK_HASHES = 1000;

/**
 * Parses the query of `GET /remove` (the link a Grafana table or the dashboard opens) or the
 * body of the confirmation form: a target, then hashes or configured rule names, not both.
 */
export function parseRemovalForm(params: URLSearchParams): RemovalForm | string {
  const target = params.get("target");
  if (target === null || target === "") return "target: expected the name of a target";
  if (target.length > 64) return "target: at most 64 characters";
  const hashes = params.getAll("hash");
  const rules = params.getAll("rule");
  if (hashes.length === 0 && rules.length === 0) return "expected hash=... (repeated) or rule=...";
  if (hashes.length > 0 && rules.length > 0) return "expected hashes or rules, not both";
  if (hashes.length > MAX_LINK_HASHES) return `hash: at most ${MAX_LINK_HASHES} in one link`;
  if (rules.length > MAX_RULES_PER_REQUEST) return `rule: at most ${MAX_RULES_PER_REQUEST}`;
  const badHash = hashes.findIndex((h) => !INFO_HASH.test(h));
  if (badHash >= 0) return `hash[${badHash}]: expected a 40- or 64-digit hex info-hash`;
  const badRule = rules.findIndex((r) => !RULE_NAME.test(r));
  if (badRule >= 0) return `rule[${badRule}]: expected a configured rule's name`;
  const flag = params.get("deleteData") ?? "0";
  const deleteData = FLAGS.get(flag);
  if (deleteData === undefined) return "deleteData: expected 1 or 0";
  if (rules.length > 0 && params.has("deleteData"))
    return "deleteData: with rules, each rule says whether to delete data";
  return { target, hashes: uniqueHashes(hashes), rules: [...new Set(rules)], deleteData };
}

const FLAGS: ReadonlyMap<string, boolean> = new Map([
  ["1", true],
  ["true", true],
  ["0", false],
  ["false", false],
  ["", false],
]);

function uniqueHashes(hashes: readonly string[]): string[] {
  return [...new Set(hashes.map((h) => h.toLowerCase()))];
}

/** Zod issues as one line: `path: message; ...` (at most five). */
export function formatIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = "",
): string {
  const lines = issues.slice(0, 5).map((issue) => {
    const path = issue.path.reduce<string>(
      (out, part) =>
        typeof part === "number"
          ? `${out}[${part}]`
          : out === ""
            ? String(part)
            : `${out}.${String(part)}`,
      prefix,
    );
    return `${path || "(body)"}: ${issue.message}`;
  });
  if (issues.length > 5) lines.push(`and ${issues.length - 5} more`);
  return lines.join("; ");
}
