// FuzzyGet's rules (checked against channel-exporter's source), and the one-pass scanner against JSON.parse + fuzzyGet.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzyGet, normalizeKey } from "./fuzzy-get.ts";
import { scanJson } from "./json-scan.ts";
import { scanJsonBytes } from "./json-scan-bytes.ts";

describe("fuzzyGet", () => {
  it("normalizes keys by removing - and _ and lower-casing", () => {
    assert.equal(normalizeKey("User-Agent"), "useragent");
    assert.equal(normalizeKey("error_Code"), "errorcode");
    assert.equal(fuzzyGet({ "ERROR-CODE": 7 }, "errorcode"), 7);
    assert.equal(fuzzyGet({ errorCode: 8 }, "error_code"), 8);
    assert.equal(fuzzyGet({ "user-agent": "curl" }, "User-Agent"), "curl");
  });

  it("returns the last match in depth-first order, the first key of each object ending its scan", () => {
    // The three examples of SPEC.md §2.
    assert.equal(fuzzyGet({ data: { code: 1 }, code: 0 }, "code"), 0);
    assert.equal(fuzzyGet({ code: 0, data: { code: 1 } }, "code"), 0);
    assert.equal(fuzzyGet({ a: { code: 1 }, b: { code: 2 } }, "code"), 2);
    // A matching key's value is not searched, and a later match may be null.
    assert.equal(fuzzyGet({ code: { code: 5 } }, "code")?.constructor, Object);
    assert.equal(fuzzyGet({ a: { code: 1 }, code: null }, "code"), null);
    assert.equal(fuzzyGet({ a: [{ b: [{ code: "x" }] }, { code: "y" }] }, "code"), "y");
    assert.equal(fuzzyGet([{ code: 3 }, [{ code: 4 }]], "code"), 4);
  });

  it("finds nothing in scalars, and wraps a top-level array as channel-exporter does", () => {
    assert.equal(fuzzyGet(5, "code"), undefined);
    assert.equal(fuzzyGet("code", "code"), undefined);
    assert.equal(fuzzyGet(null, "code"), undefined);
    assert.equal(fuzzyGet({ message: "no code here" }, "code"), undefined);
    assert.deepEqual(fuzzyGet([1, 2], "data"), [1, 2]);
  });
});

const KEYS = [
  "code",
  "Code",
  "error_code",
  "errorCode",
  "ERROR-CODE",
  "c-o-d-e",
  "data",
  "msg",
  "x",
  "cöde",
  "\u212Aey",
  "méthod_code",
  "method-Code",
  "co\\de",
];
const TARGETS = ["code", "errorcode", "methodcode", "key", "data"];

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -0,
      1,
      -12,
      3.5,
      1e21,
      2 ** 60,
      "",
      "ok",
      'a"b\\c\u0001\u2028',
    ),
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc
        .oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }))
        .filter((k) => !/^(0|[1-9]\d*)$/.test(k)),
      tie("value"),
      { maxKeys: 5 },
    ),
  ),
})).value;

function same(scanned: unknown, parsed: unknown): boolean {
  if (typeof scanned === "bigint") return Number(scanned) === parsed;
  return Object.is(scanned, parsed) || JSON.stringify(scanned) === JSON.stringify(parsed);
}

describe("scanJson", () => {
  it("finds what fuzzyGet finds in the parsed document, for any JSON", () => {
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 1, "\t", " \n "), (doc, indent) => {
        const text = JSON.stringify(doc, null, indent);
        const parsed = JSON.parse(text) as unknown;
        const found = scanJson(text, TARGETS);
        assert.ok(found !== undefined, text);
        TARGETS.forEach((target, i) => {
          assert.ok(same(found[i], fuzzyGet(parsed, target)), `${target} in ${text}`);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses exactly what JSON.parse refuses", () => {
    const mutated = fc
      .tuple(
        value,
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        fc.constantFrom(
          "",
          "x",
          ",",
          "]",
          "}",
          '"',
          "\\",
          "0",
          "-",
          ".",
          "e",
          " ",
          "\u0000",
          "tru",
        ),
      )
      .map(([doc, codeFirst, replace, at, insert]) => {
        // With a code first, a scan for "code" only validates the rest once it has found it.
        const text = JSON.stringify(codeFirst ? { code: 1, rest: doc } : doc);
        const cut = at % (text.length + 1);
        // Inserted, or in place of a character (an empty insert deletes one).
        return text.slice(0, cut) + insert + text.slice(cut + (insert === "" || replace ? 1 : 0));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        assert.equal(scanJson(text, TARGETS) !== undefined, valid, JSON.stringify(text));
        assert.equal(scanJson(text, ["code"]) !== undefined, valid, JSON.stringify(text));
        const bytes = Buffer.from(text);
        assert.equal(scanJsonBytes(bytes, ["code"]) !== undefined, valid, JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("handles the edges: numbers, escapes, nesting, byte-order mark, trailing text", () => {
    assert.deepEqual(scanJson('{"code":12345678901234567890}', ["code"]), [12345678901234567890n]);
    assert.deepEqual(scanJson('{"c\\u006fde":"A\\n"}', ["code"]), ["A\n"]);
    assert.deepEqual(scanJson('\ufeff {"code": -1.5e3 } ', ["code"]), [-1500]);
    assert.deepEqual(scanJson("[]", ["code"]), [undefined]);
    assert.equal(scanJson("", ["code"]), undefined);
    assert.equal(scanJson("hello", ["code"]), undefined);
    assert.equal(scanJson('{"code":0} x', ["code"]), undefined);
    // Found first, the code still needs the rest of the text to be valid JSON.
    assert.deepEqual(scanJson('{"code":0,"data":[1,{"a":"b"}]} \n', ["code"]), [0]);
    assert.equal(scanJson('{"code":0,"data":[1,{"a":}]}', ["code"]), undefined);
    assert.equal(scanJson('{"code":0,"data":[1,2}', ["code"]), undefined);
    assert.equal(scanJson('{"code":0}}', ["code"]), undefined);
    assert.deepEqual(scanJson('{"data":{"code":1},"x":[],"code":2}', ["code"]), [2]);
    assert.equal(scanJson("01", ["code"]), undefined);
    assert.equal(scanJson(`${"[".repeat(600)}${"]".repeat(600)}`, ["code"]), undefined);
    assert.deepEqual(scanJson(`${"[".repeat(100)}{"code":1}${"]".repeat(100)}`, ["code"]), [1]);
  });
});
