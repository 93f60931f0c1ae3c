// Encodes XML-RPC method calls: rTorrent's requests, with values checked against what XML-RPC can carry.

import { clip, I4_MAX, I4_MIN, I8_MAX, I8_MIN, XmlRpcDouble, type XmlRpcParam } from "./value.ts";

const METHOD_NAME = /^[A-Za-z0-9_.:/]+$/;
// Characters that must be escaped in text; NUL and unpaired surrogates cannot be sent at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape.
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape.
const ESCAPE_ALL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const MAX_ENCODE_DEPTH = 100;

/**
 * Encodes a `methodCall` document. Numbers are sent as `<i4>` when they fit, `<i8>` when they are
 * larger integers, and `<double>` otherwise (or when wrapped in XmlRpcDouble). Throws a TypeError
 * naming the offending value for what XML-RPC cannot carry (NaN, NUL characters, cycles...).
 */
export function encodeMethodCall(method: string, params: readonly XmlRpcParam[]): string {
  if (!METHOD_NAME.test(method)) {
    throw new TypeError(
      `XML-RPC method name must match ${METHOD_NAME}, got ${JSON.stringify(clip(method, 60))}`,
    );
  }
  const out: string[] = [
    '<?xml version="1.0"?><methodCall><methodName>',
    method,
    "</methodName><params>",
  ];
  for (const param of params) {
    out.push("<param><value>");
    encodeValue(param, out, 0);
    out.push("</value></param>");
  }
  out.push("</params></methodCall>");
  return out.join("");
}

/** Encodes one value as the content of a `<value>` element (e.g. `<i4>1</i4>`). */
export function encodeXmlRpcValue(value: XmlRpcParam): string {
  const out: string[] = [];
  encodeValue(value, out, 0);
  return out.join("");
}

/** Escapes text for an XML element (also `\r`, which XML would otherwise turn into `\n`). */
export function escapeXmlText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPE_ALL, (char) => {
    switch (char) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case "\u0000":
        throw new TypeError("XML-RPC strings cannot contain a NUL character");
      default:
        return `&#x${(char.codePointAt(0) as number).toString(16).toUpperCase()};`;
    }
  });
}

function encodeValue(value: XmlRpcParam, out: string[], depth: number): void {
  if (depth > MAX_ENCODE_DEPTH) {
    throw new TypeError(`XML-RPC value nested deeper than ${MAX_ENCODE_DEPTH} levels (a cycle?)`);
  }
  switch (typeof value) {
    case "string":
      if (!value.isWellFormed()) throw new TypeError("XML-RPC strings must be well-formed UTF-16");
      out.push("<string>", escapeXmlText(value), "</string>");
      return;
    case "number":
      encodeNumber(value, out);
      return;
    case "bigint":
      if (value < I8_MIN || value > I8_MAX) {
        throw new TypeError(`XML-RPC integers are 64-bit; ${value} is out of range`);
      }
      out.push("<i8>", value.toString(), "</i8>");
      return;
    case "boolean":
      out.push(value ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
      return;
    case "object":
      break;
    default:
      throw new TypeError(`${typeof value} is not an XML-RPC value`);
  }
  if (value === null) {
    out.push("<nil/>");
  } else if (value instanceof XmlRpcDouble) {
    out.push("<double>", formatDouble(value.value), "</double>");
  } else if (value instanceof Uint8Array) {
    out.push(
      "<base64>",
      Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
      "</base64>",
    );
  } else if (Array.isArray(value)) {
    out.push("<array><data>");
    for (const item of value as readonly XmlRpcParam[]) {
      out.push("<value>");
      encodeValue(item, out, depth + 1);
      out.push("</value>");
    }
    out.push("</data></array>");
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `${(value as object).constructor?.name ?? "object"} is not an XML-RPC value (use a plain object for a struct)`,
      );
    }
    out.push("<struct>");
    for (const [name, member] of Object.entries(value as Record<string, XmlRpcParam>)) {
      if (!name.isWellFormed() || name.includes("\u0000")) {
        throw new TypeError("XML-RPC struct member names must be well-formed text without NUL");
      }
      out.push("<member><name>", escapeXmlText(name), "</name><value>");
      encodeValue(member, out, depth + 1);
      out.push("</value></member>");
    }
    out.push("</struct>");
  }
}

function encodeNumber(value: number, out: string[]): void {
  if (Number.isInteger(value) && !Object.is(value, -0)) {
    if (value >= I4_MIN && value <= I4_MAX) {
      out.push("<i4>", String(value), "</i4>");
      return;
    }
    if (Number.isSafeInteger(value)) {
      out.push("<i8>", String(value), "</i8>");
      return;
    }
  }
  out.push("<double>", formatDouble(value), "</double>");
}

function formatDouble(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`XML-RPC doubles must be finite, got ${value}`);
  return Object.is(value, -0) ? "-0" : String(value);
}
