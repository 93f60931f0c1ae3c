// README.zh-CN.md shows only what exists: commands and flags the CLI takes, config keys the schema has, metrics seedwatch exports.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";
import {
  DAEMON_FLAGS,
  DISCOVER_FLAGS,
  HASH_PASSWORD_FLAGS,
  run,
} from "../../packages/exporter/src/cli.ts";
import { parseConfig } from "../../packages/exporter/src/config/load.ts";
import { MIGRATE_FLAGS, runMigrate } from "../../packages/exporter/src/migrate/migrate-command.ts";
import {
  convertPtExporterConfig,
  PT_EXPORTER_CLIENT_KEYS,
  PT_EXPORTER_SETTINGS,
} from "../../packages/exporter/src/migrate/pt-exporter-config.ts";
import { configKeys } from "../../tools/docs/config-reference.ts";
import { seriesNames } from "../../tools/docs/metric-catalog.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const README = readFileSync(join(ROOT, "README.zh-CN.md"), "utf8");
const SCRIPTS = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Flags of each subcommand ("" is the daemon). */
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(DAEMON_FLAGS),
  discover: Object.keys(DISCOVER_FLAGS),
  "hash-password": Object.keys(HASH_PASSWORD_FLAGS),
  migrate: Object.keys(MIGRATE_FLAGS),
  linxdot: ["help"],
};

/** Inline code that looks like a dotted key but names a file. */
const FILE_NAME = /\.(ya?ml|md|db|png|json|ts)$/;

interface Block {
  readonly lang: string;
  readonly text: string;
}

const blocks: Block[] = [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1] as string,
  text: m[2] as string,
}));
const prose = README.replace(/^```\w*\n[\s\S]*?^```$/gm, "");
const inlineCode = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);

/** The names of a command's `--flags` (values cut off). */
function flagNames(args: readonly string[]): string[] {
  return args.filter((a) => a.startsWith("--")).map((a) => a.slice(2).split("=")[0] as string);
}

describe("README.zh-CN.md", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "readme-zh-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("is linked from the first line of README.md", () => {
    const first = readFileSync(join(ROOT, "README.md"), "utf8").split("\n")[0] ?? "";
    assert.match(first, /\]\(README\.zh-CN\.md\)/);
  });

  it("shows only commands that exist, with flags the CLI takes", async () => {
    const commands = blocks
      .filter((b) => b.lang === "sh")
      .flatMap((b) => b.text.split("\n"))
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== "")
      .flatMap((line) => line.split("&&").map((part) => part.replace(/\s*>\s*\S+$/, "").trim()));
    assert.ok(commands.length >= 6, commands.join("\n"));
    for (const command of commands) {
      const [program, ...args] = command.split(/\s+/) as [string, ...string[]];
      if (program === "npm") {
        const [verb, script] = args;
        if (verb === "ci") continue;
        const name = verb === "run" ? (script as string) : (verb as string);
        assert.ok(SCRIPTS[name], `${command}: no npm script ${name}`);
        continue;
      }
      const argv = program === "npx" && args[0] === "seedwatch" ? args.slice(1) : args;
      assert.ok(program === "seedwatch" || (program === "npx" && args[0] === "seedwatch"), command);
      const sub = argv[0] !== undefined && argv[0] in FLAGS && argv[0] !== "" ? argv[0] : "";
      for (const flag of flagNames(argv))
        assert.ok(FLAGS[sub]?.includes(flag), `${command}: ${sub || "seedwatch"} has no --${flag}`);
      // The CLI's own parser accepts the command line (asked for its help, so nothing runs).
      const sink = { out: () => {}, err: (t: string) => assert.fail(`${command}: ${t}`) };
      if (sub === "") assert.equal(await run([...argv, "--help"], sink), 0, command);
      if (sub === "migrate")
        assert.equal(
          await runMigrate([...argv.slice(1), "--help"], { ...sink, env: {} }),
          0,
          command,
        );
    }
  });

  it("shows seedwatch.yml examples that seedwatch accepts as they are", async () => {
    const examples = blocks.filter(
      (b) => b.lang === "yaml" && b.text.startsWith("# seedwatch.yml"),
    );
    assert.ok(examples.length >= 2);
    for (const [i, example] of examples.entries()) {
      const file = join(dir, `seedwatch-${i}.yml`);
      // The files and environment variables an example refers to.
      const env: NodeJS.ProcessEnv = {};
      for (const m of example.text.matchAll(/\$\{([A-Za-z_]\w*)\}/g)) env[m[1] as string] = "x";
      for (const m of example.text.matchAll(/^\s*password_file: (\S+)/gm))
        await writeFile(join(dirname(file), m[1] as string), "secret\n");
      parseConfig(example.text, file, env);
    }
  });

  it("shows pt-exporter configurations with only keys pt-exporter reads", () => {
    const examples = blocks.filter(
      (b) => b.lang === "yaml" && b.text.startsWith("# pt-exporter config.yaml"),
    );
    assert.ok(examples.length >= 1);
    for (const example of examples) {
      const converted = convertPtExporterConfig(example.text, "config.yaml", "zh-CN");
      assert.doesNotMatch(converted, /不是 pt-exporter 的配置项/);
      parseConfig(converted, join(dir, "converted.yml"), {});
      // The README shows the conversion next to it: the same configuration.
      const shown = blocks[blocks.indexOf(example) + 1];
      assert.ok(shown?.text.startsWith("# seedwatch.yml"));
      assert.deepEqual(
        parseConfig(shown?.text ?? "", join(dir, "shown.yml"), {}).redacted,
        parseConfig(converted, join(dir, "converted.yml"), {}).redacted,
      );
    }
  });

  it("shows a prometheus.yml that promtool accepts", async () => {
    const examples = blocks.filter(
      (b) => b.lang === "yaml" && b.text.startsWith("# prometheus.yml"),
    );
    assert.ok(examples.length >= 1);
    for (const [i, example] of examples.entries()) {
      const file = join(dir, `prometheus-${i}.yml`);
      await writeFile(file, example.text);
      await promisify(execFile)("promtool", ["check", "config", file], { timeout: 30_000 });
    }
  });

  it("labels every YAML block with the file it belongs to", () => {
    for (const block of blocks.filter((b) => b.lang === "yaml"))
      assert.match(block.text, /^# (seedwatch\.yml|pt-exporter config\.yaml|prometheus\.yml)\n/);
    for (const block of blocks)
      assert.ok(["sh", "yaml", "promql"].includes(block.lang), block.lang);
  });

  it("names only config keys the schema has, and pt-exporter keys pt-exporter reads", () => {
    const paths = new Set(configKeys().map((k) => k.path));
    const known = (key: string) =>
      paths.has(key) ||
      paths.has(`global.${key}`) ||
      paths.has(`targets[].${key}`) ||
      (key.startsWith("global.") && paths.has(`targets[].${key.slice("global.".length)}`));
    const keys = inlineCode.filter(
      (c) => /^[a-z_]+(\[\])?(\.[a-z_]+(\[\])?)+$/i.test(c) && !FILE_NAME.test(c),
    );
    assert.ok(keys.length >= 20, keys.join(" "));
    for (const key of keys) {
      if (key.startsWith("config."))
        assert.ok(PT_EXPORTER_SETTINGS.has(key.slice("config.".length).toLowerCase()), key);
      else assert.ok(known(key), `no config key ${key}`);
    }
    for (const key of ["max-up-speed", "max-down-speed", "type", "host", "username", "password"])
      assert.ok(PT_EXPORTER_CLIENT_KEYS.has(key));
    for (const flag of inlineCode.filter((c) => c.startsWith("--")))
      assert.ok(
        Object.values(FLAGS).some((flags) => flags.includes(flagNames([flag])[0] as string)),
        flag,
      );
  });

  it("names only metrics seedwatch exports", async () => {
    const known = await seriesNames();
    const inQueries = blocks
      .filter((b) => b.lang === "promql")
      .flatMap((b) =>
        [...b.text.matchAll(/\b(?:pt|seedwatch|downloader)_[a-z0-9_]+/g)].map((m) => m[0]),
      );
    const inText = inlineCode
      .map((c) => c.replace(/\{.*\}$/, ""))
      .filter((c) => /^(pt|seedwatch|downloader)_[a-z0-9_]+$/.test(c));
    assert.ok(inText.length >= 20);
    for (const name of [...inQueries, ...inText]) assert.ok(known.has(name), `no metric ${name}`);
  });

  it("links only to files and headings that exist", () => {
    const headings = new Set(
      [...README.matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] as string)
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s-]/gu, "")
          .replace(/\s/g, "-"),
      ),
    );
    for (const [, target] of README.matchAll(/\]\(([^)]+)\)/g)) {
      const link = target as string;
      if (/^https?:/.test(link)) continue;
      if (link.startsWith("#")) assert.ok(headings.has(link.slice(1)), link);
      else assert.ok(existsSync(join(ROOT, link.split("#")[0] as string)), link);
    }
  });

  it("parses as the YAML it claims to be", () => {
    for (const block of blocks.filter((b) => b.lang === "yaml")) parse(block.text);
  });
});
