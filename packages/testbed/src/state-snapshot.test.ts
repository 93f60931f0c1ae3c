// Tests of client snapshots: a copy of a stopped client's state, and a second instance started from it on fresh ports.

import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "./daemon.ts";
import { startDeluged } from "./deluge.ts";
import { type QbittorrentTorrent, startQbittorrent } from "./qbittorrent.ts";
import { startRtorrent } from "./rtorrent.ts";
import { restoreDir, snapshotDir } from "./state-snapshot.ts";
import { startSwarm } from "./swarm.ts";
import { type GeneratedTorrent, makeTorrents } from "./torrents.ts";
import { startTransmission } from "./transmission.ts";

describe("snapshotDir and restoreDir", () => {
  it("copy a directory, and point the paths inside its state files at the new root", async () => {
    const original = await tempDir("state");
    const into = await tempDir("state");
    try {
      await mkdir(join(original.path, "state", "deep"), { recursive: true });
      await mkdir(join(original.path, "payload"));
      // A length-prefixed string (bencode), as resume files hold paths.
      const resume = `d9:save_path${original.path.length + 10}:${original.path}/downloade`;
      await writeFile(join(original.path, "state", "deep", "x.resume"), resume);
      await writeFile(join(original.path, "payload", "data"), original.path);
      const taken = await snapshotDir(original.path, "state");
      try {
        assert.equal(taken.root, original.path);
        await writeFile(join(original.path, "state", "deep", "x.resume"), "changed later");
        await restoreDir(taken, into.path, ["state"]);
        assert.equal(
          await readFile(join(into.path, "state", "deep", "x.resume"), "utf8"),
          `d9:save_path${into.path.length + 10}:${into.path}/downloade`,
          "the state as it was, pointing at the new root, the length prefix still right",
        );
        assert.equal(
          await readFile(join(into.path, "payload", "data"), "utf8"),
          original.path,
          "files outside the state dirs are copied untouched",
        );
        await assert.rejects(restoreDir(taken, `${into.path}x`, ["state"]), /differ in length/);
      } finally {
        await taken.remove();
      }
    } finally {
      await original.remove();
      await into.remove();
    }
  });
});

describe("clients started from a snapshot", { timeout: 300_000 }, () => {
  it("qBittorrent: a seeder restored from before a second transfer reports the old uploaded total", async (t) => {
    const swarm = await startSwarm({ torrents: 1, trackers: 1, size: 512 * 1024 });
    const torrent = swarm.torrents[0] as GeneratedTorrent;
    const entry = async (qb: { api<T>(path: string): Promise<T> }) => {
      const all = await qb.api<QbittorrentTorrent[]>("torrents/info");
      return all.find((t) => t.hash === torrent.infoHash) as QbittorrentTorrent;
    };
    const stops: Array<() => Promise<void>> = [swarm.stop];
    try {
      const seederSnapshot = await swarm.seeder.snapshot();
      stops.push(seederSnapshot.remove);
      const leecherSnapshot = await swarm.leecher.snapshot();
      stops.push(leecherSnapshot.remove);
      // Read after the restart: what qBittorrent saved, and so what a restored copy starts from.
      const atSnapshot = (await entry(swarm.seeder)).uploaded;
      assert.ok(atSnapshot > 0, "the seeder had uploaded before the snapshot");

      // A second transfer: the leecher drops the torrent and its data, and downloads it again.
      await swarm.leecher.api("torrents/delete", { hashes: torrent.infoHash, deleteFiles: true });
      await waitFor("the leecher to drop the torrent", async () =>
        (await entry(swarm.leecher)) === undefined ? true : undefined,
      );
      await swarm.leecher.addTorrents([torrent]);
      const later = await waitFor(
        "the leecher to download it again and the seeder to count it",
        async () => {
          const [got, gave] = [await entry(swarm.leecher), await entry(swarm.seeder)];
          return got.progress === 1 && gave.uploaded > atSnapshot ? gave.uploaded : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );

      const restored = await startQbittorrent({ fromSnapshot: seederSnapshot });
      stops.push(restored.stop);
      assert.notEqual(restored.webuiPort, swarm.seeder.webuiPort);
      assert.notEqual(restored.peerPort, swarm.seeder.peerPort);
      const old = await waitFor("the restored seeder to check its data", async () => {
        const seen = await entry(restored);
        return seen !== undefined && !seen.state.startsWith("checking") ? seen : undefined;
      });
      assert.equal(old.uploaded, atSnapshot, "the total as at the snapshot");
      assert.ok(later > old.uploaded, `the live seeder moved on: ${later} > ${old.uploaded}`);
      t.diagnostic(`uploaded: ${old.uploaded} restored from the snapshot, ${later} live`);
      assert.equal(old.save_path.replace(/\/$/, ""), torrent.payloadDir, "its own payload dir");
      assert.equal(old.progress, 1);
      assert.equal(old.category, "seed");

      // The leecher's data lived in its own dir: the restored copy finds it in the copy.
      const leecher = await startQbittorrent({ fromSnapshot: leecherSnapshot });
      stops.push(leecher.stop);
      const copied = await waitFor("the restored leecher to check its data", async () => {
        const seen = await entry(leecher);
        return seen !== undefined && !seen.state.startsWith("checking") ? seen : undefined;
      });
      assert.ok(copied.save_path.startsWith(leecher.saveDir), copied.save_path);
      assert.equal(copied.progress, 1);
      assert.equal(copied.state.includes("missing"), false, copied.state);
      assert.equal(copied.category, "leech");
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  });

  it("Transmission, rTorrent, Deluge: the restored instance lists what was there at the snapshot", async () => {
    const work = await tempDir("snapshot-torrents");
    const stops: Array<() => Promise<void>> = [work.remove];
    try {
      const [before, after] = await makeTorrents({
        dir: work.path,
        count: 2,
        announce: ["http://127.0.0.1:9/announce"],
      });
      const early = before as GeneratedTorrent;
      const late = after as GeneratedTorrent;

      const tr = await startTransmission();
      stops.push(tr.stop);
      await tr.addTorrents([early], { paused: true, labels: ["old"] });
      const trSnapshot = await tr.snapshot();
      stops.push(trSnapshot.remove);
      await tr.addTorrents([late], { paused: true });
      const trRestored = await startTransmission({ fromSnapshot: trSnapshot });
      stops.push(trRestored.stop);
      const listed = await trRestored.rpc<{
        torrents: Array<{ hashString: string; labels: string[]; downloadDir: string }>;
      }>("torrent-get", { fields: ["hashString", "labels", "downloadDir"] });
      assert.deepEqual(listed.torrents, [
        { hashString: early.infoHash, labels: ["old"], downloadDir: trRestored.downloadDir },
      ]);
      const session = await trRestored.rpc<{ "peer-port": number; "download-dir": string }>(
        "session-get",
      );
      assert.equal(session["peer-port"], trRestored.peerPort);
      assert.equal(session["download-dir"], trRestored.downloadDir);
      assert.equal(
        (await tr.rpc<{ torrents: unknown[] }>("torrent-get", { fields: ["id"] })).torrents.length,
        2,
      );

      const rt = await startRtorrent({ transport: "tcp" });
      stops.push(rt.stop);
      await rt.addTorrents([early], { label: "old" });
      const rtSnapshot = await rt.snapshot();
      stops.push(rtSnapshot.remove);
      await rt.addTorrents([late]);
      const rtRestored = await startRtorrent({ fromSnapshot: rtSnapshot });
      stops.push(rtRestored.stop);
      assert.notDeepEqual(rtRestored.scgi, rt.scgi);
      const rtList = await rtRestored.call("download_list", "", "main");
      assert.match(rtList, new RegExp(early.infoHash.toUpperCase()));
      assert.doesNotMatch(rtList, new RegExp(late.infoHash.toUpperCase()));
      const hash = early.infoHash.toUpperCase();
      assert.match(await rtRestored.call("d.custom1", hash), /<string>old<\/string>/);
      assert.match(
        await rtRestored.call("d.directory", hash),
        new RegExp(`<string>${rtRestored.downloadDir}</string>`),
      );

      const deluge = await startDeluged({ withWeb: true });
      stops.push(deluge.stop);
      await deluge.addTorrents([early], {
        paused: true,
        label: "old",
        downloadLocation: deluge.downloadDir,
      });
      const dSnapshot = await deluge.snapshot();
      stops.push(dSnapshot.remove);
      await deluge.addTorrents([late], { paused: true });
      const dRestored = await startDeluged({ fromSnapshot: dSnapshot });
      stops.push(dRestored.stop);
      assert.notEqual(dRestored.daemonPort, deluge.daemonPort);
      assert.equal(dRestored.password, deluge.password, "the same accounts");
      const [status] = (await dRestored.rpc([
        {
          method: "core.get_torrents_status",
          args: [{}, ["label", "download_location"]],
        },
      ])) as [Record<string, { label: string; download_location: string }>];
      assert.deepEqual(status, {
        [early.infoHash]: { label: "old", download_location: dRestored.downloadDir },
      });
      assert.ok(dRestored.webUrl !== undefined && dRestored.webUrl !== deluge.webUrl);
      const login = await fetch(new URL("json", dRestored.webUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ method: "auth.login", params: [deluge.webPassword], id: 1 }),
      });
      assert.equal(((await login.json()) as { result: unknown }).result, true);
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  });

  it("rejects a snapshot given with other options, or of another client", async () => {
    const fake = { dir: "/nonexistent", root: "/nonexistent", remove: async () => {} };
    await assert.rejects(
      startQbittorrent({
        fromSnapshot: {
          ...fake,
          client: "qbittorrent",
          username: "a",
          password: "b",
          interfaceAddress: "127.0.0.1",
        },
        maxAuthFailures: 3,
      }),
      /fromSnapshot takes no other option \(got maxAuthFailures\)/,
    );
    await assert.rejects(
      startTransmission({ fromSnapshot: { ...fake, client: "qbittorrent" } as never }),
      /not a Transmission snapshot/,
    );
  });
});
