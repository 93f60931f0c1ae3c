import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { tempDir, waitFor } from "@seedwatch/testbed";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { hashPassword } from "../../packages/exporter/src/web/hash-password.ts";

const MAIN = new URL("../../packages/exporter/src/main.ts", import.meta.url).pathname;
const run = promisify(execFile);

/** The password of every broken file below; the daemon must never print it. */
const SECRET = "Zq7xE2ePassw0rd";

/** Unquoted passwords that YAML stumbles on, each of which the yaml library's message quoted. */
const HOSTILE = [
  `*${SECRET}`,
  `|${SECRET}`,
  `>${SECRET}`,
  `&${SECRET}`,
  `!${SECRET}`,
  `@${SECRET}`,
  `'${SECRET}`,
  `${SECRET}: x`,
];

/** seedwatch.yml with `password` on line 6, column 15. */
const seedwatchYml = (password: string) =>
  [
    "targets:",
    "  - name: box",
    "    type: deluge",
    "    url: deluge://127.0.0.1:9",
    "    username: u",
    `    password: ${password}`,
    "",
  ].join("\n");

/** web-config.yml with the user's hash on line 2, column 9. */
const webYml = (hash: string) => `basic_auth_users:\n  prom: ${hash}\n`;

/** Everything a finished CLI run printed, and its exit code. */
async function cli(args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe("a password YAML cannot read is never printed", { timeout: 300_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let seedwatch: Seedwatch;
  let webConfig = "";
  let goodHash = "";
  const auth = `Basic ${Buffer.from("prom:web-pass").toString("base64")}`;

  before(async () => {
    dir = await tempDir("config-secrets");
    goodHash = await hashPassword("web-pass", 4);
    webConfig = join(dir.path, "web.yml");
    await writeFile(webConfig, webYml(goodHash));
    // Errors only: each reload failure is then the last line of the log.
    seedwatch = await startSeedwatch(
      seedwatchYml("good-pass"),
      [`--web.config.file=${webConfig}`, "--log.level=error"],
      { auth: "prom:web-pass" },
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await dir?.remove();
  });

  const reload = async () => {
    const res = await fetch(`${seedwatch.url}/-/reload`, {
      method: "POST",
      headers: { authorization: auth },
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.text() };
  };

  /** Waits until the log changed since `from` and its last line matches; returns the log. */
  const logged = (from: string, pattern: RegExp) =>
    waitFor(`a log line matching ${pattern}`, () => {
      const logs = seedwatch.logs();
      const last = logs.trimEnd().split("\n").at(-1) ?? "";
      return logs !== from && pattern.test(last) ? logs : undefined;
    });

  it("seedwatch --config.check says where, not what", async () => {
    const file = join(dir.path, "check.yml");
    for (const password of HOSTILE) {
      await writeFile(file, seedwatchYml(password));
      const { code, output } = await cli([`--config.file=${file}`, "--config.check"]);
      assert.equal(code, 1, output);
      assert.ok(!output.includes(SECRET), `--config.check printed the password:\n${output}`);
      assert.match(output, /check\.yml:[67]:\d+: /, password);
    }
  });

  it("neither the POST /-/reload answer nor the log (reload by POST and by SIGHUP) of seedwatch.yml", async () => {
    for (const password of HOSTILE) {
      await seedwatch.writeConfig(seedwatchYml(password));
      const before = seedwatch.logs();
      const answer = await reload();
      assert.ok(!answer.body.includes(SECRET), `the reload answer printed it:\n${answer.body}`);
      assert.equal(answer.status, 500, answer.body);
      assert.match(answer.body, /^failed to reload config: .*seedwatch\.yml:[67]:\d+: /);
      const log = await logged(before, /configuration reload failed/);
      assert.ok(!log.includes(SECRET), `the log printed it:\n${log}`);

      const beforeHup = seedwatch.logs();
      seedwatch.daemon.signal("SIGHUP");
      const hup = await logged(beforeHup, /configuration reload failed/);
      assert.ok(!hup.includes(SECRET), `the log printed it after SIGHUP:\n${hup}`);
    }
    await seedwatch.writeConfig(seedwatchYml("good-pass"));
    assert.equal((await reload()).status, 200);
  });

  it("nor the log of a web-config.yml reload (by POST and by SIGHUP)", async () => {
    await seedwatch.writeConfig(seedwatchYml("good-pass"));
    for (const hash of HOSTILE) {
      await writeFile(webConfig, webYml(hash));
      const before = seedwatch.logs();
      const answer = await reload();
      assert.ok(!answer.body.includes(SECRET), `the reload answer printed it:\n${answer.body}`);
      // The answer says the web config failed, where, and why, not "Reloaded".
      assert.equal(answer.status, 500);
      assert.match(answer.body, /^failed to reload config: web config: .*web\.yml:[23]:\d+: /);
      const log = await logged(before, /web config reload failed/);
      assert.ok(!log.includes(SECRET), `the log printed it:\n${log}`);
      assert.match(log, /web\.yml:[23]:\d+: /);

      const beforeHup = seedwatch.logs();
      seedwatch.daemon.signal("SIGHUP");
      const hup = await logged(beforeHup, /web config reload failed/);
      assert.ok(!hup.includes(SECRET), `the log printed it after SIGHUP:\n${hup}`);
    }
    // The last good users stayed in force throughout, and a fixed file is taken again.
    await writeFile(webConfig, webYml(goodHash));
    assert.equal((await reload()).status, 200);
  });

  it("nor the log of a start that a broken file stops", async () => {
    const file = join(dir.path, "start.yml");
    const web = join(dir.path, "start-web.yml");
    await writeFile(file, seedwatchYml("good-pass"));
    for (const password of HOSTILE) {
      await writeFile(web, webYml(password));
      const started = await cli([
        `--config.file=${file}`,
        `--web.config.file=${web}`,
        "--web.listen-address=127.0.0.1:0",
      ]);
      assert.equal(started.code, 1, started.output);
      assert.match(started.output, /invalid web configuration/);
      assert.ok(!started.output.includes(SECRET), `the start printed it:\n${started.output}`);
    }
    await writeFile(file, seedwatchYml(HOSTILE[0] as string));
    const started = await cli([`--config.file=${file}`, "--web.listen-address=127.0.0.1:0"]);
    assert.equal(started.code, 1, started.output);
    assert.match(started.output, /invalid configuration/);
    assert.ok(!started.output.includes(SECRET), `the start printed it:\n${started.output}`);
  });
});
