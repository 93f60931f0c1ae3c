// Open connections per client address, so one address cannot take every connection the server allows.

import type { Server as NetServer, Socket } from "node:net";
import { clientKey } from "./client-address.ts";

/** Counters of the limit's work (for tests and logs). */
export interface ClientConnectionStats {
  /** Connections open now, all clients. */
  readonly open: number;
  /** Clients with a connection open now. */
  readonly clients: number;
  /** Connections closed at once because their client had too many open. */
  readonly refused: number;
}

/**
 * Counts open connections by client (`clientKey`: the IPv4 address or the IPv6 /64) and closes a
 * new one at once when its client already holds `limit()` of them. Without it, one address that
 * opens a thousand idle connections fills the server's `maxConnections`, and Prometheus's next
 * scrape is refused until they time out.
 */
export class ClientConnections {
  readonly #limit: () => number;
  readonly #onRefused: ((client: string) => void) | undefined;
  readonly #open = new Map<string, number>();
  readonly #sockets = new Set<Socket>();
  #refused = 0;

  /** `limit` is read for each new connection, so a reloaded setting applies at once. */
  constructor(limit: () => number, onRefused?: (client: string) => void) {
    this.#limit = limit;
    this.#onRefused = onRefused;
  }

  /** Watches the server's connections; runs before its other `connection` listeners. */
  attach(server: NetServer): void {
    server.prependListener("connection", (socket: Socket) => this.#admit(socket));
  }

  /** What is open now, and how many connections were refused so far. */
  get stats(): ClientConnectionStats {
    return { open: this.#sockets.size, clients: this.#open.size, refused: this.#refused };
  }

  /**
   * Destroys every connection still open (on shutdown): HTTP's closeAllConnections() misses those
   * still in their TLS handshake or that never sent a request.
   */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  #admit(socket: Socket): void {
    const client = clientKey(socket.remoteAddress);
    const open = this.#open.get(client) ?? 0;
    if (open >= this.#limit()) {
      this.#refused += 1;
      this.#onRefused?.(client);
      // Node's HTTP listeners still run for this socket; they see it destroyed and drop it.
      socket.destroy();
      return;
    }
    this.#open.set(client, open + 1);
    this.#sockets.add(socket);
    socket.once("close", () => {
      this.#sockets.delete(socket);
      const left = (this.#open.get(client) ?? 1) - 1;
      if (left === 0) this.#open.delete(client);
      else this.#open.set(client, left);
    });
  }
}
