import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFile, statfs } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { SourceAuthError, SourceConnectionError } from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import {
  DelugeRemoteError,
  RpcDelugeApi,
  SESSION_KEYS,
  TORRENT_KEY_TYPES,
  TORRENT_KEYS,
  type TorrentKey,
} from "./api.ts";
import { DaemonRpcClient } from "./daemon-rpc.ts";

const signal = () => AbortSignal.timeout(15_000);
const TRACKER = "http://tracker.example.org:1/announce?passkey=0123456789abcdef";

function noSecret(error: unknown, secret: string): true {
  assert.ok(error instanceof Error);
  assert.ok(!error.message.includes(secret), `secret in: ${error.message}`);
  return true;
}

describe("Deluge daemon RPC against a real deluged 2.0.3", () => {
  let deluge: DelugeInstance;
  let work: { path: string; remove(): Promise<void> };
  let torrents: GeneratedTorrent[];
  let client: DaemonRpcClient;
  let api: RpcDelugeApi;

  before(async () => {
    deluge = await startDeluged({
      accounts: [
        { username: "reader", password: "reader-pass", level: 1 },
        { username: "nobody", password: "nobody-pass", level: 0 },
      ],
    });
    work = await tempDir("deluge-contract");
    torrents = await makeTorrents({ dir: work.path, count: 4, announce: [TRACKER] });
    await deluge.addTorrents(torrents.slice(0, 2), { label: "Movies" });
    await deluge.addTorrents(torrents.slice(2), { paused: true });
    client = new DaemonRpcClient({
      url: deluge.daemonUrl,
      credentials: Credentials.login(deluge.username, deluge.password),
    });
    api = new RpcDelugeApi(client);
  });
  after(async () => {
    api?.close();
    await deluge?.stop();
    await work?.remove();
  });

  it("logs in as admin (auth level 10) and answers daemon.info", async () => {
    assert.equal(await client.call("daemon.info", [], {}, signal()), "2.0.3");
    assert.equal(client.authLevel, 10);
    assert.equal(await api.daemonVersion(signal()), "2.0.3");
    assert.match(await api.libtorrentVersion(signal()), /^2\.0\.\d+/);
    assert.deepEqual(await api.enabledPlugins(signal()), ["Label"]);
  });

  it("rejects a wrong password, an unknown user and an empty password, without the password", async () => {
    const cases = [
      { username: deluge.username, password: "wrong-secret-1", message: /Password does not match/ },
      { username: "ghost", password: "wrong-secret-2", message: /Username does not exist/ },
      { username: deluge.username, password: "", message: /Password is required/ },
    ];
    for (const { username, password, message } of cases) {
      const bad = new DaemonRpcClient({
        url: deluge.daemonUrl,
        credentials: Credentials.login(username, password),
      });
      await assert.rejects(bad.call("daemon.get_version", [], {}, signal()), (error) => {
        assert.ok(error instanceof SourceAuthError, String(error));
        assert.match(error.message, message);
        return noSecret(error, password || deluge.password);
      });
      bad.close();
    }
  });

  it("lets a read-only account (level 1) log in but not read torrents; refuses level 0", async () => {
    const reader = new DaemonRpcClient({
      url: deluge.daemonUrl,
      credentials: Credentials.login("reader", "reader-pass"),
    });
    const readerApi = new RpcDelugeApi(reader);
    await assert.rejects(readerApi.torrentsStatus(["name"], { signal: signal() }), (error) => {
      assert.ok(error instanceof SourceAuthError, String(error));
      assert.match(error.message, /auth level 1 is below the 5 this call needs/);
      return noSecret(error, "reader-pass");
    });
    assert.equal(reader.authLevel, 1);
    readerApi.close();
    const none = new DaemonRpcClient({
      url: deluge.daemonUrl,
      credentials: Credentials.login("nobody", "nobody-pass"),
    });
    await assert.rejects(none.call("daemon.info", [], {}, signal()), (error) => {
      assert.ok(error instanceof SourceAuthError, String(error));
      assert.match(error.message, /auth level 0/);
      return noSecret(error, "nobody-pass");
    });
    none.close();
  });

  it("lists the added torrents with their hash, name, size, label and typed keys", async () => {
    const status = await waitFor("the torrents to finish checking", async () => {
      const answer = await api.torrentsStatus(TORRENT_KEYS, { signal: signal() });
      const states = [...answer.torrents.values()].map((t) => t.state);
      return states.includes("Checking") ? undefined : answer;
    });
    assert.equal(status.full, true);
    assert.deepEqual([...status.torrents.keys()].sort(), torrents.map((t) => t.infoHash).sort());
    for (const [i, torrent] of torrents.entries()) {
      const got = status.torrents.get(torrent.infoHash);
      assert.ok(got);
      assert.equal(got.hash, torrent.infoHash);
      assert.equal(got.name, torrent.name);
      assert.equal(got.total_size, torrent.size);
      assert.equal(got.total_wanted, torrent.size);
      assert.equal(got.label, i < 2 ? "movies" : "");
      assert.equal(got.state, i < 2 ? "Seeding" : "Paused");
      // Added paused, a torrent is not even checked: 0 % done until it is resumed.
      assert.equal(got.progress, i < 2 ? 100 : 0, "progress is a percentage");
      assert.equal(got.total_done, i < 2 ? torrent.size : 0);
      assert.equal(got.private, true);
      assert.equal(got.tracker_host, "example.org", "Deluge shortens the tracker host");
      assert.equal(got.download_location, torrent.payloadDir);
      for (const key of TORRENT_KEYS) {
        assert.equal(typeof got[key], TORRENT_KEY_TYPES[key], `type of ${key}`);
      }
    }
  });

  it("lists in parts (core.get_session_state, then by id) what one call lists, as the same diff", async () => {
    const keys: TorrentKey[] = ["name", "state", "paused", "label", "total_wanted"];
    const whole = await api.torrentsStatus(keys, { signal: signal() });
    const partsClient = new DaemonRpcClient({
      url: deluge.daemonUrl,
      credentials: Credentials.login(deluge.username, deluge.password),
    });
    const partsApi = new RpcDelugeApi(partsClient);
    try {
      const progress: Array<[number, number]> = [];
      const onProgress = (loaded: number, total: number) => progress.push([loaded, total]);
      const parts = await partsApi.torrentsStatus(keys, {
        diff: true,
        chunk: 1,
        onProgress,
        signal: signal(),
      });
      assert.equal(parts.full, true, "the first diff on a connection is complete");
      assert.deepEqual(
        Object.fromEntries([...parts.torrents].sort()),
        Object.fromEntries([...whole.torrents].sort()),
      );
      const n = whole.torrents.size;
      assert.deepEqual(
        progress,
        Array.from({ length: n }, (_, k) => [k + 1, n]),
      );
      // The diff state it left is the one a whole call leaves: the next diff says nothing new.
      const unchanged = await partsApi.torrentsStatus(keys, {
        diff: true,
        chunk: 3,
        signal: signal(),
      });
      assert.equal(unchanged.full, false);
      assert.equal(unchanged.torrents.size, n);
      for (const [id, status] of unchanged.torrents)
        assert.deepEqual(Object.keys(status), ["label"], id);
    } finally {
      partsApi.close();
    }
  });

  it("returns with diff=True only what changed, and shows removals by absence", async () => {
    const keys: TorrentKey[] = ["name", "state", "paused", "label"];
    const [first, second, third] = torrents.map((t) => t.infoHash);
    const diffClient = new DaemonRpcClient({
      url: deluge.daemonUrl,
      credentials: Credentials.login(deluge.username, deluge.password),
    });
    const diffApi = new RpcDelugeApi(diffClient);
    try {
      const full = await diffApi.torrentsStatus(keys, { diff: true, signal: signal() });
      assert.equal(full.full, true, "the first diff on a connection is complete");
      assert.equal(full.torrents.get(first as string)?.name, torrents[0]?.name);

      const unchanged = await diffApi.torrentsStatus(keys, { diff: true, signal: signal() });
      assert.equal(unchanged.full, false);
      assert.equal(unchanged.torrents.size, torrents.length);
      // Plugin keys are never diffed: the label is always there, nothing else.
      for (const [id, status] of unchanged.torrents) {
        assert.deepEqual(Object.keys(status), ["label"], id);
      }

      await deluge.rpc([
        { method: "core.pause_torrent", args: [first] },
        { method: "core.remove_torrent", args: [third, false] },
      ]);
      // Merge diffs as a consumer would, until the pause has fully shown (Deluge computes
      // `state` itself at once; `paused` comes from libtorrent's cached status a little later).
      const merged = new Map<string, Record<string, unknown>>();
      const removed: string[] = [];
      await waitFor("the pause to show", async () => {
        const answer = await diffApi.torrentsStatus(keys, { diff: true, signal: signal() });
        assert.equal(answer.full, false);
        removed.push(...answer.removed);
        for (const [id, status] of answer.torrents) {
          merged.set(id, { ...merged.get(id), ...status });
        }
        const got = merged.get(first as string);
        return got?.state === "Paused" && got.paused === true ? true : undefined;
      });
      assert.deepEqual(merged.get(first as string), {
        state: "Paused",
        paused: true,
        label: "movies",
      });
      assert.deepEqual(merged.get(second as string), { label: "movies" }, "unchanged: label only");
      assert.equal(merged.has(third as string), false);
      assert.deepEqual(removed, [third], "the removal shows once, by absence");

      // resync() starts a new connection: the next diff is complete again.
      diffApi.resync();
      const again = await diffApi.torrentsStatus(keys, { diff: true, signal: signal() });
      assert.equal(again.full, true);
      assert.equal(again.torrents.get(second as string)?.name, torrents[1]?.name);
    } finally {
      diffApi.close();
      await deluge.rpc([{ method: "core.resume_torrent", args: [first] }]);
      await deluge.addTorrents([torrents[2] as GeneratedTorrent], { paused: true });
    }
  });

  it("answers the session counters by their libtorrent names", async () => {
    const status = await api.sessionStatus([...SESSION_KEYS, "no.such_counter"], signal());
    assert.deepEqual(Object.keys(status).sort(), [...SESSION_KEYS].sort());
    for (const key of SESSION_KEYS) assert.equal(typeof status[key], "number", key);
    const seeding = await waitFor("libtorrent to count the seeds", async () => {
      const counters = await api.sessionStatus(["ses.num_seeding_torrents"], signal());
      return counters["ses.num_seeding_torrents"] === 2 ? counters : undefined;
    });
    assert.equal(seeding["ses.num_seeding_torrents"], 2);
    // The previous test re-added a paused torrent just now: libtorrent counts it a moment later.
    const paused = await waitFor("libtorrent to count the stopped ones", async () => {
      const counters = await api.sessionStatus(["ses.num_stopped_torrents"], signal());
      return counters["ses.num_stopped_torrents"] === 2 ? counters : undefined;
    });
    assert.equal(paused["ses.num_stopped_torrents"], 2);
  });

  it("gives the free space of the download location as a number, undefined for a bad path", async () => {
    const free = await api.freeSpace(undefined, signal());
    assert.equal(typeof free, "number");
    const fs = await statfs(deluge.downloadDir);
    assert.ok(Math.abs((free as number) - fs.bavail * fs.bsize) < 256 * 2 ** 20, `${free}`);
    assert.equal(await api.freeSpace("/no/such/path", signal()), undefined);
  });

  it("counts torrents per state, tracker and label with the filter tree", async () => {
    const tree = await api.filterTree(signal());
    assert.deepEqual(
      tree.label?.find(([label]) => label === "movies"),
      ["movies", 2],
    );
    assert.deepEqual(
      tree.state?.find(([state]) => state === "Paused"),
      ["Paused", 2],
    );
  });

  it("removes torrents and reports the unknown ones", async () => {
    const extra = await makeTorrents({
      dir: join(work.path, "extra"),
      count: 1,
      announce: [TRACKER],
      prefix: "extra",
    });
    const [id] = await deluge.addTorrents(extra);
    const unknown = "f".repeat(40);
    const failures = await api.removeTorrents([id as string, unknown], false, signal());
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.id, unknown);
    assert.match(failures[0]?.error ?? "", /not in session/);
    const [ids] = (await deluge.rpc([{ method: "core.get_session_state" }])) as [string[]];
    assert.equal(ids.includes(id as string), false);
    await assert.rejects(
      client.call("core.remove_torrent", [unknown, false], {}, signal()),
      (error) => {
        assert.ok(error instanceof DelugeRemoteError, String(error));
        assert.equal(error.exceptionType, "InvalidTorrentError");
        return true;
      },
    );
  });

  it("verifies the daemon's own certificate by file and by fingerprint", async () => {
    const certFile = join(deluge.configDir, "ssl", "daemon.cert");
    const fingerprint = new X509Certificate(await readFile(certFile)).fingerprint256;
    for (const tls of [{ caFile: certFile }, { fingerprint256: fingerprint }]) {
      const pinned = new DaemonRpcClient({
        url: deluge.daemonUrl,
        credentials: Credentials.login(deluge.username, deluge.password),
        tls,
      });
      assert.equal(await pinned.call("daemon.info", [], {}, signal()), "2.0.3");
      pinned.close();
    }
  });

  it("fails with SourceConnectionError while the daemon is down and recovers after restart", async () => {
    await api.sessionStatus(["dht.dht_nodes"], signal());
    await deluge.daemon.stop();
    await assert.rejects(api.sessionStatus(["dht.dht_nodes"], signal()), (error) => {
      assert.ok(error instanceof SourceConnectionError, String(error));
      return noSecret(error, deluge.password);
    });
    await deluge.restart();
    const back = await api.sessionStatus(["dht.dht_nodes"], signal());
    assert.equal(back["dht.dht_nodes"], 0);
    // Deluge loads its torrents after it opens the RPC port: the list fills shortly after.
    const status = await waitFor("the torrents to load again", async () => {
      const answer = await api.torrentsStatus(["name"], { signal: signal() });
      return answer.torrents.size === torrents.length ? answer : undefined;
    });
    assert.equal(status.torrents.get(torrents[0]?.infoHash as string)?.name, torrents[0]?.name);
  });
});

describe("Deluge torrent totals: which are all-time and which per session (two real daemons)", () => {
  it("keeps all_time_download and total_uploaded across a restart, resets the payload totals", async () => {
    // libtorrent closes connections from its own address: the leecher uses 127.0.0.2.
    const seeder = await startDeluged({ labelPlugin: false });
    const leecher = await startDeluged({ labelPlugin: false, peerAddress: "127.0.0.2" });
    const work = await tempDir("deluge-totals");
    const seederApi = new RpcDelugeApi(
      new DaemonRpcClient({
        url: seeder.daemonUrl,
        credentials: Credentials.login(seeder.username, seeder.password),
      }),
    );
    const leecherApi = new RpcDelugeApi(
      new DaemonRpcClient({
        url: leecher.daemonUrl,
        credentials: Credentials.login(leecher.username, leecher.password),
      }),
    );
    try {
      const [torrent] = await makeTorrents({
        dir: work.path,
        count: 1,
        size: 1024 * 1024,
        announce: ["http://127.0.0.1:1/announce"],
        private: false,
      });
      const id = (torrent as GeneratedTorrent).infoHash;
      const size = (torrent as GeneratedTorrent).size;
      await seeder.addTorrents([torrent as GeneratedTorrent]);
      await leecher.addTorrents([torrent as GeneratedTorrent], {
        downloadLocation: leecher.downloadDir,
      });
      await waitFor("the seeder to seed", async () =>
        (await seederApi.torrentsStatus(["state"], { signal: signal() })).torrents.get(id)
          ?.state === "Seeding"
          ? true
          : undefined,
      );
      await leecher.rpc([
        { method: "core.connect_peer", args: [id, "127.0.0.1", seeder.peerPort] },
      ]);
      const keys: TorrentKey[] = [
        "state",
        "all_time_download",
        "total_uploaded",
        "total_payload_download",
        "total_payload_upload",
        "total_done",
        "ratio",
      ];
      // libtorrent adds transferred bytes to the all-time totals once a second.
      const leeched = await waitFor(
        "the leecher's all-time total to count the download",
        async () => {
          const got = (await leecherApi.torrentsStatus(keys, { signal: signal() })).torrents.get(
            id,
          );
          return got?.all_time_download === size ? got : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      assert.equal(leeched.state, "Seeding");
      assert.equal(leeched.total_payload_download, size);
      assert.equal(leeched.total_done, size);
      const seeded = await waitFor("the seeder's all-time upload", async () => {
        const got = (await seederApi.torrentsStatus(keys, { signal: signal() })).torrents.get(id);
        return got?.total_uploaded === size ? got : undefined;
      });
      assert.equal(seeded.total_payload_upload, size);
      assert.equal(seeded.ratio, 1);
      const counters = await leecherApi.sessionStatus(["net.recv_payload_bytes"], signal());
      assert.equal(counters["net.recv_payload_bytes"], size);

      await leecher.restart();
      await seeder.restart();
      const after = async (api: RpcDelugeApi) =>
        waitFor("the torrent to load after the restart", async () =>
          (await api.torrentsStatus(keys, { signal: signal() })).torrents.get(id),
        );
      const leecherAfter = await after(leecherApi);
      assert.equal(leecherAfter.all_time_download, size, "all-time: kept");
      assert.equal(leecherAfter.total_payload_download, 0, "session only: reset");
      const seederAfter = await after(seederApi);
      assert.equal(seederAfter.total_uploaded, size, "all-time: kept");
      assert.equal(seederAfter.total_payload_upload, 0, "session only: reset");
      const countersAfter = await leecherApi.sessionStatus(["net.recv_payload_bytes"], signal());
      assert.equal(countersAfter["net.recv_payload_bytes"], 0, "session counters restart at 0");
    } finally {
      seederApi.close();
      leecherApi.close();
      await seeder.stop();
      await leecher.stop();
      await work.remove();
    }
  });
});

describe("Deluge without the Label plugin", () => {
  it("drops the label key silently and lists no plugin", async () => {
    const deluge = await startDeluged({ labelPlugin: false });
    const work = await tempDir("deluge-nolabel");
    const api = new RpcDelugeApi(
      new DaemonRpcClient({
        url: deluge.daemonUrl,
        credentials: Credentials.login(deluge.username, deluge.password),
      }),
    );
    try {
      const [torrent] = await makeTorrents({ dir: work.path, count: 1, announce: [TRACKER] });
      await deluge.addTorrents([torrent as GeneratedTorrent]);
      assert.deepEqual(await api.enabledPlugins(signal()), []);
      const status = await api.torrentsStatus(["name", "label"], { signal: signal() });
      assert.deepEqual(status.torrents.get((torrent as GeneratedTorrent).infoHash), {
        name: (torrent as GeneratedTorrent).name,
      });
    } finally {
      api.close();
      await deluge.stop();
      await work.remove();
    }
  });
});
