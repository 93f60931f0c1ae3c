// An inbound request keeps its response body as a BodyTap would, though it makes one only for a second chunk.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BodyTap } from "./body-tap.ts";
import type { InboundPath } from "./inbound-recorders.ts";
import { InboundRequest } from "./inbound-state.ts";

const chunk = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("é", "€", "😀", "\ud800", "a".repeat(20), undefined, null, () => {}),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 12 }),
  fc.constant({ objectMode: true }),
);
const encoding = fc.constantFrom(undefined, "utf8", "utf-8", "UTF8", "latin1", "hex", "base64");

describe("InboundRequest", () => {
  it("has the body, and says whether it was text, exactly as a BodyTap fed the same chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(chunk, encoding), { maxLength: 6 }),
        fc.nat({ max: 80 }),
        (chunks, limit) => {
          const tap = new BodyTap(limit);
          const state = new InboundRequest(0, limit, {} as InboundPath, "", undefined, undefined);
          for (const [c, e] of chunks) {
            // Hex and base64 refuse some strings, and must refuse them alike.
            let tapError: unknown;
            let stateError: unknown;
            try {
              tap.add(c, e);
            } catch (error) {
              tapError = error;
            }
            try {
              state.add(c, e);
            } catch (error) {
              stateError = error;
            }
            assert.deepEqual(stateError, tapError);
          }
          const expected =
            tap.overflowed || tap.unreadable || tap.empty ? undefined : tap.contents();
          assert.deepEqual(state.body(), expected);
          if (expected !== undefined) assert.equal(state.textual, tap.textual);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("keeps a single string or Buffer within the limit as it was given", () => {
    const text = '{"code":0}';
    const bytes = Buffer.from(text);
    const fromText = new InboundRequest(0, 64, {} as InboundPath, "", undefined, undefined);
    fromText.add(text);
    fromText.add(undefined);
    assert.equal(fromText.body(), text);
    assert.equal(fromText.textual, true);
    const fromBytes = new InboundRequest(0, 64, {} as InboundPath, "", undefined, undefined);
    fromBytes.add(bytes);
    assert.equal(fromBytes.body(), bytes);
    assert.equal(fromBytes.textual, false);
  });
});
