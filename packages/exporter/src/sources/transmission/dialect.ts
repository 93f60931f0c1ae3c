// Transmission's two RPC dialects: the legacy one (3.00, 4.0) and 4.1's JSON-RPC 2.0 with snake_case names.

import { SourceProtocolError } from "../../net/errors.ts";

/**
 * `legacy`: `{method, arguments, tag}` -> `{result: "success" | "<error>", arguments, tag}`, with
 * kebab-case methods and camelCase/kebab-case keys (Transmission 2.x-4.0; 4.1 still answers it).
 * `json-rpc`: `{jsonrpc: "2.0", method, params, id}` -> `{jsonrpc, result, id}` or
 * `{jsonrpc, error: {code, message, data}, id}`, every name in snake_case (4.1, RPC 18,
 * `rpc_version_semver` 6.0.0).
 */
export type Dialect = "legacy" | "json-rpc";

/** Transmission answered a call with an error of its own (not a transport or format problem). */
export class TransmissionRpcError extends SourceProtocolError {
  override name = "TransmissionRpcError";
}

/** The methods the source calls, by their legacy names. */
export type Method =
  | "session-get"
  | "session-stats"
  | "torrent-get"
  | "free-space"
  | "torrent-remove";

/**
 * Every legacy name the source sends or reads outside `torrent-get` rows. Their snake_case forms
 * are derived mechanically, as Transmission 4.1 derived them (`libtransmission/api-compat.cc`).
 */
const SESSION_NAMES = [
  "session-get",
  "session-stats",
  "torrent-get",
  "free-space",
  "torrent-remove",
  "recently-active",
  "delete-local-data",
  "download-dir",
  "rpc-version",
  "rpc-version-semver",
  "session-id",
  "size-bytes",
  "total_size",
  "activeTorrentCount",
  "pausedTorrentCount",
  "torrentCount",
  "downloadSpeed",
  "uploadSpeed",
  "cumulative-stats",
  "current-stats",
  "uploadedBytes",
  "downloadedBytes",
  "filesAdded",
  "sessionCount",
  "secondsActive",
  "torrent-added",
  "torrent-duplicate",
] as const;

/** The torrent fields the source reads, and the keys of a `trackerStats` entry. */
export const TORRENT_FIELD_NAMES = [
  "id",
  "hashString",
  "name",
  "status",
  "error",
  "errorString",
  "sizeWhenDone",
  "percentDone",
  "downloadedEver",
  "uploadedEver",
  "rateDownload",
  "rateUpload",
  "uploadRatio",
  "labels",
  "addedDate",
  "doneDate",
  "secondsSeeding",
  "downloadDir",
  "peersSendingToUs",
  "peersGettingFromUs",
  "trackerStats",
  "leftUntilDone",
  "fileCount",
] as const;

/** A torrent field by its legacy name. */
export type TorrentField = (typeof TORRENT_FIELD_NAMES)[number];

const TRACKER_STAT_NAMES = [
  "announce",
  "tier",
  "isBackup",
  "hasAnnounced",
  "lastAnnounceSucceeded",
  "lastAnnounceResult",
  "lastAnnounceTime",
  "lastAnnounceTimedOut",
] as const;

/** `hashString` -> `hash_string`, `cumulative-stats` -> `cumulative_stats`. */
export function snakeCase(name: string): string {
  return name.replace(/-/g, "_").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function reverse(names: readonly string[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const name of names) {
    map.set(name, name);
    map.set(snakeCase(name), name);
  }
  return map;
}

// Two tables, because 4.x spells one key two ways: `downloadDir` in torrent-get, `download-dir`
// elsewhere; both are `download_dir` in snake_case.
const SESSION_LEGACY = reverse(SESSION_NAMES);
const TORRENT_LEGACY = reverse([...TORRENT_FIELD_NAMES, ...TRACKER_STAT_NAMES]);

/** The legacy name of a torrent field or tracker-stat key in either dialect; unknown names pass through. */
export function torrentFieldName(wire: string): string {
  return TORRENT_LEGACY.get(wire) ?? wire;
}

/**
 * The dialect to speak after a 409: 4.1+ announces `X-Transmission-Rpc-Version` (semver, 6.0.0
 * for 4.1.0) there; older releases send no such header.
 */
export function dialectFor(rpcVersionHeader: string | string[] | undefined): Dialect {
  const value = Array.isArray(rpcVersionHeader) ? rpcVersionHeader[0] : rpcVersionHeader;
  const major = Number.parseInt(value ?? "", 10);
  return Number.isInteger(major) && major >= 6 ? "json-rpc" : "legacy";
}

/** Where the `torrents` array sits in a torrent-get answer. */
export function torrentsPath(dialect: Dialect): readonly string[] {
  return dialect === "json-rpc" ? ["result", "torrents"] : ["arguments", "torrents"];
}

/** The request body for `method` with legacy-named `args`, in the dialect's names. */
export function encodeRequest(
  dialect: Dialect,
  method: Method,
  args: Readonly<Record<string, unknown>>,
  id: number,
): string {
  if (dialect === "legacy") return JSON.stringify({ method, arguments: args, tag: id });
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === "fields" && Array.isArray(value)) params.fields = value.map(snakeCase);
    else if (key === "ids" && value === "recently-active") params.ids = "recently_active";
    else params[snakeCase(key)] = value;
  }
  return JSON.stringify({ jsonrpc: "2.0", method: snakeCase(method), params, id });
}

/**
 * The `arguments` of an answer (JSON-RPC's `result`), with snake_case keys renamed to their
 * legacy names. An RPC error (legacy `result` other than "success", JSON-RPC `error`) or a body
 * of the wrong shape throws a SourceProtocolError naming the method and Transmission's message.
 */
export function decodeAnswer(
  dialect: Dialect,
  method: Method,
  answer: unknown,
): Record<string, unknown> {
  if (!isObject(answer)) throw new SourceProtocolError(`${method}: expected a JSON object`);
  if (dialect === "legacy") {
    if (typeof answer.result !== "string") {
      throw new SourceProtocolError(`${method}: the answer has no "result" string`);
    }
    if (answer.result !== "success") {
      throw new TransmissionRpcError(
        `${method}: Transmission answered "${answer.result.slice(0, 200)}"`,
      );
    }
    const args = answer.arguments ?? {};
    if (!isObject(args)) throw new SourceProtocolError(`${method}: "arguments" must be an object`);
    return args;
  }
  if (answer.error !== undefined) {
    const error = isObject(answer.error) ? answer.error : {};
    const data = isObject(error.data) ? error.data : {};
    const detail = typeof data.error_string === "string" ? `: ${data.error_string}` : "";
    const message = typeof error.message === "string" ? error.message : "unknown error";
    throw new TransmissionRpcError(
      `${method}: Transmission answered error ${String(error.code)} "${`${message}${detail}`.slice(0, 200)}"`,
    );
  }
  if (!isObject(answer.result)) {
    throw new SourceProtocolError(`${method}: the JSON-RPC answer has no "result" object`);
  }
  return renameKeys(answer.result) as Record<string, unknown>;
}

/** Renames snake_case keys to legacy ones, recursively (small answers only: not torrent rows). */
function renameKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    Object.defineProperty(out, SESSION_LEGACY.get(key) ?? key, {
      value: key === "torrents" ? inner : renameKeys(inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
