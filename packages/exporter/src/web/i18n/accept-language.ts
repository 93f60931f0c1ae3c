// Reading an Accept-Language header (RFC 9110, section 12.5.4) into language tags, most wanted first.

import { type Language, pickLanguage } from "./language.ts";

/** Ranges read from one header; a longer header is cut (no browser sends this many). */
const MAX_RANGES = 32;

const RANGE = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/;
const WEIGHT = /^[qQ]=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The language ranges of an Accept-Language header, highest weight first (equal weights keep the
 * header's order). Ranges with `q=0` ("not acceptable") and malformed entries are left out;
 * `*` is kept as it is.
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (header === undefined) return [];
  const ranges: Array<{ tag: string; q: number; index: number }> = [];
  for (const entry of header.split(",", MAX_RANGES)) {
    const [tag = "", ...params] = entry.split(";").map((part) => part.trim());
    if (!RANGE.test(tag)) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      if (WEIGHT.test(param)) q = Number(param.slice(2));
      else valid = false;
    }
    if (valid && q > 0) ranges.push({ tag, q, index: ranges.length });
  }
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map((r) => r.tag);
}

/** The language of a page answering a request with this Accept-Language header. */
export function pageLanguage(header: string | undefined): Language {
  return pickLanguage(parseAcceptLanguage(header));
}
