// Tests of `seedwatch migrate pt-exporter` through the command line: output, language, help and exit codes.

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { run } from "../cli.ts";
import { parseConfig } from "../config/load.ts";
import { runMigrate } from "./migrate-command.ts";

const CONFIG = `config:
  listen: :9200
  timeout: 5
box1:
  type: qbittorrent
  host: http://127.0.0.1:8080
  username: admin
  password: adminadmin
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
  };
}

describe("seedwatch migrate", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "migrate-"));
    await writeFile(join(dir, "config.yaml"), CONFIG);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("prints a seedwatch.yml that --config.check accepts", async () => {
    const c = capture();
    assert.equal(await run(["migrate", "pt-exporter", join(dir, "config.yaml")], c.io), 0);
    assert.deepEqual(c.err, []);
    const yaml = c.out.join("");
    const config = parseConfig(yaml, join(dir, "seedwatch.yml"), {});
    assert.equal(config.targets[0]?.name, "BOX1");
    const file = join(dir, "seedwatch.yml");
    await writeFile(file, yaml);
    const check = capture();
    assert.equal(await run(["--config.check", `--config.file=${file}`], check.io), 0);
    assert.deepEqual(check.out, [`${file}: configuration is valid\n`]);
  });

  it("writes comments in the language of the locale, or of --lang", async () => {
    const file = join(dir, "config.yaml");
    const zh = capture();
    assert.equal(
      await runMigrate(["pt-exporter", file], { ...zh.io, env: { LANG: "zh_CN.UTF-8" } }),
      0,
    );
    assert.match(zh.out.join(""), /seedwatch 默认监听 :8742/);
    const forced = capture();
    const env = { LC_ALL: "zh_CN.UTF-8" };
    assert.equal(await runMigrate(["pt-exporter", "--lang=en", file], { ...forced.io, env }), 0);
    assert.match(forced.out.join(""), /seedwatch listens on :8742 by default/);
    const posix = capture();
    assert.equal(await runMigrate(["pt-exporter", file], { ...posix.io, env: { LANG: "C" } }), 0);
    assert.match(posix.out.join(""), /seedwatch listens on :8742 by default/);
  });

  it("explains itself with --help, in the locale's language", async () => {
    const en = capture();
    assert.equal(await runMigrate(["--help"], { ...en.io, env: {} }), 0);
    assert.match(
      en.out.join(""),
      /^usage: seedwatch migrate pt-exporter \[--lang=en\|zh-CN\] \[FILE\]/,
    );
    const zh = capture();
    assert.equal(
      await runMigrate(["pt-exporter", "--help"], { ...zh.io, env: { LANG: "zh_CN" } }),
      0,
    );
    assert.match(zh.out.join(""), /^用法：seedwatch migrate pt-exporter/);
    const usage = capture();
    assert.equal(await run(["--help"], usage.io), 0);
    assert.match(
      usage.out.join(""),
      /seedwatch migrate pt-exporter \[--lang=en\|zh-CN\] \[config\.yaml\]/,
    );
  });

  it("answers 2 for a bad command line and 1 for a file it cannot read or convert", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /which exporter\?/],
      [["downloader-exporter"], 2, /cannot migrate from downloader-exporter/],
      [["pt-exporter", "a.yaml", "b.yaml"], 2, /usage:/],
      [["pt-exporter", "--lang=fr"], 2, /--lang must be en or zh-CN/],
      [["pt-exporter", "--bogus"], 2, /Unknown option '--bogus'/],
      [["pt-exporter", join(dir, "missing.yaml")], 1, /cannot read .*missing\.yaml \(ENOENT\)/],
    ];
    for (const [args, code, message] of cases) {
      const c = capture();
      assert.equal(await runMigrate(args, { ...c.io, env: {} }), code, args.join(" "));
      assert.match(c.err.join(""), message);
      assert.deepEqual(c.out, []);
    }
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, 'box:\n  password: "secret-value\n');
    const c = capture();
    assert.equal(await runMigrate(["pt-exporter", bad], { ...c.io, env: {} }), 1);
    assert.match(c.err.join(""), /bad\.yaml:2:\d+: YAML syntax/);
    assert.doesNotMatch(c.err.join(""), /secret-value/);
  });

  it("reads config.yaml in the working directory by default, as pt-exporter does", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const c = capture();
      assert.equal(await runMigrate(["pt-exporter"], { ...c.io, env: {} }), 0);
      assert.match(c.out.join(""), /name: BOX1/);
    } finally {
      process.chdir(cwd);
    }
  });
});
