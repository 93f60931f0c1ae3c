// Tests of RowMemo: a row matches its torrent's row of the last pass, byte for byte but its last value, and nothing else.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type MemoSlot, RowMemo } from "./row-memo.ts";

const slot = (): MemoSlot => ({ memoPass: -1, memoAt: 0, memoLength: 0 });

/** Keeps `row` (up to the comma before its last value) for `torrent` in the pass begun. */
function keep(memo: RowMemo, torrent: MemoSlot, row: string): void {
  const bytes = Buffer.from(row);
  memo.keep(torrent, bytes, 0, bytes.lastIndexOf(","));
}

function match(memo: RowMemo, torrent: MemoSlot, row: string, at = 0): number {
  return memo.match(torrent, Buffer.from(`${" ".repeat(at)}${row}`), at);
}

describe("RowMemo", () => {
  it("matches a row equal to the last pass's but for its last value, wherever it sits", () => {
    const memo = new RowMemo();
    const a = slot();
    const b = slot();
    memo.begin(false);
    keep(memo, a, '[1,"aa",["tv"],10]');
    keep(memo, b, '[2,"bb",[],10]');
    memo.begin(true);
    assert.equal(match(memo, a, '[1,"aa",["tv"],20]'), 14);
    assert.equal(match(memo, a, '[1,"aa",["tv"],20]', 7), 21);
    assert.equal(match(memo, b, '[2,"bb",[],123456]'), 10);
    for (const other of ['[1,"ab",["tv"],20]', '[1,"aa",["tv","x"],20]', '[1,"aa",["t"],20]']) {
      assert.equal(match(memo, a, other), -1, other);
    }
    assert.equal(match(memo, a, '[1,"aa",["tv"]'), -1, "cut before its last value");
    assert.equal(match(memo, b, '[1,"aa",["tv"],20]'), -1, "another torrent's row");
    assert.equal(match(memo, slot(), '[1,"aa",["tv"],20]'), -1, "nothing kept");
  });

  it("matches only the rows of the pass just before, and only when it is continued", () => {
    const memo = new RowMemo();
    const a = slot();
    memo.begin(false);
    keep(memo, a, "[1,5,10]");
    memo.begin(true);
    assert.equal(match(memo, a, "[1,5,20]"), 4);
    // Not kept in this pass: the next one has nothing to match it with.
    memo.begin(true);
    assert.equal(match(memo, a, "[1,5,30]"), -1);
    keep(memo, a, "[1,5,30]");
    memo.begin(false);
    assert.equal(match(memo, a, "[1,5,40]"), -1, "a pass that does not follow a recent one");
  });

  it("keeps rows past its first room, and all of them", () => {
    const memo = new RowMemo();
    const slots = Array.from({ length: 2000 }, slot);
    const row = (i: number) => `[${i},"${"x".repeat(100)}${i}",7]`;
    memo.begin(false);
    for (const [i, s] of slots.entries()) keep(memo, s, row(i));
    memo.begin(true);
    for (const [i, s] of slots.entries()) {
      assert.equal(match(memo, s, row(i)), row(i).lastIndexOf(","));
    }
  });
});
