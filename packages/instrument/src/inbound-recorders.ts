// The inbound histogram's recorders by path, each path remembering its last label set: the usual request needs one map lookup.

import type { HistogramRecorder } from "@seedwatch/metrics";
import { fCode } from "./label-values.ts";
import type { Series } from "./metrics.ts";

/**
 * One path as requests name it (raw, or a route template): whether it is skipped, and the label
 * set last recorded for it with its recorder. A service answers most requests to a path alike
 * (same status, code and client), so when the next label set is the same its recorder is found
 * with four comparisons, with no label value built (`f_code` is cut from the User-Agent only on
 * a miss).
 */
export class InboundPath {
  readonly path: string;
  /** Requests whose raw path this is are not recorded (skipPaths). */
  readonly skip: boolean;
  readonly #series: Series;
  #userAgent: string | undefined = undefined;
  #status = -1;
  #code = "";
  #methodCode = "";
  #recorder: HistogramRecorder | undefined = undefined;

  constructor(path: string, skip: boolean, series: Series) {
    this.path = path;
    this.skip = skip;
    this.#series = series;
  }

  /** Records `ms` for a request to this path answered with `status` and `code`. */
  observe(
    userAgent: string | undefined,
    status: number,
    code: string,
    methodCode: string,
    ms: number,
  ): void {
    let recorder = this.#recorder;
    if (
      recorder === undefined ||
      this.#status !== status ||
      this.#code !== code ||
      this.#methodCode !== methodCode ||
      this.#userAgent !== userAgent
    ) {
      recorder = this.#series.recorder([
        fCode(userAgent),
        this.path,
        String(status),
        code,
        methodCode,
      ]);
      this.#userAgent = userAgent;
      this.#status = status;
      this.#code = code;
      this.#methodCode = methodCode;
      this.#recorder = recorder;
    }
    recorder.observe(ms);
  }
}

/** The {@link InboundPath} of each path seen, at most `limit` of them (then it starts afresh). */
export class InboundRecorders {
  readonly #series: Series;
  readonly #skipPaths: ReadonlySet<string>;
  readonly #byPath = new Map<string, InboundPath>();
  readonly #limit: number;

  constructor(series: Series, skipPaths: readonly string[], limit: number) {
    this.#series = series;
    this.#skipPaths = new Set(skipPaths);
    this.#limit = limit;
  }

  /** The entry of `path`. */
  path(path: string): InboundPath {
    let entry = this.#byPath.get(path);
    if (entry === undefined) {
      if (this.#byPath.size >= this.#limit) this.#byPath.clear();
      entry = new InboundPath(path, this.#skipPaths.has(path), this.#series);
      this.#byPath.set(path, entry);
    }
    return entry;
  }
}
