// One measured call to a partner: its start, its body as it arrives, and the observation when it completes.

import { BodyTap } from "./body-tap.ts";
import { bodyText, outboundCode } from "./business-code.ts";
import type { PartnerMatch } from "./partners.ts";
import { reportError } from "./report.ts";
import { current } from "./runtime.ts";

/**
 * A call to a partner, from the moment it was made to the moment its response body has arrived
 * in full (what the original times: `requests` returns once it has read the body). A call that
 * fails on the way records nothing, as in the original.
 */
export class PartnerCall {
  readonly start: number;
  readonly match: PartnerMatch;
  readonly tap: BodyTap;
  status = 0;
  contentEncoding: string | undefined;

  constructor(start: number, match: PartnerMatch, maxBodyBytes: number) {
    this.start = start;
    this.match = match;
    this.tap = new BodyTap(maxBodyBytes);
  }

  /** The body arrived in full: records the call. */
  complete(): void {
    const runtime = current();
    if (runtime === undefined) return;
    try {
      const ms = performance.now() - this.start;
      const code = outboundCode(bodyText(this.tap, this.contentEncoding, true));
      runtime.metrics.partner.observe(
        [this.match.partner, this.match.actionCode, String(this.status), code],
        ms,
      );
    } catch (error) {
      reportError("recording a partner call", error);
    }
  }
}
