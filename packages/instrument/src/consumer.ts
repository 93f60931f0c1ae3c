// <SYSCODE>_consumer_metrics: the generic wrapper for any queue consumer, and the recording both it and amqplib use.

// The global `performance` is a lazy getter that costs more than the clock read itself.
import { performance } from "node:perf_hooks";
import { reportError } from "./report.ts";
import { current } from "./runtime.ts";

/** How `measureConsumer` tells success from failure. */
export interface ConsumerOptions<R> {
  /**
   * Whether the handler's result (awaited, when it is a promise) means success. Default: any
   * result is a success; a throw or a rejection is a failure. (The original's workers returned 0
   * for success: pass `(r) => r === 0` for that convention.)
   */
  readonly succeeded?: (result: Awaited<R>) => boolean;
}

/** Records one consumed message: `code` 0 on success, 1 on failure. */
export function recordConsumed(topic: string, succeeded: boolean, ms: number): void {
  const runtime = current();
  if (runtime === undefined) return;
  try {
    runtime.metrics.consumer.observe(["", topic, succeeded ? "0" : "1"], ms);
  } catch (error) {
    reportError("recording a consumed message", error);
  }
}

/**
 * Wraps a message handler so that every call is measured in `<SYSCODE>_consumer_metrics` with
 * `topic` (the queue, topic or stream it consumes). The call's duration runs until the handler
 * returns, or until its promise settles. The wrapper returns what the handler returns and
 * throws what it throws; a rejected promise is returned as a promise rejected with the same
 * reason. Before init() (or after close()) it only calls the handler.
 */
export function measureConsumer<A extends unknown[], R>(
  topic: string,
  handler: (...args: A) => R,
  options: ConsumerOptions<R> = {},
): (...args: A) => R {
  if (typeof topic !== "string")
    throw new TypeError(`measureConsumer: topic must be a string, got ${typeof topic}`);
  if (typeof handler !== "function")
    throw new TypeError(`measureConsumer: handler must be a function, got ${typeof handler}`);
  const succeeded = options.succeeded;
  return function measured(this: unknown, ...args: A): R {
    if (current() === undefined) return handler.apply(this, args);
    const start = performance.now();
    let result: R;
    try {
      result = handler.apply(this, args);
    } catch (error) {
      recordConsumed(topic, false, performance.now() - start);
      throw error;
    }
    if (isThenable(result)) {
      return result.then(
        (value) => {
          recordConsumed(topic, judge(succeeded, value as Awaited<R>), performance.now() - start);
          return value;
        },
        (error: unknown) => {
          recordConsumed(topic, false, performance.now() - start);
          throw error;
        },
      ) as R;
    }
    recordConsumed(topic, judge(succeeded, result as Awaited<R>), performance.now() - start);
    return result;
  };
}

function judge<R>(succeeded: ((result: R) => boolean) | undefined, result: R): boolean {
  if (succeeded === undefined) return true;
  try {
    return succeeded(result) === true;
  } catch (error) {
    reportError("measureConsumer's succeeded()", error);
    return false;
  }
}

/** Whether `value` is a promise or another thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
