import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir, waitFor } from "@seedwatch/testbed";
import { startDeluged } from "@seedwatch/testbed/deluge";
import { startRtorrent } from "@seedwatch/testbed/rtorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission } from "@seedwatch/testbed/transmission";
import { httpCall, json } from "../support/http-call.ts";

/** What the shared removal test needs from one real client. */
interface Client {
  /** Everything of a target line after `name`: `type: ..., url: ...`. */
  readonly target: string;
  /** Info-hashes the client itself lists, lower case. */
  listed(): Promise<Set<string>>;
  stop(): Promise<void>;
}

interface Answer {
  result: string;
  removalEnabled: boolean;
  torrents: Array<{ hash: string; deleteData: boolean }>;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The removal test every client gets: a dry run changes nothing, a removal really removes (and
 * deletes the data when asked, and only then), and a target where removal is off keeps its torrents.
 */
function describeRemoval(
  kind: string,
  start: (torrents: readonly GeneratedTorrent[]) => Promise<Client>,
): void {
  describe(`removing torrents from a real ${kind} through a real seedwatch`, {
    timeout: 240_000,
  }, () => {
    let client: Client;
    let seedwatch: Seedwatch;
    let torrents: GeneratedTorrent[];
    let dir: { path: string; remove(): Promise<void> };
    const file = (i: number) => join(torrents[i]?.payloadDir ?? "", torrents[i]?.name ?? "");
    const hash = (i: number) => torrents[i]?.infoHash as string;
    const remove = async (target: string, body: unknown) => {
      const answer = await httpCall(`${seedwatch.url}/api/v1/targets/${target}/remove`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: answer.status, body: json<Answer>(answer) };
    };

    before(async () => {
      dir = await tempDir(`removal-${kind}`);
      torrents = await makeTorrents({
        dir: dir.path,
        count: 3,
        size: 96 * 1024,
        announce: ["http://127.0.0.1:9/announce?passkey=0123456789abcdef0123456789abcdef"],
      });
      client = await start(torrents);
      seedwatch = await startSeedwatch(
        "global: { poll_interval: 1s, timeout: 5s, min_refresh_interval: 0s }\ntargets:\n" +
          `  - { name: box, ${client.target}, removal: { enabled: true } }\n` +
          `  - { name: locked, ${client.target} }\n`,
      );
      await waitFor(
        "seedwatch to list the torrents",
        async () => {
          const targets = json<Array<{ up: boolean; torrents: number }>>(
            await httpCall(`${seedwatch.url}/api/v1/targets`),
          );
          return targets.every((t) => t.up && t.torrents === 3) ? true : undefined;
        },
        { timeoutMs: 60_000 },
      );
    });
    after(async () => {
      await seedwatch?.remove();
      await client?.stop();
      await dir?.remove();
    });

    it("changes nothing on a dry run", async () => {
      const dry = await remove("box", {
        hashes: [hash(0), hash(1)],
        deleteData: true,
        dryRun: true,
      });
      assert.equal(dry.status, 200);
      assert.equal(dry.body.result, "dry-run");
      assert.deepEqual(dry.body.torrents.map((t) => t.hash).sort(), [hash(0), hash(1)].sort());
      const listed = await client.listed();
      for (let i = 0; i < 3; i++) {
        assert.ok(listed.has(hash(i)), `torrent ${i} still listed`);
        assert.ok(await exists(file(i)), `data of torrent ${i} still there`);
      }
    });

    it("removes one torrent keeping its data, and one with its data", async () => {
      const kept = await remove("box", { hashes: [hash(0)] });
      assert.equal(kept.status, 200);
      assert.equal(kept.body.result, "removed");
      const deleted = await remove("box", { hashes: [hash(1)], deleteData: true });
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.result, "removed");
      const listed = await client.listed();
      assert.equal(listed.has(hash(0)), false);
      assert.equal(listed.has(hash(1)), false);
      assert.ok(listed.has(hash(2)));
      await waitFor(`${kind} to delete the data`, async () =>
        (await exists(file(1))) ? undefined : true,
      );
      assert.ok(await exists(file(0)), "the data of a torrent removed without it stays");
      assert.ok(await exists(file(2)));
    });

    it("removes nothing from a target where removal is disabled", async () => {
      const refused = await remove("locked", { hashes: [hash(2)], deleteData: true });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.result, "refused");
      assert.ok((await client.listed()).has(hash(2)));
      assert.ok(await exists(file(2)));
    });
  });
}

describeRemoval("transmission-daemon", async (torrents) => {
  const tr = await startTransmission();
  await tr.addTorrents(torrents, { downloadDir: torrents[0]?.payloadDir as string });
  return {
    target: `type: transmission, url: "${tr.url}", username: "${tr.username}", password: "${tr.password}"`,
    async listed() {
      const { torrents: rows } = await tr.rpc<{ torrents: Array<{ hashString: string }> }>(
        "torrent-get",
        { fields: ["hashString"] },
      );
      return new Set(rows.map((r) => r.hashString.toLowerCase()));
    },
    stop: () => tr.stop(),
  };
});

describeRemoval("deluged", async (torrents) => {
  const deluge = await startDeluged();
  await deluge.addTorrents(torrents);
  return {
    target: `type: deluge, url: "${deluge.daemonUrl}", username: "${deluge.username}", password: "${deluge.password}"`,
    async listed() {
      const [status] = await deluge.rpc([
        { method: "core.get_torrents_status", args: [{}, ["name"]] },
      ]);
      return new Set(Object.keys(status as object).map((h) => h.toLowerCase()));
    },
    stop: () => deluge.stop(),
  };
});

describeRemoval("rtorrent", async (torrents) => {
  const rt = await startRtorrent({ transport: "tcp" });
  await rt.addTorrents(torrents, { directory: torrents[0]?.payloadDir as string, start: true });
  return {
    target: `type: rtorrent, url: "${rt.url}"`,
    async listed() {
      const xml = await rt.call("download_list", "", "main");
      return new Set(
        [...xml.matchAll(/<string>([0-9A-F]{40})<\/string>/g)].map((m) =>
          (m[1] as string).toLowerCase(),
        ),
      );
    },
    stop: () => rt.stop(),
  };
});
