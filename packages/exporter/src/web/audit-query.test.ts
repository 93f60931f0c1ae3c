import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseAuditQuery, parseAuditTorrentsQuery } from "./audit-query.ts";

const parse = (query: string) => parseAuditQuery(new URLSearchParams(query));

describe("parseAuditQuery", () => {
  it("reads target, kind, paging, with defaults", () => {
    assert.deepEqual(parse(""), {
      target: undefined,
      dryRun: undefined,
      before: undefined,
      limit: 50,
    });
    assert.deepEqual(parse("target=box-1&dryRun=0&before=42&limit=500"), {
      target: "box-1",
      dryRun: false,
      before: 42,
      limit: 500,
    });
    assert.equal((parse("dryRun=true") as { dryRun: boolean }).dryRun, true);
  });

  it("names what is wrong", () => {
    assert.equal(parse("target=../x"), "target: expected a target name");
    assert.equal(
      parse("dryRun=maybe"),
      "dryRun: expected 1 (only dry runs) or 0 (only real removals)",
    );
    assert.equal(parse("before=-1"), "before: expected an entry id");
    assert.equal(parse("before=1e3"), "before: expected an entry id");
    assert.equal(parse("limit=0"), "limit: expected a whole number from 1 to 500");
    assert.equal(parse("limit=501"), "limit: expected a whole number from 1 to 500");
    assert.equal(parse("limit= 5"), "limit: expected a whole number from 1 to 500");
  });

  it("never throws, and what it lets through is in bounds", () => {
    const key = fc.constantFrom("target", "dryRun", "before", "limit", "__proto__");
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer().map(String),
      fc.constantFrom("1", "0", "NaN", "Infinity", "1e308"),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc
            .array(fc.tuple(key, value), { maxLength: 8 })
            .map((p) => new URLSearchParams(p).toString()),
        ),
        (text) => {
          const query = parse(text);
          if (typeof query === "string") return;
          assert.ok(Number.isSafeInteger(query.limit) && query.limit >= 1 && query.limit <= 500);
          assert.ok(
            query.before === undefined || (Number.isSafeInteger(query.before) && query.before >= 0),
          );
          assert.ok(
            query.target === undefined || /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(query.target),
          );
        },
      ),
      { numRuns: 1000, interruptAfterTimeLimit: 3000 },
    );
  });

  it("reads an entry's id with the position and size of a page of its torrents", () => {
    const torrents = (id: string, query = "") =>
      parseAuditTorrentsQuery(id, new URLSearchParams(query));
    assert.deepEqual(torrents("42"), { id: 42, from: 0, limit: 1000 });
    assert.deepEqual(torrents("42", "from=2000&limit=5000"), { id: 42, from: 2000, limit: 5000 });
    assert.equal(torrents("x"), "id: expected an entry id");
    assert.equal(torrents("-1"), "id: expected an entry id");
    assert.equal(torrents("1", "from=-5"), "from: expected a position (the previous page's next)");
    assert.equal(torrents("1", "limit=0"), "limit: expected a whole number from 1 to 5000");
    assert.equal(torrents("1", "limit=5001"), "limit: expected a whole number from 1 to 5000");
  });
});
