// The two prototype wrappers Node gives no channel for: bodies written to a response, and chunks pushed into a message.

import { IncomingMessage, ServerResponse } from "node:http";
import { reportError } from "./report.ts";

/** On a ServerResponse being measured: the tap its written body goes into. */
export const kResponseTap = Symbol("seedwatch.responseTap");
/** On an IncomingMessage being read: who sees each chunk the parser pushes into it. */
export const kPushObserver = Symbol("seedwatch.pushObserver");

/** Takes the chunks written to a ServerResponse, as given to `write()` or `end()`. */
export interface ChunkSink {
  add(chunk: unknown, encoding?: unknown): void;
}

/** Sees the chunks pushed into an IncomingMessage (null at the end of the body). */
export interface PushObserver {
  onPush(chunk: unknown, encoding: unknown): void;
}

type Tapped = { [kResponseTap]?: ChunkSink; [kPushObserver]?: PushObserver };
// biome-ignore lint/suspicious/noExplicitAny: wrappers take whatever `this` the caller gives.
type Method = (this: any, ...args: unknown[]) => unknown;

let installed = false;

/**
 * Wraps `ServerResponse.prototype.write`/`end` and `IncomingMessage.prototype.push` once per
 * thread. The wrappers look for a tap on the object and otherwise only call through; they call
 * the method they found (or the inherited one, looked up at call time so later patches by
 * others still apply) with the same `this` and arguments, and return what it returns. Nothing
 * is consumed, paused or reordered: a tap copies what goes by.
 */
export function installPatches(): void {
  if (installed) return;
  installed = true;
  const response = ServerResponse.prototype as unknown as Record<string, Method>;
  const responseParent = Object.getPrototypeOf(response) as Record<string, Method>;
  const ownWrite = Object.hasOwn(response, "write") ? response.write : undefined;
  const ownEnd = Object.hasOwn(response, "end") ? response.end : undefined;
  response.write = function write(
    this: Tapped,
    chunk: unknown,
    encoding?: unknown,
    _callback?: unknown,
  ) {
    const tap = this[kResponseTap];
    if (tap !== undefined) addSafely(tap, chunk, encoding);
    // biome-ignore lint/complexity/noArguments: forwards exactly what the caller passed.
    const args = arguments as unknown as unknown[];
    return (ownWrite ?? (responseParent.write as Method)).apply(this, args);
  } as Method;
  response.end = function end(
    this: Tapped,
    chunk?: unknown,
    encoding?: unknown,
    _callback?: unknown,
  ) {
    const tap = this[kResponseTap];
    if (tap !== undefined) addSafely(tap, chunk, encoding);
    // biome-ignore lint/complexity/noArguments: forwards exactly what the caller passed.
    const args = arguments as unknown as unknown[];
    return (ownEnd ?? (responseParent.end as Method)).apply(this, args);
  } as Method;
  const incoming = IncomingMessage.prototype as unknown as Record<string, Method>;
  const incomingParent = Object.getPrototypeOf(incoming) as Record<string, Method>;
  const ownPush = Object.hasOwn(incoming, "push") ? incoming.push : undefined;
  incoming.push = function push(this: Tapped, chunk: unknown, encoding?: unknown) {
    const observer = this[kPushObserver];
    if (observer !== undefined) {
      try {
        observer.onPush(chunk, encoding);
      } catch (error) {
        reportError("reading a message body", error);
      }
    }
    // biome-ignore lint/complexity/noArguments: forwards exactly what the caller passed.
    const args = arguments as unknown as unknown[];
    return (ownPush ?? (incomingParent.push as Method)).apply(this, args);
  } as Method;
}

function addSafely(tap: ChunkSink, chunk: unknown, encoding: unknown): void {
  try {
    tap.add(chunk, encoding);
  } catch (error) {
    reportError("reading a response body", error);
  }
}
