// Tests of the byte-level row decoder: whatever it reads equals JSON.parse's value; what it cannot read, it declines.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Kind, kindOf, RowDecoder } from "./row-decoder.ts";

/** A decoder for rows of `width` values, field i at column i. */
function decoderFor(width: number): RowDecoder {
  const decoder = new RowDecoder();
  decoder.layout(
    Array.from({ length: width }, (_, i) => i),
    width,
  );
  return decoder;
}

/** -0 is read as 0, as the table keeps it; everything else must be the very value. */
function same(a: unknown): unknown {
  return Object.is(a, -0) ? 0 : a;
}

/** Values as Transmission's rows hold them, and others a row may hold. */
const value = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.maxSafeNat(),
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.array(fc.string({ unit: "binary" }), { maxLength: 3 }),
  fc.constant(null),
  fc.boolean(),
  fc.jsonValue({ maxDepth: 2 }),
);

describe("RowDecoder", () => {
  it("reads every value as JSON.parse does, numbers exactly, wherever the row sits (property)", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 8 }), fc.nat(5), (row, pad) => {
        const text = JSON.stringify(row);
        const parsed = JSON.parse(text) as unknown[];
        const bytes = Buffer.from(`${" ".repeat(pad)}${text},`);
        const decoder = decoderFor(parsed.length);
        assert.equal(decoder.decode(bytes, pad), bytes.length - 1);
        for (let i = 0; i < parsed.length; i++) {
          const expected = parsed[i];
          assert.equal(decoder.kind(i), kindOf(expected));
          assert.deepEqual(same(decoder.get(i)), same(expected));
          if (typeof expected === "number") {
            assert.equal(same(decoder.number(i)), same(expected));
            assert.equal(decoder.isNumber(i, expected), true);
            assert.equal(decoder.isNumber(i, expected + 1), expected + 1 === expected);
          } else assert.equal(decoder.isNumber(i, 0), false);
          if (typeof expected === "string") {
            assert.equal(decoder.isString(i, expected), true);
            assert.equal(decoder.isString(i, `${expected}x`), false);
          } else assert.equal(decoder.isString(i, String(expected)), false);
          if (kindOf(expected) === Kind.StringList) {
            const list = expected as string[];
            assert.equal(decoder.isStringList(i, list), true);
            assert.equal(decoder.isStringList(i, [...list, "x"]), false);
            if (list.length > 0) {
              assert.equal(decoder.isStringList(i, [...list.slice(1), `${list[0]}x`]), false);
            }
          } else assert.equal(decoder.isStringList(i, []), false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("reads decimal numbers of any shape exactly as JSON.parse (property)", () => {
    const digits = fc.stringMatching(/^(0|[1-9][0-9]{0,19})$/);
    const fraction = fc.option(fc.stringMatching(/^[0-9]{1,25}$/), { nil: undefined });
    const exponent = fc.option(fc.stringMatching(/^[eE][+-]?[0-9]{1,3}$/), { nil: undefined });
    fc.assert(
      fc.property(fc.boolean(), digits, fraction, exponent, (negative, whole, frac, exp) => {
        const number = `${negative ? "-" : ""}${whole}${frac === undefined ? "" : `.${frac}`}${exp ?? ""}`;
        const expected = JSON.parse(number) as number;
        const decoder = decoderFor(1);
        const end = decoder.decode(Buffer.from(`[${number}]`), 0);
        if (!Number.isFinite(expected)) {
          assert.equal(end, -1, `${number} is Infinity: declined, for JSON.parse to refuse`);
          return;
        }
        assert.equal(end, number.length + 2);
        assert.equal(same(decoder.number(0)), same(expected), number);
      }),
      { numRuns: 5000 },
    );
  });

  it("declines rows cut by the chunk's end, malformed, or of another width", () => {
    const row = '[1,"ab\\"c",-2.5e3,["x","y"],{"a":[1]},true,null,"\u00e9"]';
    const decoder = decoderFor(8);
    const whole = Buffer.from(`${row},`);
    assert.equal(decoder.decode(whole, 0), Buffer.byteLength(row));
    for (let cut = 1; cut < Buffer.byteLength(row); cut++) {
      assert.equal(decoder.decode(whole.subarray(0, cut), 0), -1, `cut at ${cut}`);
    }
    for (const bad of [
      "[1,2,3]",
      "[1,2,3,4,5,6,7,8,9]",
      "[]",
      "[01,2,3,4,5,6,7,8]",
      "[1.,2,3,4,5,6,7,8]",
      "[-,2,3,4,5,6,7,8]",
      "[1e,2,3,4,5,6,7,8]",
      "[1 2,3,4,5,6,7,8]",
      "[1,,3,4,5,6,7,8]",
      '[1,"\\x",3,4,5,6,7,8]',
      '[1,"a\nb",3,4,5,6,7,8]',
      "[1,tru,3,4,5,6,7,8]",
      "[1,nul,3,4,5,6,7,8]",
      "[1,1e999,3,4,5,6,7,8]",
      "[1,{,3,4,5,6,7,8]",
      "{1,2,3,4,5,6,7,8}",
    ]) {
      assert.equal(decoder.decode(Buffer.from(`${bad},`), 0), -1, bad);
    }
    assert.equal(new RowDecoder().decode(whole, 0), -1, "no layout yet");
  });

  it("gives a field without a column as absent", () => {
    const decoder = new RowDecoder();
    decoder.layout([1, -1, 0], 2);
    assert.equal(decoder.decode(Buffer.from('["a",7'), 0), -1, "7 may go on in the next chunk");
    assert.equal(decoder.decode(Buffer.from('["a",7]'), 0), 7);
    assert.equal(decoder.number(0), 7);
    assert.equal(decoder.kind(1), Kind.Absent);
    assert.equal(decoder.get(1), undefined);
    assert.equal(decoder.isString(1, ""), false);
    assert.equal(decoder.get(2), "a");
  });
});
