// A real stuck mount in host.paths (a FUSE file system whose server never answers): /metrics is still served, the mount is reported stuck and asked once, and asked again once the hung call returns.

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { Samples } from "../support/exposition.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Mounts a FUSE file system at `mountPoint` in a private mount namespace (so nothing else on the
 * machine, a `df` included, ever sees it) and never answers it: the process holding /dev/fuse
 * only sleeps. Any call into it blocks until that process dies, which aborts the connection.
 * Returns the holder; the mount is reached from outside as /proc/<pid>/root<mountPoint>.
 */
async function hangingFuseMount(mountPoint: string): Promise<ChildProcess> {
  const script =
    'exec 3<>/dev/fuse && mount -i -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 seedwatch-stuck "$0" && echo mounted && exec sleep 600';
  const holder = spawn(
    "unshare",
    ["--mount", "--propagation", "private", "sh", "-c", script, mountPoint],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  holder.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  holder.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(holder, "exit").then(([code]) => {
    throw new Error(`could not mount a FUSE file system (exit ${String(code)}): ${output}`);
  });
  await Promise.race([
    waitFor("the FUSE mount", () => (output.includes("mounted") ? true : undefined)),
    exited,
  ]);
  exited.catch(() => {});
  return holder;
}

/** How many threads of `pid` wait for an answer from a FUSE server (their kernel wait channel). */
async function threadsInFuse(pid: number): Promise<number> {
  let n = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const wchan = await readFile(`/proc/${pid}/task/${tid}/wchan`, "utf8").catch(() => "");
    if (/^(fuse_|request_wait_answer)/.test(wchan)) n++;
  }
  return n;
}

describe("a stuck mount in host.paths", { timeout: 180_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let holder: ChildProcess | undefined;
  let seedwatch: Seedwatch | undefined;
  let stuckPath = "";

  before(async () => {
    dir = await tempDir("stuck-mount");
    const mountPoint = join(dir.path, "nfs");
    await mkdir(mountPoint);
    holder = await hangingFuseMount(mountPoint);
    stuckPath = `/proc/${holder.pid}/root${mountPoint}`;
    // A target on a port nobody listens on: down, which changes nothing here.
    const closed = await freePort();
    seedwatch = await startSeedwatch(
      [
        `host: { paths: ["/", "${stuckPath}"] }`,
        "history: { enabled: false }",
        "targets:",
        `  - { name: box, type: qbittorrent, url: "http://127.0.0.1:${closed}", username: u, password: p }`,
        "",
      ].join("\n"),
    );
  });
  after(async () => {
    if (holder?.exitCode === null && holder.signalCode === null) holder.kill("SIGKILL");
    await seedwatch?.remove();
    await dir?.remove();
  });

  it("serves every scrape, reports the mount stuck, asks it once, and again once the call returns", async () => {
    const sw = seedwatch as Seedwatch;
    // A scrape that allows 2 s: the host collector waits for statfs (5 s limit) and misses the
    // scrape's deadline; it is reported failed, and the rest of the page is served.
    const first = await sw.get("/metrics", { "x-prometheus-scrape-timeout-seconds": "2" });
    assert.equal(first.status, 200);
    const page = new Samples(first.body);
    assert.equal(page.value("seedwatch_scrape_collector_success", { collector: "host" }), 0);
    assert.equal(page.value("seedwatch_scrape_collector_success", { collector: "target:box" }), 1);
    assert.equal(page.value("seedwatch_target_up", { name: "box" }), 0);
    assert.equal(page.has("seedwatch_build_info"), true);
    assert.match(sw.logs(), /collector failed.*collector host timed out after \d/);

    // Once statfs missed its 5 s, the sample completes: the mount is stuck, the rest is there.
    const stuck = await waitFor(
      "the mount reported stuck",
      async () => {
        const s = new Samples((await sw.get("/metrics")).body);
        return s.has("seedwatch_host_filesystem_stuck", { path: stuckPath }) &&
          s.value("seedwatch_host_filesystem_stuck", { path: stuckPath }) === 1
          ? s
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.equal(stuck.value("seedwatch_scrape_collector_success", { collector: "host" }), 1);
    assert.equal(stuck.value("seedwatch_host_filesystem_error", { path: stuckPath }), 1);
    assert.equal(stuck.has("seedwatch_host_filesystem_size_bytes", { path: stuckPath }), false);
    assert.equal(stuck.has("seedwatch_host_filesystem_size_bytes", { path: "/" }), true);
    assert.equal(stuck.value("seedwatch_host_filesystem_stuck", { path: "/" }), 0);
    assert.match(sw.logs(), /file system stuck.*path=\/proc\/\d+\/root/);

    // Later samples (the sampler reads at most once a second) do not ask the mount again: one
    // thread of the daemon waits in it, however many scrapes there are.
    const pid = sw.daemon.pid;
    for (let i = 0; i < 3; i++) {
      await sleep(1100);
      const s = new Samples((await sw.get("/metrics")).body);
      assert.equal(s.value("seedwatch_host_filesystem_stuck", { path: stuckPath }), 1);
      assert.equal(s.value("seedwatch_host_uptime_seconds") > 0, true);
    }
    assert.equal(await threadsInFuse(pid), 1);

    // The FUSE server dies: the hung call returns (ENOTCONN), and the path is asked again (it is
    // gone with the server's mount namespace: an ordinary error, not stuck).
    holder?.kill("SIGKILL");
    const after = await waitFor(
      "the mount asked again",
      async () => {
        const s = new Samples((await sw.get("/metrics")).body);
        return s.value("seedwatch_host_filesystem_stuck", { path: stuckPath }) === 0
          ? s
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.equal(after.value("seedwatch_host_filesystem_error", { path: stuckPath }), 1);
    assert.equal(await threadsInFuse(pid), 0);
    assert.match(sw.logs(), /file system answers again/);
  });
});
