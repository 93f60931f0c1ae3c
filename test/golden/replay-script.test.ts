import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Recording } from "./recording.ts";
import { ReplayScript } from "./replay-script.ts";

const RECORDING: Recording = {
  about: "test",
  protocol: "http",
  username: "u",
  password: "p",
  polls: [1000, 2000],
  exchanges: [
    { poll: 0, request: { method: "GET", path: "/a" }, answer: "00-a.txt" },
    { poll: 1, request: { method: "GET", path: "/b" }, answer: "01-b.txt" },
  ],
  answers: [Buffer.from("A"), Buffer.from("B")],
};

describe("ReplayScript", () => {
  it("answers the recorded requests in order, each in its poll", () => {
    const script = new ReplayScript(RECORDING);
    assert.equal(script.match({ method: "GET", path: "/a" })?.answer.toString(), "A");
    script.poll = 1;
    assert.equal(script.match({ method: "GET", path: "/b" })?.answer.toString(), "B");
    script.assertDone();
  });

  it("refuses another request, one asked in another poll, or one more, and says which", () => {
    const other = new ReplayScript(RECORDING);
    assert.equal(other.match({ method: "GET", path: "/b" }), undefined);
    assert.throws(
      () => other.assertDone(),
      /request 0: recorded in poll 0 .*"\/a".*asked in poll 0 .*"\/b"[\s\S]*2 recorded request\(s\) never asked/,
    );

    const early = new ReplayScript(RECORDING);
    early.match({ method: "GET", path: "/a" });
    assert.equal(early.match({ method: "GET", path: "/b" }), undefined, "recorded in poll 1");

    const extra = new ReplayScript(RECORDING);
    extra.match({ method: "GET", path: "/a" });
    extra.poll = 1;
    extra.match({ method: "GET", path: "/b" });
    assert.equal(extra.match({ method: "GET", path: "/c" }), undefined);
    assert.throws(() => extra.assertDone(), /request 2 \(poll 1\) was not recorded/);
  });

  it("fails when recorded requests were never asked", () => {
    const script = new ReplayScript(RECORDING);
    script.match({ method: "GET", path: "/a" });
    assert.throws(() => script.assertDone(), /1 recorded request\(s\) never asked, from .*"\/b"/);
  });
});
