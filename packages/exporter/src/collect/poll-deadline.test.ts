import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { PollDeadline, syncLimit } from "./poll-deadline.ts";

const SECOND = 1000;

describe("PollDeadline", () => {
  let clock = 0;
  let bytes = 0;
  const advance = (ms: number) => {
    clock += ms;
    mock.timers.tick(ms);
  };
  const deadline = (limit: number | undefined, onExtended?: () => void) =>
    new PollDeadline({
      now: () => clock,
      timeout: 10 * SECOND,
      limit,
      bytes: () => bytes,
      ...(onExtended ? { onExtended } : {}),
    });

  beforeEach(() => {
    clock = 1_000_000;
    bytes = 0;
    mock.timers.enable({ apis: ["setTimeout"] });
  });
  afterEach(() => mock.timers.reset());

  it("gives a sync at least 5 minutes, or 30 poll timeouts", () => {
    assert.equal(syncLimit(10 * SECOND), 300 * SECOND);
    assert.equal(syncLimit(60 * SECOND), 1800 * SECOND);
  });

  // A target driven by a clock that a test (or a stalled time source) does not move: the poll
  // still ends once its timeout has passed on the timer.
  it("ends a poll by its timer when the injected clock stands still", () => {
    const steady = deadline(undefined);
    const sync = deadline(syncLimit(10 * SECOND));
    mock.timers.tick(10 * SECOND);
    assert.equal(steady.signal.aborted, true);
    assert.equal(steady.expired, "no answer within 10 s");
    assert.equal(sync.signal.aborted, true, "a sync where nothing arrives ends too");
  });

  it("ends a steady poll at the timeout, whatever arrives", () => {
    const d = deadline(undefined);
    advance(9 * SECOND);
    bytes += 1000;
    d.progress();
    assert.equal(d.signal.aborted, false);
    advance(1 * SECOND);
    assert.equal(d.signal.aborted, true);
    assert.equal((d.signal.reason as Error).name, "TimeoutError");
    assert.equal(d.expired, "no answer within 10 s");
  });

  it("lets a sync run past the timeout while bytes arrive, and says so once", () => {
    let extended = 0;
    const d = deadline(syncLimit(10 * SECOND), () => extended++);
    for (let s = 0; s < 60; s++) {
      bytes += 64 * 1024;
      advance(SECOND);
    }
    assert.equal(d.signal.aborted, false, "60 s of streaming is not a timeout");
    assert.equal(extended, 1);
    assert.equal(d.extended, true);
    d.dispose();
  });

  it("lets a sync run past the timeout while rows are reported", () => {
    const d = deadline(syncLimit(10 * SECOND));
    for (let s = 0; s < 30; s++) {
      clock += SECOND;
      d.progress();
    }
    assert.equal(d.signal.aborted, false);
    assert.equal(d.progressed, true);
    d.dispose();
  });

  it("ends a sync that goes silent for a whole timeout", () => {
    const d = deadline(syncLimit(10 * SECOND));
    for (let s = 0; s < 20; s++) {
      bytes += 1000;
      advance(SECOND);
    }
    assert.equal(d.signal.aborted, false);
    advance(19 * SECOND);
    assert.equal(d.signal.aborted, true);
    assert.equal(d.expired, "sync stalled: nothing arrived for 10 s");
  });

  it("ends a sync that never answers at the plain timeout", () => {
    const d = deadline(syncLimit(10 * SECOND));
    advance(10 * SECOND);
    assert.equal(d.signal.aborted, true);
    assert.equal(d.expired, "no answer within 10 s");
    assert.equal(d.progressed, false);
  });

  it("ends a sync at its limit even while data arrives", () => {
    const d = deadline(syncLimit(10 * SECOND));
    for (let s = 0; s < 299; s++) {
      bytes += 1000;
      advance(SECOND);
    }
    assert.equal(d.signal.aborted, false);
    bytes += 1000;
    advance(SECOND);
    assert.equal(d.signal.aborted, true);
    assert.equal(d.expired, "sync still running after its limit of 300 s");
  });

  it("does nothing once disposed", () => {
    const d = deadline(undefined);
    d.dispose();
    advance(60 * SECOND);
    d.progress();
    assert.equal(d.signal.aborted, false);
  });
});
