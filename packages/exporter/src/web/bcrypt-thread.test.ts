import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { compareSync, hash } from "bcryptjs";
import { BcryptThread, BcryptThreadError } from "./bcrypt-thread.ts";

describe("BcryptThread", () => {
  it("compares and hashes like bcryptjs", async (t) => {
    const thread = new BcryptThread();
    t.after(() => thread.close());
    const hashed = await hash("wonderland", 4);
    assert.equal(await thread.compare("wonderland", hashed), true);
    assert.equal(await thread.compare("looking-glass", hashed), false);
    assert.equal(await thread.compare("wonderland", "not a hash"), false);
    const made = await thread.hash("builder", 5);
    assert.match(made, /^\$2b\$05\$/);
    assert.equal(compareSync("builder", made), true);
  });

  it("runs bcrypt on another thread: the event loop's thread spends next to no CPU on it", async (t) => {
    const thread = new BcryptThread();
    t.after(() => thread.close());
    // Cost 13: about half a second of CPU in bcryptjs, far more than posting two messages costs.
    const hashed = await thread.hash("wonderland", 13);
    const mainBefore = process.threadCpuUsage();
    const allBefore = process.cpuUsage();
    assert.equal(await thread.compare("wonderland", hashed), true);
    const main = process.threadCpuUsage(mainBefore);
    const all = process.cpuUsage(allBefore);
    const mainUs = main.user + main.system;
    const allUs = all.user + all.system;
    // Ratios of CPU time, not wall-clock thresholds: bcrypt on this thread would make them equal.
    assert.ok(
      mainUs * 5 < allUs,
      `event-loop thread ${mainUs} µs of ${allUs} µs CPU during the compare`,
    );
  });

  it("runs tasks one at a time, in order, and skips those nobody waits for any more", async (t) => {
    const thread = new BcryptThread();
    t.after(() => thread.close());
    const hashed = await hash("x", 4);
    const order: string[] = [];
    let asked = 0;
    const answers = await Promise.all([
      thread.compare("x", hashed).then((ok) => order.push(`a:${ok}`)),
      thread
        .compare("x", hashed, () => {
          asked += 1;
          return false;
        })
        .then((ok) => order.push(`b:${ok}`)),
      thread.compare("y", hashed).then((ok) => order.push(`c:${ok}`)),
    ]);
    assert.equal(answers.length, 3);
    assert.deepEqual(order, ["a:true", "b:false", "c:false"]);
    assert.equal(asked, 1);
    assert.equal(thread.pending, 0);
  });

  it("stops its worker when idle and starts it again for the next task", async (t) => {
    const thread = new BcryptThread({ idleMs: 10 });
    t.after(() => thread.close());
    const hashed = await hash("x", 4);
    assert.equal(thread.started, false);
    assert.equal(await thread.compare("x", hashed), true);
    assert.equal(thread.started, true);
    for (let i = 0; i < 500 && thread.started; i += 1) await sleep(10);
    assert.equal(thread.started, false);
    assert.equal(await thread.compare("x", hashed), true);
  });

  it("fails waiting and later tasks once closed", async () => {
    const thread = new BcryptThread();
    const hashed = await hash("x", 4);
    const waiting = [thread.compare("x", hashed), thread.compare("x", hashed)].map((task) =>
      assert.rejects(task, BcryptThreadError),
    );
    await thread.close();
    await Promise.all(waiting);
    await assert.rejects(thread.compare("x", hashed), BcryptThreadError);
  });
});
