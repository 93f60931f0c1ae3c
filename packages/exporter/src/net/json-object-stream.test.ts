import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SourceProtocolError } from "./errors.ts";
import { JsonObjectStream } from "./json-object-stream.ts";

function read(text: string, cuts: readonly number[], streamed = new Set(["torrents"])) {
  const entries: Array<[string, string, unknown]> = [];
  const stream = new JsonObjectStream({ streamed, onEntry: (m, k, v) => entries.push([m, k, v]) });
  const bytes = Buffer.from(text);
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const next = Math.min(bytes.length, Math.max(at, cut));
    stream.write(bytes.subarray(at, next));
    at = next;
  }
  stream.write(bytes.subarray(at));
  return { kept: stream.end(), entries };
}

describe("JsonObjectStream", () => {
  it("streams entries of the chosen member and keeps the rest, wherever the chunks are cut", () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), json, { maxKeys: 6 }),
        fc.dictionary(fc.string(), json, { maxKeys: 8 }),
        fc.array(fc.nat(2000), { maxLength: 12 }),
        fc.boolean(),
        (others, torrents, cuts, pretty) => {
          const document = { ...others, torrents };
          const text = JSON.stringify(document, null, pretty ? 2 : 0);
          const { kept, entries } = read(text, cuts);
          const { torrents: _, ...rest } = JSON.parse(text) as Record<string, unknown>;
          assert.deepEqual(kept, rest);
          assert.deepEqual(
            entries.map(([, k, v]) => [k, v]),
            Object.entries(JSON.parse(text).torrents as object),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("handles UTF-8 names and escaped quotes split across chunks", () => {
    const text = JSON.stringify({
      rid: 2,
      torrents: { ab: { name: '日本語 "quoted" \\ name' } },
      n: -1.5e3,
    });
    for (let cut = 0; cut < Buffer.byteLength(text); cut++) {
      const { kept, entries } = read(text, [cut]);
      assert.deepEqual(kept, { rid: 2, n: -1500 });
      assert.deepEqual(entries, [["torrents", "ab", { name: '日本語 "quoted" \\ name' }]]);
    }
  });

  it("rejects malformed and truncated input with a protocol error", () => {
    const bad = [
      "[]",
      '{"a":1',
      '{"a" 1}',
      '{"a":1}}',
      '{"torrents":[1]}',
      '{"torrents":{"x":{"y":}}}',
      '{"a":tru}',
      "{1:2}",
      '{"a":{]}',
      '{"torrents":{"h":{"name":"trunc',
    ];
    for (const text of bad) {
      assert.throws(() => read(text, []), SourceProtocolError, text);
    }
    const arbitrary = fc.string({ unit: "binary", maxLength: 200 });
    fc.assert(
      fc.property(arbitrary, (text) => {
        try {
          read(text, []);
        } catch (error) {
          assert.ok(error instanceof SourceProtocolError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("bounds the size of a single value", () => {
    const text = JSON.stringify({ torrents: { big: "x".repeat(5000) } });
    const stream = new JsonObjectStream({
      streamed: new Set(["torrents"]),
      onEntry: () => {},
      maxValueBytes: 1000,
    });
    assert.throws(() => stream.write(Buffer.from(text)), /larger than 1000 bytes/);
  });
});
