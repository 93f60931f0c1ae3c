// Tests of startSeedwatch's lifecycle: kill -9 and restart on the same directory and port, and a graceful restart.

import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort } from "@seedwatch/metrics/testing";
import { startSeedwatch } from "./seedwatch.ts";

describe("startSeedwatch", { timeout: 120_000 }, () => {
  it("kills with SIGKILL and starts again on the same directory and port", async () => {
    // A target on a port nothing listens on: seedwatch runs, the target is down.
    const seedwatch = await startSeedwatch(
      "storage: { path: state.db }\ntargets:\n" +
        `  - { name: nobody, type: qbittorrent, url: "http://127.0.0.1:${await freePort()}", username: a, password: b }\n`,
    );
    try {
      const first = seedwatch.daemon;
      assert.equal((await seedwatch.get("/-/healthy")).status, 200);
      await seedwatch.kill();
      assert.deepEqual(first.exit, { code: null, signal: "SIGKILL" });
      await assert.rejects(seedwatch.get("/-/healthy"), { code: "ECONNREFUSED" });
      await access(join(seedwatch.dir, "state.db"));

      await seedwatch.restart();
      const second = seedwatch.daemon;
      assert.notEqual(second.pid, first.pid);
      assert.equal((await seedwatch.get("/-/healthy")).status, 200);
      assert.equal(seedwatch.url, `http://127.0.0.1:${seedwatch.port}`);

      await seedwatch.restart({ kill: true });
      assert.deepEqual(second.exit, { code: null, signal: "SIGKILL" });
      const third = seedwatch.daemon;
      assert.equal((await seedwatch.get("/-/healthy")).status, 200);

      await seedwatch.restart();
      assert.deepEqual(third.exit, { code: 0, signal: null }, "SIGTERM: a clean shutdown");
      assert.equal(
        seedwatch.logs().match(/shutting down/g)?.length,
        1,
        "only the process stopped with SIGTERM shut down; the killed ones never did",
      );
    } finally {
      await seedwatch.remove();
    }
  });
});
