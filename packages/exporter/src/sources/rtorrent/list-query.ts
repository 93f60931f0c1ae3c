// The one d.multicall2 a poll sends: only the fields the model uses, integers packed with `cat`, trackers nested.

import { SourceProtocolError } from "../../net/errors.ts";
import { decodeLabel, ITEM_FIELDS, TRACKER_FIELDS } from "./api.ts";
import { describeValue, type XmlRpcValue } from "./xmlrpc/value.ts";

/** One item of the list, decoded. Field meanings are those of ITEM_FIELDS in api.ts. */
export interface ListedTorrent {
  /** v1 info-hash, lower-case (rTorrent sends upper case). */
  readonly hash: string;
  readonly name: string;
  /** `d.message`. */
  readonly message: string;
  /** `d.custom1`, URL-decoded (ruTorrent's label). */
  readonly label: string;
  /** `d.directory`. */
  readonly directory: string;
  /** `d.custom=addtime`: ruTorrent's add time, Unix seconds, 0 when unset. */
  readonly addedAt: number;
  readonly sizeBytes: number;
  readonly completedBytes: number;
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
  readonly uploadRate: number;
  readonly downloadRate: number;
  /** `d.ratio` / 1000. */
  readonly ratio: number;
  readonly started: boolean;
  readonly open: boolean;
  readonly active: boolean;
  readonly complete: boolean;
  readonly hashChecking: boolean;
  readonly hashing: number;
  /** `d.timestamp.started` / `d.timestamp.finished`, Unix seconds, 0 when never. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly peersComplete: number;
  readonly peersAccounted: number;
  readonly leftBytes: number;
  readonly sizeFiles: number;
  readonly skipRate: number;
  /** `d.peers_connected`: which items the peer census asks about. */
  readonly peersConnected: number;
  /** Announce URLs (passkeys in them: never log or export) and whether each is enabled. */
  readonly trackers: readonly { readonly url: string; readonly enabled: boolean }[];
}

/** The text fields, one `d.*` command each, in this order after `d.hash`. */
const STRING_FIELDS = ["name", "message", "label", "directory", "addedAt"] as const;

/**
 * The integer fields, all sent back as one string by `cat=$d.size_bytes=,:,$d.completed_bytes=,...`:
 * `<value><string>100000:100000:0:...</string></value>` instead of twenty-one
 * `<value><i8>..</i8></value>`, a third of the bytes of a row, and far less to parse.
 */
const INT_FIELDS = [
  "sizeBytes",
  "completedBytes",
  "uploadedBytes",
  "downloadedBytes",
  "uploadRate",
  "downloadRate",
  "ratio",
  "started",
  "open",
  "active",
  "complete",
  "hashChecking",
  "hashing",
  "startedAt",
  "finishedAt",
  "peersComplete",
  "peersAccounted",
  "leftBytes",
  "sizeFiles",
  "skipRate",
  "peersConnected",
] as const;

const TRACKER_COLUMNS = ["url", "enabled"] as const;
const WIDTH = 1 + STRING_FIELDS.length + 2;
const COLUMN_NAMES = [
  "d.hash",
  "d.name",
  "d.message",
  "d.custom1",
  "d.directory",
  "d.custom=addtime",
  "the packed integers",
];

/** The integer fields of a row, as `cat` packs them: what changes while a torrent moves. */
export type ListedNumbers = Pick<ListedTorrent, (typeof INT_FIELDS)[number]>;

/**
 * `d.multicall2` parameters of a narrow list: the hash and the packed integers only, for torrents
 * whose text fields and trackers are already known (about 200 bytes a row instead of 700).
 */
export function numbersParams(view: string): string[] {
  return ["", view, "d.hash=", packedColumn()];
}

/** `d.multicall2` parameters listing `d.message` with its hash: one `cat` string, hash first. */
export function messageParams(view: string): string[] {
  return ["", view, "cat=$d.hash=,$d.message="];
}

/** `d.multicall2` parameters: the empty target, the view, then one command per column. */
export function listParams(view = "main"): string[] {
  return [
    "",
    view,
    "d.hash=",
    ...STRING_FIELDS.map((f) => ITEM_FIELDS[f].command),
    packedColumn(),
    `t.multicall=,${TRACKER_COLUMNS.map((t) => TRACKER_FIELDS[t].command).join(",")}`,
  ];
}

function packedColumn(): string {
  return `cat=${INT_FIELDS.map((f) => `$${ITEM_FIELDS[f].command}`).join(",:,")}`;
}

/** A ListedNumbers that rows are decoded into one after another, instead of a new object per row. */
export type NumbersBuffer = { -readonly [K in keyof ListedNumbers]: ListedNumbers[K] };

/**
 * A NumbersBuffer for `decodeNumbersRow` (its values are those of a row of zeros), as one object
 * literal: its shape is then held by the literal's site for as long as this code lives. Built
 * field by field from `{}`, its shape was reachable only through V8's weak transitions: each full
 * garbage collection that found no buffer alive dropped it, and with it the optimized code of
 * every function that had seen it (the hot-row path, re-optimized after each).
 */
export function numbersBuffer(): NumbersBuffer {
  return {
    sizeBytes: 0,
    completedBytes: 0,
    uploadedBytes: 0,
    downloadedBytes: 0,
    uploadRate: 0,
    downloadRate: 0,
    ratio: 0,
    started: false,
    open: false,
    active: false,
    complete: false,
    hashChecking: false,
    hashing: 0,
    startedAt: 0,
    finishedAt: 0,
    peersComplete: 0,
    peersAccounted: 0,
    leftBytes: 0,
    sizeFiles: 0,
    skipRate: 0,
    peersConnected: 0,
  };
}

/**
 * Decodes one row of a `numbersParams` answer into `into` (overwritten whole; a hot view's rows
 * are read one after another, so one buffer serves them all) and returns the hash, lower-case.
 */
export function decodeNumbersRow(
  value: XmlRpcValue,
  index: number,
  where: string,
  into: NumbersBuffer,
): string {
  if (!Array.isArray(value) || value.length !== 2) {
    throw rowError(where, index, `got ${describeValue(value)}, expected 2 columns`);
  }
  const hash = value[0] as XmlRpcValue;
  const packed = value[1] as XmlRpcValue;
  if (typeof hash !== "string" || !isHash(hash)) {
    throw rowError(where, index, "d.hash is not 40 hex digits");
  }
  if (typeof packed !== "string") {
    throw rowError(
      where,
      index,
      `the packed integers are ${describeValue(packed)}, expected a string`,
    );
  }
  const problem = unpack(packed, SCRATCH);
  if (problem !== undefined) throw rowError(where, index, problem);
  fillNumbers(into, SCRATCH);
  return hash.toLowerCase();
}

/** Where `unpack` puts a row's integers on their way into a NumbersBuffer. */
const SCRATCH = new Float64Array(INT_FIELDS.length);

function rowError(where: string, index: number, what: string): SourceProtocolError {
  return new SourceProtocolError(`${where}: row ${index}: ${what}`);
}

/** Decodes one row of a `messageParams` answer: the hash (lower-case) and `d.message`. */
export function decodeMessageRow(
  value: XmlRpcValue,
  index: number,
  where: string,
): { readonly hash: string; readonly message: string } {
  const cell = Array.isArray(value) && value.length === 1 ? value[0] : undefined;
  const hash = typeof cell === "string" ? cell.slice(0, 40) : "";
  if (typeof cell !== "string" || !isHash(hash)) {
    throw new SourceProtocolError(
      `${where}: row ${index}: got ${describeValue(value)}, expected one string: 40 hex digits, then d.message`,
    );
  }
  return { hash: hash.toLowerCase(), message: cell.slice(40) };
}

/** Decodes one row of the list answer; a SourceProtocolError naming the row for any other shape. */
export function decodeListRow(value: XmlRpcValue, index: number, where: string): ListedTorrent {
  const fail = (what: string): never => {
    throw new SourceProtocolError(`${where}: row ${index}: ${what}`);
  };
  if (!Array.isArray(value) || value.length !== WIDTH) {
    return fail(`got ${describeValue(value)}, expected ${WIDTH} columns`);
  }
  const cells = value as readonly XmlRpcValue[];
  const hash = cells[0];
  if (typeof hash !== "string" || !isHash(hash)) return fail("d.hash is not 40 hex digits");
  for (let i = 1; i < 7; i++) {
    if (typeof cells[i] !== "string") {
      fail(`${COLUMN_NAMES[i]} is ${describeValue(cells[i])}, expected a string`);
    }
  }
  const n = SCRATCH;
  const problem = unpack(cells[6] as string, n);
  if (problem !== undefined) fail(problem);
  // One object literal, always the same shape: 100,000 of these are made every full list.
  return {
    hash: hash.toLowerCase(),
    name: cells[1] as string,
    message: cells[2] as string,
    label: decodeLabel(cells[3] as string),
    directory: cells[4] as string,
    addedAt: epoch(cells[5] as string),
    sizeBytes: n[0] as number,
    completedBytes: n[1] as number,
    uploadedBytes: n[2] as number,
    downloadedBytes: n[3] as number,
    uploadRate: n[4] as number,
    downloadRate: n[5] as number,
    ratio: (n[6] as number) / 1000,
    started: n[7] !== 0,
    open: n[8] !== 0,
    active: n[9] !== 0,
    complete: n[10] !== 0,
    hashChecking: n[11] !== 0,
    hashing: n[12] as number,
    startedAt: n[13] as number,
    finishedAt: n[14] as number,
    peersComplete: n[15] as number,
    peersAccounted: n[16] as number,
    leftBytes: n[17] as number,
    sizeFiles: n[18] as number,
    skipRate: n[19] as number,
    peersConnected: n[20] as number,
    trackers: trackers(cells[7], fail),
  };
}

/** Writes the unpacked integers (in INT_FIELDS order) into the fields of `into`. */
function fillNumbers(into: NumbersBuffer, n: Float64Array): void {
  into.sizeBytes = n[0] as number;
  into.completedBytes = n[1] as number;
  into.uploadedBytes = n[2] as number;
  into.downloadedBytes = n[3] as number;
  into.uploadRate = n[4] as number;
  into.downloadRate = n[5] as number;
  into.ratio = (n[6] as number) / 1000;
  into.started = n[7] !== 0;
  into.open = n[8] !== 0;
  into.active = n[9] !== 0;
  into.complete = n[10] !== 0;
  into.hashChecking = n[11] !== 0;
  into.hashing = n[12] as number;
  into.startedAt = n[13] as number;
  into.finishedAt = n[14] as number;
  into.peersComplete = n[15] as number;
  into.peersAccounted = n[16] as number;
  into.leftBytes = n[17] as number;
  into.sizeFiles = n[18] as number;
  into.skipRate = n[19] as number;
  into.peersConnected = n[20] as number;
}

/**
 * Reads `cat`'s colon-separated integers into `out`, in INT_FIELDS order, without a regular
 * expression or an array each; returns what is wrong with them, if anything.
 */
function unpack(text: string, out: Float64Array): string | undefined {
  let count = 0;
  let value = 0;
  let digits = 0;
  let negative = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 58;
    if (c === 58) {
      if (digits === 0 || digits > 15) return notAnInteger(count);
      if (count < out.length) out[count] = negative ? -value : value;
      count++;
      value = 0;
      digits = 0;
      negative = false;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 45 && digits === 0 && !negative) {
      negative = true;
    } else {
      return notAnInteger(count);
    }
  }
  if (count !== INT_FIELDS.length) {
    return `the packed integers have ${count} parts, expected ${INT_FIELDS.length}`;
  }
  return undefined;
}

/**
 * `decodeNumbersRow`'s reading of the packed integers, straight from the bytes [start, end) of an
 * answer: fills `into` and returns true when they are exactly what `unpack` accepts; false, and
 * `into` left in any state, otherwise (the caller then reads the row the ordinary way, which
 * names what is wrong).
 */
export function unpackNumbersAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  into: NumbersBuffer,
): boolean {
  const out = SCRATCH;
  let count = 0;
  let value = 0;
  let digits = 0;
  let negative = false;
  for (let i = start; i <= end; i++) {
    const c = i < end ? (bytes[i] as number) : 58;
    if (c === 58) {
      if (digits === 0 || digits > 15 || count >= out.length) return false;
      out[count++] = negative ? -value : value;
      value = 0;
      digits = 0;
      negative = false;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 45 && digits === 0 && !negative) {
      negative = true;
    } else {
      return false;
    }
  }
  if (count !== INT_FIELDS.length) return false;
  fillNumbers(into, out);
  return true;
}

function notAnInteger(part: number): string {
  return `${ITEM_FIELDS[INT_FIELDS[part] ?? "sizeBytes"].command} is not an integer of up to 15 digits`;
}

function trackers(
  value: XmlRpcValue | undefined,
  fail: (what: string) => never,
): ListedTorrent["trackers"] {
  if (!Array.isArray(value))
    return fail(`t.multicall is ${describeValue(value)}, expected an array`);
  return (value as readonly XmlRpcValue[]).map((cells) => {
    if (!Array.isArray(cells) || cells.length !== 2) {
      return fail(`a tracker is ${describeValue(cells)}, expected 2 columns`);
    }
    const [url, enabled] = cells as readonly XmlRpcValue[];
    if (typeof url !== "string") return fail("t.url is not a string");
    if (typeof enabled !== "number") return fail("t.is_enabled is not an integer");
    return { url, enabled: enabled !== 0 };
  });
}

/** 40 hex digits; a loop, as a regular expression here was a visible share of a poll's CPU. */
function isHash(text: string): boolean {
  if (text.length !== 40) return false;
  for (let i = 0; i < 40; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** ruTorrent writes add times as decimal text; anything else is "unknown" (0). */
function epoch(text: string): number {
  const t = text.trim();
  if (t.length === 0 || t.length > 12) return 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  return n;
}
