// A secret value that prints as <secret> wherever it ends up: logs, JSON, inspect, template strings.

import { inspect } from "node:util";

/** The text every secret shows instead of its value. */
export const REDACTED = "<secret>";

/** Wraps a password, API key or cookie so only `reveal()` gives the value away. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: call only where it is sent to the client it belongs to. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
