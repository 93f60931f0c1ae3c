import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { tempDir } from "@seedwatch/testbed";
import { seriesExpression } from "./promql.ts";
import { SERIES } from "./series.ts";

const OPTIONS = { selector: 'job="seedwatch"', rateWindowSeconds: 60 };

function expression(name: string): string {
  const series = SERIES.find((s) => s.name === name);
  assert.ok(series !== undefined, name);
  const expr = seriesExpression({ series, target: "box", tracker: null, path: null }, OPTIONS);
  assert.ok(expr !== undefined, name);
  return expr;
}

describe("PromQL of the history's torrent classes, evaluated by Prometheus (promtool)", () => {
  let dir: { path: string; remove(): Promise<void> };
  before(async () => {
    dir = await tempDir("promql");
  });
  after(() => dir.remove());

  it("counts paused torrents as stopped whatever the status label's language, the rest as started", async () => {
    // Two targets of one daemon: one writes English status names, the other pt-exporter's
    // Chinese (compat.status_language: zh); `name` picks one, so each is asked for in turn.
    const series = (name: string, status: string, value: number) =>
      `      - series: 'pt_torrents_count{job="seedwatch", instance="sw:8742", name="${name}", status="${status}", tracker="t", category=""}'\n        values: "${value}x5"\n`;
    const cases = [
      ["box", { stopped: 3, started: 7, total: 10 }],
      ["zh", { stopped: 4, started: 9, total: 13 }],
    ] as const;
    const tests = cases
      .map(([name, want]) =>
        (["stopped", "started", "total"] as const)
          .map(
            (cls) =>
              `      - expr: '${expression(`torrents_${cls}`).replaceAll('name="box"', `name="${name}"`)}'\n        eval_time: 2m\n        exp_samples:\n          - value: ${want[cls]}\n`,
          )
          .join(""),
      )
      .join("");
    const file = join(dir.path, "promql.test.yml");
    await writeFile(
      file,
      "rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n" +
        series("box", "Paused", 3) +
        series("box", "Uploading", 5) +
        series("box", "Stalled", 2) +
        series("zh", "暂停", 4) +
        series("zh", "上传中", 6) +
        series("zh", "等待", 3) +
        `    promql_expr_test:\n${tests}`,
    );
    const { stdout, stderr } = await promisify(execFile)("promtool", ["test", "rules", file], {
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) =>
      assert.fail(`${error.message}\n${error.stdout ?? ""}${error.stderr ?? ""}`),
    );
    assert.match(`${stdout}${stderr}`, /SUCCESS/);
  });
});
