import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ByteLines, encodeText } from "./byte-lines.ts";
import { defineGauge } from "./definition.ts";
import { encode, encodeBytes } from "./exposition.ts";
import { renderLabels } from "./labels.ts";
import { FamilyBuffer, joinChunks } from "./writer.ts";

const DEF = defineGauge({ name: "t_bytes", help: "Bytes.", labelNames: ["torrent_name"] });

const VALUES = [
  0,
  -0,
  1,
  -1,
  9,
  10,
  99,
  100,
  1234567890123,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53,
  1e21,
  -1e21,
  0.5,
  -0.25,
  1 / 3,
  5e-324,
  Number.MAX_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** The same samples through `FamilyBuffer.sample` (strings) and `ByteLines.line` (bytes). */
function both(samples: readonly (readonly [string, number])[]): [string, string] {
  const text = new FamilyBuffer(DEF);
  const bytes = new ByteLines();
  const name = encodeText(DEF.sampleName);
  for (const [label, value] of samples) {
    const labels = renderLabels(["torrent_name"], [label]);
    text.sample(labels, value);
    bytes.line(name, encodeText(labels), value);
  }
  return [text.text, joinChunks(bytes.chunks())];
}

describe("ByteLines", () => {
  it("writes every kind of value exactly as FamilyBuffer.sample does", () => {
    const [text, bytes] = both(VALUES.map((v) => ["x", v]));
    assert.equal(bytes, text);
    assert.match(bytes, /^t_bytes\{torrent_name="x"\} 9007199254740991$/m);
    assert.match(bytes, /^t_bytes\{torrent_name="x"\} 1e\+21$/m);
  });

  it("matches FamilyBuffer.sample for any label and value, across many chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: "binary", maxLength: 300 }), fc.double()), {
          maxLength: 600,
        }),
        (samples) => {
          const [text, bytes] = both(samples);
          assert.equal(bytes, text);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("keeps a line longer than a chunk whole, and every chunk ends with a line feed", () => {
    const long = "é".repeat(100_000);
    const [text, bytes] = both([
      ["a", 1],
      [long, 2],
      ["b", 3],
    ]);
    assert.equal(bytes, text);
    const lines = new ByteLines();
    const name = encodeText("n");
    for (let i = 0; i < 5000; i++) lines.line(name, encodeText(`{i="${i}"}`), i);
    const chunks = lines.chunks();
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) assert.equal(chunk.at(-1), 0x0a);
    assert.equal(lines.size, Buffer.concat(chunks).length);
  });

  it("leaves a family with byte chunks encoded as the same text in both formats", () => {
    const family = new FamilyBuffer(DEF);
    family.sample(renderLabels(["torrent_name"], ["a"]), 1);
    const lines = new ByteLines();
    lines.line(encodeText(DEF.sampleName), encodeText('{torrent_name="ü"}'), 2);
    family.appendChunks(lines.chunks());
    family.sample(renderLabels(["torrent_name"], ["c"]), 3);
    for (const format of ["text", "openmetrics"] as const) {
      assert.equal(encodeBytes([family], format).toString("utf8"), encode([family], format));
    }
    assert.match(encode([family], "text"), /t_bytes\{torrent_name="ü"\} 2\n/);
  });

  it("hands back the previous rendering's chunk objects where the bytes are the same, and new ones where they changed", () => {
    const name = encodeText("t_bytes");
    const render = (previous: readonly Uint8Array[], changed: number) => {
      const lines = new ByteLines(previous);
      for (let i = 0; i < 10_000; i++)
        lines.line(name, encodeText(`{i="${i}"}`), i === changed ? 7 : i * 1000);
      return lines.chunks();
    };
    const first = render([], -1);
    assert.ok(first.length >= 3);
    const second = render(first, 5000);
    assert.equal(second.length, first.length);
    const same = second.map((chunk, i) => chunk === first[i]);
    assert.ok(same.includes(true) && same.includes(false), String(same));
    assert.equal(same[0], true, "the chunk before the change is the same object");
    const expected = new ByteLines();
    for (let i = 0; i < 10_000; i++)
      expected.line(name, encodeText(`{i="${i}"}`), i === 5000 ? 7 : i * 1000);
    assert.equal(joinChunks(second), joinChunks(expected.chunks()));
    const third = render(second, 5000);
    assert.ok(
      third.every((chunk, i) => chunk === second[i]),
      "nothing changed: every chunk reused",
    );
  });
});
