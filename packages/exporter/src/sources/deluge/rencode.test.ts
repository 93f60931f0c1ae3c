import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { jsonFromScript } from "@seedwatch/testbed/node-script";
import fc from "fast-check";
import {
  type DecodeOptions,
  EMPTY_DICT,
  RencodeError,
  type RencodeObject,
  type RencodeValue,
  rdecode,
  rencode,
} from "./rencode.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

/** Each type code: a value, its exact bytes (as Debian's python3-rencode 1.0.6 writes them). */
const VECTORS: ReadonlyArray<readonly [string, RencodeValue, string]> = [
  ["fixed int 0", 0, "00"],
  ["fixed int 43", 43, "2b"],
  ["fixed int -1", -1, "46"],
  ["fixed int -32", -32, "65"],
  ["int8 44", 44, "3e2c"],
  ["int8 -33", -33, "3edf"],
  ["int8 127", 127, "3e7f"],
  ["int8 -128", -128, "3e80"],
  ["int16 128", 128, "3f0080"],
  ["int16 -129", -129, "3fff7f"],
  ["int16 32767", 32767, "3f7fff"],
  ["int16 -32768", -32768, "3f8000"],
  ["int32 32768", 32768, "4000008000"],
  ["int32 -32769", -32769, "40ffff7fff"],
  ["int32 2^31-1", 2 ** 31 - 1, "407fffffff"],
  ["int32 -2^31", -(2 ** 31), "4080000000"],
  ["int64 2^31", 2 ** 31, "410000000080000000"],
  ["int64 -2^31-1", -(2 ** 31) - 1, "41ffffffff7fffffff"],
  ["int64 2^53-1", Number.MAX_SAFE_INTEGER, "41001fffffffffffff"],
  ["int64 2^63-1 (bigint)", 2n ** 63n - 1n, "417fffffffffffffff"],
  ["int64 -2^63 (bigint)", -(2n ** 63n), "418000000000000000"],
  // -2^53 is not a safe integer: it must come back as a bigint (a fast-check run found this).
  ["int64 -2^53 (bigint)", -(2n ** 53n), "41ffe0000000000000"],
  ["int64 -(2^53-1)", -(2 ** 53 - 1), "41ffe0000000000001"],
  ["decimal 2^63", 2n ** 63n, `3d${hex(Buffer.from("9223372036854775808"))}7f`],
  ["decimal -2^63-1", -(2n ** 63n) - 1n, `3d${hex(Buffer.from("-9223372036854775809"))}7f`],
  ["decimal 10^62", 10n ** 62n, `3d${hex(Buffer.from(`1${"0".repeat(62)}`))}7f`],
  ["float32 1.5", 1.5, "423fc00000"],
  ["float32 -0", -0, "4280000000"],
  ["float32 NaN", Number.NaN, "427fc00000"],
  ["float32 Infinity", Number.POSITIVE_INFINITY, "427f800000"],
  ["true", true, "43"],
  ["false", false, "44"],
  ["None", null, "45"],
  ["empty string", "", "80"],
  ["fixed string", "é", "82c3a9"],
  ["fixed string of 63", "a".repeat(63), `bf${"61".repeat(63)}`],
  ["prefixed string of 64", "a".repeat(64), `36343a${"61".repeat(64)}`],
  ["fixed bytes (not UTF-8)", new Uint8Array([0xff, 0xfe]), "82fffe"],
  ["empty list", [], "c0"],
  ["fixed list of 63", Array.from({ length: 63 }, () => 1), `ff${"01".repeat(63)}`],
  ["terminated list of 64", Array.from({ length: 64 }, () => 1), `3b${"01".repeat(64)}7f`],
  ["empty dict", {}, "66"],
  ["fixed dict", { a: 1, b: [1.5, null] }, "688161018162c2423fc0000045"],
  [
    "fixed dict of 24",
    Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${String(i).padStart(2, "0")}`, 0])),
    `7e${Array.from({ length: 24 }, (_, i) => `83${hex(Buffer.from(`k${String(i).padStart(2, "0")}`))}00`).join("")}`,
  ],
  [
    "terminated dict of 25",
    Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${String(i).padStart(2, "0")}`, 0])),
    `3c${Array.from({ length: 25 }, (_, i) => `83${hex(Buffer.from(`k${String(i).padStart(2, "0")}`))}00`).join("")}7f`,
  ],
  ["dict with int keys (Map)", new Map<RencodeValue, RencodeValue>([[1, "a"]]), "67018161"],
  [
    "a Deluge request",
    [[1, "daemon.login", ["u", "p"], { client_version: "2.0.3" }]],
    "c1c4018c6461656d6f6e2e6c6f67696ec281758170678e636c69656e745f76657273696f6e85322e302e33",
  ],
];

describe("rencode fixed vectors", () => {
  for (const [label, value, bytes] of VECTORS) {
    it(`${label}: encodes to exactly ${bytes.slice(0, 24)}${bytes.length > 24 ? "…" : ""} and back`, () => {
      assert.equal(hex(rencode(value)), bytes);
      assert.deepEqual(rdecode(unhex(bytes)), value);
    });
  }

  it("encodes floats as float64 when asked, and decodes both widths", () => {
    assert.equal(hex(rencode(0.1, { floatBits: 64 })), "2c3fb999999999999a");
    assert.equal(rdecode(unhex("2c3fb999999999999a")), 0.1);
    assert.equal(rdecode(unhex("423dcccccd")), Math.fround(0.1));
  });

  it("decodes forms our encoder never writes: short prefixed strings, big ints in small codes", () => {
    assert.equal(rdecode(unhex(hex(Buffer.from("3:abc")))), "abc");
    assert.equal(rdecode(unhex("3e05")), 5);
    assert.equal(rdecode(unhex(`3d${hex(Buffer.from("-5"))}7f`)), -5);
    assert.equal(rdecode(unhex(`3d${hex(Buffer.from("0"))}7f`)), 0);
    assert.deepEqual(rdecode(unhex("3b7f")), []);
    assert.deepEqual(rdecode(unhex("3c7f")), {});
    assert.equal(rdecode(unhex("41ffffffffffffffff")), -1);
    assert.equal(rdecode(unhex("410020000000000000")), 2n ** 53n);
  });

  it("keeps the last value of a duplicate key, and __proto__ as a plain key", () => {
    const dict = rdecode(unhex(`68${"8161"}01${"8161"}02`)) as Record<string, number>;
    assert.deepEqual(dict, { a: 2 });
    const proto = rdecode(rencode(new Map([["__proto__", 1]]))) as Record<string, number>;
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ["__proto__"]);
    assert.equal(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value, 1);
  });

  it("gives bytes or Maps everywhere when asked", () => {
    assert.deepEqual(rdecode(unhex("8161"), { strings: "bytes" }), new Uint8Array([0x61]));
    assert.deepEqual(rdecode(unhex("6781610a"), { dicts: "map" }), new Map([["a", 10]]));
    // A non-string key after string keys: a Map in wire order (not the object's key order).
    assert.deepEqual(
      [...(rdecode(unhex("69816201813101018178")) as Map<RencodeValue, RencodeValue>).keys()],
      ["b", "1", 1],
    );
  });
});

describe("rencode rejects what it cannot carry", () => {
  const bad: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ["undefined", undefined, /type undefined/],
    ["a function", () => 1, /type function/],
    ["a symbol", Symbol("x"), /type symbol/],
    ["a Date", new Date(0), /cannot encode a Date/],
    ["a lone surrogate", "\ud800", /lone surrogate/],
    ["a 64-digit integer", 10n ** 63n, /too long/],
  ];
  for (const [label, value, message] of bad) {
    it(`refuses ${label}`, () => {
      assert.throws(
        () => rencode(value as RencodeValue),
        (error: unknown) => {
          assert.ok(error instanceof RencodeError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("refuses cycles and nesting beyond the limit", () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    assert.throws(() => rencode(cycle as RencodeValue), /nested deeper than 100/);
    assert.throws(() => rencode([[[1]]], { maxDepth: 2 }), RencodeError);
    assert.equal(hex(rencode([[1]], { maxDepth: 2 })), "c1c101");
  });
});

describe("rdecode rejects malformed input with RencodeError", () => {
  const malformed: ReadonlyArray<readonly [string, string, RegExp]> = [
    ["empty input", "", /empty input/],
    ["an unknown type code", "2f03616263", /invalid type code 0x2f at offset 0/],
    ["the terminator as a value", "7f", /invalid type code 0x7f/],
    ["a '0' type code", hex(Buffer.from("03:abc")), /invalid type code 0x30/],
    ["trailing bytes", "0000", /1 trailing bytes after the value at offset 1/],
    ["truncated int32", "400000", /expected 4 bytes of int32/],
    ["truncated float64", "2c00", /expected 8 bytes of float64/],
    ["truncated fixed string", "85616263", /string of 5 bytes/],
    ["truncated fixed list", "c30102", /expected a value at offset 3/],
    ["unterminated list", "3b0102", /unterminated list/],
    ["unterminated dict", "3c816101", /unterminated dict/],
    ["a dict missing its value", "678161", /expected a value/],
    ["a string length beyond the input", hex(Buffer.from("99999999999999:a")), /exceeds the input/],
    ["a string length without a colon", hex(Buffer.from("1a:bc")), /not a decimal number/],
    ["an unterminated decimal", hex(Buffer.from("=123")), /unterminated integer/],
    ["a 64-digit decimal", `3d${"39".repeat(64)}7f`, /longer than 63 characters/],
    ["a decimal with a leading zero", `3d${hex(Buffer.from("05"))}7f`, /canonical/],
    ["negative zero as a decimal", `3d${hex(Buffer.from("-0"))}7f`, /canonical/],
    ["an empty decimal", "3d7f", /canonical/],
    ["a decimal with a sign", `3d${hex(Buffer.from("+5"))}7f`, /canonical/],
  ];
  for (const [label, bytes, message] of malformed) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => rdecode(unhex(bytes)),
        (error: unknown) => {
          assert.ok(error instanceof RencodeError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("bounds nesting without recursing into a million levels", () => {
    for (const code of [0xc1, 0x3b, 0x67]) {
      const deep = new Uint8Array(1_000_000).fill(code);
      assert.throws(() => rdecode(deep), /nested deeper than 100 levels at offset 100/);
    }
    const ok = new Uint8Array(11).fill(0xc1);
    ok[10] = 0;
    assert.throws(() => rdecode(ok, { maxDepth: 9 }), RencodeError);
    assert.deepEqual(rdecode(ok, { maxDepth: 10 }), [[[[[[[[[[0]]]]]]]]]]);
  });

  it("bounds the input size", () => {
    assert.throws(() => rdecode(new Uint8Array(11), { maxBytes: 10 }), /exceeds the limit of 10/);
    assert.throws(() => rdecode(new Uint8Array(1), { maxDepth: 1001 }), /maxDepth/);
  });
});

/** Values in the exact shape rdecode returns, so decode(encode(v)) must deep-equal v. */
const canonical = fc.letrec<{ value: RencodeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -40, max: 50 }),
    fc.maxSafeInteger(),
    fc.double(),
    fc.oneof(
      fc.bigInt({ min: -(10n ** 62n) + 1n, max: -(2n ** 53n) }),
      fc.bigInt({ min: 2n ** 53n, max: 10n ** 62n }),
      fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 63n) + 10n }),
      fc.bigInt({ min: 2n ** 63n - 10n, max: 2n ** 63n + 10n }),
    ),
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.string({ maxLength: 70 }),
    fc
      .uint8Array({ minLength: 1, maxLength: 80 })
      .filter((bytes) => !isUtf8(bytes))
      .map((bytes) => bytes as RencodeValue),
    fc.array(tie("value"), { maxLength: 70, depthIdentifier: "v" }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), {
      maxKeys: 30,
      noNullPrototype: true,
      depthIdentifier: "v",
    }),
    fc
      .tuple(
        fc.uniqueArray(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 28 }),
        fc.integer(),
        tie("value"),
      )
      .map(([keys, key, item]) => {
        const map = new Map<RencodeValue, RencodeValue>(keys.map((k) => [k, item]));
        map.delete(key);
        map.set(key, null); // at least one non-string key: stays a Map
        return map as RencodeValue;
      }),
  ),
})).value;

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Decodes, reporting anything but a value or a RencodeError as a failure. */
function decodeOrRencodeError(bytes: Uint8Array, options: DecodeOptions = {}): void {
  try {
    rdecode(bytes, options);
  } catch (error) {
    if (!(error instanceof RencodeError)) throw error;
  }
}

/** Canonical encodings with 1 to 4 bytes changed decode to a value or a RencodeError, nothing else. */
function assertMutationsDecodeOrFail(options: DecodeOptions = {}): void {
  fc.assert(
    fc.property(
      canonical,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      (value, edits) => {
        const bytes = new Uint8Array(rencode(value));
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        decodeOrRencodeError(bytes, options);
      },
    ),
    { numRuns: 1000 },
  );
}

/** Every type code our encoder writes, with an arbitrary of values encoded under it. */
const TYPE_CODES = new Map<number, fc.Arbitrary<RencodeValue>>();
for (let n = 0; n < 44; n++) TYPE_CODES.set(n, fc.constant(n));
for (let n = 1; n <= 32; n++) TYPE_CODES.set(0x45 + n, fc.constant(-n));
for (let n = 0; n < 64; n++)
  TYPE_CODES.set(0x80 + n, fc.uint8Array({ minLength: n, maxLength: n }).map(utf8OrBytes));
for (let n = 0; n < 64; n++)
  TYPE_CODES.set(0xc0 + n, fc.array(canonicalLeaf(), { minLength: n, maxLength: n }));
for (let n = 0; n < 25; n++)
  TYPE_CODES.set(
    0x66 + n,
    fc
      .uniqueArray(fc.string({ maxLength: 6 }), { minLength: n, maxLength: n })
      .chain((keys) =>
        fc
          .array(canonicalLeaf(), { minLength: n, maxLength: n })
          .map((items) => Object.fromEntries(keys.map((k, i) => [k, items[i] as RencodeValue]))),
      ),
  );
TYPE_CODES.set(
  0x3e,
  fc.oneof(fc.integer({ min: -128, max: -33 }), fc.integer({ min: 44, max: 127 })),
);
TYPE_CODES.set(
  0x3f,
  fc.oneof(fc.integer({ min: -32768, max: -129 }), fc.integer({ min: 128, max: 32767 })),
);
TYPE_CODES.set(
  0x40,
  fc.oneof(
    fc.integer({ min: -(2 ** 31), max: -32769 }),
    fc.integer({ min: 32768, max: 2 ** 31 - 1 }),
  ),
);
TYPE_CODES.set(
  0x41,
  fc
    .oneof(
      fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 31n) - 1n }),
      fc.bigInt({ min: 2n ** 31n, max: 2n ** 63n - 1n }),
    )
    .map(safeNumber),
);
TYPE_CODES.set(
  0x3d,
  fc.oneof(
    fc.bigInt({ min: -(10n ** 62n) + 1n, max: -(2n ** 63n) - 1n }),
    fc.bigInt({ min: 2n ** 63n, max: 10n ** 63n - 1n }),
  ),
);
TYPE_CODES.set(
  0x42,
  fc.double().filter((x) => !Number.isSafeInteger(x) || Object.is(x, -0)),
);
TYPE_CODES.set(
  0x2c,
  fc.double().filter((x) => !Number.isSafeInteger(x) || Object.is(x, -0)),
);
TYPE_CODES.set(0x43, fc.constant(true));
TYPE_CODES.set(0x44, fc.constant(false));
TYPE_CODES.set(0x45, fc.constant(null));
TYPE_CODES.set(0x3b, fc.array(canonicalLeaf(), { minLength: 64, maxLength: 100 }));
TYPE_CODES.set(
  0x3c,
  fc
    .uniqueArray(fc.string({ maxLength: 6 }), { minLength: 25, maxLength: 40 })
    .map((keys) => Object.fromEntries(keys.map((k, i) => [k, i]))),
);
// The length-prefixed form starts with the first digit of the length: 64..99 and 100..
TYPE_CODES.set(0x36, fc.uint8Array({ minLength: 64, maxLength: 69 }).map(utf8OrBytes));
TYPE_CODES.set(0x31, fc.uint8Array({ minLength: 100, maxLength: 199 }).map(utf8OrBytes));

function valueWithCode(code: number): fc.Arbitrary<RencodeValue> {
  const arbitrary = TYPE_CODES.get(code);
  if (arbitrary === undefined) throw new Error(`no arbitrary for 0x${code.toString(16)}`);
  return arbitrary;
}

function canonicalLeaf(): fc.Arbitrary<RencodeValue> {
  return fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 10 }),
  );
}

function utf8OrBytes(bytes: Uint8Array): RencodeValue {
  return isUtf8(bytes) ? new TextDecoder().decode(bytes) : bytes;
}

function safeNumber(n: bigint): RencodeValue {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}

describe("rencode properties", () => {
  it("round-trips arbitrary values with 64-bit floats", () => {
    fc.assert(
      fc.property(canonical, (value) => {
        assert.deepEqual(rdecode(rencode(value, { floatBits: 64 })), value);
      }),
      { numRuns: 500 },
    );
  });

  it("writes a safe integer as a number exactly as the same integer as a bigint", () => {
    const edges = [0, 43, 44, -1, -32, -33, 127, 128, -128, -129, 32767, 32768, -32768, -32769];
    const wide = [2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, -(2 ** 32) - 1];
    for (const n of [...edges, ...wide, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])
      assert.equal(hex(rencode(n)), hex(rencode(BigInt(n))), String(n));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        assert.equal(hex(rencode(n)), hex(rencode(BigInt(n))));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes any string as its UTF-8 bytes, short ASCII ones and others alike", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: "binary", maxLength: 80 }),
    );
    fc.assert(
      fc.property(text, (value) => {
        assert.equal(hex(rencode(value)), hex(rencode(Buffer.from(value, "utf8"))));
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips floats through float32 as Math.fround", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const expected = Number.isSafeInteger(x) && !Object.is(x, -0) ? x : Math.fround(x);
        assert.equal(rdecode(rencode(x)), expected);
      }),
    );
  });

  it("round-trips any bytes with strings: bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assert.deepEqual(rdecode(rencode(bytes), { strings: "bytes" }), bytes);
      }),
    );
  });

  it("exercises every type code, each with arbitrary content", () => {
    const codes = [...TYPE_CODES.keys()];
    assert.equal(codes.length, 256 - 13); // all but 0x2d-0x2f, 0x30, 0x3a, 0x7f and 0x32-0x39
    for (const code of codes) {
      fc.assert(
        fc.property(valueWithCode(code), (value) => {
          const bytes = rencode(value, { floatBits: code === 0x42 ? 32 : 64 });
          assert.equal(bytes[0], code);
          const back = rdecode(bytes);
          if (code === 0x42) assert.ok(Object.is(back, Math.fround(value as number)));
          else assert.deepEqual(back, value);
        }),
        { numRuns: 20 },
      );
    }
  });

  it("rejects every strict prefix of an encoding", () => {
    fc.assert(
      fc.property(canonical, fc.nat(), (value, cut) => {
        const bytes = rencode(value, { floatBits: 64 });
        const prefix = bytes.subarray(0, cut % bytes.length);
        assert.throws(() => rdecode(prefix), RencodeError);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects an encoding with anything appended", () => {
    fc.assert(
      fc.property(canonical, fc.uint8Array({ minLength: 1, maxLength: 8 }), (value, extra) => {
        const bytes = Buffer.concat([rencode(value), extra]);
        assert.throws(() => rdecode(bytes), RencodeError);
      }),
    );
  });

  it("decodes mutated encodings to a value or a RencodeError, nothing else", () => {
    assertMutationsDecodeOrFail();
  });

  it("decodes arbitrary bytes to a value or a RencodeError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => decodeOrRencodeError(bytes)),
      { numRuns: 2000 },
    );
    // Byte strings built from type codes reach deeper than random bytes do.
    const codes = fc.oneof(
      fc.constantFrom(0x3b, 0x3c, 0x3d, 0x7f, 0x3a, 0x2d, 0x30, 0x35, 0x41, 0x42, 0x2c),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(codes, { maxLength: 300 }), (list) =>
        decodeOrRencodeError(new Uint8Array(list)),
      ),
      { numRuns: 2000 },
    );
  });
});

describe("rencode against Deluge's own codec (Debian's python3-rencode)", () => {
  it("writes byte for byte what rencode.dumps writes for the same values", async () => {
    // Python re-encodes what it decoded (bytes mode, default float32): equal bytes mean our
    // encoder and the reference agree on every code. Map keys stay primitive, or Python could
    // not hash them. The padding works around the C decoder reading 20 bytes ahead for big
    // decimal integers (a bounds check of its own, not a format rule).
    const padding = "p".repeat(32);
    const samples = fc
      .sample(canonical.filter(pythonSafe), { numRuns: 300, seed: 7 })
      .map((value) => hex(rencode([value, padding])));
    const script = [
      "import sys, rencode",
      "for line in sys.stdin:",
      "    print(rencode.dumps(rencode.loads(bytes.fromhex(line.strip()))).hex())",
    ].join("\n");
    const child = spawn("/usr/bin/python3", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdin.end(`${samples.join("\n")}\n`);
    const [code] = await once(child, "close");
    assert.equal(code, 0, err);
    assert.deepEqual(out.trim().split("\n"), samples);
  });
});

function pythonSafe(value: RencodeValue): boolean {
  if (value instanceof Map) {
    for (const [key, item] of value) {
      if (typeof key !== "string" && typeof key !== "number") return false;
      if (!pythonSafe(item)) return false;
    }
    return true;
  }
  if (Array.isArray(value)) return value.every(pythonSafe);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array))
    return Object.values(value).every(pythonSafe);
  return true;
}

/** What `dicts: "outer-map"` makes of a value: dicts not nested in a dict become Maps. */
function withOuterMaps(value: RencodeValue, inDict = false): RencodeValue {
  if (Array.isArray(value)) return value.map((item) => withOuterMaps(item, inDict));
  if (value instanceof Map)
    return new Map([...value].map(([k, v]) => [withOuterMaps(k, true), withOuterMaps(v, true)]));
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, withOuterMaps(v, true)] as const);
  return inDict ? Object.fromEntries(entries) : new Map(entries);
}

const FAST = { dicts: "outer-map", smallDicts: "shared" } as const;

describe("rdecode's options for large diffs (outer-map, shared small dicts)", () => {
  it("gives the outer dict as a Map and the dicts in it as objects", () => {
    const bytes = rencode([1, 7, { id1: { label: "tv" }, id2: {} }]);
    const [, , torrents] = rdecode(bytes, { dicts: "outer-map" }) as [number, number, unknown];
    assert.ok(torrents instanceof Map);
    assert.deepEqual([...torrents.keys()], ["id1", "id2"]);
    assert.deepEqual(torrents.get("id1"), { label: "tv" });
    assert.ok(!(torrents.get("id1") instanceof Map));
  });

  it("shares the frozen EMPTY_DICT for every empty dict, fixed or terminated", () => {
    const shared = { smallDicts: "shared" } as const;
    assert.equal(rdecode(unhex("66"), shared), EMPTY_DICT);
    assert.equal(rdecode(unhex("3c7f"), shared), EMPTY_DICT);
    assert.ok(Object.isFrozen(EMPTY_DICT));
    assert.deepEqual(EMPTY_DICT, {});
    assert.notEqual(rdecode(unhex("66")), rdecode(unhex("66")), "fresh without the option");
    // A dict of one pair right after an empty one: the fast path must not swallow it.
    const list = rdecode(rencode([{}, { label: "tv" }, {}]), shared) as RencodeObject[];
    assert.deepEqual(list, [{}, { label: "tv" }, {}]);
    assert.equal(list[0], EMPTY_DICT);
    assert.notEqual(list[1], EMPTY_DICT);
  });

  it("gives one frozen object per distinct small dict, fresh ones for the rest", () => {
    const value = {
      a: { label: "music" },
      b: { label: "games" }, // same length and hash neighbourhood as "music": other object
      c: { label: "music" },
      d: { label: "music", num_peers: 3 },
      e: { label: "music", num_peers: 4 },
      f: { label: "music", num_peers: 3 },
      g: { name: "x".repeat(25) }, // a long string: never cached
      h: { name: "x".repeat(25) },
      i: { files: [] }, // not a plain value
      j: { files: [] },
    };
    const bytes = rencode([value, value], { floatBits: 64 });
    const [first, second] = rdecode(bytes, { smallDicts: "shared" }) as Array<
      Record<string, RencodeObject>
    >;
    assert.deepEqual(first, value);
    assert.deepEqual(second, value);
    const f = first as Record<string, RencodeObject>;
    assert.equal(f.a, f.c);
    assert.equal(f.a, second?.a);
    assert.notEqual(f.a, f.b);
    assert.equal(f.d, f.f);
    assert.notEqual(f.d, f.e);
    assert.ok(Object.isFrozen(f.a) && Object.isFrozen(f.d));
    assert.notEqual(f.g, f.h);
    assert.notEqual(f.i, f.j);
    assert.ok(!Object.isFrozen(f.g) && !Object.isFrozen(f.i));
  });

  it("tells apart small dicts that share a cache slot", () => {
    // More distinct dicts of one length than cache slots: some must share a slot.
    const labels = Array.from({ length: 600 }, (_, i) => ({
      label: `l${String(i).padStart(3, "0")}`,
    }));
    const value = [...labels, ...labels.toReversed()];
    assert.deepEqual(rdecode(rencode(value), { smallDicts: "shared" }), value);
  });

  it("keeps dicts with other keys as Maps, and rejects truncated small dicts", () => {
    const map = rdecode(rencode(new Map([[1, "a"]])), { smallDicts: "shared" });
    assert.deepEqual(map, new Map([[1, "a"]]));
    const bytes = rdecode(rencode([{ a: "b" }, { a: "b" }]), {
      smallDicts: "shared",
      strings: "bytes",
    }) as Array<Map<Uint8Array, Uint8Array>>;
    assert.ok(bytes[0] instanceof Map && !Object.isFrozen(bytes[0]));
    assert.notEqual(bytes[0], bytes[1], "Maps are never shared");
    const whole = rencode([{ label: "movies" }]);
    for (let cut = 1; cut < whole.length; cut++)
      assert.throws(() => rdecode(whole.subarray(0, cut), FAST), RencodeError);
    const deep = rencode([[{ label: "tv" }]]);
    const shared = { smallDicts: "shared" } as const;
    assert.throws(() => rdecode(deep, { ...shared, maxDepth: 2 }), /nested deeper than 2/);
    assert.deepEqual(rdecode(deep, { ...shared, maxDepth: 3 }), [[{ label: "tv" }]]);
  });

  it("decodes what the plain options decode, outer dicts as Maps", () => {
    fc.assert(
      fc.property(canonical, (value) => {
        const bytes = rencode(value, { floatBits: 64 });
        assert.deepEqual(rdecode(bytes, { smallDicts: "shared" }), value);
        assert.deepEqual(rdecode(bytes, FAST), withOuterMaps(value));
      }),
      { numRuns: 500 },
    );
  });

  it("rejects prefixes, and decodes mutated encodings to a value or a RencodeError", () => {
    fc.assert(
      fc.property(canonical, fc.nat(), (value, cut) => {
        const bytes = rencode(value, { floatBits: 64 });
        assert.throws(() => rdecode(bytes.subarray(0, cut % bytes.length), FAST), RencodeError);
      }),
      { numRuns: 500 },
    );
    assertMutationsDecodeOrFail(FAST);
  });
});

describe("rdecode of many dicts with the same many keys (a full torrent list)", () => {
  const keys = Array.from({ length: 22 }, (_, i) => `key_${i}`);
  const status = (n: number) =>
    Object.fromEntries(keys.map((key, i) => [key, i % 3 === 0 ? `s${n}` : n * 1000 + i + 0.5]));

  it("gives each its own values, keys in wire order, whatever the keys of the one before", () => {
    const reversed = Object.fromEntries(Object.entries(status(9)).reverse());
    const nested = { ...status(10), key_21: status(11) };
    const twenty = Object.fromEntries(keys.slice(0, 20).map((key) => [key, key]));
    const dicts: RencodeObject[] = [
      status(1),
      status(2),
      reversed,
      status(3),
      nested,
      twenty,
      status(4),
    ];
    const decoded = rdecode(rencode(dicts, { floatBits: 64 })) as RencodeObject[];
    assert.deepEqual(decoded, dicts);
    for (const [i, dict] of decoded.entries())
      assert.deepEqual(Object.keys(dict), Object.keys(dicts[i] as object));
    assert.notEqual(decoded[0], decoded[1]);
    (decoded[1] as Record<string, RencodeValue>).key_1 = "changed";
    assert.equal(decoded[3]?.key_1, 3001.5);
  });

  it("keeps duplicate keys' last value and __proto__ as a plain key", () => {
    const pairs = (extra: string) =>
      `${(0x66 + 20).toString(16)}${keys
        .slice(0, 19)
        .map((key, i) => hex(rencode(key)) + hex(rencode(i)))
        .join("")}${hex(rencode(extra))}${hex(rencode(99))}`;
    const dup = rdecode(unhex(`c3${pairs("key_0").repeat(3)}`)) as RencodeObject[];
    for (const dict of dup) {
      assert.deepEqual(Object.keys(dict), keys.slice(0, 19));
      assert.equal(dict.key_0, 99);
    }
    const proto = rdecode(unhex(`c3${pairs("__proto__").repeat(3)}`)) as RencodeObject[];
    for (const dict of proto) {
      assert.equal(Object.getPrototypeOf(dict), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(dict, "__proto__")?.value, 99);
    }
  });

  it("builds them as fast-mode objects, not V8 dictionaries (a torrent's status has 20-odd keys)", async () => {
    // Encoded here: objects with these keys built in the child would leave V8 a fast path to follow.
    const bytes = hex(rencode(new Map([1, 2, 3].map((n) => [`t${n}`, status(n)]))));
    const script = `
      import { rdecode } from ${JSON.stringify(new URL("./rencode.ts", import.meta.url).href)};
      const list = rdecode(Buffer.from("${bytes}", "hex"), { dicts: "outer-map" });
      process.stdout.write(JSON.stringify([...list.values()].map((d) => %HasFastProperties(d))));
    `;
    const fast = await jsonFromScript(script, { flags: ["--allow-natives-syntax"] });
    assert.deepEqual(fast, [true, true, true]);
  });
});
