import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { describe, it } from "node:test";
import { startNginxScgiProxy } from "./nginx.ts";
import { startRtorrent } from "./rtorrent.ts";

const CALL =
  '<?xml version="1.0"?><methodCall><methodName>system.client_version</methodName><params><param><value><string></string></value></param></params></methodCall>';

describe("startNginxScgiProxy", () => {
  for (const transport of ["tcp", "unix"] as const) {
    it(`exposes rTorrent's SCGI ${transport} endpoint as /RPC2 behind basic auth`, async () => {
      const rt = await startRtorrent({ transport });
      const nginx = await startNginxScgiProxy({
        scgiUrl: rt.url,
        username: "rt",
        password: "s3cret pass",
      });
      try {
        assert.match(nginx.url, /^http:\/\/127\.0\.0\.1:\d+\/RPC2$/);
        const post = (auth?: string, url = nginx.url) =>
          fetch(url, {
            method: "POST",
            body: CALL,
            headers: {
              "content-type": "text/xml",
              ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {}),
            },
          });
        const ok = await post("rt:s3cret pass");
        assert.equal(ok.status, 200);
        assert.match(await ok.text(), /<string>0\.9\.8<\/string>/);
        assert.equal((await post()).status, 401);
        assert.equal((await post("rt:wrong")).status, 401);
        assert.equal(
          (await post("rt:s3cret pass", nginx.url.replace("/RPC2", "/other"))).status,
          404,
        );
      } finally {
        await nginx.stop();
        await rt.stop();
      }
      assert.equal(nginx.daemon.running, false);
    });
  }

  it("refuses a URL that is not scgi", async () => {
    await assert.rejects(
      startNginxScgiProxy({ scgiUrl: "http://127.0.0.1:1", username: "a", password: "b" }),
      /scgiUrl must be/,
    );
    await assert.rejects(access("/nonexistent-never"), "sanity: access rejects for missing paths");
  });
});
