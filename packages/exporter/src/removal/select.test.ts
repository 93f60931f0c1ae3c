import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type StatusCode, TorrentStatus } from "../model/status.ts";
import { EMPTY_TORRENT, type TorrentPatch, type TorrentRecord } from "../model/torrent.ts";
import { type TorrentRow, TorrentTable } from "../model/torrent-table.ts";
import { TrackerNamer } from "../model/tracker.ts";
import { compileRule, type RawRule, type RuleOrder, ruleSchema } from "./rule.ts";
import { matchesRule, selectByRules, sharedDataWarnings } from "./select.ts";

const NOW = Date.UTC(2026, 0, 31);
const DAY = 86_400;
const GiB = 1024 ** 3;

function torrent(hash: string, fields: Partial<TorrentRecord> = {}): TorrentPatch {
  return {
    ...EMPTY_TORRENT,
    hash,
    name: `t-${hash}`,
    trackerHosts: ["tracker.alpha.example"],
    progress: 1,
    ratio: 1,
    addedOn: NOW / 1000 - 10 * DAY,
    savePath: "/data",
    ...fields,
  };
}

function table(patches: TorrentPatch[]): TorrentTable {
  const t = new TorrentTable(
    new TrackerNamer({ rename: { "*.beta.example": "Beta" }, categoryAsTracker: false }),
  );
  t.apply({ reset: true, removed: [], patches });
  return t;
}

function rule(raw: unknown, name = "r") {
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return compileRule(parsed.data, name);
}

const BOX = () =>
  table([
    torrent("a1", {
      category: "movies",
      tags: ["hd"],
      ratio: 2.5,
      seedingTime: 20 * DAY,
      size: 4 * GiB,
    }),
    torrent("a2", { category: "tv", tags: ["keep"], ratio: 0.4, seedingTime: 2 * DAY, size: GiB }),
    torrent("b1", {
      trackerHosts: ["t.beta.example"],
      category: "movies",
      ratio: 3,
      seedingTime: 40 * DAY,
      size: 8 * GiB,
      addedOn: NOW / 1000 - 60 * DAY,
    }),
    torrent("b2", {
      trackerHosts: ["t.beta.example"],
      status: TorrentStatus.Paused,
      progress: 0.5,
      ratio: -1,
      size: 2 * GiB,
      addedOn: 0,
    }),
  ]);

/** The hashes a rule selects, in its order. */
const picked = (t: TorrentTable, raw: unknown, freeSpace?: number) =>
  selectByRules([rule(raw)], { rows: t.rows(), freeSpace, now: NOW }).torrents.map((s) => s.hash);
/** The hashes a rule selects, sorted. */
const pick = (t: TorrentTable, raw: unknown, freeSpace?: number) =>
  picked(t, raw, freeSpace).sort();

/** The generated rules' shape, checked here without the code under test. */
interface Oracle {
  trackers: string[];
  categories?: string[];
  tags?: string[];
  complete?: boolean;
  ratio?: { min: number };
  seeding_time?: { max: number };
  size?: { min: number };
  age?: { min: number };
  exclude?: { tags: string[] };
}

function oracle(r: TorrentRow, rule: Oracle): boolean {
  const names = [r.tracker, ...r.trackerHosts];
  const tracker = (p: string) =>
    names.some((n) => (p.startsWith("*.") ? n.endsWith(p.slice(1)) : n === p));
  return (
    rule.trackers.some(tracker) &&
    (rule.categories === undefined || rule.categories.includes(r.category)) &&
    (rule.tags === undefined || r.tags.some((t) => rule.tags?.includes(t))) &&
    (rule.complete === undefined || r.progress >= 1 === rule.complete) &&
    (rule.ratio === undefined || (r.ratio >= 0 && r.ratio >= rule.ratio.min)) &&
    (rule.seeding_time === undefined || r.seedingTime <= rule.seeding_time.max) &&
    (rule.size === undefined || r.size >= rule.size.min) &&
    (rule.age === undefined || (r.addedOn > 0 && NOW / 1000 - r.addedOn >= rule.age.min)) &&
    (rule.exclude === undefined || !r.tags.some((t) => rule.exclude?.tags.includes(t)))
  );
}

const ORDER_KEYS: Record<RuleOrder, (r: TorrentRow) => number> = {
  oldest: (r) => r.addedOn,
  newest: (r) => -r.addedOn,
  largest: (r) => -r.size,
  smallest: (r) => r.size,
  highest_ratio: (r) => -r.ratio,
  lowest_ratio: (r) => r.ratio,
  longest_seeding: (r) => -r.seedingTime,
};

describe("removal rules on the model", () => {
  it("select by tracker (label, host or *.domain), category, tag and state", () => {
    const t = BOX();
    assert.deepEqual(pick(t, { trackers: ["Beta"] }), ["b1", "b2"]);
    assert.deepEqual(pick(t, { trackers: ["TRACKER.alpha.example"] }), ["a1", "a2"]);
    assert.deepEqual(pick(t, { trackers: ["*.beta.example"] }), ["b1", "b2"]);
    assert.deepEqual(pick(t, { trackers: ["*.example"], categories: ["movies"] }), ["a1", "b1"]);
    assert.deepEqual(pick(t, { tags: ["hd", "nope"] }), ["a1"]);
    assert.deepEqual(pick(t, { states: ["Paused"] }), ["b2"]);
    assert.deepEqual(pick(t, { complete: false }), ["b2"]);
  });

  it("select by ratio, seeding time, size and age; unknown figures never match", () => {
    const t = BOX();
    assert.deepEqual(pick(t, { ratio: { min: 2 } }), ["a1", "b1"]);
    assert.deepEqual(pick(t, { ratio: { max: 1 } }), ["a2"], "b2's unknown ratio (-1) is no match");
    assert.deepEqual(pick(t, { seeding_time: { min: "14d" } }), ["a1", "b1"]);
    assert.deepEqual(pick(t, { size: { min: "3GiB", max: "5GiB" } }), ["a1"]);
    assert.deepEqual(pick(t, { age: { min: "30d" } }), ["b1"], "b2 has no added time");
    assert.deepEqual(pick(t, { age: { max: "30d" } }), ["a1", "a2"]);
  });

  it("keeps what `exclude` names, and orders and limits what it selects", () => {
    const t = BOX();
    assert.deepEqual(pick(t, { categories: ["movies", "tv"], exclude: { tags: ["keep"] } }), [
      "a1",
      "b1",
    ]);
    assert.deepEqual(picked(t, { trackers: ["*.example"], order: "largest", limit: 2 }), [
      "b1",
      "a1",
    ]);
    assert.deepEqual(picked(t, { trackers: ["*.example"], order: "oldest", limit: 1 }), ["b2"]);
    assert.deepEqual(picked(t, { trackers: ["*.example"], order: "lowest_ratio", limit: 2 }), [
      "b2",
      "a2",
    ]);
    const [outcome] = selectByRules([rule({ trackers: ["*.example"], limit: 1 })], {
      rows: t.rows(),
      freeSpace: undefined,
      now: NOW,
    }).outcomes;
    assert.deepEqual(outcome, { rule: "r", matched: 4, selected: 1, note: "limited to 1" });
  });

  it("frees space only while it is below the threshold, just enough, in order", () => {
    const t = BOX();
    const raw = { free_space_below: "10GiB", delete_data: true, complete: true, order: "largest" };
    assert.deepEqual(pick(t, raw, 20 * GiB), [], "enough free space: nothing");
    assert.deepEqual(pick(t, raw, 5 * GiB), ["b1"], "8 GiB freed covers the 5 GiB missing");
    assert.deepEqual(picked(t, raw, 1 * GiB), ["b1", "a1"], "9 GiB missing: two torrents");
    assert.deepEqual(pick(t, raw, undefined), [], "unknown free space: nothing");
    const { outcomes } = selectByRules([rule(raw)], { rows: t.rows(), freeSpace: 0, now: NOW });
    assert.equal(outcomes[0]?.note, "frees about 12.00 GiB of the 10.00 GiB needed");
    const short = selectByRules([rule({ ...raw, free_space_below: "30GiB" })], {
      rows: t.rows(),
      freeSpace: 0,
      now: NOW,
    }).outcomes;
    assert.equal(
      short[0]?.note,
      "every match together frees only about 13.00 GiB of the 30.00 GiB needed",
    );
  });

  it("lists a torrent once when several rules select it, deleting data when any says so", () => {
    const t = BOX();
    const result = selectByRules(
      [
        rule({ categories: ["movies"] }, "first"),
        rule({ ratio: { min: 3 }, delete_data: true }, "second"),
      ],
      { rows: t.rows(), freeSpace: undefined, now: NOW },
    );
    assert.deepEqual(
      result.torrents.map((s) => [s.hash, s.rule, s.deleteData]),
      [
        ["b1", "first", true],
        ["a1", "first", false],
      ],
      "oldest first, the default order",
    );
  });

  it("warns when deleted data is shared with a torrent that stays (cross-seeding)", () => {
    const t = table([
      torrent("x1", { name: "Same.Film", trackerHosts: ["one.example"] }),
      torrent("x2", { name: "Same.Film", trackerHosts: ["two.example"] }),
      torrent("x3", { name: "Other" }),
    ]);
    const chosen = selectByRules([rule({ trackers: ["one.example"], delete_data: true })], {
      rows: t.rows(),
      freeSpace: undefined,
      now: NOW,
    }).torrents;
    const warnings = sharedDataWarnings(chosen, t.rows());
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? "",
      /Same\.Film \(x1\) shares its files with 1 torrent\(s\) that stay \(two\.example x2\)/,
    );
    const both = selectByRules([rule({ trackers: ["*.example"], delete_data: true })], {
      rows: t.rows(),
      freeSpace: undefined,
      now: NOW,
    }).torrents;
    assert.deepEqual(sharedDataWarnings(both, t.rows()), [], "all of them go: nothing breaks");
  });

  it("selects exactly the matching torrents, within limit, whatever the rule and the torrents", () => {
    const status = fc.constantFrom(...(Object.values(TorrentStatus) as StatusCode[]));
    const row = fc.record({
      hash: fc.stringMatching(/^[0-9a-f]{6}$/),
      category: fc.constantFrom("", "a", "b"),
      tags: fc.subarray(["x", "y", "z"]),
      trackerHosts: fc.subarray(["p.example", "q.other"], { minLength: 1 }),
      status,
      ratio: fc.oneof(fc.constant(-1), fc.double({ min: 0, max: 10, noNaN: true })),
      seedingTime: fc.nat(100 * DAY),
      size: fc.nat(10 * GiB),
      progress: fc.constantFrom(0, 0.5, 1),
      addedOn: fc.oneof(
        fc.constant(0),
        fc.integer({ min: NOW / 1000 - 100 * DAY, max: NOW / 1000 }),
      ),
    });
    const rawRule = fc.record(
      {
        categories: fc.subarray(["", "a", "b"], { minLength: 1 }),
        tags: fc.subarray(["x", "y"], { minLength: 1 }),
        trackers: fc.subarray(["*.example", "q.other"], { minLength: 1 }),
        complete: fc.boolean(),
        ratio: fc.record({ min: fc.double({ min: 0, max: 5, noNaN: true }) }),
        seeding_time: fc.record({ max: fc.nat(100 * DAY) }),
        size: fc.record({ min: fc.nat(5 * GiB) }),
        age: fc.record({ min: fc.nat(50 * DAY) }),
        exclude: fc.record({ tags: fc.subarray(["z"], { minLength: 1 }) }),
        order: fc.constantFrom(
          "oldest",
          "newest",
          "largest",
          "smallest",
          "highest_ratio",
          "lowest_ratio",
          "longest_seeding",
        ),
        limit: fc.integer({ min: 1, max: 20 }),
      },
      { requiredKeys: ["trackers"] },
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(row, { selector: (r) => r.hash, maxLength: 40 }),
        rawRule,
        (rows, raw) => {
          const t = table(rows.map((r) => torrent(r.hash, r)));
          const compiled = rule(raw as RawRule);
          const { torrents, outcomes } = selectByRules([compiled], {
            rows: t.rows(),
            freeSpace: undefined,
            now: NOW,
          });
          const matching = [...t.rows()].filter((r) => oracle(r, raw as Oracle));
          assert.deepEqual(
            matching.map((r) => matchesRule(r, compiled, NOW / 1000)),
            matching.map(() => true),
          );
          assert.equal(outcomes[0]?.matched, matching.length);
          assert.equal(
            torrents.length,
            Math.min(matching.length, compiled.limit ?? Number.POSITIVE_INFINITY),
          );
          const ids = new Set(matching.map((r) => r.hash));
          for (const s of torrents) assert.ok(ids.has(s.hash), "only matching torrents");
          for (const s of torrents) assert.equal(s.deleteData, false);
          assert.equal(new Set(torrents.map((s) => s.hash)).size, torrents.length, "no duplicates");
          // The limit keeps the first in the rule's order: nothing left out comes before anything kept.
          const key = ORDER_KEYS[compiled.order];
          const kept = new Set(torrents.map((s) => s.hash));
          const worstKept = Math.max(...matching.filter((r) => kept.has(r.hash)).map(key));
          for (const r of matching) if (!kept.has(r.hash)) assert.ok(key(r) >= worstKept);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 5000 },
    );
  });
});
