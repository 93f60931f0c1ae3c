// Tests of the streaming reader of torrent-get answers: recorded 3.00 answers, any chunking, malformed input.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SourceProtocolError } from "../../net/errors.ts";
import { JsonArrayStream } from "./table-stream.ts";

const PATH = ["arguments", "torrents"];
const RECORDED = readFileSync(new URL("./fixtures/3.00/torrent-get-recent.json", import.meta.url));

/** Feeds `text` in chunks of `size` bytes; returns the streamed elements and the rest. */
function stream(text: string | Buffer, size: number, path = PATH) {
  const elements: unknown[] = [];
  const parser = new JsonArrayStream({ path, onElement: (value) => elements.push(value) });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) parser.write(bytes.subarray(i, i + size));
  return { elements, rest: parser.end() };
}

describe("JsonArrayStream", () => {
  it("streams the rows of a recorded 3.00 answer and keeps the rest, whatever the chunking", () => {
    const whole = JSON.parse(RECORDED.toString()) as {
      arguments: { torrents: unknown[]; removed: number[] };
    };
    for (const size of [1, 2, 3, 7, 64, 1000, RECORDED.length]) {
      const { elements, rest } = stream(RECORDED, size);
      assert.deepEqual(elements, whole.arguments.torrents, `chunks of ${size}`);
      assert.deepEqual(rest, {
        ...whole,
        arguments: { ...whole.arguments, torrents: [] },
      });
    }
  });

  it("finds the array at its path only, not arrays of the same name elsewhere", () => {
    const text = JSON.stringify({
      torrents: [[9]],
      result: { torrents: [["id"], [1], [2]], other: { torrents: [[3]] } },
      id: 4,
    });
    const { elements, rest } = stream(text, 5, ["result", "torrents"]);
    assert.deepEqual(elements, [["id"], [1], [2]]);
    assert.deepEqual(rest, {
      torrents: [[9]],
      result: { torrents: [], other: { torrents: [[3]] } },
      id: 4,
    });
  });

  it("reads member names split across chunks and strings full of brackets and escapes", () => {
    const text = JSON.stringify({
      "argu\u00e9ments": 1,
      arguments: { "tor\\rents": [1], torrents: [['a]"}{', "\u00fc\u20ac"], { x: "]" }, 5, "s"] },
    });
    for (const size of [1, 2, 5]) {
      const { elements } = stream(text, size);
      assert.deepEqual(elements, [['a]"}{', "\u00fc\u20ac"], { x: "]" }, 5, "s"]);
    }
  });

  it("gives the same elements as JSON.parse for any rows and any chunking (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.jsonValue(),
        // Small chunks cut rows; large ones hold many, parsed together.
        fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 51, max: 4000 })),
        (rows, other, size) => {
          const text = JSON.stringify({ arguments: { torrents: rows, removed: other }, tag: 1 });
          const { elements, rest } = stream(text, size);
          assert.deepEqual(elements, JSON.parse(JSON.stringify(rows)));
          assert.deepEqual(
            rest,
            JSON.parse(JSON.stringify({ arguments: { torrents: [], removed: other }, tag: 1 })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps the elements in order when some are taken from the bytes by `decode` (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 4 }),
        (rows, size, every) => {
          const text = JSON.stringify({ arguments: { torrents: rows } });
          const elements: unknown[] = [];
          let calls = 0;
          // Takes every `every`-th array that ends in its chunk: the first prefix that parses.
          const decode = (chunk: Buffer, start: number): number => {
            if (chunk[start] !== 0x5b || ++calls % every !== 0) return -1;
            for (let end = start + 1; end <= chunk.length; end++) {
              try {
                elements.push(JSON.parse(chunk.toString("utf8", start, end)));
                return end;
              } catch {}
            }
            return -1;
          };
          const parser = new JsonArrayStream({
            path: PATH,
            onElement: (value) => elements.push(value),
            decode,
          });
          const bytes = Buffer.from(text);
          for (let i = 0; i < bytes.length; i += size) parser.write(bytes.subarray(i, i + size));
          assert.deepEqual(parser.end(), { arguments: { torrents: [] } });
          assert.deepEqual(elements, JSON.parse(JSON.stringify(rows)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects garbage, truncation and oversized rows with a protocol error, never a crash", () => {
    const bad = [
      "<h1>502 Bad Gateway</h1>",
      "[1,2]",
      '{"arguments":{"torrents":[[1],[2]',
      '{"arguments":{"torrents":[[1] [2]]}}',
      '{"arguments":{"torrents":[[1],,[2]]}}',
      '{"arguments":{"torrents":[[1],[2}]}}',
      '{"arguments":{"torrents":[]}}}',
      '{"arguments":{"torrents":[]}} x',
      '{"a" "b"}',
      '{"arguments":{"torrents":[[1]]},"tag":nope}',
      "",
    ];
    for (const text of bad) {
      // In small chunks a row is captured on its own; in one chunk the rows are parsed together.
      for (const size of [3, 1000]) {
        assert.throws(
          () => stream(text, size),
          SourceProtocolError,
          `${text} in chunks of ${size}`,
        );
      }
    }
    // A bad row among good ones, all in one chunk: the error says what JSON.parse found.
    for (const row of ['[2,"b" "c"]', "[2,tru]", '[2,"\\x"]', "[2,{]}"]) {
      const text = `{"arguments":{"torrents":[["id"],[1,"a"],${row},[3]]}}`;
      assert.throws(
        () => stream(text, 1000),
        (error: unknown) => error instanceof SourceProtocolError && /^JSON: /.test(error.message),
        text,
      );
    }
    const parser = new JsonArrayStream({ path: PATH, onElement: () => {}, maxElementBytes: 100 });
    assert.throws(
      () => parser.write(Buffer.from(`{"arguments":{"torrents":[["${"x".repeat(200)}"]]}}`)),
      /a torrent row is larger than 100 bytes/,
    );
    const small = new JsonArrayStream({ path: PATH, onElement: () => {}, maxRestBytes: 50 });
    assert.throws(
      () => small.write(Buffer.from(`{"arguments":{"removed":[${"1,".repeat(50)}1]}}`)),
      /outside its torrent list is larger than 50 bytes/,
    );
  });
});
