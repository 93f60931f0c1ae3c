import assert from "node:assert/strict";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ClientProcess, processEndpoint } from "./client-process.ts";

describe("processEndpoint", () => {
  it("looks for a local client by the port of its URL", () => {
    assert.deepEqual(processEndpoint("qbittorrent", "http://127.0.0.1:8080/"), {
      kind: "tcp",
      port: 8080,
    });
    assert.deepEqual(processEndpoint("transmission", "http://localhost/transmission/rpc"), {
      kind: "tcp",
      port: 80,
    });
    assert.deepEqual(processEndpoint("deluge", "deluge://[::1]:58846"), {
      kind: "tcp",
      port: 58846,
    });
    assert.deepEqual(processEndpoint("rtorrent", "scgi://127.0.0.1:5000"), {
      kind: "tcp",
      port: 5000,
      comm: "rtorrent",
    });
  });

  it("finds rTorrent on a unix socket by its path, and behind a web server by its PID only", () => {
    assert.deepEqual(processEndpoint("rtorrent", "scgi:///run/rt/rpc.sock"), {
      kind: "unix",
      path: "/run/rt/rpc.sock",
      comm: "rtorrent",
    });
    assert.deepEqual(processEndpoint("rtorrent", "https://127.0.0.1/RPC2"), {
      kind: "pid",
      comm: "rtorrent",
    });
  });

  it("does not look for a remote client, nor for deluged behind deluge-web", () => {
    assert.equal(processEndpoint("qbittorrent", "http://192.0.2.7:8080/"), undefined);
    assert.equal(processEndpoint("deluge", "http://127.0.0.1:8112/"), undefined);
  });
});

describe("ClientProcess", () => {
  it("finds this very process by the port it listens on, and reads what /proc says of it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const finder = new ClientProcess({ kind: "tcp", port });
      const before = process.cpuUsage();
      const figures = await finder.sample();
      const after = process.cpuUsage();
      assert.ok(figures !== undefined);
      assert.equal(figures.pid, process.pid);
      const low = (before.user + before.system) / 1e6 - 0.02;
      const high = (after.user + after.system) / 1e6 + 0.02;
      assert.ok(
        figures.cpuSeconds >= low && figures.cpuSeconds <= high,
        String(figures.cpuSeconds),
      );
      const rss = process.memoryUsage().rss;
      assert.ok(
        Math.abs(figures.residentBytes - rss) / rss < 0.1,
        `${figures.residentBytes} vs ${rss}`,
      );
      assert.ok(figures.virtualBytes >= figures.residentBytes);
      const started = Date.now() / 1000 - process.uptime();
      assert.ok(Math.abs(figures.startTimeSeconds - started) < 2, String(figures.startTimeSeconds));
      // A second sample reads the known process again, without a search.
      assert.equal((await finder.sample())?.pid, process.pid);
    } finally {
      server.close();
    }
  });

  it("finds nothing on a port no one listens on", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    assert.equal(await new ClientProcess({ kind: "tcp", port }).sample(), undefined);
  });

  it("takes a reused PID for another process and searches again", async () => {
    const root = join(tmpdir(), `seedwatch-proc-${process.pid}-${Date.now()}`);
    const stat = (pid: number, start: number, comm = "rtorrent") =>
      `${pid} (${comm}) S 1 1 1 0 -1 0 0 0 0 0 300 100 0 0 20 0 1 0 ${start} 9000000 10 18446744073709551615 0 0\n`;
    const status = "Name:\tx\nVmSize:\t 8000 kB\nVmRSS:\t 2000 kB\n";
    const proc = async (pid: number, start: number, comm?: string) => {
      await mkdir(join(root, String(pid), "fd"), { recursive: true });
      await writeFile(join(root, String(pid), "stat"), stat(pid, start, comm));
      await writeFile(join(root, String(pid), "status"), status);
    };
    try {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, "stat"), "cpu  1 2 3 4 5 6 7 8 0 0\nbtime 1700000000\n");
      await proc(42, 5000);
      const finder = new ClientProcess({ kind: "pid", comm: "rtorrent" }, { procRoot: root });
      assert.deepEqual(await finder.sample(42), {
        pid: 42,
        cpuSeconds: 4,
        residentBytes: 2000 * 1024,
        virtualBytes: 8000 * 1024,
        startTimeSeconds: 1700000050,
      });
      // The client exits; another program gets PID 42: its start time gives it away.
      await proc(42, 9000, "bash");
      assert.equal(await finder.sample(42), undefined);
      // rTorrent restarted as PID 77 and says so.
      await proc(77, 9100);
      assert.equal((await finder.sample(77))?.startTimeSeconds, 1700000091);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("takes another user's rTorrent by the PID it gives and its name, when its descriptors are closed to us", async () => {
    const root = join(tmpdir(), `seedwatch-proc-other-${process.pid}-${Date.now()}`);
    try {
      await mkdir(join(root, "net"), { recursive: true });
      await writeFile(join(root, "stat"), "cpu  1 2 3 4 5 6 7 8 0 0\nbtime 1700000000\n");
      await writeFile(
        join(root, "net", "tcp"),
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
          "   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 777 1 0 100 0 0 10 0\n",
      );
      for (const [pid, comm] of [
        [20, "rtorrent main"],
        [21, "bash"],
      ] as const) {
        await mkdir(join(root, String(pid)), { recursive: true });
        // Stands for a descriptor table we may not list (EACCES as another user; ENOTDIR here).
        await writeFile(join(root, String(pid), "fd"), "");
        await writeFile(
          join(root, String(pid), "stat"),
          `${pid} (${comm}) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 100 9000 10 0 0 0\n`,
        );
        await writeFile(join(root, String(pid), "status"), "VmSize:\t 10 kB\nVmRSS:\t 5 kB\n");
      }
      const rtorrent = { kind: "tcp", port: 5000, comm: "rtorrent" } as const;
      assert.equal((await new ClientProcess(rtorrent, { procRoot: root }).sample(20))?.pid, 20);
      // A PID naming something else (another PID namespace's number) is refused.
      assert.equal(await new ClientProcess(rtorrent, { procRoot: root }).sample(21), undefined);
      // Without a name to check by, a socket nobody readable holds finds nothing.
      const plain = { kind: "tcp", port: 5000 } as const;
      assert.equal(await new ClientProcess(plain, { procRoot: root }).sample(20), undefined);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("finds the holder of a listening socket among the processes of a fake /proc", async () => {
    const root = join(tmpdir(), `seedwatch-proc-fd-${process.pid}-${Date.now()}`);
    try {
      await mkdir(join(root, "net"), { recursive: true });
      await writeFile(join(root, "stat"), "cpu  1 2 3 4 5 6 7 8 0 0\nbtime 1700000000\n");
      await writeFile(
        join(root, "net", "tcp"),
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
          "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 555 1 0 100 0 0 10 0\n",
      );
      for (const [pid, socket] of [
        [10, "socket:[123]"],
        [11, "socket:[555]"],
      ] as const) {
        await mkdir(join(root, String(pid), "fd"), { recursive: true });
        await symlink(socket, join(root, String(pid), "fd", "3"));
        await writeFile(
          join(root, String(pid), "stat"),
          `${pid} (qbittorrent-nox) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 100 9000 10 0 0 0\n`,
        );
        await writeFile(join(root, String(pid), "status"), "VmSize:\t 10 kB\nVmRSS:\t 5 kB\n");
      }
      const finder = new ClientProcess({ kind: "tcp", port: 8080 }, { procRoot: root });
      assert.equal((await finder.sample())?.pid, 11);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
