// Label values written as channel-exporter writes them (it passes Python values through str()).

/** Longest User-Agent kept whole in `f_code`; longer ones are cut and end in `...`. */
const F_CODE_LENGTH = 20;
/** Longest label value taken from a JSON object or array found where a code was expected. */
const MAX_STRUCTURED = 64;

/** `f_code` from a User-Agent: the first 20 characters and `...` when longer, "" when absent. */
export function fCode(userAgent: string | undefined): string {
  if (userAgent === undefined) return "";
  return userAgent.length > F_CODE_LENGTH ? `${userAgent.slice(0, F_CODE_LENGTH)}...` : userAgent;
}

let lastNumber = 0;
let lastNumberText = "0";

/**
 * A JSON value as a label value, the way Python's str() prints it: strings as they are, numbers
 * in their shortest form, booleans as `True`/`False`; objects and arrays (which no sane API puts
 * in a code field) as JSON cut to 64 characters.
 */
export function labelValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      // Most responses carry the same code: its text is kept, not made again each time.
      if (value !== lastNumber) {
        lastNumber = value;
        lastNumberText = String(value);
      }
      return lastNumberText;
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "True" : "False";
    case "undefined":
      return "";
    default:
      return value === null ? "" : JSON.stringify(value).slice(0, MAX_STRUCTURED);
  }
}

/** Python truthiness, which channel-exporter's `a or b or c` chains rely on. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}
