// One measured call to a partner: its start, its body as it arrives, and the observation when it completes.

// The global `performance` is a lazy getter that costs more than the clock read itself.
import { performance } from "node:perf_hooks";
import { BodyTap } from "./body-tap.ts";
import { bodyContent, outboundCode } from "./business-code.ts";
import type { PartnerMatch } from "./partners.ts";
import { kPushObserver, type PushObserver } from "./patches.ts";
import { reportError } from "./report.ts";
import { current } from "./runtime.ts";

type Watched = { [kPushObserver]?: PushObserver };

/**
 * A call to a partner, from the moment it was made to the moment its response body has arrived
 * in full (what channel-exporter times: `requests` returns once it has read the body). A call that
 * fails on the way records nothing, as in channel-exporter. It is the tap of its response body, and
 * for http.request the observer of its response's chunks: one object per call.
 */
export class PartnerCall extends BodyTap implements PushObserver {
  readonly start: number;
  readonly match: PartnerMatch;
  status = 0;
  contentEncoding: string | undefined = undefined;
  /** The http.request response watched, until its end. */
  #response: Watched | undefined = undefined;

  constructor(start: number, match: PartnerMatch, maxBodyBytes: number) {
    super(maxBodyBytes);
    this.start = start;
    this.match = match;
  }

  /** Watches the chunks Node pushes into an http.request response; completes at its end. */
  watch(response: Watched): void {
    this.#response = response;
    response[kPushObserver] = this;
  }

  override onPush(chunk: unknown): void {
    if (chunk !== null) {
      this.add(chunk);
      return;
    }
    const response = this.#response;
    if (response !== undefined) response[kPushObserver] = undefined;
    this.#response = undefined;
    this.complete();
  }

  /** The body arrived in full: records the call. */
  complete(): void {
    const runtime = current();
    if (runtime === undefined) return;
    try {
      const ms = performance.now() - this.start;
      const code = outboundCode(bodyContent(this, this.contentEncoding));
      runtime.metrics.partnerCalls.observe(this.match, this.status, code, ms);
    } catch (error) {
      reportError("recording a partner call", error);
    }
  }
}
