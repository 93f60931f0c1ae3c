// deploy/prometheus: the alert rules through `promtool check rules` and their unit tests through `promtool test rules`.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "@seedwatch/testbed";
import { parse } from "yaml";

const DIR = fileURLToPath(new URL("../../deploy/prometheus/", import.meta.url));
const RULES = join(DIR, "seedwatch.rules.yml");
const TESTS = readdirSync(join(DIR, "tests"))
  .filter((f) => f.endsWith(".yml"))
  .map((f) => join(DIR, "tests", f));

/** Runs promtool; throws when it is missing (Debian's prometheus package provides it). */
function promtool(args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.env.PROMTOOL ?? "promtool",
      [...args],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        if (failure?.code === "ENOENT") {
          reject(new Error("promtool not found: install Debian's prometheus package"));
          return;
        }
        resolve({
          code: failure === null ? 0 : Number(failure.code ?? 1),
          output: `${stdout}${stderr}`,
        });
      },
    );
  });
}

const alerts = () =>
  (
    parse(readFileSync(RULES, "utf8")) as { groups: Array<{ rules: Array<{ alert: string }> }> }
  ).groups.flatMap((g) => g.rules.map((r) => r.alert));

describe("deploy/prometheus", () => {
  it("seedwatch.rules.yml passes promtool check rules", async () => {
    const { code, output } = await promtool(["check", "rules", RULES]);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  });

  it("has the alerts the issue asks for: target down, tracker errors, free space, ratio stalled, slow scrapes", () => {
    for (const alert of [
      "SeedwatchTargetDown",
      "SeedwatchTrackerErrors",
      "SeedwatchFreeSpaceRunningOut",
      "SeedwatchRatioStalled",
      "SeedwatchScrapeSlow",
    ])
      assert.ok(alerts().includes(alert), alert);
  });

  it("unit-tests every alert with promtool test rules, and every test passes", async () => {
    assert.ok(TESTS.length > 0);
    const tested = new Set(
      TESTS.flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/alertname: (\w+)/g)].map((m) => m[1]),
      ),
    );
    assert.deepEqual(
      alerts().filter((a) => !tested.has(a)),
      [],
    );
    const { code, output } = await promtool(["test", "rules", ...TESTS]);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS/);
  });

  it("prometheus.yml (the compose setup's) passes promtool check config and loads the rules", async () => {
    const { code, output } = await promtool(["check", "config", join(DIR, "prometheus.yml")]);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  });

  describe("the unit tests have teeth", () => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    before(async () => {
      dir = await tempDir("rules");
    });
    after(async () => {
      await dir?.remove();
    });

    it("promtool test rules fails when an expected alert does not fire", async () => {
      copyFileSync(RULES, join(dir.path, "seedwatch.rules.yml"));
      const test = readFileSync(TESTS[0] as string, "utf8")
        .replace("../seedwatch.rules.yml", "seedwatch.rules.yml")
        // SeedwatchTargetDown fires at 10m in the test; ask for it at 5m too.
        .replace(
          "      - eval_time: 5m\n        alertname: SeedwatchTargetDown\n        exp_alerts: []",
          "      - eval_time: 5m\n        alertname: SeedwatchTargetDown\n        exp_alerts:\n          - exp_labels: { severity: warning }",
        );
      assert.match(
        test,
        /eval_time: 5m\n {8}alertname: SeedwatchTargetDown\n {8}exp_alerts:\n {10}- exp_labels/,
      );
      writeFileSync(join(dir.path, "test.yml"), test);
      const { code, output } = await promtool(["test", "rules", join(dir.path, "test.yml")]);
      assert.equal(code, 1, output);
      assert.match(output, /FAILED/);
    });
  });
});
