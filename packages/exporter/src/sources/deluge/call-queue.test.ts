// CallQueue: calls run one at a time, in order, through failures, and answers are not kept.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CallQueue } from "./call-queue.ts";

describe("CallQueue", () => {
  it("runs calls one after another in order, a failure not stopping the next", async () => {
    const queue = new CallQueue();
    const log: string[] = [];
    const call =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const a = queue.run(call("a"));
    const b = queue.run(call("b", true));
    const c = queue.run(call("c"));
    assert.equal(await a, "a");
    await assert.rejects(b, /b/);
    assert.equal(await c, "c");
    assert.deepEqual(log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("keeps no answer alive once the caller lets go of it", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const queue = new CallQueue();
    let answer: WeakRef<object> | undefined;
    await queue.run(async () => {
      const big = { torrents: new Array(1000).fill(0) };
      answer = new WeakRef(big);
      return big;
    });
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(answer?.deref(), undefined, "the queue still holds the last answer");
  });
});
