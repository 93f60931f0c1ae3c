// Business codes from JSON bodies: decoding (gzip, deflate, br, zstd), scanning, and channel-exporter's rules.

import {
  brotliDecompressSync,
  gunzipSync,
  inflateRawSync,
  inflateSync,
  zstdDecompressSync,
} from "node:zlib";
import type { BodyTap } from "./body-tap.ts";
import { scanJson } from "./json-scan.ts";
import { scanJsonBytes } from "./json-scan-bytes.ts";
import { labelValue } from "./label-values.ts";

/** The `code` of a body that is not JSON or could not be read: channel-exporter writes -1. */
export const NOT_JSON = "-1";

const CODE = ["code"];
const CODE_OR_ERRORCODE = ["code", "errorcode"];

/**
 * A tapped body with its `Content-Encoding` undone (decompressed output bounded by the tap's
 * limit too): text when it was written as text, else bytes. Undefined when it is empty, too
 * large, in an unknown encoding, or otherwise unreadable.
 */
export function bodyContent(
  tap: BodyTap,
  contentEncoding: string | undefined,
): string | Buffer | undefined {
  if (tap.overflowed || tap.unreadable || tap.empty) return undefined;
  return decodeBody(tap.contents(), contentEncoding, tap.limit);
}

/**
 * A body with its `Content-Encoding` undone, decompressed output bounded by `limit`: the body
 * itself when there is no coding, else bytes; undefined in an unknown encoding or unreadable.
 */
export function decodeBody(
  body: string | Buffer,
  contentEncoding: string | undefined,
  limit: number,
): string | Buffer | undefined {
  if (contentEncoding === undefined || contentEncoding === "") return body;
  const codings = codingsOf(contentEncoding);
  if (codings.length === 0) return body;
  let bytes = typeof body === "string" ? Buffer.from(body) : body;
  try {
    for (const coding of codings.reverse()) {
      const decoded = decode(bytes, coding, limit);
      if (decoded === undefined) return undefined;
      bytes = decoded;
    }
  } catch {
    return undefined;
  }
  return bytes;
}

/** {@link bodyContent} as UTF-8 text. */
export function bodyText(tap: BodyTap, contentEncoding: string | undefined): string | undefined {
  const body = bodyContent(tap, contentEncoding);
  return typeof body === "string" || body === undefined ? body : body.toString("utf8");
}

/**
 * Inbound `code`: the `code` found in the JSON body, "" when there is none, -1 when not JSON.
 * Bytes are scanned as they are (see {@link scanJsonBytes}), not decoded first.
 */
export function inboundCode(body: string | Buffer | undefined): string {
  const found = scan(body, CODE);
  return found === undefined ? NOT_JSON : labelValue(found[0]);
}

/** Outbound `code`: `code`, else `errorcode`, else -1; -1 too when the body is not JSON. */
export function outboundCode(body: string | Buffer | undefined): string {
  const found = scan(body, CODE_OR_ERRORCODE, true);
  if (found === undefined) return NOT_JSON;
  const code = found[0] ?? found[1];
  return code === undefined || code === null ? NOT_JSON : labelValue(code);
}

function scan(
  body: string | Buffer | undefined,
  targets: readonly string[],
  firstDecides = false,
): unknown[] | undefined {
  if (body === undefined) return undefined;
  return typeof body === "string"
    ? scanJson(body, targets, firstDecides)
    : scanJsonBytes(body, targets, firstDecides);
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
