import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import { Samples } from "../support/exposition.ts";
import { assertClientProcess } from "../support/process-truth.ts";

interface Page {
  total: number;
  offset: number;
  items: Array<{
    hash: string;
    name: string;
    size: number;
    uploaded: number;
    tracker: string;
    status: string;
  }>;
}

describe("the dashboard's API with real qBittorrents", { timeout: 300_000 }, () => {
  let swarm: Swarm;
  let seedwatch: Seedwatch;
  const json = async <T>(path: string) => {
    const res = await seedwatch.get(path);
    return { status: res.status, body: JSON.parse(res.body) as T };
  };

  before(async () => {
    swarm = await startSwarm({ torrents: 6, trackers: 2 });
    seedwatch = await startSeedwatch(
      `global: { poll_interval: 1s, min_refresh_interval: 0s }\nhost: { paths: ["/"] }\ntargets:\n` +
        `  - { name: seeder, type: qbittorrent, url: "${swarm.seeder.url}", username: "${swarm.seeder.username}", password: "${swarm.seeder.password}" }\n`,
    );
    await waitFor("seeder up", async () =>
      (await json<Array<{ up: boolean }>>("/api/v1/targets")).body[0]?.up ? true : undefined,
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await swarm?.stop();
  });

  it("gives an overview of targets and host", async () => {
    const { body } = await json<{
      host: { uptime: unknown; filesystems: unknown[] } | null;
      targets: Array<{
        name: string;
        up: boolean;
        classes: Record<string, number>;
        client: { uploadedTotal: number };
      }>;
    }>("/api/v1/overview");
    const seeder = body.targets[0];
    assert.equal(seeder?.name, "seeder");
    assert.equal(seeder?.up, true);
    assert.equal(seeder?.classes.total, 6);
    assert.equal(seeder?.classes.complete, 6);
    assert.ok((seeder?.client.uploadedTotal ?? 0) > 0);
    assert.ok(body.host !== null, "host indicators are on by default");
  });

  it("shows the engine and the process of the local qBittorrent, as /probe and ps do", async () => {
    const { body } = await json<{
      targets: Array<{
        engine: {
          libraryVersion: string | null;
          startedAt: number | null;
          openSockets: number | null;
          openFiles: number | null;
          process: { residentBytes: number; cpuSeconds: number } | null;
        } | null;
      }>;
    }>("/api/v1/overview");
    const engine = body.targets[0]?.engine;
    const build = await swarm.seeder.api<{ libtorrent: string }>("app/buildInfo");
    assert.equal(engine?.libraryVersion, build.libtorrent);
    assert.equal(engine?.openFiles, null, "qBittorrent does not report open files");
    assert.equal(typeof engine?.openSockets, "number");
    assert.ok(engine?.process !== null && engine?.process !== undefined, "qBittorrent runs here");
    const figures = await assertClientProcess(
      "qbittorrent",
      swarm.seeder.url,
      swarm.seeder.daemon.pid,
    );
    assert.ok(Math.abs((engine.startedAt ?? 0) - figures.startTimeSeconds * 1000) < 1000);
    const m = new Samples((await seedwatch.get("/probe?target=seeder")).body);
    assert.equal(m.value("pt_client_start_time_seconds"), figures.startTimeSeconds);
    assert.equal(m.value("pt_client_process_start_time_seconds"), figures.startTimeSeconds);
    const rss = m.value("pt_client_process_resident_memory_bytes");
    assert.ok(
      Math.abs(rss - figures.residentBytes) < 0.05 * rss,
      `${rss} vs ${figures.residentBytes}`,
    );
    assert.equal(m.value("pt_client_info", { libtorrent: build.libtorrent, version: "v4.5.2" }), 1);
    assert.equal(m.has("pt_open_files"), false);
  });

  it("serves a per-tracker table that matches the metrics", async () => {
    const { body } = await json<
      Array<{ tracker: string; torrents: number; size: number; uploaded: number }>
    >("/api/v1/targets/seeder/trackers");
    const m = new Samples((await seedwatch.get("/probe?target=seeder")).body);
    assert.equal(body.length, 2);
    for (const row of body) {
      assert.equal(row.torrents, m.value("pt_tracker_torrents", { tracker: row.tracker }));
      assert.equal(row.size, m.value("pt_tracker_size_bytes", { tracker: row.tracker }));
      assert.equal(
        row.uploaded,
        m.value("pt_tracker_upload_bytes_total", { tracker: row.tracker }),
      );
    }
  });

  it("pages, sorts and searches torrents on the server", async () => {
    const first = (await json<Page>("/api/v1/targets/seeder/torrents?sort=name&limit=4")).body;
    const second = (await json<Page>("/api/v1/targets/seeder/torrents?sort=name&limit=4&offset=4"))
      .body;
    assert.equal(first.total, 6);
    assert.equal(first.items.length, 4);
    assert.equal(second.items.length, 2);
    const names = [...first.items, ...second.items].map((t) => t.name);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b)),
    );
    assert.deepEqual(new Set(names), new Set(swarm.torrents.map((t) => t.name)));
    const one = swarm.torrents[3];
    const found = (await json<Page>(`/api/v1/targets/seeder/torrents?q=${one?.name}`)).body;
    assert.deepEqual(
      found.items.map((t) => t.hash),
      [one?.infoHash],
    );
    const bySize = (await json<Page>("/api/v1/targets/seeder/torrents?sort=uploaded&order=desc"))
      .body.items;
    for (let i = 1; i < bySize.length; i++)
      assert.ok((bySize[i - 1]?.uploaded ?? 0) >= (bySize[i]?.uploaded ?? 0));
  });

  it("refuses bad queries and unknown targets clearly", async () => {
    assert.deepEqual(await json("/api/v1/targets/seeder/torrents?sort=colour"), {
      status: 400,
      body: {
        error:
          "sort: expected one of name, size, progress, uploaded, downloaded, uploadRate, downloadRate, ratio, addedOn, tracker, status",
      },
    });
    assert.equal((await json("/api/v1/targets/seeder/torrents?limit=100000")).status, 400);
    assert.equal((await json("/api/v1/targets/nope/trackers")).status, 404);
  });

  it("pushes live overviews over server-sent events while a page is open", async () => {
    const events = await new Promise<string[]>((resolve, reject) => {
      const got: string[] = [];
      const req = request(`${seedwatch.url}/api/v1/live`, (res) => {
        assert.equal(res.headers["content-type"], "text/event-stream; charset=utf-8");
        let buffer = "";
        res.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith("event: overview")) got.push(block);
            end = buffer.indexOf("\n\n");
          }
          if (got.length >= 2) {
            req.destroy();
            resolve(got);
          }
        });
      });
      req.on("error", (error) => (got.length >= 2 ? undefined : reject(error)));
      req.end();
    });
    const data = events.map(
      (e) => JSON.parse(e.split("\ndata: ")[1] as string) as { at: number; targets: unknown[] },
    );
    assert.equal(data[0]?.targets.length, 1);
    assert.ok((data[1]?.at ?? 0) > (data[0]?.at ?? 0), "a second, later overview");
  });
});
