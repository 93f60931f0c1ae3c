import assert from "node:assert/strict";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "./daemon.ts";
import { startDeluged } from "./deluge.ts";
import { makeTorrents } from "./torrents.ts";

/** One deluge-web JSON-RPC call with a cookie jar of one. */
async function webCall(
  base: string,
  jar: { cookie?: string },
  method: string,
  params: unknown[],
): Promise<{ result: unknown; error: { code: number } | null }> {
  const response = await fetch(new URL("json", base), {
    method: "POST",
    headers: { "content-type": "application/json", ...(jar.cookie ? { cookie: jar.cookie } : {}) },
    body: JSON.stringify({ method, params, id: 1 }),
  });
  const cookie = response.headers.getSetCookie()[0]?.split(";")[0];
  if (cookie) jar.cookie = cookie;
  return (await response.json()) as { result: unknown; error: { code: number } | null };
}

describe("startDeluged", () => {
  it("starts deluged with numeric auth levels and adds torrents paused, labelled, where asked", async () => {
    const deluge = await startDeluged({
      username: "alice",
      password: "alice-pass",
      accounts: [{ username: "bob", password: "bob-pass", level: 1 }],
    });
    const work = await tempDir("deluge-testbed");
    try {
      assert.match(deluge.daemonUrl, /^deluge:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(deluge.webUrl, undefined);
      const auth = await readFile(join(deluge.configDir, "auth"), "utf8");
      assert.match(auth, /^alice:alice-pass:10$/m);
      assert.match(auth, /^bob:bob-pass:1$/m);
      const core = await readFile(join(deluge.configDir, "core.conf"), "utf8");
      // deluged rewrites it with our values merged over its defaults.
      assert.match(core, /"max_active_seeding": ?-1/);
      assert.match(core, /"download_location": ?"[^"]*\/downloads"/);
      assert.doesNotMatch(deluge.daemon.logs(), /Traceback/);

      const torrents = await makeTorrents({
        dir: work.path,
        count: 3,
        announce: ["http://127.0.0.1:1/announce"],
      });
      const seeding = await deluge.addTorrents(torrents.slice(0, 2), { label: "Linux-ISOs" });
      const paused = await deluge.addTorrents(torrents.slice(2), {
        paused: true,
        downloadLocation: deluge.downloadDir,
      });
      assert.deepEqual(
        [...seeding, ...paused],
        torrents.map((t) => t.infoHash),
      );
      const [status] = (await deluge.rpc([
        {
          method: "core.get_torrents_status",
          args: [{}, ["name", "label", "paused", "download_location"]],
        },
      ])) as [
        Record<string, { name: string; label: string; paused: boolean; download_location: string }>,
      ];
      assert.deepEqual(status[torrents[0]?.infoHash as string], {
        name: torrents[0]?.name,
        label: "linux-isos",
        paused: false,
        download_location: torrents[0]?.payloadDir,
      });
      assert.equal(status[torrents[2]?.infoHash as string]?.paused, true);
      assert.equal(status[torrents[2]?.infoHash as string]?.download_location, deluge.downloadDir);
      await assert.rejects(deluge.rpc([{ method: "no.such_method" }]), /invalid function/);

      const before = deluge.daemon.pid;
      await deluge.restart();
      assert.notEqual(deluge.daemon.pid, before);
      assert.equal(deluge.daemon.running, true);
      assert.deepEqual(await deluge.rpc([{ method: "daemon.get_version" }]), ["2.0.3"]);
    } finally {
      await deluge.stop();
      await work.remove();
    }
    assert.equal(deluge.daemon.running, false);
    await assert.rejects(access(deluge.configDir));
  });

  it("starts deluge-web with its own password and the daemon behind a decoy in its host list", async () => {
    const deluge = await startDeluged({ withWeb: true, labelPlugin: false });
    try {
      assert.match(deluge.webUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const jar: { cookie?: string } = {};
      assert.equal(
        (await webCall(deluge.webUrl as string, jar, "auth.login", ["deluge"])).result,
        false,
      );
      const login = await webCall(deluge.webUrl as string, jar, "auth.login", [deluge.webPassword]);
      assert.equal(login.result, true);
      const hosts = (await webCall(deluge.webUrl as string, jar, "web.get_hosts", []))
        .result as Array<[string, string, number, string]>;
      assert.equal(hosts.length, 2);
      assert.equal(hosts[1]?.[2], deluge.daemonPort);
      assert.equal(hosts[1]?.[3], deluge.username);
      assert.notEqual(hosts[0]?.[2], deluge.daemonPort);

      await deluge.restartWeb();
      assert.equal(
        (await webCall(deluge.webUrl as string, jar, "web.connected", [])).result,
        false,
      );
      await deluge.restartWeb({ forgetSessions: true });
      const forgotten = await webCall(deluge.webUrl as string, jar, "web.connected", []);
      assert.equal(forgotten.error?.code, 1, "the old session is gone");
    } finally {
      await deluge.stop();
    }
    assert.equal(deluge.web?.running, false);
  });
});
