import assert from "node:assert/strict";
import { rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { makeCertificate } from "@seedwatch/testbed/certificates";
import { WebConfigError } from "./web-config-error.ts";
import {
  type LoadedWebConfig,
  loadWebConfigFiles,
  type ReloadOutcome,
  WebConfigReloader,
} from "./web-config-reloader.ts";

const burst = (n: number) => `rate_limit:\n  interval: 1s\n  burst: ${n}\n`;

async function setup(t: TestContext, text: string, options: { minCheckIntervalMs?: number } = {}) {
  const dir = await tempDir("web-reload");
  t.after(() => dir.remove());
  const file = join(dir.path, "web.yml");
  await writeFile(file, text);
  const outcomes: ReloadOutcome[] = [];
  const applied: Array<[LoadedWebConfig, LoadedWebConfig]> = [];
  const reloader = new WebConfigReloader(file, loadWebConfigFiles(file), {
    minCheckIntervalMs: options.minCheckIntervalMs ?? 0,
    apply: (next, previous) => applied.push([next, previous]),
    onReload: (outcome) => outcomes.push(outcome),
  });
  return { dir: dir.path, file, reloader, outcomes, applied };
}

describe("WebConfigReloader", () => {
  it("does nothing while nothing changes, and reports a forced reload anyway", async (t) => {
    const { reloader, outcomes, applied } = await setup(t, burst(1));
    reloader.check();
    reloader.check();
    assert.equal(outcomes.length, 0);
    const forced = reloader.reload();
    assert.ok(forced.ok);
    assert.equal(forced.changed, false);
    assert.equal(outcomes.length, 1);
    assert.equal(applied.length, 0);
  });

  it("picks up a quick same-size rewrite, applies it once, and ignores an identical rewrite", async (t) => {
    const { file, reloader, outcomes, applied } = await setup(t, burst(1));
    await writeFile(file, burst(2));
    reloader.check();
    assert.equal(reloader.current.config.rateLimit?.burst, 2);
    assert.equal(applied.length, 1);
    assert.equal(applied[0]?.[1].config.rateLimit?.burst, 1);
    await writeFile(file, burst(2));
    reloader.check();
    reloader.check();
    assert.equal(applied.length, 1);
    assert.equal(outcomes.length, 1);
    assert.equal(reloader.status.reloads, 1);
  });

  it("notices a rewrite that keeps the size and the old mtime", async (t) => {
    const { file, reloader } = await setup(t, burst(3));
    const old = new Date(Date.now() - 3_600_000);
    await utimes(file, old, old);
    reloader.reload();
    reloader.check();
    await writeFile(file, burst(4));
    await utimes(file, old, old);
    reloader.check();
    assert.equal(reloader.current.config.rateLimit?.burst, 4);
  });

  it("keeps the last good config through a broken file, reporting each new breakage once", async (t) => {
    const { file, reloader, outcomes } = await setup(t, burst(1));
    await writeFile(file, "rate_limit:\n  interval: soon\n  burst: 1\n");
    reloader.check();
    reloader.check();
    assert.equal(outcomes.length, 1);
    const failed = outcomes[0];
    assert.ok(failed !== undefined && !failed.ok);
    assert.equal(
      failed.error.message,
      `${file}:2:13: rate_limit.interval: expected a duration such as 100ms, 1s or 1m (0 turns the limit off)`,
    );
    assert.equal(reloader.current.config.rateLimit?.burst, 1);
    assert.equal(reloader.status.ok, false);
    assert.equal(reloader.status.lastError, failed.error);

    await rm(file);
    reloader.check();
    assert.equal(outcomes.length, 2);
    const gone = outcomes[1];
    assert.ok(gone !== undefined && !gone.ok);
    assert.equal(gone.error.message, `${file}: cannot read the file (ENOENT)`);
    reloader.check();
    assert.equal(outcomes.length, 2);

    await writeFile(file, burst(5));
    reloader.check();
    assert.equal(outcomes.length, 3);
    assert.equal(outcomes[2]?.ok, true);
    assert.equal(reloader.current.config.rateLimit?.burst, 5);
    assert.deepEqual(
      {
        ok: reloader.status.ok,
        failures: reloader.status.failures,
        reloads: reloader.status.reloads,
      },
      { ok: true, failures: 2, reloads: 1 },
    );
  });

  it("watches a certificate file that is missing, and loads it when it appears", async (t) => {
    const { dir, file, reloader, outcomes } = await setup(t, burst(1));
    await writeFile(file, "tls_server_config:\n  cert_file: tls.pem\n  key_file: tls.key\n");
    reloader.check();
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0]?.ok, false);
    const made = await makeCertificate(dir, { name: "tls", commonName: "x", serial: "77" });
    assert.equal(made.cert, join(dir, "tls.pem"));
    reloader.check();
    assert.equal(outcomes.length, 2);
    assert.equal(reloader.current.tls?.certificate.serialNumber, "77");
  });

  it("checks at most once per interval; reload() is never throttled", async (t) => {
    const { file, reloader } = await setup(t, burst(1), { minCheckIntervalMs: 3_600_000 });
    reloader.check();
    await writeFile(file, burst(9));
    reloader.check();
    assert.equal(reloader.current.config.rateLimit?.burst, 1);
    reloader.reload();
    assert.equal(reloader.current.config.rateLimit?.burst, 9);
  });

  it("keeps the old config when the server refuses the change", async (t) => {
    const dir = await tempDir("web-reload");
    t.after(() => dir.remove());
    const file = join(dir.path, "web.yml");
    await writeFile(file, burst(1));
    const reloader = new WebConfigReloader(file, loadWebConfigFiles(file), {
      minCheckIntervalMs: 0,
      accept: (next) =>
        next.config.rateLimit?.burst === 2
          ? new WebConfigError(file, [
              { path: "rate_limit.burst", message: "expected anything but 2" },
            ])
          : undefined,
    });
    await writeFile(file, burst(2));
    const outcome = reloader.reload();
    assert.ok(!outcome.ok);
    assert.equal(outcome.error.message, `${file}: rate_limit.burst: expected anything but 2`);
    assert.equal(reloader.current.config.rateLimit?.burst, 1);
  });
});
