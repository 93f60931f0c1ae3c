import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { tempDir } from "./daemon.ts";
import { makeTorrents } from "./torrents.ts";

describe("makeTorrents", () => {
  it("makes private v1 torrents whose info-hash matches what a real client computes", async () => {
    const dir = await tempDir("torrents");
    try {
      const torrents = await makeTorrents({
        dir: dir.path,
        count: 2,
        announce: ["http://127.0.0.1:6969/announce?passkey=0123456789abcdef"],
      });
      assert.equal(torrents.length, 2);
      // transmission-show (Debian's transmission-cli) computes the hash independently.
      const shown = await promisify(execFile)("transmission-show", [
        torrents[0]?.torrentFile as string,
      ]);
      assert.match(shown.stdout, new RegExp(`Hash( v1)?: ${torrents[0]?.infoHash}`, "i"));
      assert.match(torrents[0]?.infoHash as string, /^[0-9a-f]{40}$/);
      assert.notEqual(torrents[0]?.infoHash, torrents[1]?.infoHash);
      assert.ok(torrents[0]?.metainfo.includes("7:privatei1e"));
    } finally {
      await dir.remove();
    }
  });
});
