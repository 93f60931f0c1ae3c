// The inbound histogram's recorders by label set, with a one-entry cache per path for the usual case: the same answer again.

import type { HistogramRecorder } from "@seedwatch/metrics";
import { fCode } from "./label-values.ts";
import type { Series } from "./metrics.ts";

/** The label set last recorded for a path, and its recorder. */
interface Last {
  userAgent: string | undefined;
  status: number;
  code: string;
  methodCode: string;
  recorder: HistogramRecorder;
}

/**
 * Finds the recorder of an inbound request's label set. A service answers most requests to a
 * path alike (same status, code and client), so each path remembers its last label set: when
 * the next one is the same, its recorder is found with one map lookup and four comparisons,
 * with no label value built (`f_code` is cut from the User-Agent only on a miss).
 */
export class InboundRecorders {
  readonly #series: Series;
  readonly #byPath = new Map<string, Last>();
  readonly #limit: number;

  constructor(series: Series, limit: number) {
    this.#series = series;
    this.#limit = limit;
  }

  /** Records `ms` for a request to `path` answered with `status` and `code`. */
  observe(
    path: string,
    userAgent: string | undefined,
    status: number,
    code: string,
    methodCode: string,
    ms: number,
  ): void {
    const last = this.#byPath.get(path);
    if (
      last !== undefined &&
      last.status === status &&
      last.code === code &&
      last.methodCode === methodCode &&
      last.userAgent === userAgent
    ) {
      last.recorder.observe(ms);
      return;
    }
    const recorder = this.#series.recorder([
      fCode(userAgent),
      path,
      String(status),
      code,
      methodCode,
    ]);
    if (last !== undefined) {
      last.userAgent = userAgent;
      last.status = status;
      last.code = code;
      last.methodCode = methodCode;
      last.recorder = recorder;
    } else {
      if (this.#byPath.size >= this.#limit) this.#byPath.clear();
      this.#byPath.set(path, { userAgent, status, code, methodCode, recorder });
    }
    recorder.observe(ms);
  }
}
