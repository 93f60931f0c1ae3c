// scanJsonBytes gives what scanJson gives over the decoded text, for any JSON and any bytes.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { scanJson } from "./json-scan.ts";
import { scanJsonBytes } from "./json-scan-bytes.ts";

const TARGETS = ["code", "errorcode", "methodcode", "key", "data"];
const KEYS = ["code", "Code", "error_code", "ERROR-CODE", "c\\u006fde", "cöde", "\u212Aey", "data"];

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1.5e3, 2 ** 60, "", "ok", 'a"b\\c\u0001\u2028', "é€😀"),
    fc.string({ unit: "grapheme" }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie("value"), {
      maxKeys: 5,
    }),
  ),
})).value;

function same(a: unknown[] | undefined, b: unknown[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.every(
    (x, i) => Object.is(x, b[i]) || JSON.stringify(x, big) === JSON.stringify(b[i], big),
  );
}

function big(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}

describe("scanJsonBytes", () => {
  it("finds what scanJson finds in the same JSON as text", () => {
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 1, "\t"), fc.boolean(), (doc, indent, bom) => {
        const text = (bom ? "\ufeff" : "") + JSON.stringify(doc, null, indent);
        const bytes = Buffer.from(text);
        assert.ok(same(scanJsonBytes(bytes, TARGETS), scanJson(text, TARGETS)), text);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with scanJson over the decoded text for damaged JSON and for any bytes", () => {
    const damaged = fc
      .tuple(
        value,
        fc.nat(),
        fc.constantFrom(
          [],
          [0x22],
          [0x5c],
          [0x0a],
          [0x00],
          [0x80],
          [0xc0, 0x80],
          [0xe2, 0x22],
          [0xef, 0xbb],
          [0xff],
          [0x2c],
          [0x7d],
          [0x5d],
        ),
      )
      .map(([doc, at, insert]) => {
        const bytes = Buffer.from(JSON.stringify(doc));
        const cut = at % (bytes.length + 1);
        return Buffer.concat([bytes.subarray(0, cut), Buffer.from(insert), bytes.subarray(cut)]);
      });
    const any = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(fc.oneof(damaged, any), (bytes) => {
        assert.ok(
          same(scanJsonBytes(bytes, TARGETS), scanJson(bytes.toString("utf8"), TARGETS)),
          bytes.toString("hex"),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it("handles a byte-order mark, bytes past the end, deep nesting, and a part of a larger buffer", () => {
    assert.deepEqual(scanJsonBytes(Buffer.from('\ufeff{"code":1}'), ["code"]), [1]);
    assert.equal(scanJsonBytes(Buffer.from('{"code":"ab'), ["code"]), undefined);
    assert.deepEqual(scanJsonBytes(Buffer.from('{"code":0,"d":[1,{"a":"b"}]} \n'), ["code"]), [0]);
    assert.equal(scanJsonBytes(Buffer.from('{"code":0,"d":[1,{"a":}]}'), ["code"]), undefined);
    assert.equal(scanJsonBytes(Buffer.from('{"code":0}}'), ["code"]), undefined);
    assert.equal(
      scanJsonBytes(Buffer.from(`${"[".repeat(600)}${"]".repeat(600)}`), ["code"]),
      undefined,
    );
    const whole = Buffer.from('xx{"code":"é"}yy');
    assert.deepEqual(scanJsonBytes(whole.subarray(2, whole.length - 2), ["code"]), ["é"]);
  });
});
