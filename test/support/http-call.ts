// One HTTP request with full control over method, headers (Host included), body and basic auth, for end-to-end tests.

import { request } from "node:http";

/** What to send. */
export interface CallOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** `user:password` for basic auth. */
  readonly auth?: string;
}

/** What came back. */
export interface CallAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Sends one request on a fresh connection and reads the whole answer (30 s at most). */
export function httpCall(url: string, options: CallOptions = {}): Promise<CallAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: options.method ?? "GET",
      agent: false,
      headers: {
        ...(options.body === undefined
          ? {}
          : { "content-length": Buffer.byteLength(options.body) }),
        ...options.headers,
      },
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      timeout: 30_000,
    });
    req.on("timeout", () =>
      req.destroy(new Error(`${options.method ?? "GET"} ${url}: no answer in 30 s`)),
    );
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.end(options.body);
  });
}

/** The JSON body of an answer (failing with the body in the message when it is not JSON). */
export function json<T = Record<string, unknown>>(answer: CallAnswer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new Error(`expected JSON, got HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
  }
}
