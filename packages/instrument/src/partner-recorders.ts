// The partner histogram's recorders, with a one-entry cache per partner path: the same answer again needs no lookup.

import type { HistogramRecorder } from "@seedwatch/metrics";
import type { Series } from "./metrics.ts";
import type { PartnerMatch } from "./partners.ts";

/** The status and code last recorded for a partner path, and their recorder. */
interface Last {
  status: number;
  code: string;
  recorder: HistogramRecorder;
}

/**
 * Finds the recorder of a partner call's label set. Calls to one partner path mostly get the
 * same status and code, so each path (a {@link PartnerMatch}, shared by its calls) remembers
 * its last ones: when the next call's are the same, no label value is built.
 */
export class PartnerRecorders {
  readonly #series: Series;
  readonly #last = new Map<PartnerMatch, Last>();

  constructor(series: Series) {
    this.#series = series;
  }

  /** Records `ms` for a call to `match` answered with `status` and `code`. */
  observe(match: PartnerMatch, status: number, code: string, ms: number): void {
    const last = this.#last.get(match);
    if (last !== undefined && last.status === status && last.code === code) {
      last.recorder.observe(ms);
      return;
    }
    const recorder = this.#series.recorder([match.partner, match.actionCode, String(status), code]);
    if (last === undefined) this.#last.set(match, { status, code, recorder });
    else {
      last.status = status;
      last.code = code;
      last.recorder = recorder;
    }
    recorder.observe(ms);
  }
}
