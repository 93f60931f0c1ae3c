// What is kept about one inbound request between its start and its finish: its response body, and more.

import { BodyTap } from "./body-tap.ts";
import type { InboundPath } from "./inbound-recorders.ts";

/**
 * One inbound request being measured: what the request told at its start, and the tap of its
 * response's body (one object per request, kept on the ServerResponse). The usual body, one
 * string or Buffer given to `end()` or `write()` and within the limit, is kept as it is: a
 * {@link BodyTap} is made only for a second chunk or a chunk of another kind, and it then holds
 * exactly what it would have held had it seen every chunk.
 */
export class InboundRequest {
  readonly start: number;
  readonly limit: number;
  /** The path as the client sent it, before any router rewrote `req.url`. */
  readonly rawPath: InboundPath;
  readonly query: string;
  readonly userAgent: string | undefined;
  readonly headerMethodCode: string | undefined;
  /** The request body, kept only when it may hold the method code. */
  requestTap: BodyTap | undefined = undefined;
  requestType = "";
  /** Route template told by Fastify's channel. */
  route: string | undefined = undefined;
  /** Koa's context for this request (its router writes the matched route there). */
  koa: { readonly _matchedRoute?: unknown } | undefined = undefined;
  /** The only chunk so far, while there is no #tap. */
  #first: string | Buffer | undefined = undefined;
  #tap: BodyTap | undefined = undefined;

  constructor(
    start: number,
    limit: number,
    rawPath: InboundPath,
    query: string,
    userAgent: string | undefined,
    headerMethodCode: string | undefined,
  ) {
    this.start = start;
    this.limit = limit;
    this.rawPath = rawPath;
    this.query = query;
    this.userAgent = userAgent;
    this.headerMethodCode = headerMethodCode;
  }

  /** Adds a chunk of the response body as given to `write(chunk, encoding)` or `end(chunk, encoding)`. */
  add(chunk: unknown, encoding?: unknown): void {
    // What a BodyTap ignores: end() without a chunk, or with only a callback.
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    if (this.#tap === undefined && this.#first === undefined) {
      // Exactly the chunks a BodyTap keeps whole when it is empty (a string's UTF-8 size is at
      // most 3 times its length).
      if (typeof chunk === "string") {
        if (
          chunk.length > 0 &&
          3 * chunk.length <= this.limit &&
          (encoding === undefined || encoding === "utf8")
        ) {
          this.#first = chunk;
          return;
        }
      } else if (chunk instanceof Buffer && chunk.length > 0 && chunk.length <= this.limit) {
        this.#first = chunk;
        return;
      }
    }
    this.#spill().add(chunk, encoding);
  }

  /** Every chunk was a string: the body was written as text, so no content coding applies. */
  get textual(): boolean {
    return this.#tap === undefined ? typeof this.#first !== "object" : this.#tap.textual;
  }

  /**
   * The body as written (text when it was written as text, else bytes), or undefined when it is
   * empty, larger than the limit, or was written in a kind of chunk we cannot read.
   */
  body(): string | Buffer | undefined {
    const tap = this.#tap;
    if (tap === undefined) return this.#first;
    return tap.overflowed || tap.unreadable || tap.empty ? undefined : tap.contents();
  }

  /** The body's BodyTap, made now (with the chunk kept so far) if there is none yet. */
  #spill(): BodyTap {
    let tap = this.#tap;
    if (tap === undefined) {
      tap = new BodyTap(this.limit);
      if (this.#first !== undefined) tap.add(this.#first);
      this.#first = undefined;
      this.#tap = tap;
    }
    return tap;
  }
}
