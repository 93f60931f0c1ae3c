// Business codes from JSON bodies: decoding (gzip, deflate, br, zstd), scanning, and the original's rules.

import {
  brotliDecompressSync,
  gunzipSync,
  inflateRawSync,
  inflateSync,
  zstdDecompressSync,
} from "node:zlib";
import type { BodyTap } from "./body-tap.ts";
import { scanJson } from "./json-scan.ts";
import { labelValue } from "./label-values.ts";

/** The `code` of a body that is not JSON or could not be read: the original writes -1. */
export const NOT_JSON = "-1";

const CODE = ["code"];
const CODE_OR_ERRORCODE = ["code", "errorcode"];

/**
 * A tapped body as text, its `Content-Encoding` undone (decompressed output bounded by the
 * tap's limit too). Undefined when it is empty, too large, in an unknown encoding, or otherwise
 * unreadable; with `jsonOnly`, also when its bytes cannot start a JSON text (an HTML page, an
 * image), which then is not decoded into a string for nothing.
 */
export function bodyText(
  tap: BodyTap,
  contentEncoding: string | undefined,
  jsonOnly = false,
): string | undefined {
  if (tap.overflowed || tap.unreadable || tap.empty) return undefined;
  const body = tap.contents();
  if (contentEncoding === undefined || contentEncoding === "") {
    if (typeof body === "string") return body;
    return jsonOnly && !mayStartJson(body) ? undefined : body.toString("utf8");
  }
  const codings = codingsOf(contentEncoding);
  if (codings.length === 0) {
    if (typeof body === "string") return body;
    return jsonOnly && !mayStartJson(body) ? undefined : body.toString("utf8");
  }
  let bytes = typeof body === "string" ? Buffer.from(body) : body;
  try {
    for (const coding of codings.reverse()) {
      const decoded = decode(bytes, coding, tap.limit);
      if (decoded === undefined) return undefined;
      bytes = decoded;
    }
  } catch {
    return undefined;
  }
  return jsonOnly && !mayStartJson(bytes) ? undefined : bytes.toString("utf8");
}

/**
 * Whether UTF-8 bytes may be a JSON text as {@link scanJson} reads it: after an optional
 * byte-order mark and whitespace, `{`, `[`, `"`, `-`, a digit, or the `t`, `f`, `n` of a
 * literal. Anything else is refused by the scan at its first character anyway.
 */
export function mayStartJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let c = bytes[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++i];
  if (c === undefined) return false;
  return (
    c === 0x7b ||
    c === 0x5b ||
    c === 0x22 ||
    c === 0x2d ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x74 ||
    c === 0x66 ||
    c === 0x6e
  );
}

/** Inbound `code`: the `code` found in the JSON body, "" when there is none, -1 when not JSON. */
export function inboundCode(text: string | undefined): string {
  if (text === undefined) return NOT_JSON;
  const found = scanJson(text, CODE);
  return found === undefined ? NOT_JSON : labelValue(found[0]);
}

/** Outbound `code`: `code`, else `errorcode`, else -1; -1 too when the body is not JSON. */
export function outboundCode(text: string | undefined): string {
  if (text === undefined) return NOT_JSON;
  const found = scanJson(text, CODE_OR_ERRORCODE);
  if (found === undefined) return NOT_JSON;
  const code = found[0] ?? found[1];
  return code === undefined || code === null ? NOT_JSON : labelValue(code);
}

function codingsOf(header: string): string[] {
  const codings: string[] = [];
  for (const part of header.toLowerCase().split(",")) {
    const coding = part.trim();
    if (coding !== "" && coding !== "identity") codings.push(coding);
  }
  return codings;
}

function decode(bytes: Buffer, coding: string, limit: number): Buffer | undefined {
  const options = { maxOutputLength: limit };
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(bytes, options);
    case "deflate":
      // Servers send both zlib-wrapped and raw deflate under this name.
      return ((bytes[0] ?? 0) & 0x0f) === 8
        ? inflateSync(bytes, options)
        : inflateRawSync(bytes, options);
    case "br":
      return brotliDecompressSync(bytes, options);
    case "zstd":
      return zstdDecompressSync(bytes, options);
    default:
      return undefined;
  }
}
