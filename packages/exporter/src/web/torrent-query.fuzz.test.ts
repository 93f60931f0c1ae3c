import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseTorrentQuery } from "./api-routes.ts";
import { TORRENT_SORT_KEYS } from "./live-view.ts";

describe("parseTorrentQuery under hostile input", () => {
  it("answers any query string with a problem or a query within bounds", () => {
    const key = fc.constantFrom("q", "sort", "order", "offset", "limit", "__proto__", "toString");
    const value = fc.oneof(
      fc.string({ maxLength: 250 }),
      fc.constantFrom(
        "name",
        "asc",
        "desc",
        "-1",
        "1e3",
        "0x10",
        "Infinity",
        "NaN",
        " 5",
        "9007199254740993",
        "constructor",
      ),
      fc.integer().map(String),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.tuple(key, value), { maxLength: 10 })
            .map((pairs) => new URLSearchParams(pairs).toString()),
        ),
        (text) => {
          const query = parseTorrentQuery(new URLSearchParams(text));
          if (typeof query === "string") return;
          assert.ok(query.search.length <= 200);
          assert.ok((TORRENT_SORT_KEYS as readonly string[]).includes(query.sort));
          assert.ok(Number.isSafeInteger(query.offset) && query.offset >= 0);
          assert.ok(Number.isSafeInteger(query.limit) && query.limit >= 1 && query.limit <= 500);
          assert.equal(typeof query.descending, "boolean");
        },
      ),
      { numRuns: 1000, interruptAfterTimeLimit: 3000 },
    );
  });
});
