import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ArrayResponseStream } from "./array-stream.ts";
import { decodeNumbersRow, numbersBuffer, unpackNumbersAt } from "./list-query.ts";
import { bytesAre, RowScanner } from "./row-scan.ts";
import { parseMethodResponse, parseValueAt } from "./xmlrpc/reader.ts";
import type { XmlRpcValue } from "./xmlrpc/value.ts";

const HASH = "7507BCCDA3E0DFF85453B516FF29812DBCB4CF21";
const PACKED = "100000:100000:0:0:0:0:0:1:1:1:1:0:0:1795326103:1795326103:0:0:0:1:0:0";
const CRLF = "\r\n";

/** A row as xmlrpc-c writes it: cells on lines of their own, CRLF between them. */
function row(...cells: string[]): string {
  return `<value><array><data>${CRLF}${cells.map((c) => `<value><string>${c}</string></value>`).join(CRLF)}${CRLF}</data></array></value>`;
}

/** The scanner's reading of a row, as the values the XML-RPC reader would give. */
function scanned(text: string, kind: "pair" | "joined"): { value: XmlRpcValue; end: number } | -1 {
  const b = Buffer.from(text, "utf8");
  const rows = new RowScanner();
  const end = kind === "pair" ? rows.pair(b, 0) : rows.joined(b, 0);
  if (end < 0) return -1;
  const hash = b.toString("latin1", rows.hashAt, rows.hashAt + 40);
  const rest = b.toString("latin1", rows.textStart, rows.textEnd);
  return { value: kind === "pair" ? [hash, rest] : [hash + rest], end };
}

describe("RowScanner", () => {
  it("reads the rows rTorrent sends as the XML-RPC reader does, to the same end", () => {
    const rows: [string, "pair" | "joined"][] = [
      [row(HASH, PACKED), "pair"],
      [row(HASH.toLowerCase(), PACKED), "pair"],
      [row(`${HASH}Tracker: [Timeout was reached]`), "joined"],
      [row(HASH), "joined"],
      // Whitespace of any kind between the tags.
      [
        `<value><array><data> \n\t<value><string>${HASH}</string></value>\n<value><string>${PACKED}</string></value>   </data></array></value>`,
        "pair",
      ],
      [
        `<value><array><data><value><string>${HASH}</string></value><value><string>1:2</string></value></data></array></value>`,
        "pair",
      ],
    ];
    for (const [text, kind] of rows) {
      const got = scanned(text, kind);
      assert.notEqual(got, -1, text);
      const parsed = parseValueAt(Buffer.from(text, "utf8"), 0);
      assert.deepEqual(got, parsed, text);
    }
  });

  it("leaves every other row to the XML-RPC reader: markup, entities, line ends, UTF-8, other shapes", () => {
    const declined: [string, "pair" | "joined"][] = [
      [row(`${HASH}Tracker: [Failure reason &quot;x&quot;]`), "joined"],
      [row(`${HASH}Storage error: [disque plein é]`), "joined"],
      [row(`${HASH}a\r\nb`), "joined"],
      [row(`${HASH}<![CDATA[x]]>`), "joined"],
      [row(HASH.slice(1), PACKED), "pair"],
      [row(`${HASH.slice(1)}G`, PACKED), "pair"],
      [row(`${HASH}0`, PACKED), "pair"],
      [row(HASH, PACKED, "x"), "pair"],
      [row(HASH, PACKED), "joined"],
      [row(HASH), "pair"],
      [row(`${HASH}x`, "y"), "joined"],
      [
        `<value><array><data>${CRLF}<!-- c --><value><string>${HASH}</string></value>${CRLF}<value><string>1</string></value></data></array></value>`,
        "pair",
      ],
      [
        `<value> <array><data><value><string>${HASH}</string></value><value><string>1</string></value></data></array></value>`,
        "pair",
      ],
      [
        `<value><array><data><value><string>${HASH}</string></value><value><i8>1</i8></value></data></array></value>`,
        "pair",
      ],
      [
        `<value><array><data><value><string>${HASH}</string></value><value><string>1</string></value></data></array> </value>`,
        "pair",
      ],
      [
        `<value type="x"><array><data><value><string>${HASH}</string></value></data></array></value>`,
        "joined",
      ],
      [`<value><array><data><value>${HASH}</value></data></array></value>`, "joined"],
    ];
    for (const [text, kind] of declined) assert.equal(scanned(text, kind), -1, text);
  });

  it("matches no proper prefix of a row (a row cut by the end of a batch waits for the rest)", () => {
    for (const [text, kind] of [
      [row(HASH, PACKED), "pair"],
      [row(`${HASH}Tracker: [Timeout]`), "joined"],
    ] as const) {
      const whole = Buffer.from(text, "utf8");
      for (let cut = 0; cut < whole.length; cut++) {
        const rows = new RowScanner();
        const b = whole.subarray(0, cut);
        assert.equal(kind === "pair" ? rows.pair(b, 0) : rows.joined(b, 0), -1, `cut at ${cut}`);
      }
    }
  });

  it("reads the packed integers as decodeNumbersRow does, or leaves them to it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("0", "1", "9", ":", "-", "x", " "), { maxLength: 80 }),
        fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 49 }), { minLength: 21, maxLength: 21 }),
        fc.boolean(),
        (noise, ints, useNoise) => {
          const packed = useNoise ? noise.join("") : ints.join(":");
          const bytes = Buffer.from(`xx${packed}yy`, "latin1");
          const fast = numbersBuffer();
          const ok = unpackNumbersAt(bytes, 2, 2 + packed.length, fast);
          const slow = numbersBuffer();
          let decoded = true;
          try {
            decodeNumbersRow([HASH, packed], 0, "w", slow);
          } catch {
            decoded = false;
          }
          assert.equal(ok, decoded, packed);
          if (ok) assert.deepEqual(fast, slow, packed);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("compares text with a kept string byte for byte", () => {
    const b = Buffer.from("xTrackery", "latin1");
    assert.equal(bytesAre(b, 1, 8, "Tracker"), true);
    assert.equal(bytesAre(b, 1, 8, "Trackex"), false);
    assert.equal(bytesAre(b, 1, 8, "Tracke"), false);
    assert.equal(bytesAre(b, 1, 1, ""), true);
  });

  it("takes rows through an ArrayResponseStream's scan as the reader would, however the bytes are cut", () => {
    const rows = [
      row(HASH, PACKED),
      // An entity: left to the reader.
      row(`${HASH}Tracker: [&lt;x&gt;]`),
      row(HASH.toLowerCase(), "1:2:3"),
      `<value><array><data><!-- x --><value><string>${HASH}</string></value></data></array></value>`,
      row(`${HASH}é`),
    ];
    const answer = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>${CRLF}<methodResponse>${CRLF}<params>${CRLF}<param><value><array><data>${CRLF}${rows.join(CRLF)}${CRLF}</data></array></value></param>${CRLF}</params>${CRLF}</methodResponse>${CRLF}`,
      "utf8",
    );
    const expected = parseMethodResponse(answer) as XmlRpcValue[];
    for (let cut = 1; cut < answer.length; cut++) {
      const got: [number, XmlRpcValue, string][] = [];
      const scanner = new RowScanner();
      let index = 0;
      const reader = new ArrayResponseStream(
        (value, i) => {
          assert.equal(i, index++);
          got.push([i, value, "read"]);
        },
        {
          where: "w",
          batchBytes: 1,
          scan: (b, at) => {
            let end = scanner.pair(b, at);
            if (end < 0) end = scanner.joined(b, at);
            if (end < 0) return -1;
            const hash = b.toString("latin1", scanner.hashAt, scanner.hashAt + 40);
            const text = b.toString("latin1", scanner.textStart, scanner.textEnd);
            const value = b[scanner.textStart - 1] === 62 ? [hash, text] : [hash + text];
            got.push([index++, value, "scanned"]);
            return end;
          },
        },
      );
      reader.push(answer.subarray(0, cut));
      reader.push(answer.subarray(cut));
      reader.end();
      assert.deepEqual(
        got.map(([i, v]) => [i, v]),
        expected.map((v, i) => [i, v]),
        `cut at ${cut}`,
      );
      assert.deepEqual(
        got.map(([, , how]) => how),
        ["scanned", "read", "scanned", "read", "read"],
        `cut at ${cut}`,
      );
    }
  });
});
