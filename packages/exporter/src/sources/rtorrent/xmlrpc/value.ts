// The values XML-RPC carries, their integer ranges, and how error messages name them.

/**
 * A decoded XML-RPC value. Integers (`i4`, `int`, `i8`, `ex:i8`) are numbers, or bigints when
 * outside the safe-integer range; `base64` is a Buffer; `nil` is null; `dateTime.iso8601` is
 * kept as its text.
 */
export type XmlRpcValue =
  | string
  | number
  | bigint
  | boolean
  | Buffer
  | null
  | readonly XmlRpcValue[]
  | XmlRpcStruct;

/** An XML-RPC struct: member names to values. */
export interface XmlRpcStruct {
  readonly [member: string]: XmlRpcValue;
}

/** Forces a number to be sent as `<double>` even when it is integral. */
export class XmlRpcDouble {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** What the encoder accepts: any XmlRpcValue, plus explicit doubles. */
export type XmlRpcParam =
  | XmlRpcValue
  | XmlRpcDouble
  | Uint8Array
  | readonly XmlRpcParam[]
  | { readonly [member: string]: XmlRpcParam };

/** `<i4>` (and `<int>`): a signed 32-bit integer. */
export const I4_MIN = -(2 ** 31);
export const I4_MAX = 2 ** 31 - 1;
/** `<i8>` (and `<ex:i8>`): a signed 64-bit integer. */
export const I8_MIN = -(2n ** 63n);
export const I8_MAX = 2n ** 63n - 1n;

/** A short description of a value's type, for error messages (never the value itself). */
export function describeValue(value: XmlRpcValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "nil";
  if (Buffer.isBuffer(value)) return "base64";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "a struct";
  return `a ${typeof value}`;
}

/** Text quoted in an error message, cut to `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
