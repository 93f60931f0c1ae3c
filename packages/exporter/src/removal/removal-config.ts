// The `removal:` option of a target (or of `global`): whether torrents may be removed, and the named rules.

import { z } from "zod";
import { compileRule, type RemovalRule, ruleSchema } from "./rule.ts";

/** Whether and how torrents of one target may be removed. */
export interface RemovalPolicy {
  /** Off by default: nothing is removed from a target unless its config says so. */
  readonly enabled: boolean;
  /** Named rules, global ones first (a target's rule replaces a global one of the same name). */
  readonly rules: readonly RemovalRule[];
}

/** Removal when nothing is configured. */
export const REMOVAL_DISABLED: RemovalPolicy = { enabled: false, rules: [] };

/** The `removal:` section's schema. */
export const removalSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    rules: z.array(ruleSchema).max(100).optional(),
  })
  .superRefine((removal, ctx) => {
    const seen = new Map<string, number>();
    removal.rules?.forEach((rule, i) => {
      if (rule.name === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "name"],
          message: "a configured rule needs a name (requests and the audit log refer to it)",
        });
      } else if (seen.has(rule.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "name"],
          message: `duplicate rule name (the same as rules[${seen.get(rule.name)}].name)`,
        });
      } else seen.set(rule.name, i);
    });
  });

/** The `removal:` section as written. */
export type RawRemoval = z.output<typeof removalSchema>;

/** Merges a target's `removal:` over `global.removal`. */
export function buildRemovalPolicy(
  global: RawRemoval | undefined,
  target: RawRemoval | undefined,
): RemovalPolicy {
  const rules = new Map<string, RemovalRule>();
  for (const raw of [...(global?.rules ?? []), ...(target?.rules ?? [])]) {
    const rule = compileRule(raw, raw.name ?? "");
    rules.delete(rule.name);
    rules.set(rule.name, rule);
  }
  return {
    enabled: target?.enabled ?? global?.enabled ?? false,
    rules: [...rules.values()],
  };
}
