// channel-exporter's FuzzyGet: the key lookup that finds business codes and method codes in parsed JSON.

/** How deep the search goes; channel-exporter would hit Python's recursion limit and record nothing. */
const MAX_DEPTH = 64;

/** Normalizes a key as channel-exporter does: `-` and `_` removed, lower-cased. */
export function normalizeKey(key: string): string {
  return key.replace(/[-_]/g, "").toLowerCase();
}

/**
 * Whether `text.slice(start, end)` normalizes to `target` (already normalized), compared in
 * place: no string is built unless the key has non-ASCII characters.
 */
export function keyMatches(text: string, start: number, end: number, target: string): boolean {
  let j = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x2d || c === 0x5f) continue;
    // Outside ASCII, lower-casing may change lengths or land in ASCII (the Kelvin sign): do it properly.
    if (c >= 0x80) return normalizeKey(text.slice(start, end)) === target;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== target.charCodeAt(j)) return false;
    j++;
  }
  return j === target.length;
}

interface Found {
  value: unknown;
}

/**
 * Looks `key` up in parsed JSON the way channel-exporter's FuzzyGet does. Keys match after
 * normalization (`errorCode`, `error_code` and `ERROR-CODE` are one key). Each object is scanned
 * in key order: the value of a key that does not match is searched recursively (objects and
 * arrays), and the first key that matches ends the scan of that object, its value becoming the
 * result. Every match overwrites the previous one, so the result is the last match in this
 * depth-first order: `{"data":{"code":1},"code":0}` gives 0, `{"a":{"code":1},"b":{"code":2}}`
 * gives 2. A top-level array is searched as `{"data": array}`, as in channel-exporter. Returns
 * undefined when nothing matches or `data` is neither an object nor an array.
 *
 * One difference is JavaScript's: objects list integer-like keys ("1", "2") first.
 */
export function fuzzyGet(data: unknown, key: string): unknown {
  const found: Found = { value: undefined };
  // The original wraps a top-level list as {"data": list}.
  const root = Array.isArray(data) ? { data } : data;
  if (root !== null && typeof root === "object") search(root, normalizeKey(key), found, 0);
  return found.value;
}

function search(data: object, key: string, found: Found, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(data)) {
    for (const item of data) {
      if (item !== null && typeof item === "object") search(item, key, found, depth + 1);
    }
    return;
  }
  const record = data as Record<string, unknown>;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const value = record[name];
    if (normalizeKey(name) === key) {
      found.value = value;
      return;
    }
    if (value !== null && typeof value === "object") search(value, key, found, depth + 1);
  }
}
