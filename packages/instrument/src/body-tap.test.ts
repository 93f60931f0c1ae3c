// BodyTap's limit: a body is kept exactly when its UTF-8 size is within the limit, measured only when it matters.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BodyTap } from "./body-tap.ts";

const chunk = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("é", "€", "😀", "\ud800", "a".repeat(20)),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 12 }),
);

describe("BodyTap", () => {
  it("overflows exactly when the UTF-8 size of what was added passes the limit", () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 8 }), fc.nat({ max: 80 }), (chunks, limit) => {
        const tap = new BodyTap(limit);
        let bytes = 0;
        for (const c of chunks) {
          tap.add(c);
          bytes += typeof c === "string" ? Buffer.byteLength(c) : c.length;
          assert.equal(tap.overflowed, bytes > limit, `${bytes} bytes, limit ${limit}`);
        }
        if (tap.overflowed) return;
        assert.equal(tap.size, bytes);
        assert.equal(tap.empty, bytes === 0);
        const all = Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
        const contents = tap.contents();
        assert.deepEqual(typeof contents === "string" ? Buffer.from(contents) : contents, all);
        assert.equal(
          tap.textual,
          chunks.every((c) => typeof c === "string" || c.length === 0),
        );
      }),
      { numRuns: 3000 },
    );
  });
});
