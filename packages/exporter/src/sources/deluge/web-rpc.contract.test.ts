import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { SourceAuthError, SourceConnectionError } from "../../net/errors.ts";
import { HttpClient } from "../../net/http-client.ts";
import { Credentials } from "../credentials.ts";
import { DelugeRemoteError, RpcDelugeApi, SESSION_KEYS, TORRENT_KEYS } from "./api.ts";
import { DaemonRpcClient } from "./daemon-rpc.ts";
import { WebRpcClient } from "./web-rpc.ts";

const signal = () => AbortSignal.timeout(15_000);

describe("Deluge web JSON-RPC against a real deluge-web 2.0.3", () => {
  let deluge: DelugeInstance;
  let work: { path: string; remove(): Promise<void> };
  let torrents: GeneratedTorrent[];
  const http = new HttpClient();
  let web: WebRpcClient;
  let api: RpcDelugeApi;

  before(async () => {
    // Its host list has an unreachable decoy first, then this daemon.
    deluge = await startDeluged({ withWeb: true });
    work = await tempDir("deluge-web-contract");
    torrents = await makeTorrents({
      dir: work.path,
      count: 3,
      announce: ["udp://tracker.example.net:6969/announce?passkey=0123456789abcdef"],
    });
    await deluge.addTorrents(torrents.slice(0, 2), { label: "tv" });
    await deluge.addTorrents(torrents.slice(2), { paused: true });
    web = new WebRpcClient(
      {
        url: deluge.webUrl as string,
        credentials: Credentials.login("", deluge.webPassword),
        daemon: { host: "localhost", port: deluge.daemonPort },
      },
      http,
    );
    api = new RpcDelugeApi(web);
  });
  after(async () => {
    api?.close();
    http.close();
    await deluge?.stop();
    await work?.remove();
  });

  it("rejects a wrong password with SourceAuthError, without the password", async () => {
    const bad = new WebRpcClient(
      { url: deluge.webUrl as string, credentials: Credentials.login("", "not-it-9f8e") },
      http,
    );
    await assert.rejects(bad.call("web.connected", [], signal()), (error) => {
      assert.ok(error instanceof SourceAuthError, String(error));
      assert.match(error.message, /deluge-web rejected the password/);
      assert.ok(!error.message.includes("not-it-9f8e"));
      return true;
    });
  });

  it("needs Content-Type exactly application/json: 2.0.3 rejects a charset", async () => {
    const response = await fetch(new URL("json", deluge.webUrl), {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ method: "auth.login", params: [deluge.webPassword], id: 1 }),
    });
    const answer = (await response.json()) as { error: { code: number; message: string } };
    assert.equal(answer.error.code, 5);
    assert.match(answer.error.message, /Invalid JSON request content-type/);
  });

  it("logs in, connects deluge-web to the configured daemon (not the decoy) and reads torrents", async () => {
    const status = await api.torrentsStatus(TORRENT_KEYS, { diff: true, signal: signal() });
    assert.equal(web.traffic.logins, 1);
    assert.equal(web.traffic.connects, 1);
    assert.equal(status.full, true, "deluge-web never diffs: its daemon connection is shared");
    assert.deepEqual([...status.torrents.keys()].sort(), torrents.map((t) => t.infoHash).sort());
    for (const [i, torrent] of torrents.entries()) {
      const got = status.torrents.get(torrent.infoHash);
      assert.equal(got?.name, torrent.name);
      assert.equal(got?.total_size, torrent.size);
      assert.equal(got?.label, i < 2 ? "tv" : "");
      assert.equal(got?.tracker_host, "example.net");
    }
    const again = await api.torrentsStatus(["name", "label"], { diff: true, signal: signal() });
    assert.equal(again.full, true);
    assert.equal(again.torrents.get(torrents[0]?.infoHash as string)?.name, torrents[0]?.name);
  });

  it("answers as the daemon RPC does, for the same keys", async () => {
    const daemon = new RpcDelugeApi(
      new DaemonRpcClient({
        url: deluge.daemonUrl,
        credentials: Credentials.login(deluge.username, deluge.password),
      }),
    );
    try {
      const keys = ["hash", "name", "total_size", "label", "state", "download_location"] as const;
      const viaWeb = await api.torrentsStatus(keys, { signal: signal() });
      const viaDaemon = await daemon.torrentsStatus(keys, { signal: signal() });
      assert.deepEqual(viaWeb.torrents, viaDaemon.torrents);
      assert.equal(await api.daemonVersion(signal()), await daemon.daemonVersion(signal()));
      assert.deepEqual(await api.enabledPlugins(signal()), ["Label"]);
      const counters = await api.sessionStatus(SESSION_KEYS, signal());
      assert.deepEqual(Object.keys(counters).sort(), [...SESSION_KEYS].sort());
      assert.equal(typeof (await api.freeSpace(undefined, signal())), "number");
    } finally {
      daemon.close();
    }
  });

  it("turns a daemon-side exception into DelugeRemoteError", async () => {
    await assert.rejects(
      web.call("core.remove_torrent", ["0".repeat(40), false], signal()),
      (error) => {
        assert.ok(error instanceof DelugeRemoteError, String(error));
        assert.equal(error.exceptionType, "InvalidTorrentError");
        assert.match(error.exceptionMessage, /not in session/);
        return true;
      },
    );
  });

  it("logs in again when deluge-web has forgotten the session", async () => {
    const logins = web.traffic.logins;
    await deluge.restartWeb({ forgetSessions: true });
    const counters = await api.sessionStatus(["dht.dht_nodes"], signal());
    assert.equal(counters["dht.dht_nodes"], 0);
    assert.equal(web.traffic.logins, logins + 1);
  });

  it("fails with SourceConnectionError while the daemon is down and reconnects after restart", async () => {
    // Checks deluge-web's daemon before every call (the default is once a second).
    const eager = new WebRpcClient(
      {
        url: deluge.webUrl as string,
        credentials: Credentials.login("", deluge.webPassword),
        daemon: { host: "localhost", port: deluge.daemonPort },
        daemonCheckIntervalMs: 0,
      },
      http,
    );
    const eagerApi = new RpcDelugeApi(eager);
    await eagerApi.sessionStatus(["dht.dht_nodes"], signal());
    await deluge.daemon.stop();
    await assert.rejects(eagerApi.sessionStatus(["dht.dht_nodes"], signal()), (error) => {
      assert.ok(error instanceof SourceConnectionError, String(error));
      assert.match(error.message, /could not connect to its daemon localhost:\d+/);
      assert.ok(!error.message.includes(deluge.password));
      return true;
    });
    await deluge.restart();
    const connects = eager.traffic.connects;
    const back = await eagerApi.sessionStatus(["dht.dht_nodes"], signal());
    assert.equal(back["dht.dht_nodes"], 0);
    assert.equal(eager.traffic.connects, connects + 1);
    // The long-lived client recovers too.
    assert.equal((await api.sessionStatus(["dht.dht_nodes"], signal()))["dht.dht_nodes"], 0);
  });

  it("finds the online daemon by itself, and refuses a daemon it does not list", async () => {
    const auto = new WebRpcClient(
      { url: deluge.webUrl as string, credentials: Credentials.login("", deluge.webPassword) },
      http,
    );
    assert.equal(await auto.call("daemon.get_version", [], signal()), "2.0.3");
    const unknown = new WebRpcClient(
      {
        url: deluge.webUrl as string,
        credentials: Credentials.login("", deluge.webPassword),
        daemon: { host: "127.0.0.1", port: 1 },
      },
      http,
    );
    await assert.rejects(unknown.call("daemon.get_version", [], signal()), (error) => {
      assert.ok(error instanceof SourceConnectionError, String(error));
      assert.match(error.message, /no host 127\.0\.0\.1:1 in its list/);
      return true;
    });
  });
});
