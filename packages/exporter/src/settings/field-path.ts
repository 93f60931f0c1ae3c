// Field paths in problem messages (`targets[0].tracker.rename.<key>`): keys of the schema are named, keys that are data are not.

/** Keys and list indexes from the top of a file down to one value. */
export type FieldPath = ReadonlyArray<string | number>;

/** Tells whether the keys of the mapping at `parent` are data (user names, tracker hosts). */
export type DataMaps = (parent: FieldPath) => boolean;

/** What stands for a key that is data, or a key not shown. */
export const HIDDEN_KEY = "<key>";

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Whether a key that the schema does not know may be named in a message: it looks like a field
 * name (a typo), not like a value written where a key goes (`password:hunter2` in { }).
 */
export function looksLikeFieldName(key: string): boolean {
  return FIELD_NAME.test(key);
}

/**
 * Whether an unknown key may be named: it looks like a field name and has a value, as a misspelt
 * field has (`colour: red`). A bare word with nothing after it (`tls: {hunter2}`) is more likely
 * a value written where a key goes; the line and column point at it instead.
 */
export function mayNameUnknownKey(key: string, value: unknown): boolean {
  return looksLikeFieldName(key) && value !== null && value !== undefined;
}

/** The value at `path` inside plain data, or undefined. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let value = root;
  for (const part of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part))
      return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/**
 * `global.tracker.rename.<key>`, `targets[0].url`; "" for the top. Keys of data maps, and keys
 * that do not look like field names, show as <key>.
 */
export function formatFieldPath(path: FieldPath, dataMaps: DataMaps = () => false): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const part = path[i] as string | number;
    if (typeof part === "number") out += `[${part}]`;
    else {
      const shown = looksLikeFieldName(part) && !dataMaps(path.slice(0, i)) ? part : HIDDEN_KEY;
      out += out === "" ? shown : `.${shown}`;
    }
  }
  return out;
}
