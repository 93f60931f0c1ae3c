import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { Registry } from "@seedwatch/metrics";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import { Samples } from "../../../../test/support/exposition.ts";
import { TorrentTarget } from "../collect/torrent-target.ts";
import { parseConfig } from "../config/load.ts";
import { silentLogger } from "../log.ts";
import type { ClientStatus } from "../sources/source.ts";
import { TorrentTargetCollector } from "./torrent-target-collector.ts";

const BASE: ClientStatus = {
  version: "v4.5.2",
  downloadedTotal: 1,
  uploadedTotal: 2,
  downloadRate: 0,
  uploadRate: 0,
  freeSpace: 3,
};

/** Polls a target at `url` whose client answers `client` once, and scrapes it. */
async function scrape(url: string, client: ClientStatus, type = "qbittorrent") {
  const config = parseConfig(
    `targets:\n  - { name: box, type: ${type}, url: "${url}", username: u, password: p }\n`,
    "t.yml",
    {},
  ).targets[0];
  const target = new TorrentTarget(config as never, {
    log: silentLogger,
    counters: undefined,
    createSource: () => ({
      bytesReceived: 0,
      poll: async () => ({ reset: true, removed: [], patches: [], client }),
      remove: async () => {},
      close: async () => {},
    }),
  });
  try {
    await target.refreshIfOlderThan(0, Date.now() + 10_000);
    const registry = new Registry();
    registry.register(new TorrentTargetCollector(target, silentLogger));
    const text = await registry.render();
    return { text, samples: new Samples(text) };
  } finally {
    await target.stop();
  }
}

describe("the engine series of a torrent target", () => {
  // This test process stands in for a local client: it listens on the target's port.
  let server: Server;
  let local: string;
  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    local = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  it("exports what the client says of its engine, and its process when it runs here", async () => {
    const { text, samples } = await scrape(local, {
      ...BASE,
      engine: { openSockets: 7, libraryVersion: "2.0.8.0", startTimeSeconds: 1_700_000_000 },
    });
    assert.equal(
      samples.value("pt_client_info", { name: "box", version: "v4.5.2", libtorrent: "2.0.8.0" }),
      1,
    );
    assert.equal(samples.value("pt_open_sockets", { name: "box" }), 7);
    assert.equal(samples.has("pt_open_files"), false, "not given: absent, not 0");
    assert.equal(samples.has("pt_open_http_requests"), false);
    assert.equal(samples.value("pt_client_start_time_seconds"), 1_700_000_000, "the client's own");
    const started = Date.now() / 1000 - process.uptime();
    assert.ok(Math.abs(samples.value("pt_client_process_start_time_seconds") - started) < 2);
    assert.ok(samples.value("pt_client_process_resident_memory_bytes") > 10 * 2 ** 20);
    assert.ok(samples.value("pt_client_process_cpu_seconds_total") > 0);
    await assertPromtoolClean(text);
  });

  it("takes the process's start when the client does not tell its own", async () => {
    const { samples } = await scrape(local, BASE);
    assert.equal(samples.value("pt_client_info", { libtorrent: "" }), 1);
    assert.equal(
      samples.value("pt_client_start_time_seconds"),
      samples.value("pt_client_process_start_time_seconds"),
    );
  });

  it("through deluge-web, looks for deluged where deluge-web says it listens, not for deluge-web", async () => {
    const daemon = local.replace("http:", "deluge:");
    const web = "http://127.0.0.1:1/";
    const without = await scrape(web, BASE, "deluge");
    assert.equal(without.samples.has("pt_client_process_resident_memory_bytes"), false);
    const followed = await scrape(web, { ...BASE, engine: { engineUrl: daemon } }, "deluge");
    assert.ok(followed.samples.value("pt_client_process_resident_memory_bytes") > 0);
    // A deluge-web elsewhere names its daemon relative to itself: not looked for here.
    const remote = await scrape(
      "http://192.0.2.7:8112/",
      { ...BASE, engine: { engineUrl: daemon } },
      "deluge",
    );
    assert.equal(remote.samples.has("pt_client_process_resident_memory_bytes"), false);
  });

  it("exports no process series for a remote client, and no start time it cannot know", async () => {
    const { samples } = await scrape("http://192.0.2.7:8080", {
      ...BASE,
      engine: { openSockets: 0 },
    });
    assert.equal(samples.value("pt_open_sockets"), 0, "a real zero stays");
    for (const name of [
      "pt_client_process_cpu_seconds_total",
      "pt_client_process_resident_memory_bytes",
      "pt_client_process_virtual_memory_bytes",
      "pt_client_process_start_time_seconds",
      "pt_client_start_time_seconds",
    ])
      assert.equal(samples.has(name), false, name);
  });
});
