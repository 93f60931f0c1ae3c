// Server-sent events for the live view: an overview about every 2 s to each open page, nothing when nobody watches.

import type { ServerResponse } from "node:http";
import type { Logger } from "../log.ts";
import type { Overview } from "./live-view.ts";

/** Options of the feed. */
export interface LiveFeedOptions {
  /** Builds a fresh overview (refreshing targets first). */
  readonly build: () => Promise<Overview>;
  /** Period between events, ms (default 2000). */
  readonly intervalMs?: number;
  /** Open pages served at most (default 32). */
  readonly maxSubscribers?: number;
  readonly log: Logger;
}

/**
 * Pushes `event: overview` to every subscribed response. The timer runs only while somebody is
 * subscribed, so an unwatched daemon does no live-view work at all.
 */
export class LiveFeed {
  readonly #subscribers = new Set<ServerResponse>();
  readonly #options: LiveFeedOptions;
  #timer: NodeJS.Timeout | undefined;
  #sending = false;

  constructor(options: LiveFeedOptions) {
    this.#options = options;
  }

  /** Number of open pages. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Subscribes a response (sends the first event at once); false when the feed is full. */
  subscribe(res: ServerResponse): boolean {
    if (this.#subscribers.size >= (this.#options.maxSubscribers ?? 32)) return false;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n\n");
    this.#subscribers.add(res);
    res.on("close", () => {
      this.#subscribers.delete(res);
      if (this.#subscribers.size === 0) this.#stop();
    });
    void this.#tick();
    this.#timer ??= setInterval(() => void this.#tick(), this.#options.intervalMs ?? 2000);
    return true;
  }

  /** Ends every subscription (on shutdown). */
  close(): void {
    for (const res of this.#subscribers) res.end();
    this.#subscribers.clear();
    this.#stop();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#sending || this.#subscribers.size === 0) return;
    this.#sending = true;
    try {
      const event = `event: overview\ndata: ${JSON.stringify(await this.#options.build())}\n\n`;
      for (const res of this.#subscribers) res.write(event);
    } catch (error) {
      this.#options.log.error("live view update failed", { err: error });
    } finally {
      this.#sending = false;
    }
  }
}
