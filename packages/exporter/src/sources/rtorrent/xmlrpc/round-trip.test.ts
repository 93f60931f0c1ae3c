// Properties of the encoder and the reader together: what one writes, the other reads back.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SourceProtocolError } from "../../../net/errors.ts";
import { encodeXmlRpcValue, escapeXmlText } from "./encoder.ts";
import { parseMethodResponse } from "./reader.ts";
import { XmlRpcDouble, type XmlRpcParam, type XmlRpcValue } from "./value.ts";

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<methodResponse>\n<params>\n<param>';
const TAIL = "</param>\n</params>\n</methodResponse>\n";

/** A methodResponse around one encoded value. */
function response(valueXml: string): string {
  return `${HEAD}<value>${valueXml}</value>${TAIL}`;
}

function parseValue(valueXml: string): XmlRpcValue {
  return parseMethodResponse(response(valueXml));
}

/** Text XML-RPC can carry: well-formed, no NUL. */
const xmlText = fc
  .array(
    fc.oneof(
      fc.constantFrom("&", "<", ">", "\r", "\n", "]]>", "&amp;", " ", "\t"),
      fc.string({ unit: "binary", maxLength: 4 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""))
  .filter((s) => s.isWellFormed() && !s.includes("\u0000"));

type Pair = [XmlRpcParam, XmlRpcValue];

/** A parameter and the value it must decode to. */
const pair: fc.Arbitrary<[XmlRpcParam, XmlRpcValue]> = fc.letrec<{
  value: [XmlRpcParam, XmlRpcValue];
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    xmlText.map((s): Pair => [s, s]),
    fc.integer().map((n): Pair => [n, n]),
    fc.maxSafeInteger().map((n): Pair => [n, n]),
    fc
      .oneof(
        fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
        fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) }),
      )
      .map((n): Pair => [n, n]),
    fc.boolean().map((b): Pair => [b, b]),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d): Pair => [new XmlRpcDouble(d), d]),
    fc.uint8Array({ maxLength: 64 }).map((bytes): Pair => [bytes, Buffer.from(bytes)]),
    fc.constant<[XmlRpcParam, XmlRpcValue]>([null, null]),
    fc
      .array(tie("value"), { maxLength: 5 })
      .map((items): Pair => [items.map((i) => i[0]), items.map((i) => i[1])]),
    fc.array(fc.tuple(xmlText, tie("value")), { maxLength: 5 }).map((members): Pair => {
      const param: Record<string, XmlRpcParam> = {};
      const value: Record<string, XmlRpcValue> = {};
      for (const [name, [p, v]] of members) {
        Object.defineProperty(param, name, {
          value: p,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        Object.defineProperty(value, name, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return [param, value];
    }),
  ),
})).value;

describe("XML-RPC properties", () => {
  it("round-trips every encodable value through encode and parse", () => {
    fc.assert(
      fc.property(pair, ([param, expected]) => {
        assert.deepEqual(parseMethodResponse(response(encodeXmlRpcValue(param))), expected);
      }),
      { numRuns: 500 },
    );
  });

  it("escapes any text so that it parses back unchanged", () => {
    fc.assert(
      fc.property(xmlText, (text) => {
        const escaped = escapeXmlText(text);
        assert.ok(!escaped.includes("<") && !escaped.includes("\r"));
        assert.equal(parseValue(`<string>${escaped}</string>`), text);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects every proper prefix of a valid response with a SourceProtocolError", () => {
    fc.assert(
      fc.property(
        pair.chain(([param]) => {
          const doc = `<?xml version="1.0"?><methodResponse><params><param><value>${encodeXmlRpcValue(param)}</value></param></params></methodResponse>`;
          return fc.tuple(fc.constant(doc), fc.nat({ max: doc.length - 1 }));
        }),
        ([doc, cut]) => {
          assert.throws(() => parseMethodResponse(doc.slice(0, cut)), SourceProtocolError);
        },
      ),
      { numRuns: 500 },
    );
  });
});
