// Plans, performs, verifies and audits torrent removals on torrent targets; HTTP-free so every entry point shares it.

import { setTimeout as sleep } from "node:timers/promises";
import type { TorrentTarget } from "../collect/torrent-target.ts";
import type { Logger } from "../log.ts";
import type { AuditLog, AuditResult, AuditVia } from "./audit-log.ts";
import type { RemovalPolicy } from "./removal-config.ts";
import type { RemovalRequest, RemovalSelection } from "./removal-request.ts";
import { MAX_TORRENTS_PER_REMOVAL, type RemovalRule } from "./rule.ts";
import {
  describeTorrent,
  type RuleOutcome,
  type SelectedTorrent,
  selectByRules,
  sharedDataWarnings,
} from "./select.ts";

/** What the service needs from the daemon. */
export interface RemovalServiceOptions {
  readonly targets: { torrentTarget(name: string): TorrentTarget | undefined };
  /** The removal settings of a target (reloaded with the config). */
  readonly policy: (target: string) => RemovalPolicy;
  readonly audit: AuditLog;
  readonly log: Logger;
  readonly now?: () => number;
  /** How long to wait for the client to stop listing removed torrents (default 15 s). */
  readonly verifyTimeoutMs?: number;
}

/** Who asked for a removal. */
export interface RemovalActor {
  readonly user: string | undefined;
  readonly remote: string;
  readonly via: AuditVia;
}

/** What a removal would touch. */
export interface RemovalPlan {
  readonly target: string;
  /** Whether the target's config allows removal (a dry run works either way). */
  readonly removalEnabled: boolean;
  readonly torrents: readonly SelectedTorrent[];
  /** Hashes asked for that the target does not have. */
  readonly missing: readonly string[];
  /** What each rule did (empty when asked by hash). */
  readonly rules: readonly RuleOutcome[];
  readonly warnings: readonly string[];
}

/** A plan, or why there is none (with the HTTP status to answer). */
export type PlanResult =
  | { readonly ok: true; readonly plan: RemovalPlan }
  | { readonly ok: false; readonly status: 400 | 404 | 503; readonly error: string };

/** The answer to a removal request (its JSON body). */
export interface RemovalAnswer extends RemovalPlan {
  readonly dryRun: boolean;
  readonly result: AuditResult;
  /** Torrents the client still lists after the removal (result "partial"). */
  readonly stillPresent: readonly string[];
  readonly error: string | null;
  /** The audit log entry (`GET /api/v1/audit`). */
  readonly auditId: number;
}

/** An answer and its HTTP status. */
export type RemovalOutcome =
  | { readonly status: 200 | 403 | 502; readonly body: RemovalAnswer }
  | { readonly status: 400 | 404 | 503; readonly body: { readonly error: string } };

/**
 * Removes torrents through their client, and only from targets whose config enables it. Every
 * request is planned on the model first (the preview shows exactly that plan), only hashes the
 * target really has are sent to the client, removals on one target run one at a time, the
 * result is verified by polling until the client stops listing them, and every request that
 * gets as far as a plan is written to the audit log, dry runs and refusals included.
 */
export class RemovalService {
  readonly #options: RemovalServiceOptions;
  readonly #now: () => number;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: RemovalServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The removal settings of a target, or undefined when it is not a torrent target. */
  policyOf(name: string): RemovalPolicy | undefined {
    return this.#target(name) === undefined ? undefined : this.#options.policy(name);
  }

  /**
   * What a selection would remove now, on data at most `min_refresh_interval` old. Changes
   * nothing and records nothing.
   */
  async plan(
    targetName: string,
    selection: RemovalSelection,
    only?: ReadonlySet<string>,
  ): Promise<PlanResult> {
    const target = this.#target(targetName);
    if (target === undefined)
      return { ok: false, status: 404, error: `no torrent target named ${quote(targetName)}` };
    await target.refreshIfOlderThan(
      target.config.minRefreshInterval,
      this.#now() + Math.min(target.config.timeout, 10_000),
    );
    if (!target.health.up) {
      return {
        ok: false,
        status: 503,
        error: `target ${targetName} is down (${target.health.lastError ?? "not polled yet"}): its torrent list may be out of date`,
      };
    }
    const policy = this.#options.policy(targetName);
    let torrents: SelectedTorrent[];
    let missing: string[] = [];
    let rules: RuleOutcome[] = [];
    if (selection.kind === "hashes") {
      torrents = [];
      for (const hash of selection.hashes) {
        const row = target.table.get(hash);
        if (row === undefined) missing.push(hash);
        else torrents.push(describeTorrent(row, selection.deleteData, undefined));
      }
    } else {
      const resolved: RemovalRule[] = [];
      for (const ref of selection.rules) {
        if ("rule" in ref) {
          resolved.push(ref.rule);
          continue;
        }
        const rule = policy.rules.find((r) => r.name === ref.name);
        if (rule === undefined) {
          const known = policy.rules.map((r) => r.name).join(", ") || "none";
          return {
            ok: false,
            status: 400,
            error: `rules: no rule named ${quote(ref.name)} is configured for target ${targetName} (configured: ${known})`,
          };
        }
        resolved.push(rule);
      }
      const selected = selectByRules(resolved, {
        rows: target.table.rows(),
        freeSpace: target.client?.freeSpace,
        now: this.#now(),
      });
      torrents = selected.torrents;
      rules = selected.outcomes;
    }
    if (only !== undefined) {
      torrents = torrents.filter((t) => only.has(t.hash));
      const kept = new Set(torrents.map((t) => t.hash));
      // Confirmed but no longer there, or no longer selected by the rules: reported, never removed.
      missing = [...only].filter((h) => !kept.has(h));
    }
    if (torrents.length > MAX_TORRENTS_PER_REMOVAL) {
      return {
        ok: false,
        status: 400,
        error: `the rules select ${torrents.length} torrents, more than ${MAX_TORRENTS_PER_REMOVAL} in one removal: add a limit`,
      };
    }
    return {
      ok: true,
      plan: {
        target: targetName,
        removalEnabled: policy.enabled,
        torrents,
        missing,
        rules,
        warnings: sharedDataWarnings(torrents, target.table.rows()),
      },
    };
  }

  /** Plans, then (unless a dry run) removes, verifies and records; one removal per target at a time. */
  execute(
    targetName: string,
    request: RemovalRequest,
    actor: RemovalActor,
  ): Promise<RemovalOutcome> {
    const previous = this.#queues.get(targetName) ?? Promise.resolve();
    const run = previous.then(
      () => this.#execute(targetName, request, actor),
      () => this.#execute(targetName, request, actor),
    );
    const tail = run.catch(() => undefined);
    this.#queues.set(targetName, tail);
    void tail.then(() => {
      if (this.#queues.get(targetName) === tail) this.#queues.delete(targetName);
    });
    return run;
  }

  async #execute(
    targetName: string,
    request: RemovalRequest,
    actor: RemovalActor,
  ): Promise<RemovalOutcome> {
    const planned = await this.plan(targetName, request.selection, request.only);
    if (!planned.ok) return { status: planned.status, body: { error: planned.error } };
    const plan = planned.plan;
    const ruleNames = plan.rules.map((r) => r.rule);
    const record = (
      result: AuditResult,
      error: string | undefined,
      stillPresent: string[] = [],
    ) => {
      const auditId = this.#options.audit.record({
        user: actor.user,
        remote: actor.remote,
        via: actor.via,
        target: targetName,
        dryRun: request.dryRun,
        rules: ruleNames,
        torrents: plan.torrents,
        missing: plan.missing,
        result,
        error,
      });
      return {
        ...plan,
        dryRun: request.dryRun,
        result,
        stillPresent,
        error: error ?? null,
        auditId,
      };
    };
    if (request.dryRun) return { status: 200, body: record("dry-run", undefined) };
    if (!plan.removalEnabled) {
      const error = `removal is disabled for target ${targetName}: set removal: { enabled: true } on it in seedwatch.yml`;
      this.#options.log.warn("removal refused: disabled for the target", {
        target: targetName,
        user: actor.user,
        remote: actor.remote,
      });
      return { status: 403, body: record("refused", error) };
    }
    if (plan.torrents.length === 0) return { status: 200, body: record("nothing", undefined) };
    const target = this.#target(targetName) as TorrentTarget;
    const withData = plan.torrents.filter((t) => t.deleteData).map((t) => t.hash);
    const withoutData = plan.torrents.filter((t) => !t.deleteData).map((t) => t.hash);
    const signal = AbortSignal.timeout(Math.max(30_000, target.config.timeout * 3));
    const fields = {
      target: targetName,
      user: actor.user,
      remote: actor.remote,
      via: actor.via,
      torrents: plan.torrents.length,
      delete_data: withData.length,
    };
    try {
      if (withData.length > 0) await target.remove(withData, true, signal);
      if (withoutData.length > 0) await target.remove(withoutData, false, signal);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      this.#options.log.error("removal failed", { ...fields, err: message });
      return { status: 502, body: record("failed", message) };
    }
    const stillPresent = await this.#verify(
      target,
      plan.torrents.map((t) => t.hash),
    );
    const result = stillPresent.length === 0 ? "removed" : "partial";
    this.#options.log.info("torrents removed", {
      ...fields,
      result,
      still_present: stillPresent.length,
    });
    return {
      status: 200,
      body: record(
        result,
        stillPresent.length === 0
          ? undefined
          : `the client still lists ${stillPresent.length} of the torrents`,
        stillPresent,
      ),
    };
  }

  /** Polls until the client no longer lists the hashes (or time is up); returns those still listed. */
  async #verify(target: TorrentTarget, hashes: readonly string[]): Promise<string[]> {
    const deadline = this.#now() + (this.#options.verifyTimeoutMs ?? 15_000);
    let remaining = [...hashes];
    for (;;) {
      await target.refreshIfOlderThan(0, deadline);
      remaining = remaining.filter((h) => target.table.get(h) !== undefined);
      if (remaining.length === 0 || this.#now() >= deadline) return remaining;
      await sleep(250);
    }
  }

  #target(name: string): TorrentTarget | undefined {
    return this.#options.targets.torrentTarget(name);
  }
}

function quote(text: string): string {
  return JSON.stringify(text.slice(0, 64));
}
