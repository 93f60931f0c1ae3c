import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SourceProtocolError } from "../../net/errors.ts";
import { ArrayResponseStream, type ArrayStreamOptions } from "./array-stream.ts";
import { XmlRpcFaultError } from "./xmlrpc/fault.ts";
import { parseMethodResponse } from "./xmlrpc/reader.ts";
import type { XmlRpcValue } from "./xmlrpc/value.ts";

/** Answers recorded from rTorrent 0.9.8: the poll's list, and a fault (an unknown view). */
const LIST = readFileSync(new URL("./fixtures/d-multicall2.xml", import.meta.url));
const FAULT = readFileSync(new URL("./fixtures/d-multicall2-fault.xml", import.meta.url));
const EXPECTED = parseMethodResponse(LIST) as XmlRpcValue[];

/** Feeds `chunks` and returns the elements, or throws what the reader threw. */
function read(chunks: readonly Buffer[], options: Partial<ArrayStreamOptions> = {}): XmlRpcValue[] {
  const items: XmlRpcValue[] = [];
  const reader = new ArrayResponseStream(
    (value, index) => {
      assert.equal(index, items.length);
      items.push(value);
    },
    // Batches of one byte: every chunk boundary is a place where an element is cut.
    { where: "scgi://rt d.multicall2", batchBytes: 1, ...options },
  );
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return items;
}

function split(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < body.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(body.subarray(last, p));
    last = p;
  }
  out.push(body.subarray(last));
  return out;
}

describe("ArrayResponseStream", () => {
  it("gives the same elements as the whole-answer parser, however the bytes are cut", () => {
    assert.equal(EXPECTED.length, 5);
    assert.deepEqual(read([LIST]), EXPECTED);
    for (let cut = 1; cut < LIST.length; cut++)
      assert.deepEqual(read(split(LIST, [cut])), EXPECTED);
    const bytes = Array.from({ length: LIST.length }, (_, i) => LIST.subarray(i, i + 1));
    assert.deepEqual(read(bytes), EXPECTED, "one byte at a time");
    fc.assert(
      fc.property(
        fc.array(fc.nat(LIST.length), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4096 }),
        (cuts, batchBytes) => {
          assert.deepEqual(read(split(LIST, cuts), { batchBytes }), EXPECTED);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decodes entities, line ends, CDATA and multi-byte UTF-8 in rows however the bytes are cut", () => {
    const rows = [
      "<value><array><data>\r\n<value><string>Caf\u00e9 &amp; \u{1F600}</string></value>\r\n<value><i8>42</i8></value>\r\n</data></array></value>",
      "<value><array><data><value><string>a\r\nb<![CDATA[<x>]]>c<!-- d -->e&#x1F600;</string></value><value><array><data/></array></value></data></array></value>",
      "<value><string>\u00dc\r\n\u00dc\r</string ></value>",
      "<value>&lt;bare&gt;</value>",
    ];
    const body = Buffer.from(
      `<?xml version="1.0"?>\r\n<methodResponse>\r\n<params>\r\n<param><value><array><data>\r\n${rows.join("\r\n")}\r\n</data></array></value></param>\r\n</params>\r\n</methodResponse>\r\n`,
    );
    const expected: XmlRpcValue[] = [
      ["Caf\u00e9 & \u{1F600}", 42],
      ["a\nb<x>ce\u{1F600}", []],
      "\u00dc\n\u00dc\n",
      "<bare>",
    ];
    for (let cut = 0; cut < body.length; cut++) {
      assert.deepEqual(read(split(body, [cut])), expected, `cut at ${cut}`);
      assert.deepEqual(read(split(body, [cut, cut + 1, cut + 2])), expected, `cuts at ${cut}..`);
    }
  });

  it("hands out each element once its batch is in, before the answer ends", () => {
    const seen: XmlRpcValue[] = [];
    const reader = new ArrayResponseStream((v) => seen.push(v), { where: "w", batchBytes: 1 });
    const second = LIST.lastIndexOf("<value><array><data>", LIST.indexOf("18D3B7DB"));
    reader.push(LIST.subarray(0, second));
    assert.equal(seen.length, 1, "the first row is out");
    assert.equal(reader.items, 1);
    reader.push(LIST.subarray(second));
    reader.end();
    assert.equal(seen.length, 5);
  });

  it("turns a fault answer into XmlRpcFaultError", () => {
    for (let cut = 1; cut < FAULT.length; cut += 7) {
      assert.throws(
        () => read(split(FAULT, [cut])),
        (error: unknown) => {
          assert.ok(error instanceof XmlRpcFaultError);
          assert.equal(error.faultCode, -503);
          assert.equal(error.faultString, "Could not find view.");
          return true;
        },
      );
    }
  });

  it("rejects every truncated answer with a SourceProtocolError", () => {
    // rTorrent (xmlrpc-c) ends its lines with CRLF, the last one after </methodResponse>.
    const last = LIST.lastIndexOf(">") + 1;
    assert.deepEqual(read([LIST.subarray(0, last)]), EXPECTED);
    for (let end = 0; end < last; end++) {
      const body = LIST.subarray(0, end);
      // What the reader has before the document's last closing tag may be fine so far; the end
      // of the answer is where it must notice.
      assert.throws(
        () => read(split(body, [Math.floor(end / 2)])),
        (error: unknown) =>
          error instanceof SourceProtocolError && !(error instanceof XmlRpcFaultError),
        `cut at ${end}`,
      );
    }
  });

  it("names the element and byte of a malformed row", () => {
    const broken = Buffer.from(
      LIST.toString("utf8").replace("<string>Seed Ü-1</string>", "<string>Seed Ü-1</strin>"),
    );
    assert.throws(
      () => read(split(broken, [100, 900, 1500])),
      (error: unknown) => {
        assert.ok(error instanceof SourceProtocolError);
        assert.match(
          error.message,
          /^scgi:\/\/rt d\.multicall2 \(element 1, byte \d+\): malformed XML-RPC response: expected <\/string>/,
        );
        return true;
      },
    );
  });

  it("stops at the size limits", () => {
    assert.throws(
      () => read(split(LIST, [1000, 2000]), { maxBytes: 1500 }),
      /response of more than 1500 bytes exceeds the limit/,
    );
    // An element that never ends is refused once it outgrows maxItemBytes, not at the very end.
    const reader = new ArrayResponseStream(() => {}, {
      where: "w",
      maxItemBytes: 10_000,
      batchBytes: 1000,
    });
    reader.push(
      Buffer.from(
        "<?xml version='1.0'?><methodResponse><params><param><value><array><data><value><string>",
      ),
    );
    assert.throws(
      () => {
        for (let i = 0; i < 100; i++) reader.push(Buffer.alloc(1000, 0x61));
      },
      (error: unknown) =>
        error instanceof SourceProtocolError && /unterminated text/.test(error.message),
    );
    const deep = `<methodResponse><params><param><value><array><data>${"<value><array><data>".repeat(40)}${"</data></array></value>".repeat(40)}</data></array></value></param></params></methodResponse>`;
    assert.throws(() => read([Buffer.from(deep)]), /nested deeper than 32 levels/);
  });

  it("reads the other shapes an answer may take through the whole-answer parser", () => {
    const empty =
      '<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param><value><array><data>\n</data></array></value></param>\n</params>\n</methodResponse>\n';
    assert.deepEqual(read([Buffer.from(empty)]), []);
    const selfClosed =
      "<methodResponse><params><param><value><array><data/></array></value></param></params></methodResponse>";
    assert.deepEqual(read(split(Buffer.from(selfClosed), [20])), []);
    const attributes =
      '<methodResponse><params><param><value><array a="1"><data><value><i4>7</i4></value></data></array></value></param></params></methodResponse>';
    assert.deepEqual(read(split(Buffer.from(attributes), [30, 60])), [7]);
    const commented =
      "<!-- hi --><methodResponse><params><param><value><array><data><!-- x --><value>a</value> <value><i8>2</i8></value></data></array></value></param></params></methodResponse>";
    assert.deepEqual(read(split(Buffer.from(commented), [5, 70])), ["a", 2]);
    assert.throws(
      () =>
        read([
          Buffer.from(
            "<methodResponse><params><param><value><i8>1</i8></value></param></params></methodResponse>",
          ),
        ]),
      /the answer is not an array/,
    );
    assert.throws(() => read([Buffer.alloc(0)]), /empty document/);
    assert.throws(
      () => read([LIST, Buffer.from("<junk/>")]),
      /malformed XML-RPC response after the last element/,
    );
  });

  it("answers any mutated answer with elements or a SourceProtocolError, never anything else", () => {
    fc.assert(
      fc.property(
        fc.nat(LIST.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat(LIST.length), { maxLength: 5 }),
        (at, byte, cuts) => {
          const body = Buffer.from(LIST);
          body[at] = byte;
          try {
            read(split(body, cuts));
          } catch (error) {
            assert.ok(error instanceof SourceProtocolError, String(error));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
