// Business codes from bodies, as channel-exporter writes them: JSON rules, encodings, limits, Python's str().

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  brotliCompressSync,
  deflateRawSync,
  deflateSync,
  gzipSync,
  zstdCompressSync,
} from "node:zlib";
import fc from "fast-check";
import { BodyTap } from "./body-tap.ts";
import { bodyContent, bodyText, inboundCode, outboundCode } from "./business-code.ts";
import { scanJson } from "./json-scan.ts";
import { fCode, labelValue } from "./label-values.ts";

function tapOf(limit: number, ...chunks: Array<string | Uint8Array>): BodyTap {
  const tap = new BodyTap(limit);
  for (const chunk of chunks) tap.add(chunk);
  return tap;
}

describe("inboundCode and outboundCode", () => {
  it("apply channel-exporter's rules", () => {
    assert.equal(inboundCode('{"code":0}'), "0");
    assert.equal(inboundCode('{"msg":"none"}'), "");
    assert.equal(inboundCode('{"code":null}'), "");
    assert.equal(inboundCode("<html>"), "-1");
    assert.equal(inboundCode(undefined), "-1");
    assert.equal(inboundCode('{"Code":true}'), "True");
    assert.equal(outboundCode('{"errorCode":"E1"}'), "E1");
    assert.equal(outboundCode('{"code":null,"error_code":5}'), "5");
    assert.equal(outboundCode('{"code":0,"errorcode":5}'), "0");
    assert.equal(outboundCode('{"msg":"x"}'), "-1");
    assert.equal(outboundCode("[1,2"), "-1");
  });

  it("prints values as Python's str() does", () => {
    assert.equal(labelValue(false), "False");
    assert.equal(labelValue(1.5), "1.5");
    // The text of the last number is kept: each value still gets its own.
    for (const n of [0, 0, 7, -0, 0, 1e21, Number.NaN, Number.NaN, 7, -1, 0.1]) {
      assert.equal(labelValue(n), String(n));
    }
    assert.equal(labelValue(12345678901234567890n), "12345678901234567890");
    assert.equal(labelValue({ a: [1] }), '{"a":[1]}');
    assert.equal(labelValue(null), "");
  });

  it("cuts User-Agents longer than 20 characters as channel-exporter does", () => {
    assert.equal(fCode("12345678901234567890"), "12345678901234567890");
    assert.equal(fCode("123456789012345678901"), "12345678901234567890...");
    assert.equal(fCode(undefined), "");
  });
});

describe("bodyText", () => {
  const json = '{"code":"Z"}';
  it("undoes every content coding Node can decode", () => {
    for (const [coding, bytes] of [
      ["gzip", gzipSync(json)],
      ["x-gzip", gzipSync(json)],
      ["deflate", deflateSync(json)],
      ["deflate", deflateRawSync(json)],
      ["br", brotliCompressSync(json)],
      ["zstd", zstdCompressSync(json)],
      ["identity", Buffer.from(json)],
      ["gzip, identity", gzipSync(json)],
    ] as const) {
      assert.equal(bodyText(tapOf(1024, bytes), coding), json, coding);
    }
    assert.equal(bodyText(tapOf(1024, gzipSync(gzipSync(json))), "gzip, gzip"), json);
  });

  it("gives nothing for unknown codings, damaged data, empty and oversized bodies", () => {
    assert.equal(bodyText(tapOf(1024, Buffer.from(json)), "compress"), undefined);
    assert.equal(bodyText(tapOf(1024, gzipSync(json).subarray(0, 10)), "gzip"), undefined);
    assert.equal(bodyText(tapOf(1024), undefined), undefined);
    assert.equal(bodyText(tapOf(8, json), undefined), undefined);
    // The limit holds for what decompresses too (a small bomb stays small).
    assert.equal(bodyText(tapOf(1024, gzipSync("x".repeat(100_000))), "gzip"), undefined);
  });

  it("joins chunks, strings and bytes alike, in other text encodings too", () => {
    const tap = tapOf(1024, '{"co', Buffer.from('de":'), new Uint8Array([0x31, 0x7d]));
    assert.equal(tap.size, 10);
    assert.equal(bodyText(tap, undefined), '{"code":1}');
    const latin = new BodyTap(1024);
    latin.add("caf\u00e9", "latin1");
    assert.deepEqual(latin.contents(), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    const objects = new BodyTap(1024);
    objects.add({ not: "bytes" });
    assert.equal(objects.unreadable, true);
  });

  it("reads the code from a body's bytes as from its decoded text", () => {
    const starts = fc.constantFrom("", " ", "\ufeff", "\ufeff\n", "\t\r\n ", "\u00ef\u00bb");
    const text = fc.oneof(
      fc.json(),
      fc.constantFrom("<html>", "true", "nul", "-", "{", '"x"', "1e5", "\ufeff", "\u00a0{}"),
      fc.string(),
    );
    fc.assert(
      fc.property(starts, text, fc.boolean(), (start, body, gzipped) => {
        const bytes = Buffer.from(start + body, start.includes("\u00ef") ? "latin1" : "utf8");
        const tap = tapOf(1024, gzipped ? gzipSync(bytes) : bytes);
        const coding = gzipped ? "gzip" : undefined;
        const content = bodyContent(tap, coding);
        assert.ok(content === undefined || Buffer.isBuffer(content));
        const decoded = bodyText(tap, coding);
        assert.equal(inboundCode(content), inboundCode(decoded), JSON.stringify(start + body));
        assert.equal(outboundCode(content), outboundCode(decoded));
      }),
      { numRuns: 3000 },
    );
  });

  it("reads an outbound code as a full search of code and errorcode would, though it stops early", () => {
    // Documents where code and errorcode (any spelling) sit at any depth, before and after
    // other members, with null and non-null values, top-level arrays and damaged text too.
    const key = fc.constantFrom(
      "code",
      "Code",
      "errorcode",
      "error_code",
      "ERROR-CODE",
      "msg",
      "data",
    );
    const doc: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(null, 0, 7, "E1", "", true, 2 ** 60),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(key, tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    const cut = fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.nat());
    fc.assert(
      fc.property(doc, cut, fc.constantFrom(undefined, 1), (value, at, indent) => {
        const text = JSON.stringify(value, null, indent).slice(0, at);
        const full = scanJson(text, ["code", "errorcode"]);
        const code = full === undefined ? undefined : (full[0] ?? full[1]);
        const expected = code === undefined || code === null ? "-1" : labelValue(code);
        assert.equal(outboundCode(text), expected, text);
        assert.equal(outboundCode(Buffer.from(text)), expected, text);
      }),
      { numRuns: 3000 },
    );
  });
});
