import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MAX_HASHES_PER_REQUEST, parseRemovalBody, parseRemovalForm } from "./removal-request.ts";

const H1 = "a".repeat(40);
const H2 = "B".repeat(40);
const V2 = "c".repeat(64);

describe("removal request bodies", () => {
  it("reads hashes (lower-cased, deduplicated) with deleteData and dryRun", () => {
    assert.deepEqual(
      parseRemovalBody(
        JSON.stringify({ hashes: [H1, H2, H2.toLowerCase(), V2], deleteData: true, dryRun: true }),
      ),
      {
        selection: { kind: "hashes", hashes: [H1, H2.toLowerCase(), V2], deleteData: true },
        dryRun: true,
      },
    );
    assert.deepEqual(parseRemovalBody(JSON.stringify({ hashes: [H1] })), {
      selection: { kind: "hashes", hashes: [H1], deleteData: false },
      dryRun: false,
    });
  });

  it("reads rules by name and written out, compiled", () => {
    const parsed = parseRemovalBody(
      JSON.stringify({
        rules: ["old-ones", { ratio: { min: 2 }, seeding_time: { min: "7d" }, delete_data: true }],
      }),
    );
    assert.ok(typeof parsed === "object" && parsed.selection.kind === "rules");
    const [byName, written] = parsed.selection.rules;
    assert.deepEqual(byName, { name: "old-ones" });
    assert.ok(written !== undefined && "rule" in written);
    assert.equal(written.rule.name, "request-rule-2");
    assert.equal(written.rule.deleteData, true);
    assert.deepEqual(written.rule.seedingTime, { min: 7 * 86_400, max: undefined });
  });

  it("names what is wrong", () => {
    const cases: Array<[unknown, string]> = [
      ["nope", "the body is not JSON"],
      [[H1], "expected a JSON object"],
      [{}, "(body): expected either hashes or rules"],
      [{ hashes: [H1], rules: ["x"] }, "(body): expected either hashes or rules"],
      [{ hashes: [] }, "hashes: Too small: expected array to have >=1 items"],
      [{ hashes: ["xyz"] }, "hashes[0]: expected a 40- or 64-digit hex info-hash"],
      [
        { hashes: [H1], deleteData: "yes" },
        "deleteData: Invalid input: expected boolean, received string",
      ],
      [{ hashes: [H1], force: true }, '(body): Unrecognized key: "force"'],
      [
        { rules: ["old"], deleteData: true },
        "deleteData: with rules, each rule says whether to delete data (delete_data)",
      ],
      [{ rules: ["../etc"] }, "rules[0]: expected a configured rule's name or a rule object"],
      [
        { rules: [{}] },
        "rules[0]: a rule needs at least one condition (trackers, categories, tags, states, complete, ratio, seeding_time, size, age, free_space_below); it never selects every torrent by default",
      ],
      [{ rules: [{ ratio: { min: 3, max: 1 } }] }, "rules[0].ratio: min is above max"],
      [
        { rules: [{ states: ["Seeding"] }] },
        'rules[0].states[0]: Invalid option: expected one of "Unknown"|"Allocating"|"Downloading"|"Uploading"|"Checking"|"Errored"|"Stalled"|"Queued"|"Paused"|"Moving"|"Undefined"',
      ],
      [
        { rules: [{ free_space_below: "10GiB" }] },
        "rules[0].free_space_below: removing torrents without their data frees no space: set delete_data: true",
      ],
      [
        { rules: [{ size: { min: "lots" } }] },
        'rules[0].size.min: expected a size such as "500MiB", "20GiB", "1.5TB", or a number of bytes',
      ],
    ];
    for (const [body, problem] of cases)
      assert.equal(
        parseRemovalBody(typeof body === "string" ? body : JSON.stringify(body)),
        problem,
        JSON.stringify(body),
      );
  });

  it("takes at most MAX_HASHES_PER_REQUEST hashes, and says so plainly above it", () => {
    const hex = (i: number) => i.toString(16).padStart(40, "0");
    const most = Array.from({ length: MAX_HASHES_PER_REQUEST }, (_, i) => hex(i));
    const parsed = parseRemovalBody(JSON.stringify({ hashes: most }));
    assert.ok(typeof parsed === "object" && parsed.selection.kind === "hashes");
    assert.equal(parsed.selection.hashes.length, MAX_HASHES_PER_REQUEST);
    assert.equal(
      parseRemovalBody(JSON.stringify({ hashes: [...most, hex(MAX_HASHES_PER_REQUEST)] })),
      `hashes: at most ${MAX_HASHES_PER_REQUEST} in one request (got ${MAX_HASHES_PER_REQUEST + 1}): send them in several requests`,
    );
    // Counted before each is checked: a long list of junk gets the same answer.
    assert.equal(
      parseRemovalBody(JSON.stringify({ hashes: Array(20_000).fill(0) })),
      `hashes: at most ${MAX_HASHES_PER_REQUEST} in one request (got 20000): send them in several requests`,
    );
  });

  it("never throws on hostile bodies, and only lets through well-formed requests", () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.json({ maxDepth: 6 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ hashes: v })),
      fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify({ rules: [v] })),
      fc
        .dictionary(
          fc.constantFrom("hashes", "rules", "deleteData", "dryRun", "__proto__", "constructor"),
          fc.jsonValue({ maxDepth: 3 }),
        )
        .map((v) => JSON.stringify(v)),
      fc.nat(20_000).map((n) => "[".repeat(n)),
    );
    fc.assert(
      fc.property(hostile, (text) => {
        const parsed = parseRemovalBody(text);
        if (typeof parsed === "string") return;
        assert.equal(typeof parsed.dryRun, "boolean");
        if (parsed.selection.kind === "hashes") {
          assert.ok(parsed.selection.hashes.every((h) => /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(h)));
          assert.equal(typeof parsed.selection.deleteData, "boolean");
        } else {
          assert.ok(parsed.selection.rules.length >= 1 && parsed.selection.rules.length <= 50);
        }
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 5000 },
    );
  });

  it("answers a clear error for a deeply nested body", () => {
    const deep = `{"rules":[${"[".repeat(100_000)}${"]".repeat(100_000)}]}`;
    assert.equal(typeof parseRemovalBody(deep), "string");
  });
});

describe("removal links and confirmation forms", () => {
  const parse = (query: string) => parseRemovalForm(new URLSearchParams(query));

  it("reads a target with hashes or rule names", () => {
    assert.deepEqual(parse(`target=box&hash=${H1}&hash=${H2}&deleteData=1`), {
      target: "box",
      hashes: [H1, H2.toLowerCase()],
      rules: [],
      deleteData: true,
    });
    assert.deepEqual(parse("target=box&rule=old-ones&rule=old-ones"), {
      target: "box",
      hashes: [],
      rules: ["old-ones"],
      deleteData: false,
    });
  });

  it("names what is wrong", () => {
    assert.equal(parse(`hash=${H1}`), "target: expected the name of a target");
    assert.equal(parse("target=box"), "expected hash=... (repeated) or rule=...");
    assert.equal(parse(`target=box&hash=${H1}&rule=x`), "expected hashes or rules, not both");
    assert.equal(parse("target=box&hash=zz"), "hash[0]: expected a 40- or 64-digit hex info-hash");
    assert.equal(parse(`target=box&hash=${H1}&deleteData=toString`), "deleteData: expected 1 or 0");
    assert.equal(
      parse("target=box&rule=x&deleteData=1"),
      "deleteData: with rules, each rule says whether to delete data",
    );
    assert.equal(
      parse(`target=box${`&hash=${H1}`.repeat(1001)}`),
      "hash: at most 1000 in one link",
    );
  });

  it("never throws on hostile query strings, and only lets through well-formed ones", () => {
    const key = fc.constantFrom(
      "target",
      "hash",
      "rule",
      "deleteData",
      "csrf",
      "__proto__",
      "constructor",
      "hasOwnProperty",
    );
    const value = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.constantFrom(H1, V2, "1", "0", "toString", "__proto__", "box"),
    );
    const query = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .array(fc.tuple(key, value), { maxLength: 12 })
        .map((pairs) => new URLSearchParams(pairs).toString()),
    );
    fc.assert(
      fc.property(query, (text) => {
        const parsed = parseRemovalForm(new URLSearchParams(text));
        if (typeof parsed === "string") return;
        assert.equal(typeof parsed.deleteData, "boolean");
        assert.ok(parsed.target.length >= 1 && parsed.target.length <= 64);
        assert.ok(parsed.hashes.every((h) => /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(h)));
        assert.ok((parsed.hashes.length === 0) !== (parsed.rules.length === 0));
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 5000 },
    );
  });
});
