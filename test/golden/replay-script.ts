// The order a replay must follow: each request must be the next one recorded, in the same poll.

import { isDeepStrictEqual } from "node:util";
import type { Exchange, Recording } from "./recording.ts";

/** The exchange a request was matched to, and its answer bytes. */
export interface Matched {
  readonly index: number;
  readonly exchange: Exchange;
  readonly answer: Buffer;
}

/**
 * Walks a recording in order. A request that is not the next one recorded (another method,
 * path, body or arguments, or one asked in another poll) is a mismatch: it gets no answer, and
 * `assertDone` fails naming it, so a source that changed what it asks cannot pass on answers
 * recorded for other questions.
 */
export class ReplayScript {
  /** The poll under way (the replay sets it before each poll, and past the last one for the stop). */
  poll = 0;
  readonly #recording: Recording;
  readonly #mismatches: string[] = [];
  #next = 0;

  constructor(recording: Recording) {
    this.#recording = recording;
  }

  /** The recorded exchange for this request, or undefined (a mismatch, kept for `assertDone`). */
  match(request: Readonly<Record<string, unknown>>): Matched | undefined {
    const index = this.#next;
    const exchange = this.#recording.exchanges[index];
    // Compared as recorded: through JSON.
    const asked = JSON.stringify(request);
    const normalized: unknown = JSON.parse(asked);
    if (exchange === undefined) {
      this.#mismatches.push(
        `request ${index} (poll ${this.poll}) was not recorded: ${asked.slice(0, 300)}`,
      );
      return undefined;
    }
    if (exchange.poll !== this.poll || !isDeepStrictEqual(normalized, exchange.request)) {
      this.#mismatches.push(
        `request ${index}: recorded in poll ${exchange.poll} ${JSON.stringify(exchange.request).slice(0, 300)}, asked in poll ${this.poll} ${asked.slice(0, 300)}`,
      );
      return undefined;
    }
    this.#next++;
    return { index, exchange, answer: this.#recording.answers[index] as Buffer };
  }

  /** Throws unless every recorded exchange was asked for, in order, and nothing else was. */
  assertDone(): void {
    const left = this.#recording.exchanges.length - this.#next;
    const problems = [...this.#mismatches];
    if (left > 0) {
      const first = this.#recording.exchanges[this.#next];
      problems.push(
        `${left} recorded request(s) never asked, from ${JSON.stringify(first?.request).slice(0, 300)}`,
      );
    }
    if (problems.length > 0) {
      throw new Error(
        `the source did not ask what was recorded (re-record if it changed on purpose):\n${problems.join("\n")}`,
      );
    }
  }
}
