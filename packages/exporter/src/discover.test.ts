import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type RequestListener } from "node:http";
import { describe, it } from "node:test";
import { discover } from "./discover.ts";

/** Listens on `host`:8080 (qBittorrent's default port) for one test. */
async function onQbittorrentPort(host: string, listener: RequestListener) {
  const server = createServer(listener);
  server.listen(8080, host);
  await once(server, "listening");
  return {
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

describe("discover", () => {
  it("finds a qBittorrent by its version answer", async () => {
    const server = await onQbittorrentPort("127.77.0.1", (req, res) => {
      req.resume();
      res.end(req.url === "/api/v2/app/version" ? "v4.5.2" : "");
    });
    try {
      const found = await discover("127.77.0.1");
      assert.deepEqual(found, [
        {
          type: "qbittorrent",
          url: "http://127.77.0.1:8080",
          note: "qBittorrent v4.5.2 (no login needed)",
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it("reads no more than a few KB of whatever answers on a client's port", async () => {
    // A version answer followed by 8 MiB: read whole, it would pass for a qBittorrent.
    const padded = Buffer.concat([Buffer.from("v4.5.2"), Buffer.alloc(8 * 2 ** 20, " ")]);
    const server = await onQbittorrentPort("127.77.0.2", (req, res) => {
      req.resume();
      res.end(padded);
    });
    try {
      assert.deepEqual(await discover("127.77.0.2"), [], "refused, not read");
    } finally {
      await server.close();
    }
  });
});
