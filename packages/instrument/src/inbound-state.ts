// What is kept about one inbound request between its start and its finish: its response body tap, and more.

import { BodyTap } from "./body-tap.ts";
import type { InboundPath } from "./inbound-recorders.ts";

/**
 * One inbound request being measured. It is the tap of its response's body (one object per
 * request, kept on the ServerResponse), plus what the request told at its start.
 */
export class InboundRequest extends BodyTap {
  readonly start: number;
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

  constructor(
    limit: number,
    rawPath: InboundPath,
    query: string,
    userAgent: string | undefined,
    headerMethodCode: string | undefined,
  ) {
    super(limit);
    this.start = performance.now();
    this.rawPath = rawPath;
    this.query = query;
    this.userAgent = userAgent;
    this.headerMethodCode = headerMethodCode;
  }
}
