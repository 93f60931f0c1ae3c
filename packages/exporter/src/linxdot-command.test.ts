// Tests of `seedwatch linxdot`: options and environment variables, and a run in process against the Linxdot device SIMULATOR.

import assert from "node:assert/strict";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { startLinxdotSimulator } from "@seedwatch/testbed/linxdot-simulator";
import { type LinxdotOptions, parseLinxdotArgs, runLinxdot } from "./linxdot-command.ts";

const ENV = { MINER_HOST: "192.168.1.20", MINER_USERNAME: "admin", MINER_PASSWORD: "pw" };

function options(argv: readonly string[], env: NodeJS.ProcessEnv = ENV): LinxdotOptions {
  const parsed = parseLinxdotArgs(argv, env);
  assert.equal(parsed.kind, "run", parsed.kind === "error" ? parsed.message : "");
  return (parsed as { options: LinxdotOptions }).options;
}

function error(argv: readonly string[], env: NodeJS.ProcessEnv): { message: string; code: number } {
  const parsed = parseLinxdotArgs(argv, env);
  assert.equal(parsed.kind, "error");
  return parsed as { message: string; code: number };
}

describe("seedwatch linxdot: options", () => {
  it("takes everything from linxdot_exporter's environment variables, with its defaults", () => {
    const o = options([]);
    assert.equal(o.url, "http://192.168.1.20/");
    assert.equal(o.name, "192.168.1.20");
    assert.equal(o.username, "admin");
    assert.equal(o.password.reveal(), "pw");
    assert.equal(String(o.password), "<secret>");
    assert.equal(o.plainCredentials, false);
    assert.equal(o.debug, false);
    assert.equal(o.refreshSeconds, 60);
    assert.equal(o.port, 8061);
    assert.equal(o.address, undefined);
    assert.equal(o.logFile, undefined);
    const all = options([], {
      ...ENV,
      PLAIN_CREDENTIALS: "True",
      EXPORTER_DEBUG: "1",
      EXPORTER_REFRESH: "300",
      EXPORTER_PORT: "9061",
      EXPORTER_ADDRESS: "127.0.0.1",
      LOG_FILE: "/var/log/linxdot.log",
    });
    assert.deepEqual(
      [all.plainCredentials, all.debug, all.refreshSeconds, all.port, all.address, all.logFile],
      [true, true, 300, 9061, "127.0.0.1", "/var/log/linxdot.log"],
    );
  });

  it("lets linxdot_exporter's short and long options win over the environment", () => {
    const short = options(
      [
        "-o",
        "10.0.0.9:8080",
        "-u",
        "root",
        "-p",
        "secret",
        "-a",
        "-d",
        "-r",
        "30",
        "-t",
        "9000",
        "-f",
        "x.log",
      ],
      { ...ENV, PLAIN_CREDENTIALS: "0", EXPORTER_DEBUG: "no", EXPORTER_PORT: "1" },
    );
    assert.deepEqual(
      [short.url, short.name, short.username, short.password.reveal(), short.plainCredentials],
      ["http://10.0.0.9:8080/", "10.0.0.9:8080", "root", "secret", true],
    );
    assert.deepEqual(
      [short.debug, short.refreshSeconds, short.port, short.logFile],
      [true, 30, 9000, "x.log"],
    );
    const long = options([
      "--host=https://miner.lan",
      "--username",
      "u2",
      "--password=p2",
      "--plain_credentials",
      "--debug",
      "--refresh_interval=45",
      "--port=8062",
      "--log_file=y.log",
      "--address=::1",
    ]);
    assert.deepEqual(
      [
        long.url,
        long.name,
        long.username,
        long.refreshSeconds,
        long.port,
        long.logFile,
        long.address,
      ],
      ["https://miner.lan/", "miner.lan", "u2", 45, 8062, "y.log", "::1"],
    );
  });

  it("says which required option is missing (empty variables count as missing), exit code 1", () => {
    const missing = error([], { MINER_HOST: "h", MINER_USERNAME: "" });
    assert.equal(missing.code, 1);
    assert.equal(
      missing.message,
      "Required arguments or environment variables: HOST, USERNAME and PASSWORD (missing: -u/--username or MINER_USERNAME, -p/--password or MINER_PASSWORD)",
    );
    assert.match(
      error(["-u", "a", "-p", "b"], {}).message,
      /\(missing: -o\/--host or MINER_HOST\)$/,
    );
  });

  it("names what it expected for every bad value, and never echoes the password", () => {
    const bad = error([], {
      ...ENV,
      MINER_PASSWORD: "hunter2",
      EXPORTER_REFRESH: "1m",
      EXPORTER_PORT: "70000",
      PLAIN_CREDENTIALS: "maybe",
    });
    assert.equal(bad.code, 2);
    assert.equal(
      bad.message,
      [
        'PLAIN_CREDENTIALS: expected 1, true, yes or on (or 0, false, no, off); got "maybe"',
        '-r/--refresh_interval (EXPORTER_REFRESH): expected a whole number from 1 to 604800; got "1m"',
        '-t/--port (EXPORTER_PORT): expected a whole number from 1 to 65535; got "70000"',
      ].join("\n"),
    );
    assert.match(
      error(["-o", "ftp://miner"], ENV).message,
      /^-o\/--host \(MINER_HOST\): expected a host name/,
    );
    assert.match(error(["-o", "miner/x?y=1"], ENV).message, /expected a host name/);
    const inUrl = error(["-o", "http://admin:hunter2@miner"], ENV).message;
    assert.match(inUrl, /put credentials in -u\/-p/);
    assert.ok(!inUrl.includes("hunter2"));
    assert.equal(error(["--nope"], ENV).code, 2);
    assert.equal(error(["extra"], ENV).code, 2);
  });
});

describe("seedwatch linxdot: running in process against the Linxdot device SIMULATOR", {
  timeout: 60_000,
}, () => {
  const io = (env: NodeJS.ProcessEnv, stopSignal: Promise<unknown>) => {
    let err = "";
    let out = "";
    return {
      io: { out: (t: string) => (out += t), err: (t: string) => (err += t), env, stopSignal },
      err: () => err,
      out: () => out,
    };
  };

  it("prints help, the version, and the missing-option message with the right exit codes", async () => {
    const help = io({}, Promise.resolve());
    assert.equal(await runLinxdot(["--help"], help.io), 0);
    assert.match(help.out(), /^usage: seedwatch linxdot \[-h\] \[-f LOG_FILE\] \[-o HOST\]/);
    for (const flag of [
      "-f, --log_file",
      "-o, --host",
      "-u, --username",
      "-p, --password",
      "-a, --plain_credentials",
      "-d, --debug",
      "-r, --refresh_interval",
      "-t, --port",
    ])
      assert.ok(help.out().includes(flag), flag);
    for (const variable of [
      "LOG_FILE",
      "MINER_HOST",
      "MINER_USERNAME",
      "MINER_PASSWORD",
      "PLAIN_CREDENTIALS",
      "EXPORTER_DEBUG",
      "EXPORTER_REFRESH",
      "EXPORTER_PORT",
    ])
      assert.ok(help.out().includes(`(${variable}`), variable);
    const version = io({}, Promise.resolve());
    assert.equal(await runLinxdot(["--version"], version.io), 0);
    assert.match(version.out(), /^seedwatch linxdot \d+\.\d+\.\d+ /);
    const missing = io({}, Promise.resolve());
    assert.equal(await runLinxdot([], missing.io), 1);
    assert.match(
      missing.err(),
      /^seedwatch linxdot: Required arguments or environment variables: HOST, USERNAME and PASSWORD/,
    );
  });

  it("serves the miner, logs to the log file when asked, and stops on the signal", async () => {
    const sim = await startLinxdotSimulator();
    const dir = await tempDir("linxdot-command");
    try {
      const port = await freePort();
      const logFile = join(dir.path, "exporter.log");
      let stop = () => {};
      const run = io(
        {
          MINER_HOST: sim.host,
          MINER_USERNAME: "admin",
          MINER_PASSWORD: "sim-password",
          EXPORTER_PORT: String(port),
          EXPORTER_ADDRESS: "127.0.0.1",
          EXPORTER_DEBUG: "true",
          LOG_FILE: logFile,
        },
        new Promise<void>((resolve) => {
          stop = resolve;
        }),
      );
      const exited = runLinxdot([], run.io);
      const body = await waitFor("the miner to be up", async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return text.includes(`miner_up{name="${sim.host}"} 1`) ? text : undefined;
      });
      assert.match(body, new RegExp(`^miner_sto_usage\\{name="${sim.host}"\\} 39\\.822$`, "m"));
      assert.equal((await fetch(`http://127.0.0.1:${port}/-/healthy`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/nothing`)).status, 404);
      stop();
      assert.equal(await exited, 0);
      assert.equal(run.err(), "");
      const log = await readFile(logFile, "utf8");
      assert.match(
        log,
        /level=info msg=listening address=127\.0\.0\.1:\d+ miner=http:\/\/127\.0\.0\.1:\d+\/ refresh_s=60/,
      );
      assert.match(log, /level=debug msg="asked the miner"/);
      assert.match(log, /msg="shutting down"/);
      assert.ok(!log.includes("sim-password"));
    } finally {
      await sim.close();
      await dir.remove();
    }
  });

  it("exits 1 with a clear line when the log file cannot be opened or the port is taken", async () => {
    const dir = await tempDir("linxdot-command");
    const blocker = createServer().listen(0, "127.0.0.1");
    await once(blocker, "listening");
    try {
      const env = { ...ENV, EXPORTER_ADDRESS: "127.0.0.1" };
      const noDir = io({ ...env, LOG_FILE: join(dir.path, "missing", "x.log") }, Promise.resolve());
      assert.equal(await runLinxdot([], noDir.io), 1);
      assert.match(
        noDir.err(),
        /^seedwatch linxdot: cannot open the log file .*x\.log \(ENOENT\)\n$/,
      );
      const taken = (blocker.address() as { port: number }).port;
      const busy = io({ ...env, EXPORTER_PORT: String(taken) }, new Promise(() => {}));
      assert.equal(await runLinxdot([], busy.io), 1);
      assert.match(
        busy.err(),
        /level=error msg="cannot listen" address=127\.0\.0\.1:\d+ err=EADDRINUSE/,
      );
    } finally {
      blocker.close();
      await dir.remove();
    }
  });
});
