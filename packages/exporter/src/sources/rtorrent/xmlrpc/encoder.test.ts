import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeMethodCall, encodeXmlRpcValue, escapeXmlText } from "./encoder.ts";
import { XmlRpcDouble, type XmlRpcParam } from "./value.ts";

describe("encodeMethodCall", () => {
  it("writes the exact document rTorrent expects", () => {
    assert.equal(
      encodeMethodCall("d.multicall2", [
        "",
        "main",
        "d.hash=",
        1,
        2 ** 40,
        true,
        null,
        new XmlRpcDouble(2),
      ]),
      '<?xml version="1.0"?><methodCall><methodName>d.multicall2</methodName><params>' +
        "<param><value><string></string></value></param>" +
        "<param><value><string>main</string></value></param>" +
        "<param><value><string>d.hash=</string></value></param>" +
        "<param><value><i4>1</i4></value></param>" +
        "<param><value><i8>1099511627776</i8></value></param>" +
        "<param><value><boolean>1</boolean></value></param>" +
        "<param><value><nil/></value></param>" +
        "<param><value><double>2</double></value></param>" +
        "</params></methodCall>",
    );
    assert.equal(
      encodeXmlRpcValue({ a: [Buffer.from("hi"), -1.5, 2n ** 62n] }),
      "<struct><member><name>a</name><value><array><data><value><base64>aGk=</base64></value>" +
        "<value><double>-1.5</double></value><value><i8>4611686018427387904</i8></value></data></array></value></member></struct>",
    );
    assert.equal(escapeXmlText("a<b>&c\r\u0001"), "a&lt;b&gt;&amp;c&#xD;&#x1;");
  });

  it("refuses what XML-RPC cannot carry, with a TypeError", () => {
    assert.throws(() => encodeMethodCall("bad name", []), TypeError);
    assert.throws(() => encodeXmlRpcValue(Number.NaN), /finite/);
    assert.throws(() => encodeXmlRpcValue(Number.POSITIVE_INFINITY), /finite/);
    assert.throws(() => encodeXmlRpcValue(2n ** 63n), /64-bit/);
    assert.throws(() => encodeXmlRpcValue("a\u0000b"), /NUL/);
    assert.throws(() => encodeXmlRpcValue("\uD800"), /well-formed/);
    assert.throws(
      () => encodeXmlRpcValue(new Map() as unknown as XmlRpcParam),
      /Map is not an XML-RPC value/,
    );
    assert.throws(() => encodeXmlRpcValue(undefined as unknown as XmlRpcParam), /undefined is not/);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    assert.throws(() => encodeXmlRpcValue(cycle as XmlRpcParam), /cycle/);
  });
});
