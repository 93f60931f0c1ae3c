import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Interner } from "./interner.ts";

describe("Interner", () => {
  it("keeps one instance per string and per list, and hosts of URLs without passkeys", () => {
    const names = new Interner();
    const a = ["x", "y"].join("");
    const b = ["xy"].join("");
    assert.equal(names.string(a), names.string(b));
    const list = names.list(["a", "b"]);
    assert.equal(names.list(["a", "b"]), list);
    assert.ok(Object.isFrozen(list));
    assert.equal(names.list([]).length, 0);
    assert.equal(names.host("https://t.example.org:443/announce?passkey=SECRET"), "t.example.org");
    assert.equal(names.host("not a url"), "");
  });
});
