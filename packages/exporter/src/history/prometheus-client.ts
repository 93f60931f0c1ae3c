// Calls a Prometheus-compatible query_range API (Prometheus, Thanos, Mimir, VictoriaMetrics): auth, TLS, time limit, typed errors.

import { describeUrl } from "../net/errors.ts";
import { HttpClient } from "../net/http-client.ts";
import { HistoryUpstreamError } from "./backend.ts";
import type { PrometheusHistoryConfig } from "./history-config.ts";

/** `[seconds since the epoch, value]`; value null where the answer was NaN. */
export type RangeSample = [number, number | null];

/** Largest answer accepted: a few series of at most 11,000 points each. */
const MAX_RESPONSE_BYTES = 16 * 2 ** 20;
const MAX_ERROR_BYTES = 64 * 1024;

/**
 * Runs range queries with POST (long expressions stay out of URLs and logs) and reads the first
 * series of the matrix. Every failure becomes a HistoryUpstreamError naming the URL (never a
 * credential) and what the server said.
 */
export class PrometheusClient {
  readonly #config: PrometheusHistoryConfig;
  readonly #http: HttpClient;
  readonly #endpoint: URL;

  constructor(config: PrometheusHistoryConfig) {
    this.#config = config;
    this.#http = new HttpClient({
      tls: config.tls,
      maxSockets: 4,
    });
    this.#endpoint = new URL(`${config.url}/api/v1/query_range`);
  }

  /** `query_range` from `start` to `end` (seconds) every `step` seconds; the first series, or none. */
  async queryRange(
    expr: string,
    start: number,
    end: number,
    step: number,
    signal: AbortSignal,
  ): Promise<RangeSample[]> {
    const where = `POST ${describeUrl(this.#endpoint)}`;
    const body = new URLSearchParams({
      query: expr,
      start: String(start),
      end: String(end),
      step: String(step),
    }).toString();
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    const c = this.#config;
    if (c.username !== undefined) {
      const pair = `${c.username}:${c.password?.reveal() ?? ""}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    } else if (c.bearerToken !== undefined) {
      headers.authorization = `Bearer ${c.bearerToken.reveal()}`;
    }
    let response: Awaited<ReturnType<HttpClient["request"]>>;
    try {
      response = await this.#http.request({
        method: "POST",
        url: this.#endpoint,
        headers,
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(c.timeout)]),
        maxBytes: MAX_RESPONSE_BYTES,
        // Prometheus explains a refused query in a JSON error answer: keep enough to read it.
        maxErrorBytes: MAX_ERROR_BYTES,
      });
    } catch (error) {
      throw new HistoryUpstreamError((error as Error).message, { cause: error });
    }
    if (response.status === 401 || response.status === 403)
      throw new HistoryUpstreamError(`${where}: HTTP ${response.status}, credentials refused`);
    let parsed: PrometheusAnswer;
    try {
      parsed = JSON.parse(response.body.toString("utf8")) as PrometheusAnswer;
    } catch (error) {
      throw new HistoryUpstreamError(
        `${where}: HTTP ${response.status}, not a Prometheus API answer (not JSON)`,
        { cause: error },
      );
    }
    if (parsed?.status !== "success") {
      const detail =
        typeof parsed?.error === "string"
          ? `${parsed.errorType ?? "error"}: ${parsed.error}`
          : "no status";
      throw new HistoryUpstreamError(`${where}: HTTP ${response.status}, ${detail}`);
    }
    const data = parsed.data;
    if (data?.resultType !== "matrix" || !Array.isArray(data.result))
      throw new HistoryUpstreamError(`${where}: expected a matrix result`);
    const first = data.result[0];
    if (first === undefined) return [];
    if (!Array.isArray(first.values))
      throw new HistoryUpstreamError(`${where}: series without values`);
    return first.values.map((pair): RangeSample => {
      const [t, v] = Array.isArray(pair) ? pair : [];
      const value = Number(v);
      if (typeof t !== "number" || typeof v !== "string")
        throw new HistoryUpstreamError(`${where}: malformed sample`);
      return [t, Number.isFinite(value) ? value : null];
    });
  }

  close(): void {
    this.#http.close();
  }
}

interface PrometheusAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ values?: unknown[] }> };
}
