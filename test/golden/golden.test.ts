import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import { assertGolden } from "./golden-file.ts";
import { GOLDEN_CLIENTS, type GoldenClient } from "./golden-target.ts";
import { FIXTURES, replayAndRender } from "./replay-recording.ts";

// Each client's recorded answers (record-<client>.ts, run by hand against the real daemon)
// replayed through the real source, table and collector: the exposition must be the committed
// fixtures/<client>.prom line for line. After an intended change of the output:
//   UPDATE_GOLDEN=1 node --test test/golden/golden.test.ts
describe("golden expositions from recorded client answers", () => {
  for (const client of Object.keys(GOLDEN_CLIENTS) as GoldenClient[]) {
    it(`${client}: renders fixtures/${client}.prom exactly, promtool-clean`, async (t) => {
      t.mock.timers.enable({ apis: ["Date"] });
      const text = await replayAndRender(client, { set: (ms) => t.mock.timers.setTime(ms) });
      await assertGolden(text, join(FIXTURES, `${client}.prom`));
      await assertPromtoolClean(text);
    });
  }

  it("the recordings hold placeholders, never a passkey or session of the recording run", async () => {
    for (const client of Object.keys(GOLDEN_CLIENTS)) {
      const dir = join(FIXTURES, client);
      for (const file of await readdir(dir)) {
        const text = (await readFile(join(dir, file))).toString("latin1");
        for (const [, value] of text.matchAll(/passkey=([A-Za-z0-9]*)/g))
          assert.match(value ?? "", /^PASSKEY0*$/, `${client}/${file}`);
        for (const [, value] of text.matchAll(/SID=([^;"]*)/g))
          assert.match(value ?? "", /^(SESSION0*)?$/, `${client}/${file}`);
        assert.doesNotMatch(
          text,
          /seedwatch-[a-z-]+-(?!XXXXXX)[A-Za-z0-9]{6}\//,
          `${client}/${file}`,
        );
      }
    }
  });
});
