import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { joinChunks } from "./writer.ts";

describe("joinChunks", () => {
  it("joins text and UTF-8 bytes in order", () => {
    const chunks = [
      "# TYPE a gauge\n",
      Buffer.from('a{x="ü日"} 1\n'),
      "b 2\n",
      Buffer.from("c 3\n"),
    ];
    assert.equal(joinChunks(chunks), '# TYPE a gauge\na{x="ü日"} 1\nb 2\nc 3\n');
    assert.equal(joinChunks(["a 1\n", "b 2\n"]), "a 1\nb 2\n");
    assert.equal(joinChunks([]), "");
  });

  it("keeps text that has no UTF-8 form (a lone surrogate) as it is", () => {
    const lone = 'a{x="\ud800"} 1\n';
    assert.equal(joinChunks([lone, Buffer.from("b 2\n")]), `${lone}b 2\n`);
  });
});
