import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { access, mkdir, readFile, statfs, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { startNginxScgiProxy } from "@seedwatch/testbed/nginx";
import { type RtorrentInstance, startRtorrent } from "@seedwatch/testbed/rtorrent";
import { type GeneratedTorrent, infoHashOf, makeTorrents } from "@seedwatch/testbed/torrents";
import {
  SourceAuthError,
  SourceConnectionError,
  SourceHttpError,
  SourceProtocolError,
} from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import { RtorrentApi } from "./api.ts";
import { createTransport } from "./create-transport.ts";
import { XmlRpcFaultError } from "./xmlrpc/fault.ts";

const signal = () => AbortSignal.timeout(15_000);
const LABEL = "Films & <TV> 100% ü";
const PASSKEY = "0123456789abcdef0123456789abcdef";

/** Reads one value with the testbed's independent client, stripped of its XML. */
async function raw(rt: RtorrentInstance, method: string, ...params: string[]): Promise<string> {
  const xml = await rt.call(method, ...params);
  const match = /<value><(?:string|i8|i4)>([^<]*)<\/(?:string|i8|i4)><\/value>/.exec(xml);
  return match?.[1] ?? "";
}

for (const kind of ["tcp", "unix", "http"] as const) {
  describe(`RtorrentApi against real rTorrent 0.9.8 over ${kind === "http" ? "HTTP through nginx" : `SCGI/${kind}`}`, () => {
    let rt: RtorrentInstance;
    let nginx: Awaited<ReturnType<typeof startNginxScgiProxy>> | undefined;
    let api: RtorrentApi;
    let dir: { path: string; remove(): Promise<void> };
    let seeding: GeneratedTorrent[];
    let stopped: GeneratedTorrent;
    let trackerPort: number;

    before(async () => {
      dir = await tempDir(`rt-api-${kind}`);
      rt = await startRtorrent({ transport: kind === "unix" ? "unix" : "tcp" });
      let url = rt.url;
      if (kind === "http") {
        nginx = await startNginxScgiProxy({ scgiUrl: rt.url, username: "rt", password: "pw d" });
        url = nginx.url;
      }
      api = new RtorrentApi(createTransport(url, { credentials: Credentials.login("rt", "pw d") }));
      trackerPort = await freePort();
      const torrents = await makeTorrents({
        dir: dir.path,
        count: 3,
        size: 100_000,
        announce: [`http://127.0.0.1:${trackerPort}/announce?passkey=${PASSKEY}`],
      });
      seeding = torrents.slice(0, 2);
      stopped = torrents[2] as GeneratedTorrent;
      await rt.addTorrents(seeding, {
        start: true,
        directory: seeding[0]?.payloadDir,
        label: LABEL,
      });
      await rt.addTorrents([stopped]);
    });
    after(async () => {
      api?.close();
      await nginx?.stop();
      await rt?.stop();
      await dir?.remove();
    });

    it("reads versions and identity", async () => {
      const info = await api.info(signal());
      assert.equal(info.clientVersion, "0.9.8");
      assert.equal(info.libraryVersion, "0.13.8");
      assert.equal(info.apiVersion, 10);
      assert.equal(info.pid, rt.daemon.pid);
      assert.equal(info.sessionPath.replace(/\/$/, ""), rt.sessionDir);
      assert.equal(info.defaultDirectory.replace(/\/$/, ""), rt.downloadDir);
    });

    it("lists the torrents it was given, with the fields asked for and their trackers", async () => {
      // Started items with their data become complete after the hash check.
      const rows = await waitFor("seeding items to finish their hash check", async () => {
        const list = await api.torrents(
          {
            fields: [
              "name",
              "sizeBytes",
              "completedBytes",
              "label",
              "started",
              "open",
              "active",
              "complete",
              "hashing",
              "private",
              "directory",
              "addedAt",
              "ratio",
              "uploadedBytes",
              "downloadedBytes",
              "message",
              "freeDiskspace",
            ],
            trackers: ["url", "enabled", "type", "successCount", "failedCount", "scrapeComplete"],
          },
          signal(),
        );
        const done = list.filter((r) => r.complete).length === 2;
        return done ? list : undefined;
      });
      assert.equal(rows.length, 3);
      const byHash = new Map(rows.map((r) => [r.hash, r]));
      for (const t of [...seeding, stopped]) {
        const row = byHash.get(t.infoHash);
        assert.ok(row, `${t.name} listed under its lower-case hash`);
        assert.equal(row.name, t.name);
        assert.equal(row.sizeBytes, t.size);
        assert.equal(row.private, true);
        assert.equal(row.ratio, 0);
        assert.equal(row.uploadedBytes, 0);
        assert.equal(row.downloadedBytes, 0);
        assert.ok(row.addedAt > 1_600_000_000, "ruTorrent-style addtime set by the testbed");
        assert.equal(row.trackers.length, 1);
        const tracker = row.trackers[0];
        assert.equal(tracker?.url, `http://127.0.0.1:${trackerPort}/announce?passkey=${PASSKEY}`);
        assert.equal(tracker?.enabled, true);
        assert.equal(tracker?.type, 1);
        assert.equal(tracker?.successCount, 0);
        assert.equal(tracker?.scrapeComplete, 0);
      }
      for (const t of seeding) {
        const row = byHash.get(t.infoHash);
        assert.equal(row?.label, LABEL);
        assert.deepEqual(
          [row?.started, row?.open, row?.active, row?.complete],
          [true, true, true, true],
        );
        assert.equal(row?.completedBytes, t.size);
        assert.equal(row?.hashing, 0);
        assert.equal(row?.directory, t.payloadDir);
        // The same figure through the testbed's own client.
        assert.equal(
          String(row?.sizeBytes),
          await raw(rt, "d.size_bytes", t.infoHash.toUpperCase()),
        );
        assert.ok((row?.freeDiskspace ?? 0) > 0);
      }
      const idle = byHash.get(stopped.infoHash);
      assert.deepEqual(
        [idle?.started, idle?.open, idle?.active, idle?.complete],
        [false, false, false, false],
      );
      assert.equal(idle?.label, "");
      assert.equal(idle?.completedBytes, 0);
      assert.equal(idle?.freeDiskspace, 0, "closed items report no free space");
      assert.equal(idle?.directory, rt.downloadDir);
    });

    it("counts failed announces against the unreachable tracker", async () => {
      const row = await waitFor("a failed announce", async () => {
        const list = await api.torrents(
          { fields: ["message"], trackers: ["failedCount", "lastFailure"] },
          signal(),
        );
        return list.find(
          (r) => r.hash === seeding[0]?.infoHash && (r.trackers[0]?.failedCount ?? 0) > 0,
        );
      });
      assert.match(row.message, /^Tracker: \[/);
      assert.ok((row.trackers[0]?.lastFailure ?? 0) > 1_600_000_000);
    });

    it("reads only the view asked for", async () => {
      const started = await api.torrents({ fields: ["started"], view: "started" }, signal());
      assert.deepEqual(started.map((r) => r.hash).sort(), seeding.map((t) => t.infoHash).sort());
      assert.deepEqual(Object.keys(started[0] ?? {}).sort(), ["hash", "started"]);
      await assert.rejects(
        api.torrents({ fields: [], view: "no such view!" }, signal()),
        TypeError,
      );
      await assert.rejects(
        api.torrents({ fields: [], view: "nosuchview" }, signal()),
        XmlRpcFaultError,
      );
    });

    it("reads global totals, rates and the peer port", async () => {
      const g = await api.globals(signal());
      assert.equal(g.listenPort, rt.peerPort);
      assert.equal(String(g.uploadedBytes), await raw(rt, "throttle.global_up.total", ""));
      for (const value of Object.values(g)) assert.ok(Number.isInteger(value) && value >= 0);
      assert.ok(g.maxOpenSockets > 0 && g.memoryMaxBytes > 0);
    });

    it("reports free space as the file system does", async () => {
      const bytes = await api.freeDiskSpace(signal());
      const fs = await statfs(rt.downloadDir);
      assert.ok(bytes !== undefined);
      const expected = fs.bavail * fs.bsize;
      assert.ok(Math.abs(bytes - expected) < expected * 0.01, `${bytes} vs statfs ${expected}`);
    });

    it("sets a label as ruTorrent stores it, and reads it back", async () => {
      const hash = stopped.infoHash;
      await api.setLabel(hash, "a/b,c&d <e> 'f' \"g\"", signal());
      assert.equal(
        await raw(rt, "d.custom1", hash.toUpperCase()),
        "a%2Fb%2Cc%26d%20%3Ce%3E%20'f'%20%22g%22",
      );
      const rows = await api.torrents({ fields: ["label"] }, signal());
      assert.equal(rows.find((r) => r.hash === hash)?.label, "a/b,c&d <e> 'f' \"g\"");
      await api.setLabel(hash, "", signal());
      await assert.rejects(api.setLabel("nothex", "x", signal()), TypeError);
    });

    it("turns an unknown method and an unknown hash into XmlRpcFaultError", async () => {
      await assert.rejects(api.call("no.such.method", [""], signal()), (error: unknown) => {
        assert.ok(error instanceof XmlRpcFaultError);
        assert.equal(error.faultCode, -506);
        assert.match(
          error.message,
          /no\.such\.method: XML-RPC fault -506: Method 'no\.such\.method' not defined/,
        );
        return true;
      });
      await assert.rejects(
        api.setLabel("0".repeat(40), "x", signal()),
        (error: unknown) =>
          error instanceof XmlRpcFaultError && /Could not find info-hash/.test(error.faultString),
      );
      const [ok, bad] = await api.multicall(
        [
          { method: "system.client_version", params: [""] },
          { method: "nope", params: [""] },
        ],
        signal(),
      );
      assert.equal(ok, "0.9.8");
      assert.ok(bad instanceof XmlRpcFaultError);
    });

    it("erases an item, with or without its data", async () => {
      const [keep, drop] = seeding as [GeneratedTorrent, GeneratedTorrent];
      assert.deepEqual(await api.erase(keep.infoHash, { deleteData: false }, signal()), {
        deletedFiles: 0,
      });
      await access(join(keep.payloadDir, keep.name));
      assert.deepEqual(await api.erase(drop.infoHash, { deleteData: true }, signal()), {
        deletedFiles: 1,
      });
      await assert.rejects(access(join(drop.payloadDir, drop.name)), "data file removed");
      await access(join(keep.payloadDir, keep.name));
      const left = await api.torrents({ fields: [] }, signal());
      assert.deepEqual(
        left.map((r) => r.hash),
        [stopped.infoHash],
      );
      // Put them back for the tests that follow.
      await rt.addTorrents([keep], { start: true, directory: keep.payloadDir, label: LABEL });
    });

    it("fails with a connection error while rTorrent is down, and recovers after a restart", async () => {
      rt.daemon.signal("SIGKILL");
      await waitFor("rTorrent to be gone", () => (rt.daemon.running ? undefined : true));
      await assert.rejects(api.info(signal()), (error: unknown) =>
        kind === "http"
          ? error instanceof SourceHttpError && error.status === 502
          : error instanceof SourceConnectionError,
      );
      await rt.restart();
      const info = await api.info(signal());
      assert.equal(info.pid, rt.daemon.pid);
      const rows = await api.torrents({ fields: ["label"] }, signal());
      assert.ok(
        rows.some((r) => r.hash === seeding[0]?.infoHash && r.label === LABEL),
        "session survived",
      );
    });

    if (kind === "http") {
      it("gives SourceAuthError for a wrong password through nginx", async () => {
        const wrong = new RtorrentApi(
          createTransport(nginx?.url as string, { credentials: Credentials.login("rt", "nope") }),
        );
        await assert.rejects(wrong.info(signal()), (error: unknown) => {
          assert.ok(error instanceof SourceAuthError);
          assert.match(error.message, /401/);
          assert.doesNotMatch(error.message, /nope/);
          return true;
        });
        wrong.close();
      });
    }
  });
}

describe("RtorrentApi.erase with data of a multi-file torrent", () => {
  it("removes exactly the torrent's files and the directories they leave empty", async () => {
    const dir = await tempDir("rt-multi");
    const rt = await startRtorrent({ transport: "tcp" });
    const api = new RtorrentApi(createTransport(rt.url));
    try {
      const parent = join(dir.path, "data");
      const pack = join(parent, "pack");
      await mkdir(join(pack, "sub", "deeper"), { recursive: true });
      await writeFile(join(pack, "a.bin"), randomBytes(40_000));
      await writeFile(join(pack, "sub", "deeper", "b.bin"), randomBytes(40_000));
      await writeFile(join(parent, "neighbour.bin"), "not ours");
      const torrentFile = join(dir.path, "pack.torrent");
      await promisify(execFile)("mktorrent", [
        "-p",
        "-a",
        "http://127.0.0.1:9/announce",
        "-o",
        torrentFile,
        pack,
      ]);
      const metainfo = await readFile(torrentFile);
      const torrent = {
        name: "pack",
        infoHash: infoHashOf(metainfo),
        torrentFile,
        metainfo,
        payloadDir: parent,
        size: 80_000,
      };
      await rt.addTorrents([torrent], { start: true, directory: parent });
      const [row] = await api.torrents(
        { fields: ["directory", "multiFile", "sizeBytes"] },
        signal(),
      );
      assert.deepEqual(row, {
        hash: torrent.infoHash,
        directory: pack,
        multiFile: true,
        sizeBytes: 80_000,
      });
      assert.deepEqual(await api.erase(torrent.infoHash, { deleteData: true }, signal()), {
        deletedFiles: 2,
      });
      await assert.rejects(access(pack), "the torrent's directory tree is gone");
      assert.equal(await readFile(join(parent, "neighbour.bin"), "utf8"), "not ours");
      assert.deepEqual(await api.torrents({ fields: [] }, signal()), []);
    } finally {
      api.close();
      await rt.stop();
      await dir.remove();
    }
  });
});

describe("RtorrentApi against things that are not rTorrent", () => {
  it("gives SourceProtocolError when a plain TCP server sends junk", async () => {
    const server = createServer((socket) => {
      socket.on("error", () => {});
      socket.end("220 smtp.example ESMTP ready\r\n");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const port = (server.address() as { port: number }).port;
      const api = new RtorrentApi(createTransport(`scgi://127.0.0.1:${port}`));
      await assert.rejects(api.info(signal()), (error: unknown) => {
        assert.ok(error instanceof SourceProtocolError);
        assert.ok(!(error instanceof XmlRpcFaultError));
        return true;
      });
    } finally {
      server.close();
    }
  });
});

describe("RtorrentApi numbers are rTorrent's: a real transfer between two rTorrents", () => {
  it("counts payload per item all-time, and global traffic per process lifetime", async () => {
    const dir = await tempDir("rt-transfer");
    const seeder = await startRtorrent({ transport: "tcp" });
    const leecher = await startRtorrent({ transport: "unix" });
    const seederApi = new RtorrentApi(createTransport(seeder.url));
    const leecherApi = new RtorrentApi(createTransport(leecher.url));
    try {
      // Public torrent: rTorrent refuses add_peer for private ones.
      const [t] = await makeTorrents({
        dir: dir.path,
        count: 1,
        size: 2 * 2 ** 20,
        private: false,
        announce: [`http://127.0.0.1:${await freePort()}/announce`],
      });
      assert.ok(t);
      await seeder.addTorrents([t], { start: true, directory: t.payloadDir });
      await leecher.addTorrents([t], { start: true });
      await waitFor("the seeder's hash check", async () => {
        const [row] = await seederApi.torrents({ fields: ["complete"] }, signal());
        return row?.complete ? true : undefined;
      });
      await leecher.call("add_peer", t.infoHash.toUpperCase(), `127.0.0.1:${seeder.peerPort}`);
      const fields = ["complete", "uploadedBytes", "downloadedBytes", "ratio"] as const;
      const done = await waitFor(
        "the leecher to complete",
        async () => {
          const [row] = await leecherApi.torrents({ fields: [...fields] }, signal());
          return row?.complete ? row : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.equal(done.downloadedBytes, t.size, "payload bytes, exactly");
      const [seeded] = await seederApi.torrents({ fields: [...fields] }, signal());
      assert.equal(seeded?.uploadedBytes, t.size);
      assert.equal(seeded?.ratio, 1, "ratio is uploaded over completed bytes");
      assert.equal(done.ratio, 0);
      const before = await seederApi.globals(signal());
      assert.ok(before.uploadedBytes > t.size, "global totals include protocol overhead");
      assert.ok((await leecherApi.globals(signal())).downloadedBytes > t.size);

      await seeder.restart();
      const [afterRestart] = await seederApi.torrents({ fields: ["uploadedBytes"] }, signal());
      assert.equal(afterRestart?.uploadedBytes, t.size, "d.up.total survives a restart (all-time)");
      const afterGlobals = await seederApi.globals(signal());
      assert.ok(afterGlobals.uploadedBytes < t.size, "throttle.global_up.total restarts from 0");
    } finally {
      seederApi.close();
      leecherApi.close();
      await seeder.stop();
      await leecher.stop();
      await dir.remove();
    }
  });
});
