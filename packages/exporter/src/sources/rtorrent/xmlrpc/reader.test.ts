import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SourceProtocolError } from "../../../net/errors.ts";
import { XmlRpcFaultError } from "./fault.ts";
import { parseMethodResponse, XmlRpcValueReader } from "./reader.ts";
import type { XmlRpcValue } from "./value.ts";

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<methodResponse>\n<params>\n<param>';
const TAIL = "</param>\n</params>\n</methodResponse>\n";

/** A methodResponse around one encoded value. */
function response(valueXml: string): string {
  return `${HEAD}<value>${valueXml}</value>${TAIL}`;
}

function parseValue(valueXml: string): XmlRpcValue {
  return parseMethodResponse(response(valueXml));
}

function rejects(doc: string | Buffer, pattern: RegExp, limits = {}): void {
  assert.throws(
    () => parseMethodResponse(doc, { ...limits, where: "test" }),
    (error: unknown) => {
      assert.ok(
        error instanceof SourceProtocolError,
        `not a SourceProtocolError: ${String(error)}`,
      );
      assert.ok(!(error instanceof XmlRpcFaultError), "a protocol error, not a fault");
      assert.match(error.message, /^test: /);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

/** rTorrent 0.9.8's own answers, captured verbatim over SCGI. */
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const RTORRENT_VERSION = fixture("system-client-version.xml");
const RTORRENT_FAULT = fixture("unknown-method-fault.xml");
const RTORRENT_MULTICALL = fixture("system-multicall.xml");
const RTORRENT_D_MULTICALL = fixture("d-multicall2-tracker.xml");

describe("parseMethodResponse: fixed vectors", () => {
  it("reads rTorrent's own answers", () => {
    assert.equal(parseMethodResponse(Buffer.from(RTORRENT_VERSION)), "0.9.8");
    assert.deepEqual(parseMethodResponse(RTORRENT_D_MULTICALL), [
      [
        "609DDE453ED48C1E8436888B0EA1A928C8B06A6C",
        [["http://127.0.0.1:9/announce?passkey=abc", 0, 1, 1]],
      ],
    ]);
  });

  it("turns a fault into XmlRpcFaultError with code and string", () => {
    assert.throws(
      () => parseMethodResponse(RTORRENT_FAULT, { where: "scgi://x nope.x" }),
      (error: unknown) => {
        assert.ok(error instanceof XmlRpcFaultError);
        assert.ok(error instanceof SourceProtocolError, "a fault is also a protocol error");
        assert.equal(error.faultCode, -506);
        assert.equal(error.faultString, "Method 'nope.x' not defined");
        assert.equal(
          error.message,
          "scgi://x nope.x: XML-RPC fault -506: Method 'nope.x' not defined",
        );
        assert.equal(error.reason, "protocol");
        return true;
      },
    );
  });

  it("decodes every XML-RPC type and its spellings", () => {
    const cases: [string, XmlRpcValue][] = [
      ["<i4>-42</i4>", -42],
      ["<int>7</int>", 7],
      ["<i8>9007199254740991</i8>", 9007199254740991],
      ["<i8>9223372036854775807</i8>", 9223372036854775807n],
      ["<i8>-9223372036854775808</i8>", -9223372036854775808n],
      ["<ex:i8>123456789012</ex:i8>", 123456789012],
      ["<i8>-0</i8>", 0],
      ["<i4> 12 </i4>", 12],
      ["<i8>00000000000000000000012</i8>", 12],
      ["<boolean>1</boolean>", true],
      ["<boolean>0</boolean>", false],
      ["<double>-1.5</double>", -1.5],
      ["<double>.5</double>", 0.5],
      ["<double>1e3</double>", 1000],
      [
        "<string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x1F600;</string>",
        "a & b <c> \"d\" 'e' é😀",
      ],
      ["<string><![CDATA[<raw> & ]]>x<!-- dropped -->y</string>", "<raw> & xy"],
      ["<string>line1\r\nline2\rline3&#13;</string>", "line1\nline2\nline3\r"],
      ["<string>line1\r\nline2\rline3</string>", "line1\nline2\nline3"],
      ["<string>a&amp;b</string>", "a&b"],
      ["<string/>", ""],
      ["<string></string>", ""],
      ["bare text", "bare text"],
      ["", ""],
      ["  <i4>1</i4>  ", 1],
      ["<base64>aGVs\nbG8=</base64>", Buffer.from("hello")],
      ["<base64/>", Buffer.alloc(0)],
      ["<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>", "20240102T03:04:05"],
      ["<nil/>", null],
      ["<ex:nil/>", null],
      ["<nil></nil>", null],
      ["<array><data/></array>", []],
      ["<array/>", []],
      ["<struct/>", {}],
      [
        "<struct>\n <member>\n  <name>a</name>\n  <value><i4>1</i4></value>\n </member>\n <member><name/><value>x</value></member></struct>",
        { a: 1, "": "x" },
      ],
      ["<array >\n<data\n>\n<value >1</value >\n</data></array>", ["1"]],
    ];
    for (const [xml, expected] of cases) {
      assert.deepEqual(parseValue(xml), expected, xml);
    }
  });

  it("accepts a BOM, attributes, comments and processing instructions around the document", () => {
    const doc =
      '\uFEFF<?xml version="1.0"?>\n<!-- hi -->\n<methodResponse xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions">' +
      "<params><param><value><ex:i8>5</ex:i8></value></param></params></methodResponse>\n<!-- bye -->\n";
    assert.equal(parseMethodResponse(doc), 5);
    assert.equal(parseMethodResponse("<methodResponse><params/></methodResponse>"), null);
    assert.equal(parseMethodResponse("<methodResponse><params></params></methodResponse>"), null);
  });

  it("keeps a __proto__ member as data, not as a prototype", () => {
    const value = parseValue(
      "<struct><member><name>__proto__</name><value><i4>1</i4></value></member></struct>",
    ) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ["__proto__"]);
    assert.equal(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, 1);
  });

  it("rejects malformed documents with a SourceProtocolError naming the problem", () => {
    rejects("", /empty document/);
    rejects("not xml", /unexpected text/);
    rejects(RTORRENT_VERSION.slice(0, 60), /truncated|unterminated/);
    rejects(`${RTORRENT_VERSION}<extra/>`, /content after/);
    rejects(response("<i4>2147483648</i4>"), /out of 32-bit range|not an integer/);
    rejects(response("<int>-2147483649</int>"), /out of 32-bit range|not an integer/);
    rejects(response("<i8>9223372036854775808</i8>"), /not an integer in range/);
    rejects(response("<i8>12a</i8>"), /not an integer/);
    rejects(response("<i8></i8>"), /not an integer/);
    rejects(response("<boolean>2</boolean>"), /boolean/);
    rejects(response("<double>1.2.3</double>"), /double/);
    rejects(response("<double>NaN</double>"), /double/);
    rejects(response("<base64>@@@</base64>"), /base64/);
    rejects(response("<string>&bogus;</string>"), /unknown entity/);
    rejects(response("<string>&#0;</string>"), /invalid code point/);
    rejects(response("<string>&#xD800;</string>"), /invalid code point/);
    rejects(response("<string>a & b</string>"), /malformed entity/);
    rejects(response("<float>1</float>"), /unknown value type <float>/);
    rejects(response("text<i4>1</i4>"), /mixed/);
    rejects(response("<i4>1</i4><i4>2</i4>"), /expected <\/value>/);
    rejects(response("<array><value>1</value></array>"), /expected <data>/);
    rejects(response("<struct><member><value>1</value></member></struct>"), /expected <name>/);
    rejects(response("<string>x</strin>"), /expected <\/string>/);
    rejects(response('<array a="1><data/></array>'), /attribute/);
    rejects(
      `${HEAD}<value>1</value></param><param><value>2</value></param></params></methodResponse>`,
      /exactly one <param>/,
    );
    rejects("<methodResponse><result/></methodResponse>", /expected <params> or <fault>/);
    rejects(
      "<methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
      /faultCode/,
    );
    rejects(
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><methodResponse><params><param><value>&lol;</value></param></params></methodResponse>',
      /DOCTYPE is not allowed/,
    );
  });

  it("enforces the size, depth and value-count limits", () => {
    const deep = (n: number) =>
      response(`${"<array><data><value>".repeat(n)}1${"</value></data></array>".repeat(n)}`);
    assert.deepEqual(parseMethodResponse(deep(3), { maxDepth: 3 }), [[["1"]]]);
    rejects(deep(4), /deeper than 3 levels/, { maxDepth: 3 });
    // The default depth limit stops hostile nesting long before the stack would.
    rejects(deep(100_000), /deeper than 32 levels/);
    const many = response(`<array><data>${"<value><i8>1</i8></value>".repeat(100)}</data></array>`);
    assert.equal((parseMethodResponse(many, { maxValues: 101 }) as unknown[]).length, 100);
    rejects(many, /more than 100 values/, { maxValues: 100 });
    rejects(Buffer.from(many), /exceeds the limit of 100/, { maxBytes: 100 });
  });
});

describe("XmlRpcValueReader", () => {
  const ELEMENTS = [
    "<value><string>a&amp;b</string></value>",
    "\r\n<!-- c --><value><array><data>\r\n<value><i8>-7</i8></value></data></array></value>",
    " <value><string>x\r\ny<![CDATA[<&>]]>z</string ></value>",
    "<value>bare &#x1F600;</value>",
    "<value><array ><data><value><i4>1</i4></value></data></array></value>",
  ];
  const EXPECTED: XmlRpcValue[] = ["a&b", [-7], "x\ny<&>z", "bare 😀", [1]];

  it("reads the elements of one buffer one after the other, fast paths and general shapes alike", () => {
    const body = Buffer.from(ELEMENTS.join(""));
    let labels = 0;
    const reader = new XmlRpcValueReader(body, () => `w${++labels}`);
    const values: XmlRpcValue[] = [];
    let p = 0;
    for (let i = 0; i < ELEMENTS.length; i++) {
      values.push(reader.read(p));
      p = reader.end;
    }
    assert.deepEqual(values, EXPECTED);
    assert.equal(p, body.length);
    assert.equal(labels, 0, "the label is only made for an error");
  });

  it("rejects every element cut short, naming it with the label", () => {
    const body = Buffer.from(ELEMENTS.join(""));
    for (let end = 0; end < body.length; end++) {
      const cut = body.subarray(0, end);
      const reader = new XmlRpcValueReader(cut, () => "the label");
      let p = 0;
      assert.throws(
        () => {
          for (;;) {
            reader.read(p);
            p = reader.end;
          }
        },
        (error: unknown) =>
          error instanceof SourceProtocolError && error.message.startsWith("the label: "),
        `cut at ${end}`,
      );
    }
  });

  it("counts maxValues per element", () => {
    const one = "<value><array><data><value>1</value><value>2</value></data></array></value>";
    const reader = new XmlRpcValueReader(Buffer.from(one + one), () => "w", { maxValues: 3 });
    assert.deepEqual(reader.read(0), ["1", "2"]);
    assert.deepEqual(reader.read(reader.end), ["1", "2"]);
    const tight = new XmlRpcValueReader(Buffer.from(one), () => "w", { maxValues: 2 });
    assert.throws(
      () => tight.read(0),
      (error: unknown) =>
        error instanceof SourceProtocolError &&
        error.message === "w: response has more than 2 values",
    );
  });
});

describe("parseMethodResponse properties", () => {
  it("answers mutated responses with a value or a SourceProtocolError, never anything else", () => {
    const base = [RTORRENT_D_MULTICALL, RTORRENT_MULTICALL, RTORRENT_FAULT, RTORRENT_VERSION];
    const mutation = fc.tuple(
      fc.constantFrom(...base),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 8 }),
          fc.string({
            unit: fc.constantFrom(
              "<",
              ">",
              "/",
              "&",
              ";",
              "#",
              "x",
              "1",
              "-",
              " ",
              "!",
              "?",
              "[",
              "]",
              "=",
              '"',
              "value",
              "i8",
              "data",
            ),
            maxLength: 6,
          }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    );
    fc.assert(
      fc.property(mutation, ([doc, edits]) => {
        let mutated = doc;
        for (const [at, remove, insert] of edits) {
          const i = at % (mutated.length + 1);
          mutated = mutated.slice(0, i) + insert + mutated.slice(i + remove);
        }
        try {
          parseMethodResponse(mutated);
        } catch (error) {
          assert.ok(
            error instanceof SourceProtocolError,
            `${String(error)} for ${JSON.stringify(mutated)}`,
          );
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects arbitrary strings and bytes with a SourceProtocolError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "binary" }),
          fc.uint8Array().map((b) => Buffer.from(b)),
        ),
        (junk) => {
          assert.throws(() => parseMethodResponse(junk), SourceProtocolError);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
