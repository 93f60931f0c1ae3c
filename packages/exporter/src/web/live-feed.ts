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
  /**
   * Events in a row a subscriber may miss because it has not taken the previous one yet (default
   * 5, about 10 s); at the next it is disconnected.
   */
  readonly maxSkipped?: number;
  readonly log: Logger;
}

interface Subscriber {
  /** Events skipped in a row because the previous one was still queued. */
  skipped: number;
}

/**
 * Pushes `event: overview` to every subscribed response. The timer runs only while somebody is
 * subscribed, so an unwatched daemon does no live-view work at all.
 *
 * Backpressure: a subscriber whose previous event is still queued in this process (the socket's
 * kernel buffers are full: it reads slowly, or not at all) is skipped rather than sent another.
 * Each event is a whole overview, so a skipped one loses nothing the next does not carry, and a
 * slow page just updates less often. One that is still behind after `maxSkipped` events in a row
 * is disconnected: it is gone or hostile, and it holds one of the feed's few places. So at most
 * one event is ever queued here per subscriber, however long a client stops reading.
 */
export class LiveFeed {
  readonly #subscribers = new Map<ServerResponse, Subscriber>();
  readonly #options: LiveFeedOptions;
  #timer: NodeJS.Timeout | undefined;
  #sending = false;
  #skipped = 0;
  #dropped = 0;

  constructor(options: LiveFeedOptions) {
    this.#options = options;
  }

  /** Number of open pages. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Events skipped for slow subscribers, and subscribers disconnected for it, so far. */
  get backpressure(): { readonly skipped: number; readonly dropped: number } {
    return { skipped: this.#skipped, dropped: this.#dropped };
  }

  /** Bytes written to subscribers and not yet handed to the kernel, all subscribers together. */
  get queuedBytes(): number {
    let bytes = 0;
    for (const res of this.#subscribers.keys()) bytes += res.writableLength;
    return bytes;
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
    this.#subscribers.set(res, { skipped: 0 });
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
    for (const res of this.#subscribers.keys()) res.end();
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
      const maxSkipped = this.#options.maxSkipped ?? 5;
      for (const [res, subscriber] of this.#subscribers) {
        if (res.writableLength === 0) {
          subscriber.skipped = 0;
          res.write(event);
        } else if (++subscriber.skipped <= maxSkipped) {
          this.#skipped += 1;
        } else {
          this.#dropped += 1;
          this.#options.log.debug("live view subscriber too slow, disconnected", {
            remote: res.socket?.remoteAddress,
            queued_bytes: res.writableLength,
          });
          res.destroy();
        }
      }
    } catch (error) {
      this.#options.log.error("live view update failed", { err: error });
    } finally {
      this.#sending = false;
    }
  }
}
