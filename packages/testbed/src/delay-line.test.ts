// Tests of DelayLine: in order, never early, and nothing left behind by clear().

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DelayLine } from "./delay-line.ts";

describe("DelayLine", () => {
  it("runs actions in order, each at least ms after it was queued", async () => {
    const line = new DelayLine(50);
    const ran: Array<{ name: string; late: number }> = [];
    const done = new Promise<void>((resolve) => {
      const queue = (name: string, last = false) => {
        const at = performance.now();
        line.push(() => {
          ran.push({ name, late: performance.now() - at });
          if (last) resolve();
        });
      };
      queue("a");
      queue("b");
      setTimeout(() => queue("c", true), 20);
    });
    await done;
    assert.deepEqual(
      ran.map((r) => r.name),
      ["a", "b", "c"],
    );
    for (const r of ran) assert.ok(r.late >= 50, `${r.name} ran ${r.late} ms after it was queued`);
  });

  it("drops what is left on clear(), timer included", async () => {
    const line = new DelayLine(60_000);
    let ran = false;
    line.push(() => {
      ran = true;
    });
    line.clear();
    assert.equal(ran, false);
    // The test process ends by itself only if no timer is left.
  });
});
