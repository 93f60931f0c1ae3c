// Tests of the memory of recently-active rows: exact byte comparison by id, one answer back, bounded.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RowMemory } from "./row-memory.ts";

const bytes = (text: string) => Buffer.from(text);

describe("RowMemory", () => {
  it("tells a row the same as its id's row in the answer before, byte for byte", () => {
    const memory = new RowMemory();
    const first = bytes('xx[1,"a",5][2,"b",6]');
    memory.remember(1, first, 2, 11);
    memory.remember(2, first, 11, 20);
    assert.equal(memory.same(1, first, 2, 11), false, "nothing to compare with before endAnswer");
    memory.endAnswer();
    const second = bytes('[2,"b",6],[1,"a",7],[3,"c",0]');
    assert.equal(memory.same(2, second, 0, 9), true);
    assert.equal(memory.same(1, second, 10, 19), false, "one byte differs");
    assert.equal(memory.same(3, second, 20, 29), false, "not in the answer before");
    assert.equal(memory.same(1, second, 0, 9), false, "another id's bytes");
    assert.equal(memory.same(2, bytes('[2,"b",66]'), 0, 10), false, "another length");
    memory.remember(2, second, 0, 9);
    memory.endAnswer();
    assert.equal(memory.same(2, second, 0, 9), true, "kept again");
    assert.equal(memory.same(1, first, 2, 11), false, "two answers back is forgotten");
    memory.clear();
    assert.equal(memory.same(2, second, 0, 9), false, "cleared");
  });

  it("keeps at most 4 MiB of rows an answer; the rest are not remembered", () => {
    const memory = new RowMemory();
    const row = Buffer.alloc(1024 * 1024, 0x20);
    for (let id = 0; id < 6; id++) memory.remember(id, row, 0, row.length);
    memory.endAnswer();
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((id) => memory.same(id, row, 0, row.length)),
      [true, true, true, true, false, false],
    );
  });
});
