import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { describe, it } from "node:test";
import { parseConfig } from "./config/load.ts";
import { runDiscover } from "./discover.ts";

/** Listens on `host`:`port` for one test; closing drops every connection. */
async function listen(server: Server, host: string, port: number) {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.listen(port, host);
  await once(server, "listening");
  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

async function discover(argv: string[]) {
  let out = "";
  let err = "";
  const code = await runDiscover(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: { HOME: "/nonexistent", XDG_STATE_HOME: "/var/state" },
  });
  return { code, out, err };
}

describe("seedwatch discover", () => {
  it("prints a complete seedwatch.yml: no password copied, the missing one as a variable", async () => {
    const qbittorrent = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.end(req.url === "/api/v2/app/version" ? "v4.5.2" : "");
      }),
      "127.77.4.1",
      8080,
    );
    const deluged = await listen(
      createServer((socket) => socket.resume()),
      "127.77.4.1",
      58846,
    );
    try {
      const { code, out } = await discover(["--host", "127.77.4.1"]);
      assert.equal(code, 0);
      assert.match(out, /^# seedwatch\.yml written by `seedwatch discover`/);
      assert.match(
        out,
        /# {3}qbittorrent: http:\/\/127\.77\.4\.1:8080, found on its default port; no login needed from here/,
      );
      assert.match(out, /# {3}deluge: .*needs a password: set DELUGE_PASSWORD/);
      const config = parseConfig(out, "/tmp/seedwatch.yml", { DELUGE_PASSWORD: "pw" });
      assert.deepEqual(
        config.targets.map((t) => [t.name, t.type, t.url, t.username]),
        [
          ["qbittorrent", "qbittorrent", "http://127.77.4.1:8080", undefined],
          ["deluge", "deluge", "deluge://127.77.4.1:58846", "localclient"],
        ],
      );
      assert.equal(config.storagePath, "/var/state/seedwatch/seedwatch.db", "the state carries on");
      assert.equal(config.discovery, false);
    } finally {
      await qbittorrent.close();
      await deluged.close();
    }
  });

  it("with nothing found, prints a file that keeps looking (discovery: true)", async () => {
    const { code, out } = await discover(["--host", "127.77.4.2"]);
    assert.equal(code, 0);
    assert.match(out, /no torrent client answered/);
    const config = parseConfig(out, "/tmp/seedwatch.yml", {});
    assert.equal(config.discovery, true);
    assert.deepEqual(config.targets, []);
  });

  it("refuses a flag it does not know", async () => {
    const { code, err } = await discover(["--port", "1"]);
    assert.equal(code, 2);
    assert.match(err, /seedwatch discover: Unknown option '--port'/);
  });
});
