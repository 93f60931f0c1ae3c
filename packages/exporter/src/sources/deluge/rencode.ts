// rencode, the serialization Deluge's daemon RPC speaks: an encoder and a bounded, strict decoder.

/*
 * Wire format (rencode 1.0.6 as Debian ships it for Deluge 2.0.3, `rencode/rencode_orig.py`):
 *   0x00-0x2B  int 0..43              0x46-0x65  int -1..-32
 *   0x3E int8  0x3F int16  0x40 int32  0x41 int64 (big-endian, two's complement)
 *   0x3D "<decimal digits>" 0x7F       integers beyond int64 (at most 63 characters)
 *   0x42 float32  0x2C float64 (big-endian IEEE 754)
 *   0x43 true  0x44 false  0x45 None
 *   0x80-0xBF  string/bytes of 0..63 bytes; longer: "<length>:" then the bytes
 *   0xC0-0xFF  list of 0..63 items;  0x3B items... 0x7F  for longer lists
 *   0x66-0x7E  dict of 0..24 pairs;  0x3C pairs... 0x7F  for larger dicts
 *
 * Mapping to JavaScript:
 *   - Integers decode to `number` when they are safe integers (|n| <= 2^53 - 1), else to
 *     `bigint`. Encoding: a safe-integer `number` (other than -0) and any `bigint` become the
 *     smallest integer form; every other `number` (fractions, NaN, ±Infinity, -0, integers beyond
 *     2^53) becomes a float, so it decodes back to the same `number` with `floatBits: 64`.
 *   - Floats decode to `number`. Deluge encodes with rencode's default of 32 bits, so rates,
 *     progress and ratio arrive as float32 values; our encoder defaults to 32 bits too (byte for
 *     byte what `rencode.dumps` produces) and takes `floatBits: 64` for exact doubles.
 *   - rencode has one string type for Python `str` (UTF-8) and `bytes`. Decoding gives a `string`
 *     when the bytes are valid UTF-8 and a `Uint8Array` (a copy) when they are not, or always a
 *     `Uint8Array` with `strings: "bytes"`. A `string` encodes as UTF-8 (lone surrogates are
 *     rejected, as Python would), a `Uint8Array` (or Buffer) as its raw bytes.
 *   - Lists (Python tuples) decode to arrays. Dicts whose keys are all strings decode to plain
 *     objects (so `status.name` works); dicts with any other key decode to a `Map`, as do all
 *     dicts with `dicts: "map"`. Plain objects encode their own enumerable string keys; a `Map`
 *     may have keys of any rencode type. Duplicate keys keep the last value, as Python does.
 *   - `null` is None. `undefined`, functions, symbols and class instances cannot be encoded.
 */

/** A value rencode can carry. */
export type RencodeValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly RencodeValue[]
  | RencodeObject
  | ReadonlyMap<RencodeValue, RencodeValue>;

/** A dict with string keys, as most of Deluge's dicts are. */
export interface RencodeObject {
  readonly [key: string]: RencodeValue;
}

/** Malformed input to decode, or a value that cannot be encoded. */
export class RencodeError extends Error {
  override name = "RencodeError";
  /** Byte offset in the input where decoding failed (decoding only). */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? `rencode: ${message}` : `rencode: ${message} at offset ${offset}`);
    this.offset = offset;
  }
}

/** Options of `rencode`. */
export interface EncodeOptions {
  /** Width of encoded floats (default 32, as Deluge's `rencode.dumps`). */
  readonly floatBits?: 32 | 64;
  /** Deepest nesting of lists and dicts accepted (default 100; cycles fail here). */
  readonly maxDepth?: number;
}

/** Options of `rdecode`. */
export interface DecodeOptions {
  /** Deepest nesting of lists and dicts accepted (default 100, at most 1000). */
  readonly maxDepth?: number;
  /** Largest input accepted, in bytes (default 512 MiB). */
  readonly maxBytes?: number;
  /** "auto": UTF-8 strings as `string`, anything else as `Uint8Array`; "bytes": all as `Uint8Array`. */
  readonly strings?: "auto" | "bytes";
  /**
   * "auto": string-keyed dicts as objects, others as `Map`; "map": every dict as a `Map`;
   * "outer-map": dicts not nested in another dict as a `Map`, the others as "auto" (a dict of
   * 100,000 torrents is far cheaper to build as a Map than as an object).
   */
  readonly dicts?: "auto" | "map" | "outer-map";
  /**
   * "fresh": a new object for each dict. "shared": small dicts decoded as objects (up to
   * 2 pairs, string keys, values of at most 24 ASCII bytes or numbers, booleans, None) come
   * frozen, one object per distinct encoding in the input, and every empty one is `EMPTY_DICT`:
   * an unchanged torrent of a diff is `{}` or `{label: …}`, 100,000 times per answer.
   * Ignored with `strings: "bytes"`.
   */
  readonly smallDicts?: "fresh" | "shared";
}

/** The empty dict `rdecode` gives with `smallDicts: "shared"`. */
export const EMPTY_DICT: RencodeObject = Object.freeze({});

const CHR_LIST = 0x3b;
const CHR_DICT = 0x3c;
const CHR_INT = 0x3d;
const CHR_INT1 = 0x3e;
const CHR_INT2 = 0x3f;
const CHR_INT4 = 0x40;
const CHR_INT8 = 0x41;
const CHR_FLOAT32 = 0x42;
const CHR_FLOAT64 = 0x2c;
const CHR_TRUE = 0x43;
const CHR_FALSE = 0x44;
const CHR_NONE = 0x45;
const CHR_TERM = 0x7f;
const INT_POS_FIXED_COUNT = 44;
const INT_NEG_FIXED_START = 0x46;
const INT_NEG_FIXED_COUNT = 32;
const DICT_FIXED_START = 0x66;
const DICT_FIXED_COUNT = 25;
const STR_FIXED_START = 0x80;
const STR_FIXED_COUNT = 64;
const LIST_FIXED_START = 0xc0;
const LIST_FIXED_COUNT = 64;
/** rencode's MAX_INT_LENGTH: decimal integers have fewer than 64 characters. */
const MAX_INT_LENGTH = 64;
const DEFAULT_MAX_DEPTH = 100;
const MAX_MAX_DEPTH = 1000;
const DEFAULT_MAX_BYTES = 512 * 2 ** 20;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;
/** Strings up to this many bytes go through the decoder's string cache. */
const SHORT_STRING = 24;
const STRING_CACHE_SIZE = 1024;
/** Shared small dicts: at most this many pairs, this many bytes, this many cache slots. */
const SMALL_DICT_PAIRS = 2;
const SMALL_DICT_BYTES = 64;
const DICT_CACHE_SIZE = 256;
/** Dicts of more pairs than this are built from a template of their keys (see `#object`); V8 keeps up to 19 keys added one by one in fast mode. */
const SHAPED_DICT_PAIRS = 16;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/**
 * Short ASCII strings decoded lately, by a hash of their bytes: shared by every decode (strings
 * are immutable), so a poll's keys and states are the strings of the poll before.
 */
const shortStrings: Array<string | undefined> = new Array(STRING_CACHE_SIZE);
const utf8Encoder = new TextEncoder();

/** Encodes a value as rencode bytes. Throws RencodeError for what rencode cannot carry. */
export function rencode(value: RencodeValue, options: EncodeOptions = {}): Uint8Array {
  const floatBits = options.floatBits ?? 32;
  if (floatBits !== 32 && floatBits !== 64)
    throw new RencodeError(`floatBits must be 32 or 64, got ${String(floatBits)}`);
  const writer = new Writer(floatBits, checkDepth(options.maxDepth));
  writer.value(value, 0);
  return writer.result();
}

/** Decodes exactly one rencode value filling all of `data`. Throws RencodeError on anything else. */
export function rdecode(data: Uint8Array, options: DecodeOptions = {}): RencodeValue {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (data.length > maxBytes)
    throw new RencodeError(`input of ${data.length} bytes exceeds the limit of ${maxBytes} bytes`);
  const reader = new Reader(
    data,
    checkDepth(options.maxDepth),
    options.strings === "bytes",
    options.dicts ?? "auto",
    options.smallDicts === "shared",
  );
  if (data.length === 0) throw new RencodeError("empty input, expected a value", 0);
  const value = reader.value(0);
  if (reader.pos !== data.length)
    throw new RencodeError(
      `${data.length - reader.pos} trailing bytes after the value`,
      reader.pos,
    );
  return value;
}

function checkDepth(maxDepth: number | undefined): number {
  const depth = maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_MAX_DEPTH)
    throw new RencodeError(`maxDepth must be an integer from 0 to ${MAX_MAX_DEPTH}`);
  return depth;
}

class Writer {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  readonly #floatBits: 32 | 64;
  readonly #maxDepth: number;

  constructor(floatBits: 32 | 64, maxDepth: number) {
    this.#floatBits = floatBits;
    this.#maxDepth = maxDepth;
  }

  result(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }

  value(value: RencodeValue, depth: number): void {
    switch (typeof value) {
      case "number":
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) this.#safeInteger(value);
        else this.#float(value);
        return;
      case "bigint":
        this.#integer(value);
        return;
      case "string":
        this.#string(value);
        return;
      case "boolean":
        this.#byte(value ? CHR_TRUE : CHR_FALSE);
        return;
      case "object":
        break;
      default:
        throw new RencodeError(`cannot encode a value of type ${typeof value}`);
    }
    if (value === null) {
      this.#byte(CHR_NONE);
      return;
    }
    if (value instanceof Uint8Array) {
      this.#bytes(value);
      return;
    }
    if (depth >= this.#maxDepth)
      throw new RencodeError(`value nested deeper than ${this.#maxDepth} levels (a cycle?)`);
    if (Array.isArray(value)) {
      const items = value as readonly RencodeValue[];
      const fixed = items.length < LIST_FIXED_COUNT;
      this.#byte(fixed ? LIST_FIXED_START + items.length : CHR_LIST);
      for (const item of items) this.value(item, depth + 1);
      if (!fixed) this.#byte(CHR_TERM);
      return;
    }
    if (value instanceof Map) {
      const fixed = value.size < DICT_FIXED_COUNT;
      this.#byte(fixed ? DICT_FIXED_START + value.size : CHR_DICT);
      for (const [key, item] of value) {
        this.value(key as RencodeValue, depth + 1);
        this.value(item as RencodeValue, depth + 1);
      }
      if (!fixed) this.#byte(CHR_TERM);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as object).constructor?.name ?? "object";
      throw new RencodeError(`cannot encode a ${kind} (expected a plain object, Map or array)`);
    }
    const keys = Object.keys(value);
    const fixed = keys.length < DICT_FIXED_COUNT;
    this.#byte(fixed ? DICT_FIXED_START + keys.length : CHR_DICT);
    for (const key of keys) {
      this.value(key, depth + 1);
      this.value((value as RencodeObject)[key] as RencodeValue, depth + 1);
    }
    if (!fixed) this.#byte(CHR_TERM);
  }

  /**
   * A safe integer, as `#integer` would write it, without a BigInt: a 100,000-torrent answer
   * (the benchmark's simulator) has millions of them.
   */
  #safeInteger(n: number): void {
    if (n >= 0 && n < INT_POS_FIXED_COUNT) {
      this.#byte(n);
    } else if (n < 0 && n >= -INT_NEG_FIXED_COUNT) {
      this.#byte(INT_NEG_FIXED_START - 1 - n);
    } else if (n >= -128 && n < 128) {
      this.#reserve(2);
      this.#buf[this.#pos] = CHR_INT1;
      this.#view.setInt8(this.#pos + 1, n);
      this.#pos += 2;
    } else if (n >= -32768 && n < 32768) {
      this.#reserve(3);
      this.#buf[this.#pos] = CHR_INT2;
      this.#view.setInt16(this.#pos + 1, n);
      this.#pos += 3;
    } else if (n >= -2147483648 && n < 2147483648) {
      this.#reserve(5);
      this.#buf[this.#pos] = CHR_INT4;
      this.#view.setInt32(this.#pos + 1, n);
      this.#pos += 5;
    } else {
      // |n| < 2^53: the high word is exact, the low word is what is left (0 .. 2^32 - 1).
      this.#reserve(9);
      const high = Math.floor(n / 0x100000000);
      this.#buf[this.#pos] = CHR_INT8;
      this.#view.setInt32(this.#pos + 1, high);
      this.#view.setUint32(this.#pos + 5, n - high * 0x100000000);
      this.#pos += 9;
    }
  }

  #integer(n: bigint): void {
    if (n >= 0n && n < INT_POS_FIXED_COUNT) {
      this.#byte(Number(n));
    } else if (n < 0n && n >= -INT_NEG_FIXED_COUNT) {
      this.#byte(INT_NEG_FIXED_START - 1 - Number(n));
    } else if (n >= -128n && n < 128n) {
      this.#reserve(2);
      this.#buf[this.#pos] = CHR_INT1;
      this.#view.setInt8(this.#pos + 1, Number(n));
      this.#pos += 2;
    } else if (n >= -32768n && n < 32768n) {
      this.#reserve(3);
      this.#buf[this.#pos] = CHR_INT2;
      this.#view.setInt16(this.#pos + 1, Number(n));
      this.#pos += 3;
    } else if (n >= -2147483648n && n < 2147483648n) {
      this.#reserve(5);
      this.#buf[this.#pos] = CHR_INT4;
      this.#view.setInt32(this.#pos + 1, Number(n));
      this.#pos += 5;
    } else if (n >= INT64_MIN && n <= INT64_MAX) {
      this.#reserve(9);
      this.#buf[this.#pos] = CHR_INT8;
      this.#view.setBigInt64(this.#pos + 1, n);
      this.#pos += 9;
    } else {
      const text = n.toString();
      if (text.length >= MAX_INT_LENGTH)
        throw new RencodeError(`integer of ${text.length} digits is too long (at most 63)`);
      this.#byte(CHR_INT);
      this.#ascii(text);
      this.#byte(CHR_TERM);
    }
  }

  #float(x: number): void {
    if (this.#floatBits === 32) {
      this.#reserve(5);
      this.#buf[this.#pos] = CHR_FLOAT32;
      this.#view.setFloat32(this.#pos + 1, x);
      this.#pos += 5;
    } else {
      this.#reserve(9);
      this.#buf[this.#pos] = CHR_FLOAT64;
      this.#view.setFloat64(this.#pos + 1, x);
      this.#pos += 9;
    }
  }

  /** A string as UTF-8; ASCII (dict keys, states, hashes, names mostly) is copied byte by byte. */
  #string(text: string): void {
    const length = text.length;
    if (length < STR_FIXED_COUNT) {
      this.#reserve(1 + length);
      const buf = this.#buf;
      const at = this.#pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === length) {
        buf[this.#pos] = STR_FIXED_START + length;
        this.#pos = at + length;
        return;
      }
    }
    if (!text.isWellFormed())
      throw new RencodeError("cannot encode a string with a lone surrogate as UTF-8");
    this.#bytes(utf8Encoder.encode(text));
  }

  #bytes(bytes: Uint8Array): void {
    if (bytes.length < STR_FIXED_COUNT) {
      this.#byte(STR_FIXED_START + bytes.length);
    } else {
      this.#ascii(`${bytes.length}:`);
    }
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #ascii(text: string): void {
    this.#reserve(text.length);
    for (let i = 0; i < text.length; i++) this.#buf[this.#pos++] = text.charCodeAt(i);
  }

  #byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = b;
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}

/** The keys of a dict, in wire order, and a fast-mode object with those keys to copy. */
interface DictTemplate {
  readonly keys: readonly string[];
  readonly object: RencodeObject;
}

class Reader {
  pos = 0;
  readonly #data: Uint8Array;
  readonly #view: DataView;
  readonly #latin1: Buffer;
  readonly #maxDepth: number;
  readonly #bytesOnly: boolean;
  readonly #mapsOnly: boolean;
  readonly #outerMaps: boolean;
  readonly #sharedSmall: boolean;
  /** Shared small dicts by slot, each with its encoding (allocated on first use). */
  #dictCache: Array<{ bytes: Uint8Array; value: RencodeObject } | undefined> | undefined;
  /** How many dicts enclose the value being read. */
  #dictDepth = 0;
  /** Keys and values of the dicts being read, in wire order (shared stacks, no array per dict). */
  readonly #keys: string[] = [];
  readonly #values: RencodeValue[] = [];
  /** Pairs on the stacks now. */
  #top = 0;
  /** The last dict of each size above SHAPED_DICT_PAIRS decoded as an object (see `#object`). */
  #templates: Map<number, DictTemplate> | undefined;

  constructor(
    data: Uint8Array,
    maxDepth: number,
    bytesOnly: boolean,
    dicts: NonNullable<DecodeOptions["dicts"]>,
    sharedSmall: boolean,
  ) {
    this.#data = data;
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.#latin1 = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.#maxDepth = maxDepth;
    this.#bytesOnly = bytesOnly;
    this.#mapsOnly = dicts === "map";
    this.#outerMaps = dicts === "outer-map";
    // With byte-string keys a dict is a Map, which freezing would not make immutable.
    this.#sharedSmall = sharedSmall && !bytesOnly;
  }

  value(depth: number): RencodeValue {
    const start = this.pos;
    const code = this.#data[start];
    if (code === undefined) throw new RencodeError("truncated input, expected a value", start);
    if (code < INT_POS_FIXED_COUNT) {
      this.pos = start + 1;
      return code;
    }
    if (code >= STR_FIXED_START && code < LIST_FIXED_START) {
      return this.#string(start + 1, code - STR_FIXED_START);
    }
    if (code >= LIST_FIXED_START) {
      this.#enter(depth, start);
      this.pos = start + 1;
      const count = code - LIST_FIXED_START;
      const items: RencodeValue[] = new Array(count);
      for (let i = 0; i < count; i++) items[i] = this.value(depth + 1);
      return items;
    }
    if (code >= INT_NEG_FIXED_START && code < INT_NEG_FIXED_START + INT_NEG_FIXED_COUNT) {
      this.pos = start + 1;
      return INT_NEG_FIXED_START - 1 - code;
    }
    if (code >= DICT_FIXED_START && code < DICT_FIXED_START + DICT_FIXED_COUNT) {
      this.#enter(depth, start);
      this.pos = start + 1;
      const count = code - DICT_FIXED_START;
      if (count <= SMALL_DICT_PAIRS && this.#sharedSmall && !this.#asMap()) {
        if (count === 0) return EMPTY_DICT;
        return this.#smallDict(depth, start, count);
      }
      return this.#dict(depth, count);
    }
    if (code >= 0x31 && code <= 0x39) return this.#prefixedString(start);
    switch (code) {
      case CHR_INT1:
        this.#need(start + 1, 1, "int8");
        this.pos = start + 2;
        return this.#view.getInt8(start + 1);
      case CHR_INT2:
        this.#need(start + 1, 2, "int16");
        this.pos = start + 3;
        return this.#view.getInt16(start + 1);
      case CHR_INT4:
        this.#need(start + 1, 4, "int32");
        this.pos = start + 5;
        return this.#view.getInt32(start + 1);
      case CHR_INT8: {
        this.#need(start + 1, 8, "int64");
        this.pos = start + 9;
        const high = this.#view.getInt32(start + 1);
        // -2^21 < high < 2^21 keeps the value strictly within ±2^53, all safe integers: no
        // BigInt needed. (high = -2^21 would let -2^53 itself through as an unsafe number.)
        if (high > -0x200000 && high < 0x200000)
          return high * 0x100000000 + this.#view.getUint32(start + 5);
        return narrow(this.#view.getBigInt64(start + 1));
      }
      case CHR_INT:
        return this.#decimal(start);
      case CHR_FLOAT32:
        this.#need(start + 1, 4, "float32");
        this.pos = start + 5;
        return this.#view.getFloat32(start + 1);
      case CHR_FLOAT64:
        this.#need(start + 1, 8, "float64");
        this.pos = start + 9;
        return this.#view.getFloat64(start + 1);
      case CHR_TRUE:
        this.pos = start + 1;
        return true;
      case CHR_FALSE:
        this.pos = start + 1;
        return false;
      case CHR_NONE:
        this.pos = start + 1;
        return null;
      case CHR_LIST: {
        this.#enter(depth, start);
        this.pos = start + 1;
        const items: RencodeValue[] = [];
        while (!this.#atTerm("list")) items.push(this.value(depth + 1));
        this.pos++;
        return items;
      }
      case CHR_DICT:
        this.#enter(depth, start);
        this.pos = start + 1;
        return this.#dict(depth, -1);
      default:
        throw new RencodeError(`invalid type code 0x${code.toString(16).padStart(2, "0")}`, start);
    }
  }

  /** Whether the dict about to be read decodes as a Map whatever its keys. */
  #asMap(): boolean {
    return this.#mapsOnly || (this.#outerMaps && this.#dictDepth === 0);
  }

  /**
   * A dict of `count` pairs at `start` (just past its type code): from the cache when the same
   * bytes were decoded before, else decoded, frozen and cached if it is small and plain.
   */
  #smallDict(depth: number, start: number, count: number): RencodeValue {
    const data = this.#data;
    let end = start + 1;
    for (let i = 0; i < count && end > 0; i++) end = this.#skipPlain(this.#skipKey(end));
    if (end < 0 || end - start > SMALL_DICT_BYTES) return this.#dict(depth, count);
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (data[i] as number)) | 0;
    const slot = hash & (DICT_CACHE_SIZE - 1);
    this.#dictCache ??= new Array(DICT_CACHE_SIZE);
    const cached = this.#dictCache[slot];
    if (cached !== undefined && cached.bytes.length === end - start) {
      let same = true;
      for (let i = 0; i < cached.bytes.length; i++) {
        if (cached.bytes[i] !== data[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.pos = end;
        return cached.value;
      }
    }
    const value = Object.freeze(this.#dict(depth, count) as RencodeObject);
    this.#dictCache[slot] = { bytes: data.slice(start, end), value };
    return value;
  }

  /** The end of the short ASCII string at `at`, or -1 for anything else. */
  #skipKey(at: number): number {
    const code = this.#data[at];
    if (code === undefined || code < STR_FIXED_START || code > STR_FIXED_START + SHORT_STRING)
      return -1;
    const end = at + 1 + code - STR_FIXED_START;
    return end <= this.#data.length && this.#ascii(at + 1, end) ? end : -1;
  }

  /** The end of the plain value (short ASCII string, number, boolean, None) at `at`, or -1. */
  #skipPlain(at: number): number {
    if (at < 0) return -1;
    const code = this.#data[at];
    if (code === undefined) return -1;
    let end: number;
    if (code < INT_POS_FIXED_COUNT) end = at + 1;
    else if (code >= INT_NEG_FIXED_START && code < INT_NEG_FIXED_START + INT_NEG_FIXED_COUNT)
      end = at + 1;
    else if (code >= STR_FIXED_START && code < LIST_FIXED_START) return this.#skipKey(at);
    else if (code === CHR_TRUE || code === CHR_FALSE || code === CHR_NONE) end = at + 1;
    else if (code === CHR_INT1) end = at + 2;
    else if (code === CHR_INT2) end = at + 3;
    else if (code === CHR_INT4 || code === CHR_FLOAT32) end = at + 5;
    else if (code === CHR_INT8 || code === CHR_FLOAT64) end = at + 9;
    else return -1;
    return end <= this.#data.length ? end : -1;
  }

  /** Reads `count` pairs, or pairs up to the terminator when `count` is -1. */
  #dict(depth: number, count: number): RencodeValue {
    let map: Map<RencodeValue, RencodeValue> | undefined = this.#asMap() ? new Map() : undefined;
    this.#dictDepth++;
    // Pairs of the dicts being read, in wire order, until the dict is built: a nested dict
    // stacks its own above ours and leaves `#top` where it found it. The arrays are never
    // shortened (V8 would give back their room and take it again for the next dict).
    const keys = this.#keys;
    const values = this.#values;
    const base = this.#top;
    for (let i = 0; count < 0 ? !this.#atTerm("dict") : i < count; i++) {
      const key = this.value(depth + 1);
      const item = this.value(depth + 1);
      if (map === undefined && typeof key === "string") {
        keys[this.#top] = key;
        values[this.#top] = item;
        this.#top++;
        continue;
      }
      if (map === undefined) {
        // A non-string key: a Map after all, with the pairs so far in wire order.
        map = new Map();
        for (let k = base; k < this.#top; k++)
          map.set(keys[k] as string, values[k] as RencodeValue);
        this.#top = base;
      }
      map.set(key, item);
    }
    const empty = map === undefined && this.#top === base;
    const result = map ?? (empty && this.#sharedSmall ? EMPTY_DICT : this.#object(base));
    this.#top = base;
    this.#dictDepth--;
    if (count < 0) this.pos++;
    return result;
  }

  /**
   * The plain object of the pairs from `base` to `#top` on the stacks. An object given more
   * than 19 keys one by one turns into a slow dictionary-mode object (V8's limit for keyed
   * stores): a torrent's status of 20-odd keys, 100,000 times in a full answer, would take
   * several times the memory and time. So a dict with the same keys as an earlier one of the
   * message is a copy of a fast-mode template with those keys, its values then overwritten.
   */
  #object(base: number): RencodeObject {
    const keys = this.#keys;
    const values = this.#values;
    const top = this.#top;
    const n = top - base;
    if (n > SHAPED_DICT_PAIRS) {
      let template = this.#templates?.get(n);
      if (template === undefined || !sameKeys(template.keys, keys, base))
        template = this.#template(base);
      if (template !== undefined) {
        const object: Record<string, RencodeValue> = { ...template.object };
        for (let i = base; i < top; i++) object[keys[i] as string] = values[i] as RencodeValue;
        return object;
      }
    }
    const object: Record<string, RencodeValue> = {};
    for (let i = base; i < top; i++) {
      const key = keys[i] as string;
      // Assigning "__proto__" would replace the prototype instead of adding a key.
      if (key === "__proto__")
        Object.defineProperty(object, key, {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else object[key] = values[i] as RencodeValue;
    }
    return object;
  }

  /**
   * A template of the keys from `base` to `#top`, kept for the next dicts of as many keys; none
   * for duplicate keys (the template would have fewer) or "__proto__".
   */
  #template(base: number): DictTemplate | undefined {
    const keys = this.#keys.slice(base, this.#top);
    const shape: Record<string, number> = {};
    for (const key of keys) {
      if (key === "__proto__") return undefined;
      shape[key] = 0;
    }
    if (Object.keys(shape).length !== keys.length) return undefined;
    // JSON.parse builds fast-mode objects whatever their number of keys.
    const template = { keys, object: JSON.parse(JSON.stringify(shape)) as RencodeObject };
    this.#templates ??= new Map();
    this.#templates.set(keys.length, template);
    return template;
  }

  #ascii(begin: number, end: number): boolean {
    const data = this.#data;
    for (let i = begin; i < end; i++) if ((data[i] as number) >= 0x80) return false;
    return true;
  }

  #atTerm(what: string): boolean {
    const code = this.#data[this.pos];
    if (code === undefined)
      throw new RencodeError(`truncated input, unterminated ${what}`, this.pos);
    return code === CHR_TERM;
  }

  #enter(depth: number, at: number): void {
    if (depth >= this.#maxDepth)
      throw new RencodeError(`lists and dicts nested deeper than ${this.#maxDepth} levels`, at);
  }

  #need(at: number, length: number, what: string): void {
    if (at + length > this.#data.length)
      throw new RencodeError(`truncated input, expected ${length} bytes of ${what}`, at);
  }

  #prefixedString(start: number): RencodeValue {
    const data = this.#data;
    let length = 0;
    let at = start;
    for (;;) {
      const digit = data[at];
      if (digit === undefined)
        throw new RencodeError("truncated input, unterminated string length", start);
      if (digit === 0x3a) break;
      if (digit < 0x30 || digit > 0x39)
        throw new RencodeError("string length is not a decimal number followed by ':'", at);
      length = length * 10 + (digit - 0x30);
      if (length > data.length) throw new RencodeError("string length exceeds the input", start);
      at++;
    }
    return this.#string(at + 1, length);
  }

  #string(begin: number, length: number): RencodeValue {
    const end = begin + length;
    if (end > this.#data.length)
      throw new RencodeError(`truncated input, expected a string of ${length} bytes`, begin);
    this.pos = end;
    if (this.#bytesOnly) return new Uint8Array(this.#data.subarray(begin, end));
    const data = this.#data;
    if (this.#ascii(begin, end))
      return length <= SHORT_STRING
        ? this.#short(begin, end)
        : this.#latin1.toString("latin1", begin, end);
    const bytes = data.subarray(begin, end);
    try {
      return utf8.decode(bytes);
    } catch {
      return new Uint8Array(bytes);
    }
  }

  /**
   * Short ASCII strings (dict keys, states, labels) repeat thousands of times in one answer:
   * a small cache by content saves creating each again.
   */
  #short(begin: number, end: number): string {
    const data = this.#data;
    let hash = end - begin;
    for (let i = begin; i < end; i++) hash = (Math.imul(hash, 31) + (data[i] as number)) | 0;
    const slot = hash & (STRING_CACHE_SIZE - 1);
    const cached = shortStrings[slot];
    if (cached !== undefined && cached.length === end - begin) {
      let same = true;
      for (let i = 0; i < cached.length; i++) {
        if (cached.charCodeAt(i) !== data[begin + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const text = this.#latin1.toString("latin1", begin, end);
    shortStrings[slot] = text;
    return text;
  }

  #decimal(start: number): RencodeValue {
    const data = this.#data;
    // The terminator comes after at most MAX_INT_LENGTH - 1 characters.
    const last = start + MAX_INT_LENGTH;
    let end = start + 1;
    while (end <= last && end < data.length && data[end] !== CHR_TERM) end++;
    if (end > last)
      throw new RencodeError(`integer longer than ${MAX_INT_LENGTH - 1} characters`, start);
    if (end >= data.length) throw new RencodeError("truncated input, unterminated integer", start);
    const text = this.#latin1.toString("latin1", start + 1, end);
    if (!DECIMAL.test(text) || text === "-0")
      throw new RencodeError("integer is not a canonical decimal number", start + 1);
    this.pos = end + 1;
    return narrow(BigInt(text));
  }
}

/** Whether the `template.length` keys from `base` on are `template`'s (the caller checked the count). */
function sameKeys(template: readonly string[], keys: readonly string[], base: number): boolean {
  for (let i = 0; i < template.length; i++) if (keys[base + i] !== template[i]) return false;
  return true;
}

function narrow(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}
