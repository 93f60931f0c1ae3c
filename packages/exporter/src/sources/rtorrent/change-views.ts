// The views and event hooks a source installs in rTorrent so that a poll reads only the torrents that may have changed.

import { createHash } from "node:crypto";
import type { RtorrentCall } from "./api.ts";
import { XmlRpcFaultError } from "./xmlrpc/fault.ts";

/**
 * The names of one target's objects in rTorrent. rTorrent has no change feed, so the source
 * builds one from what rTorrent 0.9.8 offers (each checked on the real daemon):
 *
 * - `touched`: a view with the filter `false=`, so only `view.set_visible` puts a torrent in it
 *   (as rTorrent does for its own `active` view), done by a handler on every event that changes a
 *   torrent's state: inserted, resumed, paused, opened, closed, finished and the hash check's.
 *   A poll lists it whole, then `view.filter_all` empties it.
 * - `erased`: a string variable each `event.download.erased` appends the torrent's hash to (the
 *   torrent is gone from every view by the time a poll could list it). A poll reads and clears it.
 * - `hot`: a view filtered on rates, connected peers and hash checks, re-filtered by every poll.
 *   rTorrent's rates are the bytes of the last 60 seconds (libtorrent `Rate(60)`, the same object
 *   as the totals), so a torrent whose totals moved since a poll less than 60 s ago is in it.
 *   (rTorrent's built-in `active` view is not that: it holds every resumed torrent.)
 * - `messages`: a view filtered on `d.message`, re-filtered by every poll, listed narrow (hash and
 *   message): a tracker error on a quiet torrent fires no event.
 *
 * The key is derived from the target's name, so a restarted seedwatch finds its own objects
 * again instead of adding more. rTorrent forgets them all when it restarts; the source installs
 * them again then.
 */
export interface ChangeViews {
  readonly touched: string;
  readonly hot: string;
  readonly messages: string;
  readonly erased: string;
  /** The `method.set_key` key of the handlers. */
  readonly key: string;
}

/** A torrent that may be moving: transferring (in the last 60 s), with peers, or hash checking. */
export const HOT_FILTER =
  "or={d.up.rate=,d.down.rate=,d.peers_connected=,d.hashing=,d.is_hash_checking=}";

/** The events that change a torrent's state (start, stop, pause, finish, check, add). */
export const TOUCH_EVENTS = [
  "event.download.inserted",
  "event.download.resumed",
  "event.download.paused",
  "event.download.opened",
  "event.download.closed",
  "event.download.finished",
  "event.download.hash_done",
  "event.download.hash_failed",
  "event.download.hash_final_failed",
  "event.download.hash_queued",
  "event.download.hash_removed",
] as const;

/** The names for one target (view names allow letters, digits, `_`, `.` and `-`). */
export function changeViews(target: string): ChangeViews {
  const key = `seedwatch_${createHash("sha256").update(target).digest("hex").slice(0, 12)}`;
  return {
    touched: `${key}_touched`,
    hot: `${key}_hot`,
    messages: `${key}_messages`,
    erased: `${key}_erased`,
    key,
  };
}

/** The calls that install the views, the variable and the handlers (existing ones are kept). */
export function setupCalls(v: ChangeViews): RtorrentCall[] {
  const touch = `view.set_visible=${v.touched}`;
  return [
    { method: "view.add", params: ["", v.touched] },
    { method: "view.filter", params: ["", v.touched, "false="] },
    { method: "view.add", params: ["", v.hot] },
    { method: "view.filter", params: ["", v.hot, HOT_FILTER] },
    { method: "view.add", params: ["", v.messages] },
    { method: "view.filter", params: ["", v.messages, "d.message="] },
    { method: "method.insert", params: ["", v.erased, "string", ""] },
    // rTorrent answers "Invalid key." when the variable exists: this read tells which it was.
    { method: v.erased, params: [""] },
    ...TOUCH_EVENTS.map((event) => ({
      method: "method.set_key",
      params: ["", event, v.key, touch],
    })),
    {
      method: "method.set_key",
      params: ["", "event.download.erased", v.key, `${v.erased}.set=(cat,(${v.erased}),(d.hash))`],
    },
  ];
}

/** The calls that empty `touched` and `erased`: what a full list has read anyway. */
export function clearCalls(v: ChangeViews): RtorrentCall[] {
  return [
    { method: "view.filter_all", params: ["", v.touched] },
    { method: `${v.erased}.set`, params: ["", ""] },
  ];
}

/**
 * Whether `setupCalls` did their work: every call succeeded, or failed only because the object
 * is there already (a restarted seedwatch finding its own views and variable).
 */
export function setupSucceeded(
  calls: readonly RtorrentCall[],
  results: readonly unknown[],
): boolean {
  return results.every((r, i) => {
    if (!(r instanceof Error)) return true;
    const method = calls[i]?.method;
    if (method === "view.add")
      return r instanceof XmlRpcFaultError && /already/i.test(r.faultString);
    if (method === "method.insert") return typeof results[i + 1] === "string";
    return false;
  });
}

/**
 * Whether a fault says one of our objects is missing: rTorrent restarted (it keeps no views or
 * handlers across a restart) or someone removed them. The answer is to install them again.
 */
export function isMissing(result: unknown): boolean {
  return (
    result instanceof XmlRpcFaultError &&
    /could not find view|not defined|method .* not found/i.test(result.faultString)
  );
}

/** The 40-hex hashes `event.download.erased` appended to the variable, lower-case. */
export function erasedHashes(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 40 <= text.length; i += 40) {
    const hash = text.slice(i, i + 40);
    if (/^[0-9A-Fa-f]{40}$/.test(hash)) out.push(hash.toLowerCase());
  }
  return out;
}
