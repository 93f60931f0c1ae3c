// seedwatch as a real process with a token in a target URL's query string: it reaches the client, and nothing shows it.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { startTransmission, type Transmission } from "@seedwatch/testbed/transmission";
import { Samples } from "../support/exposition.ts";

const TOKEN = "tok3n-5f1c9e0a-never-shown";

describe("a token in a target URL's query string", { timeout: 300_000 }, () => {
  let transmission: Transmission;
  let seedwatch: Seedwatch;
  let tokenUrl = "";
  let deadUrl = "";

  before(async () => {
    transmission = await startTransmission();
    // Transmission matches its RPC path as a prefix, so the query string does not get in its way.
    tokenUrl = `${transmission.url}?token=${TOKEN}`;
    deadUrl = `http://127.0.0.1:${await freePort()}/transmission/rpc?token=${TOKEN}`;
    const target = (name: string, url: string) =>
      `  - { name: ${name}, type: transmission, url: "${url}", username: "${transmission.username}", password: "${transmission.password}", compat: { downloader_exporter: true } }\n`;
    seedwatch = await startSeedwatch(
      "global: { poll_interval: 1s, timeout: 2s, min_refresh_interval: 0s }\n" +
        `targets:\n${target("tr", tokenUrl)}${target("dead", deadUrl)}`,
      ["--log.level=debug"],
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await transmission?.stop();
  });

  it("reaches the client, and labels series with the URL without its query string", async () => {
    const m = await waitFor("the target to be up", async () => {
      const samples = new Samples((await seedwatch.get("/metrics")).body);
      return samples.value("pt_up", { name: "tr" }) === 1 ? samples : undefined;
    });
    assert.equal(m.value("pt_up", { name: "tr", host: transmission.url }), 1);
    assert.equal(m.find("downloader_up", { name: "tr", host: transmission.url }).length, 1);
    assert.equal(m.value("pt_up", { name: "dead" }), 0);
    await waitFor("the dead target's failure in the log", () =>
      /target=dead reason=connection/.test(seedwatch.logs()) ? true : undefined,
    );
  });

  it("appears in no page, no API answer, no series and no log line", async () => {
    const pages = [
      "/metrics",
      "/probe?target=tr",
      "/probe?target=dead",
      "/config",
      "/",
      "/targets",
      "/api/v1/targets",
      "/api/v1/overview",
      "/api/v1/targets/tr/trackers",
      "/api/v1/targets/tr/torrents",
    ];
    for (const path of pages) {
      const answer = await seedwatch.get(path);
      assert.equal(answer.status, 200, path);
      assert.ok(!answer.body.includes(TOKEN), `${path} shows the token`);
      assert.ok(!answer.body.includes("token="), `${path} shows the query string`);
    }
    const config = (await seedwatch.get("/config")).body;
    assert.ok(config.includes(`${transmission.url}?<secret>`), "/config says there is a query");
    const logs = seedwatch.logs();
    assert.match(logs, /target=tr/);
    assert.ok(!logs.includes(TOKEN), "the log shows the token");
  });
});
