import assert from "node:assert/strict";
import { access, readdir } from "node:fs/promises";
import { describe, it } from "node:test";
import { tempDir } from "./daemon.ts";
import { startRtorrent } from "./rtorrent.ts";
import { makeTorrents } from "./torrents.ts";

describe("startRtorrent", () => {
  for (const transport of ["tcp", "unix"] as const) {
    it(`runs a headless rTorrent reachable over ${transport}, adds torrents and survives a restart`, async () => {
      const dir = await tempDir("rt-torrents");
      const rt = await startRtorrent({ transport });
      try {
        assert.match(
          rt.url,
          transport === "tcp" ? /^scgi:\/\/127\.0\.0\.1:\d+$/ : /^scgi:\/\/\/.*\/rpc\.sock$/,
        );
        assert.match(await rt.call("system.client_version"), /<string>0\.9\.8<\/string>/);
        const [torrent] = await makeTorrents({
          dir: dir.path,
          count: 1,
          announce: ["http://127.0.0.1:9/announce?passkey=secret"],
        });
        assert.ok(torrent);
        await rt.addTorrents([torrent], {
          start: true,
          directory: torrent.payloadDir,
          label: "TV & Films",
        });
        const hash = torrent.infoHash.toUpperCase();
        assert.match(await rt.call("d.custom1", hash), /<string>TV%20%26%20Films<\/string>/);
        assert.match(
          await rt.call("d.directory", hash),
          new RegExp(`<string>${torrent.payloadDir}</string>`),
        );
        assert.match(await rt.call("d.state", hash), /<i8>1<\/i8>/);
        const pid = rt.daemon.pid;
        await rt.restart();
        assert.notEqual(rt.daemon.pid, pid);
        assert.match(
          await rt.call("d.custom1", hash),
          /TV%20%26%20Films/,
          "the session kept the item",
        );
        assert.ok((await readdir(rt.sessionDir)).some((f) => f.startsWith(hash)));
      } finally {
        await rt.stop();
        await dir.remove();
      }
      assert.equal(rt.daemon.running, false);
      await assert.rejects(access(rt.sessionDir), "the temp dir is gone");
    });
  }

  it("restarts after being killed (stale lock and socket)", async () => {
    const rt = await startRtorrent({ transport: "unix" });
    try {
      rt.daemon.signal("SIGKILL");
      await assert.rejects(rt.call("system.client_version"));
      await rt.restart();
      assert.match(await rt.call("system.client_version"), /0\.9\.8/);
    } finally {
      await rt.stop();
    }
  });
});
